using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1006Tests
    {
        [Fact]
        public Task ReportsRequiresAndExcludesWithInstances()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex Mutex = new Mutex(); }
public class Iommu
{
    [Requires(""g.Mutex"")] void ReleaseDevice(Group g) { }
    void Unheld(Group g) { ReleaseDevice(g); }
    void Held(Group g) { g.Mutex.Lock(); ReleaseDevice(g); g.Mutex.Unlock(); }
    void Other(Group g, Group h) { h.Mutex.Lock(); ReleaseDevice(g); h.Mutex.Unlock(); }
    void Maybe(Group g, bool c) { if (c) g.Mutex.Lock(); ReleaseDevice(g); if (c) g.Mutex.Unlock(); }
    [Requires(""g.Mutex"")] void Caller(Group g) { ReleaseDevice(g); }
    [Excludes(""g.Mutex"")] void NoLock(Group g) { }
    void Excluded(Group g) { g.Mutex.Lock(); NoLock(g); g.Mutex.Unlock(); }
    void ExcludedOk(Group g, Group h) { h.Mutex.Lock(); NoLock(g); h.Mutex.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 7, 28, 7, 44).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 9, 52, 9, 68).WithSpan("File1.cs", 9, 36, 9, 50).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex' (found 'h.Mutex' held instead)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 42, 10, 56).WithMessage("'g.Mutex' is acquired here and is still held on some path out of 'Maybe' (at the end of the method)"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 10, 58, 10, 74).WithSpan("File1.cs", 10, 42, 10, 56).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex' (it is held on some paths only)"),
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 13, 46, 13, 55).WithSpan("File1.cs", 13, 30, 13, 44).WithMessage("Calling 'NoLock' while holding 'g.Mutex', which it excludes (acquired at File1.cs:13)"));

        [Fact]
        public Task HeldOnEveryPathIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex Mutex = new Mutex(); }
public class Iommu
{
    [Requires(""g.Mutex"")] void ReleaseDevice(Group g) { }
    void Held(Group g) { g.Mutex.Lock(); ReleaseDevice(g); g.Mutex.Unlock(); }
    [Requires(""g.Mutex"")] void Caller(Group g) { ReleaseDevice(g); }
    void Local(Group g) { var same = g; same.Mutex.Lock(); ReleaseDevice(g); same.Mutex.Unlock(); }
}
",
                }
);

        [Fact]
        public Task ReportsMissingInstanceStaticMonitorAndExclusiveHolds()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
using Mutex = Prims.Mutex;
public static class Global { public static Mutex Mu = new Mutex(); }
public class Dev
{
    public Mutex Mu = new Mutex(); public object Gate = new object();
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    [Requires(""Mu"")] void Probe() { }
    [Requires(""Global.Mu"")] void Register() { }
    [Requires(""Gate"")] void Touch() { }
    [Requires(""rw"", Shared = true)] void Peek() { }
    [Requires(""rw"")] void Poke() { }
    void NotHeld() { Probe(); }
    void AfterUnlock() { Mu.Lock(); Mu.Unlock(); Probe(); }
    void StaticMissing() { Register(); }
    void AfterLockStatement() { lock (Gate) { } Touch(); }
    void SharedOnly() { rw.EnterReadLock(); Poke(); rw.ExitReadLock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 14, 22, 14, 29).WithMessage("Calling 'Probe' requires holding 'Mu'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 15, 50, 15, 57).WithMessage("Calling 'Probe' requires holding 'Mu'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 16, 28, 16, 38).WithMessage("Calling 'Register' requires holding 'Global.Mu'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 17, 49, 17, 56).WithMessage("Calling 'Touch' requires holding 'Gate'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 18, 45, 18, 51).WithSpan("File1.cs", 18, 25, 18, 43).WithMessage("Calling 'Poke' requires holding 'rw' exclusively (found a shared hold of 'rw')"));

        [Fact]
        public Task HeldOnEveryPathWithEveryLockKindIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
