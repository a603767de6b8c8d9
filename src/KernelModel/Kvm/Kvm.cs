using System.Collections.Concurrent;
using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>The architecture back-end a VM runs on. The kernel links one; the model carries x86 (Xen) and s390 side by side.</summary>
    public enum KvmArchKind
    {
        X86,
        S390,
    }

    /// <summary>struct kvm.</summary>
    public sealed class Kvm
    {
        public const int KvmMaxVcpus = 64;

        public Kvm(KvmArchKind kind)
        {
            Arch = new KvmArch(kind);
        }

        /// <summary>kvm->lock.</summary>
        public readonly Mutex Lock = new();

        /// <summary>kvm->srcu: protects memslots, and the Xen event-channel idr for its readers.</summary>
        public readonly Srcu Srcu = new();

        /// <summary>kvm->users_count.</summary>
        public readonly RefcountT UsersCount = new(1);

        /// <summary>kvm->devices. Not guarded: kvm_destroy_devices() walks it unlocked once nobody else can reach the VM.</summary>
        public readonly List<KvmDevice> Devices = new();

        /// <summary>kvm->vcpu_array; entries below <see cref="OnlineVcpus"/> are published.</summary>
        public readonly KvmVcpu?[] Vcpus = new KvmVcpu?[KvmMaxVcpus];

        /// <summary>kvm->online_vcpus.</summary>
        public int OnlineVcpus;

        /// <summary>kvm->created_vcpus.</summary>
        [GuardedBy("Lock")]
        public int CreatedVcpus;

        /// <summary>kvm->vm_dead.</summary>
        public volatile bool VmDead;

        /// <summary>Guest physical memory, reduced to the objects the guest placed at each address.</summary>
        public readonly ConcurrentDictionary<ulong, object> GuestMemory = new();

        /// <summary>kvm->arch.</summary>
        public KvmArch Arch { get; }

        public bool Destroyed { get; internal set; }
    }

    /// <summary>struct kvm_arch, both back-ends.</summary>
    public sealed class KvmArch
    {
        public KvmArch(KvmArchKind kind)
        {
            Kind = kind;
        }

        public KvmArchKind Kind { get; }

        /// <summary>kvm->arch.xen (x86).</summary>
        public readonly KvmXen Xen = new();

        /// <summary>kvm->arch.xen_hvm_config (x86).</summary>
        public KvmXenHvmConfig XenHvmConfig = new();

        /// <summary>kvm->arch.assigned_device_count (x86).</summary>
        public int AssignedDeviceCount;

        /// <summary>kvm->arch.noncoherent_dma_count (x86).</summary>
        public int NoncoherentDmaCount;

        /// <summary>kvm->arch.crypto (s390).</summary>
        public readonly KvmS390Crypto Crypto = new();

        /// <summary>kvm->arch.gisa_int (s390).</summary>
        public readonly KvmS390GisaInterrupt GisaInt = new();

        /// <summary>kvm->arch.pv (s390).</summary>
        public readonly KvmS390PvState Pv = new();

        /// <summary>kvm->arch.float_int.masked_irqs (s390).</summary>
        public ulong MaskedIrqs;
    }

    /// <summary>struct kvm_vcpu.</summary>
    public sealed class KvmVcpu
    {
        public KvmVcpu(Kvm kvm, int vcpuId)
        {
            Kvm = kvm;
            VcpuId = vcpuId;
        }

        /// <summary>vcpu->mutex.</summary>
        public readonly Mutex Mutex = new();

        /// <summary>vcpu->kvm: the vCPU's file descriptor owns a reference to the VM through it.</summary>
        [HoldsRef]
        public Kvm Kvm;

        public int VcpuId { get; }

        /// <summary>vcpu->vcpu_idx.</summary>
        public int VcpuIdx;

        /// <summary>vcpu->____srcu_idx.</summary>
        public int SrcuIdx;

        /// <summary>vcpu->requests.</summary>
        public long Requests;

        /// <summary>vcpu->run.</summary>
        public readonly KvmRun Run = new();

        /// <summary>vcpu->arch.</summary>
        public readonly KvmVcpuArch Arch = new();

        /// <summary>What the guest does next time it is entered; empty means the vCPU returns to userspace.</summary>
        public readonly ConcurrentQueue<GuestExit> GuestProgram = new();

        public bool Destroyed { get; internal set; }
    }

    /// <summary>struct kvm_run, reduced.</summary>
    public sealed class KvmRun
    {
        public const uint KvmExitUnknown = 0;
        public const uint KvmExitHypercall = 3;
        public const uint KvmExitS390Sieic = 13;
        public const uint KvmExitXen = 34;

        public uint ExitReason;
        public bool ImmediateExit;

        /// <summary>run->s.regs.gprs (s390).</summary>
        public readonly ulong[] Gprs = new ulong[16];

        /// <summary>run->xen.u.hcall (x86).</summary>
        public ulong XenHcallInput;
    }

    /// <summary>struct kvm_vcpu_arch, both back-ends.</summary>
    public sealed class KvmVcpuArch
    {
        public const int VcpuRegsRax = 0;
        public const int VcpuRegsRcx = 1;
        public const int VcpuRegsRdx = 2;
        public const int VcpuRegsRbx = 3;
        public const int VcpuRegsRsi = 6;
        public const int VcpuRegsRdi = 7;
        public const int VcpuRegsR8 = 8;
        public const int VcpuRegsR9 = 9;
        public const int VcpuRegsR10 = 10;

        /// <summary>vcpu->arch.regs (x86).</summary>
        public readonly ulong[] Regs = new ulong[16];

        /// <summary>vcpu->arch.xen (x86).</summary>
        public readonly KvmVcpuXen Xen = new();

        /// <summary>vcpu->arch.sie_block (s390).</summary>
        public readonly KvmS390SieBlock SieBlock = new();

        /// <summary>vcpu->arch.pv.handle (s390).</summary>
        public ulong PvHandle;
    }

    /// <summary>A guest exit the model's "hardware" reports when a vCPU is entered.</summary>
    public sealed class GuestExit
    {
        /// <summary>x86: a VMCALL with these registers.</summary>
        public static GuestExit Hypercall(ulong rax, params ulong[] args) => new() { IsHypercall = true, Rax = rax, Args = args };

        /// <summary>s390: an instruction intercept with this IPA and these general registers.</summary>
        public static GuestExit Instruction(ushort ipa, params ulong[] gprs) => new() { Ipa = ipa, Args = gprs };

        public bool IsHypercall { get; private init; }

        public ulong Rax { get; private init; }

        public ushort Ipa { get; private init; }

        public ulong[] Args { get; private init; } = System.Array.Empty<ulong>();
    }

    /// <summary>struct kvm_device.</summary>
    public sealed class KvmDevice
    {
        public KvmDevice(IKvmDeviceOps ops, Kvm kvm)
        {
            Ops = ops;
            Kvm = kvm;
        }

        /// <summary>dev->ops.</summary>
        public IKvmDeviceOps Ops { get; }

        /// <summary>dev->kvm: the device's file descriptor owns a reference to the VM through it.</summary>
        [HoldsRef]
        public Kvm Kvm;

        /// <summary>dev->private.</summary>
        public object? Private;
    }

    /// <summary>struct kvm_device_attr.</summary>
    public sealed class KvmDeviceAttr
    {
        public uint Group;
        public ulong Attr;
        public object? Addr;
    }

    /// <summary>struct kvm_device_ops.</summary>
    public interface IKvmDeviceOps
    {
        string Name { get; }

        /// <summary>ops->create: called with kvm->lock held.</summary>
        int Create(KvmDevice dev, uint type);

        /// <summary>ops->destroy: frees the device; called when the VM goes away, or on a failed create.</summary>
        void Destroy(KvmDevice dev);

        /// <summary>Whether ops->release is set.</summary>
        bool HasRelease => false;

        /// <summary>ops->release: called with kvm->lock held when the device's file is closed.</summary>
        void Release(KvmDevice dev) { }

        int SetAttr(KvmDevice dev, KvmDeviceAttr attr);

        int HasAttr(KvmDevice dev, KvmDeviceAttr attr);
    }

    /// <summary>Ioctl numbers. The values are symbolic; only their identity matters here.</summary>
    public static class KvmIoctl
    {
        public const uint KvmCreateVcpu = 0xAE41;
        public const uint KvmCreateDevice = 0xAEE0;
        public const uint KvmSetDeviceAttr = 0xAEE1;
        public const uint KvmHasDeviceAttr = 0xAEE3;
        public const uint KvmRun = 0xAE80;
        public const uint KvmXenHvmConfig = 0xAE7A;
        public const uint KvmXenHvmGetAttr = 0xAEC8;
        public const uint KvmXenHvmSetAttr = 0xAEC9;
        public const uint KvmXenVcpuGetAttr = 0xAECA;
        public const uint KvmXenVcpuSetAttr = 0xAECB;
        public const uint KvmXenHvmEvtchnSend = 0xAED0;
        public const uint KvmS390PvCommand = 0xAEC5;
    }

    /// <summary>struct kvm_create_device.</summary>
    public sealed class KvmCreateDeviceArgs
    {
        public uint Type;
        public int Fd;
        public uint Flags;
    }
}
