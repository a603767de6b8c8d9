using LockDiscipline;

namespace Kernel
{
    /// <summary>struct kvm_s390_module_hook: how a vfio driver intercepts PQAP for the guest.</summary>
    public interface IKvmS390ModuleHook
    {
        /// <summary>hook->hook.</summary>
        int Hook(KvmVcpu vcpu);

        /// <summary>hook->owner.</summary>
        Module Owner { get; }
    }

    /// <summary>struct kvm_s390_crypto (kvm->arch.crypto).</summary>
    public sealed class KvmS390Crypto
    {
        public const ulong CrycbFormatMask = 0x3;
        public const ulong CrycbFormat0 = 0x0;
        public const ulong CrycbFormat1 = 0x1;
        public const ulong CrycbFormat2 = 0x3;

        /// <summary>crypto.crycbd: the CRYCB designation; 0 when the guest has no crypto control block.</summary>
        public ulong Crycbd;

        /// <summary>crypto.crycb->apcb0/apcb1: the guest's AP configuration (adapters, domains, control domains).</summary>
        public readonly ulong[] Apm = new ulong[4];
        public readonly ulong[] Aqm = new ulong[4];
        public readonly ulong[] Adm = new ulong[4];

        /// <summary>crypto.pqap_hook; the PQAP intercept reads it without a lock.</summary>
        public volatile IKvmS390ModuleHook? PqapHook;

        /// <summary>crypto.apie.</summary>
        public bool Apie;
    }

    /// <summary>struct kvm_s390_gisa_interrupt (kvm->arch.gisa_int).</summary>
    public sealed class KvmS390GisaInterrupt
    {
        public const int MaxIsc = 7;

        /// <summary>gi->origin: whether the VM has a GISA.</summary>
        public bool Origin;

        /// <summary>gi->alert.ref_lock.</summary>
        public readonly SpinLock RefLock = new();

        /// <summary>gi->alert.ref_count.</summary>
        [GuardedBy("RefLock")]
        public readonly int[] RefCount = new int[MaxIsc + 1];

        /// <summary>gi->alert.mask.</summary>
        [GuardedBy("RefLock")]
        public byte Mask;

        /// <summary>gib->nisc.</summary>
        public int Nisc = 1;
    }

    /// <summary>struct kvm_s390_pv (kvm->arch.pv).</summary>
    public sealed class KvmS390PvState
    {
        /// <summary>pv.handle: non-zero while the VM is protected (Secure Execution).</summary>
        public ulong Handle;
    }

    /// <summary>struct kvm_s390_sie_block, reduced to the intercept and blocking state.</summary>
    public sealed class KvmS390SieBlock
    {
        public const uint EcaAiv = 0x00200000;
        public const uint EcaApie = 0x00000008;
        public const int ProgBlockSie = 0x01;
        public const int ProgRequest = 0x02;
        public const int ProgInSie = 0x01;
        public const byte IcptInst = 0x04;
        public const ulong PswMaskPstate = 0x0001000000000000UL;

        public uint Eca;
        public ulong GpswMask;
        public byte Icptcode;
        public ushort Ipa;

        /// <summary>sie_block->prog20: PROG_BLOCK_SIE, PROG_REQUEST.</summary>
        public int Prog20;

        /// <summary>sie_block->prog0c: PROG_IN_SIE while the guest runs.</summary>
        public int Prog0c;

        /// <summary>The condition code the guest sees (PSW bits 18-19).</summary>
        public int Cc;
    }
}