using Mutex = Prims.Mutex;
public static class Global { public static Mutex Mu = new Mutex(); }
public class Dev
{
    public Mutex Mu = new Mutex(); public object Gate = new object();
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    [Requires(""Mu"")] void Probe() { }
    [Requires(""Global.Mu"")] void Register() { }
    [Requires(""Gate"")] void Touch() { }
    [Requires(""rw"", Shared = true)] void Peek() { }
    [Requires(""rw"")] void Poke() { }
    void Held() { Mu.Lock(); Probe(); Mu.Unlock(); }
    void Static() { Global.Mu.Lock(); Register(); Global.Mu.Unlock(); }
    void LockStmt() { lock (Gate) { Touch(); } }
    void MonitorRef() { bool t = false; try { Monitor.Enter(Gate, ref t); Touch(); } finally { if (t) Monitor.Exit(Gate); } }
    void Shared() { rw.EnterReadLock(); Peek(); rw.ExitReadLock(); }
    void Upgradeable() { rw.EnterUpgradeableReadLock(); Peek(); rw.ExitUpgradeableReadLock(); }
    void WriteForShared() { rw.EnterWriteLock(); Peek(); Poke(); rw.ExitWriteLock(); }
    void TryBranch() { if (Mu.TryLock()) { Probe(); Mu.Unlock(); } }
    void TryEarly() { if (!Mu.TryLock()) return; Probe(); Mu.Unlock(); }
    void Finally() { Mu.Lock(); try { Probe(); } finally { Mu.Unlock(); } }
    [Requires(""Mu"")] void Forward() { Probe(); }
}
",
                });

        [Fact]
        public Task ReportsWrongReceiverInstance()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Requires(""Mu"")] public void Probe() { }
    [Requires(""d.Mu"")] public static void Check(Dev d) { }
}
public class Host
{
    Dev dev = new Dev(); Dev spare = new Dev();
    void ReceiverOk(Dev d) { d.Mu.Lock(); d.Probe(); d.Mu.Unlock(); }
    void ReceiverWrong(Dev d, Dev e) { d.Mu.Lock(); e.Probe(); d.Mu.Unlock(); }
    void FieldOk() { dev.Mu.Lock(); dev.Probe(); Dev.Check(dev); dev.Mu.Unlock(); }
    void FieldWrong() { dev.Mu.Lock(); spare.Probe(); Dev.Check(spare); dev.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 13, 53, 13, 62).WithSpan("File1.cs", 13, 40, 13, 51).WithMessage("Calling 'Probe' requires holding 'e.Mu' (found 'd.Mu' held instead)"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 15, 40, 15, 53).WithSpan("File1.cs", 15, 25, 15, 38).WithMessage("Calling 'Probe' requires holding 'spare.Mu' (found 'dev.Mu' held instead)"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 15, 55, 15, 71).WithSpan("File1.cs", 15, 25, 15, 38).WithMessage("Calling 'Check' requires holding 'spare.Mu' (found 'dev.Mu' held instead)"));

        [Fact]
        public Task ReportsRequiresOnInterfaceMethodWithTwoImplementations()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex GroupLock = new Mutex(); }
public class Device { public Group Group = new Group(); }
public interface IDriver { [Requires(""device.Group.GroupLock"")] void Attach(Device device); }
public class DriverA : IDriver { public void Attach(Device device) { } }
public class DriverB : IDriver { public void Attach(Device device) { } }
public class Bus
{
    IDriver driver = new DriverA();
    void Good(Device d) { d.Group.GroupLock.Lock(); driver.Attach(d); d.Group.GroupLock.Unlock(); }
    void WrongDevice(Device d, Device other) { other.Group.GroupLock.Lock(); driver.Attach(d); other.Group.GroupLock.Unlock(); }
    void Missing(Device d) { driver.Attach(d); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 12, 78, 12, 94).WithSpan("File1.cs", 12, 48, 12, 76).WithMessage("Calling 'Attach' requires holding 'd.Group.GroupLock' (found 'other.Group.GroupLock' held instead)"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 13, 30, 13, 46).WithMessage("Calling 'Attach' requires holding 'd.Group.GroupLock'"));

        [Fact]
        public Task ReportsChainedPathRequirementAcrossFiles()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex GroupLock = new Mutex(); }
