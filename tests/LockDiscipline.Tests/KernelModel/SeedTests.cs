using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace LockDiscipline.Tests.KernelModel
{
    /// <summary>
    /// The product's proof: the fixed model is clean, and each seed's pre-fix variant (SEED_BUGS) yields its diagnostics at the
    /// exact site with the call chain in the message. Sites are in src/KernelModel; see its SEEDS.md.
    /// </summary>
    public class SeedTests
    {
        private static readonly Lazy<Task<System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Diagnostic>>> SeedBuild =
            new(() => KernelModelCompilation.AnalyzeAsync(KernelModelCompilation.Create(seedBugs: true)));

        private static readonly string[] SeedBugSites =
        {
            "LD1006 Iommu/Iommu.cs(360,13)",
            "LD2001 Iommu/Iommu.cs(718,21)",
            "LD1002 Kvm/KvmMain.cs(217,13)",
            "LD1001 Kvm/KvmMain.cs(285,25)",
            "LD1002 Kvm/KvmMain.cs(285,25)",
            "LD1001 Kvm/KvmMain.cs(288,25)",
            "LD1002 Kvm/S390/KvmS390.cs(95,25)",
            "LD1002 Kvm/S390/KvmS390.cs(130,25)",
            "LD1002 Kvm/S390/KvmS390.cs(147,25)",
            "LD1002 Kvm/S390/KvmS390.cs(179,17)",
            "LD1002 Kvm/S390/KvmS390.cs(190,17)",
            "LD1002 Kvm/S390/KvmS390.cs(208,17)",
            "LD1002 Kvm/Vfio/KvmVfio.cs(69,22)",
            "LD1002 Kvm/Vfio/KvmVfio.cs(177,17)",
            "LD1001 Kvm/X86/KvmX86.cs(75,17)",
            "LD1001 Kvm/X86/KvmX86.cs(88,21)",
            "LD1001 Kvm/X86/KvmX86.cs(112,39)",
            "LD1005 Kvm/Xen/KvmXenOps.cs(951,17)",
            "LD2001 Vfio/Vfio.cs(499,13)",
            "LD1002 Vfio/VfioDeviceOpen.cs(297,17)",
            "LD2004 Vfio/VfioDeviceOpen.cs(297,17)",
            "LD1002 VfioAp/VfioApOps.cs(129,13)",
            "LD1002 VfioAp/VfioApOps.cs(174,21)",
            "LD1002 VfioAp/VfioApOps.cs(194,13)",
            "LD1002 VfioAp/VfioApOps.cs(267,17)",
        };

        [Fact]
        public async Task FixedModelIsClean()
        {
            var diagnostics = await KernelModelCompilation.AnalyzeAsync(KernelModelCompilation.Create(seedBugs: false));
            Assert.Empty(diagnostics);
        }

        /// <summary>
        /// Clean with nothing suppressed: every finding the fixed model once paid for is gone by analysis or by what the code
        /// states (the probe error path's <c>Debug.Assert(dev.IommuGroup is null)</c>), not by a <c>#pragma</c>.
        /// </summary>
        [Fact]
        public void FixedModelSuppressesNothing()
        {
            var root = System.IO.Path.Combine(KernelModelCompilation.RepoRoot(), "src", "KernelModel");
            var suppressions = System.IO.Directory.GetFiles(root, "*.cs", System.IO.SearchOption.AllDirectories)
                .Where(f => !f.Contains(System.IO.Path.DirectorySeparatorChar + "obj" + System.IO.Path.DirectorySeparatorChar))
                .SelectMany(f => System.IO.File.ReadAllLines(f).Select((line, i) => (File: System.IO.Path.GetFileName(f), Line: i + 1, Text: line.Trim())))
                .Where(l => l.Text.StartsWith("#pragma warning disable LD", StringComparison.Ordinal) || l.Text.Contains("SuppressMessage(\"LockDiscipline"))
                .Select(l => l.File + ":" + l.Line)
                .ToArray();
            Assert.Empty(suppressions);
        }

        [Fact]
        public async Task SeedBugsReportExactlyTheExpectedSites()
        {
            var diagnostics = await SeedBuild.Value;
            Assert.Equal(SeedBugSites, diagnostics.Select(d => d.Id + " " + KernelModelCompilation.Site(d)).ToArray());
        }

        [Fact]
        public async Task Seed000FinalKvmPutUnderGroupLockNamesTheReleaseChain()
        {
            var d = await Single("LD2004", "Vfio/VfioDeviceOpen.cs(297,17)");
            Assert.Equal("'KvmPutKvm' may drop the final reference while 'device.Group.GroupLock' is held (acquired at VfioDeviceOpen.cs:286), and its release path acquires 'device.Group.GroupLock': KvmPutKvm -> KvmDestroyVm -> KvmDestroyDevices -> Destroy -> KvmVfioFileSetKvm -> VfioFileSetKvm -> group.GroupLock.Lock()", d.GetMessage());
            Assert.Contains(d.AdditionalLocations, l => l.GetLineSpan().Path == "Vfio/VfioDeviceOpen.cs" && l.GetLineSpan().StartLinePosition.Line + 1 == 405);
        }

        [Fact]
        public async Task Seed001UnbindPathLeaksTheGroupReference()
        {
            var d = await Single("LD2001", "Vfio/Vfio.cs(499,13)");
            Assert.Equal("The reference taken by 'VfioGroupGet' is neither dropped nor handed on along a path out of 'VfioDelGroupDev' (when it returns at line 510)", d.GetMessage());
        }

        [Fact]
        public async Task Seed002SynchronizeSrcuUnderKvmLockAndTheOrderViolations()
        {
            var wait = await Single("LD1005", "Kvm/Xen/KvmXenOps.cs(951,17)");
            Assert.Equal("Waiting for readers of 'Kvm.Srcu' while holding 'Kvm.Lock' deadlocks: a read section of 'Kvm.Srcu' acquires 'Kvm.Lock' at KvmX86.cs:75 in KvmArchVcpuIoctlRun via VcpuRun -> VcpuEnterGuest -> KvmEmulateHypercall -> KvmXenHypercall -> KvmXenHcallEvtchnSend -> KvmXenSetEvtchn -> kvm.Lock.Lock()", wait.GetMessage());
            var underVcpu = await Single("LD1001", "Kvm/KvmMain.cs(288,25)");
            Assert.Equal("Lock-order inversion: 'Kvm.Lock' is acquired while 'KvmVcpu.Mutex' is held, but [LockOrder] declares 'Kvm.Lock' outside 'KvmVcpu.Mutex' (via KvmArchVcpuIoctl -> KvmArchVcpuIoctl -> KvmXenVcpuSetAttr -> vcpu.Kvm.Lock.Lock())", underVcpu.GetMessage());
            var underSrcu = await Single("LD1001", "Kvm/X86/KvmX86.cs(112,39)");
            Assert.Equal("Lock-order inversion: 'Kvm.Lock' is acquired while 'Kvm.Srcu' is held, but [LockOrder] declares 'Kvm.Lock' outside 'Kvm.Srcu' (via KvmEmulateHypercall -> KvmXenHypercall -> KvmXenHcallEvtchnSend -> KvmXenSetEvtchn -> kvm.Lock.Lock())", underSrcu.GetMessage());
        }

        [Fact]
        public async Task Seed003ReleaseDeviceWithoutGroupMutexAndGroupReferenceLeak()
        {
            var unheld = await Single("LD1006", "Iommu/Iommu.cs(360,13)");
            Assert.Equal("Calling 'ReleaseDevice' requires holding 'dev.IommuGroup.Mutex'", unheld.GetMessage());
            var leak = await Single("LD2001", "Iommu/Iommu.cs(718,21)");
            Assert.Equal("The reference taken by 'IommuGroupGet' is neither dropped nor handed on along a path out of 'IommuDeviceClaimDmaOwner' (when it returns at line 726)", leak.GetMessage());
        }

        [Fact]
        public async Task Seed004MatrixDevLockKvmLockCycleIsReportedAtEveryEdge()
        {
            var setKvm = await Single("LD1002", "VfioAp/VfioApOps.cs(194,13)");
            Assert.Equal("Lock-order cycle MatrixDev.Lock -> Kvm.Lock -> KvmVcpu.Mutex -> MatrixDev.Lock: 'Kvm.Lock' is acquired while 'MatrixDev.Lock' is held here (via KvmArchCryptoSetMasks -> kvm.Lock.Lock()), and elsewhere 'KvmVcpu.Mutex' is acquired while 'Kvm.Lock' is held at KvmMain.cs:217 in KvmVmIoctlCreateVcpu; 'MatrixDev.Lock' is acquired while 'KvmVcpu.Mutex' is held at KvmMain.cs:285 in KvmVcpuIoctl (via KvmArchVcpuIoctlRun -> KvmArchVcpuIoctlRun -> __VcpuRun -> VcpuPostRun -> KvmHandleSieIntercept -> HandleInstruction -> KvmS390HandleB2 -> HandlePqap -> Hook -> HandlePqap -> MatrixDev.Lock.Lock())", setKvm.GetMessage());
            var vcpuIoctl = await Single("LD1002", "Kvm/KvmMain.cs(285,25)");
            Assert.Equal("Lock-order cycle KvmVcpu.Mutex -> MatrixDev.Lock -> Kvm.Lock -> KvmVcpu.Mutex: 'MatrixDev.Lock' is acquired while 'KvmVcpu.Mutex' is held here (via KvmArchVcpuIoctlRun -> KvmArchVcpuIoctlRun -> __VcpuRun -> VcpuPostRun -> KvmHandleSieIntercept -> HandleInstruction -> KvmS390HandleB2 -> HandlePqap -> Hook -> HandlePqap -> MatrixDev.Lock.Lock()), and elsewhere 'Kvm.Lock' is acquired while 'MatrixDev.Lock' is held at VfioApOps.cs:129 in VfioApMdevUnsetKvm (via KvmArchCryptoClearMasks -> kvm.Lock.Lock()); 'KvmVcpu.Mutex' is acquired while 'Kvm.Lock' is held at KvmMain.cs:217 in KvmVmIoctlCreateVcpu", vcpuIoctl.GetMessage());
            var createVcpu = await Single("LD1002", "Kvm/KvmMain.cs(217,13)");
            Assert.Equal("Lock-order cycle Kvm.Lock -> KvmVcpu.Mutex -> MatrixDev.Lock -> Kvm.Lock: 'KvmVcpu.Mutex' is acquired while 'Kvm.Lock' is held here, and elsewhere 'MatrixDev.Lock' is acquired while 'KvmVcpu.Mutex' is held at KvmMain.cs:285 in KvmVcpuIoctl (via KvmArchVcpuIoctlRun -> KvmArchVcpuIoctlRun -> __VcpuRun -> VcpuPostRun -> KvmHandleSieIntercept -> HandleInstruction -> KvmS390HandleB2 -> HandlePqap -> Hook -> HandlePqap -> MatrixDev.Lock.Lock()); 'Kvm.Lock' is acquired while 'MatrixDev.Lock' is held at VfioApOps.cs:129 in VfioApMdevUnsetKvm (via KvmArchCryptoClearMasks -> kvm.Lock.Lock())", createVcpu.GetMessage());
        }

        [Fact]
        public async Task DiagnosticsDoNotDependOnFileOrder()
        {
            var forward = await SeedBuild.Value;
            var reversed = await KernelModelCompilation.AnalyzeAsync(KernelModelCompilation.Create(seedBugs: true, files => files.Reverse().ToArray()));
            Assert.Equal(Describe(forward), Describe(reversed));

            static string[] Describe(System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Diagnostic> diagnostics)
                => diagnostics.Select(d => d.Id + " " + KernelModelCompilation.Site(d) + " " + d.GetMessage() + " " + string.Join(",", d.AdditionalLocations.Select(l => l.GetLineSpan().ToString())))
                    .OrderBy(s => s, StringComparer.Ordinal).ToArray();
        }

        private static async Task<Microsoft.CodeAnalysis.Diagnostic> Single(string id, string site)
        {
            var diagnostics = await SeedBuild.Value;
            return Assert.Single(diagnostics, d => d.Id == id && KernelModelCompilation.Site(d) == site);
        }
    }
}