public class Device { public Group Group = new Group(); }
public class Core
{
    [Requires(""device.Group.GroupLock"")] public static void Attach(Device device) { }
}
",
                    @"public class Bus
{
    void Alias(Device d) { var g = d.Group; g.GroupLock.Lock(); Core.Attach(d); g.GroupLock.Unlock(); }
    void Generic<T>(Device d) { d.Group.GroupLock.Lock(); Core.Attach(d); d.Group.GroupLock.Unlock(); }
    void Missing(Device d) { Step(d); }
    void Step(Device d) { Core.Attach(d); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File2.cs", 6, 27, 6, 41).WithMessage("Calling 'Attach' requires holding 'd.Group.GroupLock'"));

        [Fact]
        public Task RequiresBodyStartsWithTheLockHeld()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Requires(""Mu"")] void Callee() { }
    [Requires(""Mu"")] void Forward() { Callee(); }
    [Requires(""Mu"")] void DropAndRetake() { Mu.Unlock(); Work(); Mu.Lock(); Callee(); }
    [Requires(""Mu"")] void DropThenCall() { Mu.Unlock(); Callee(); Mu.Lock(); }
    void Work() { }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 9, 57, 9, 65).WithMessage("Calling 'Callee' requires holding 'Mu'"));

        [Fact]
        public Task ReportsConstructorRequirement()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Requires(""g.Mu"")] public Dev(Dev g) { }
    public Dev() { }
}
public class Host
{
    Dev d = new Dev();
    void Missing() { var x = new Dev(d); }
    void Held() { d.Mu.Lock(); var x = new Dev(d); d.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 12, 30, 12, 40).WithMessage("Calling 'new Dev' requires holding 'd.Mu'"));

        [Fact]
        public Task ReportsRequiresOnPropertyRead()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Requires(""Mu"")] public int State { get { return 0; } }
}
public class Host
{
    Dev d = new Dev();
    void Missing() { var s = d.State; }
    void Held() { d.Mu.Lock(); var s = d.State; d.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 11, 30, 11, 37).WithMessage("Calling 'State' requires holding 'd.Mu'"));

        [Fact]
        public Task ScopedGuardAcquiresWrapperAndLockThisSatisfyRequires()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[ScopedLock]
public struct Guard : System.IDisposable { public void Dispose() { } }
public class Owner
{
    public Mutex Mu = new Mutex();
    [Acquires(""Mu"")] public Guard Enter() { Mu.Lock(); return new Guard(); }
    [Acquires(""Mu"")] public void LockAll() { Mu.Lock(); }
    [Releases(""Mu"")] public void UnlockAll() { Mu.Unlock(); }
    [Requires(""Mu"")] public void Work() { }
    [Requires(""this"")] public void Self() { }
}
public class Svc
{
    Owner o = new Owner();
    void ViaGuard() { using (o.Enter()) { o.Work(); } }
    void ViaWrapper() { o.LockAll(); o.Work(); o.UnlockAll(); }
    void AfterGuard() { using (o.Enter()) { } o.Work(); }
    void LockThis() { lock (o) { o.Self(); } }
    void NoLockThis() { o.Self(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 19, 47, 19, 55).WithMessage("Calling 'Work' requires holding 'o.Mu'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 21, 25, 21, 33).WithMessage("Calling 'Self' requires holding 'o'"));

        /// <summary>
        /// The kernel's probe error path releases a device that never joined a group: a <c>[Requires]</c> lock reached through a value
        /// known null there (a test, <c>Debug.Assert(x is null)</c>) does not exist. A write after the assertion, or no test at all, still needs it.
        /// </summary>
        [Fact]
        public Task ARequiredLockThroughAValueKnownNullDoesNotExist()
            => Verify.AnalyzerAsync(@"using System.Diagnostics;
using LockDiscipline;
public sealed class Group { public readonly object Mutex = new object(); }
public sealed class Device { public Group? Group; }
public interface IOps
{
    [Requires(""dev.Group.Mutex"")]
    void Release(Device dev);
}
public static class Core
{
    public static void ProbeFailed(IOps ops, Device dev) { Debug.Assert(dev.Group is null); ops.Release(dev); }
    public static void Tested(IOps ops, Device dev) { if (dev.Group is null) { ops.Release(dev); } }
    public static void Unchecked(IOps ops, Device dev) { ops.Release(dev); }
    public static void Stale(IOps ops, Device dev, Group g) { Debug.Assert(dev.Group is null); dev.Group = g; ops.Release(dev); }
    public static void Locked(IOps ops, Device dev) { lock (dev.Group!.Mutex) { ops.Release(dev); } }
}
",
                Verify.Diagnostic("LD1006").WithSpan("File0.cs", 14, 58, 14, 74).WithMessage(@"Calling 'Release' requires holding 'dev.Group.Mutex'"),
                Verify.Diagnostic("LD1006").WithSpan("File0.cs", 15, 111, 15, 127).WithMessage(@"Calling 'Release' requires holding 'dev.Group.Mutex'"));
    }
}
