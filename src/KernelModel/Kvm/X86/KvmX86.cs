using LockDiscipline;

namespace Kernel
{
    /// <summary>arch/x86/kvm/x86.c, the parts on the Xen paths.</summary>
    public static class KvmX86
    {
        // kvm_arch_init_vm
        public static int KvmArchInitVm(Kvm kvm)
        {
            KvmXenOps.KvmXenInitVm(kvm);
            return 0;
        }

        // kvm_arch_destroy_vm
        public static void KvmArchDestroyVm(Kvm kvm)
        {
            KvmMain.KvmDestroyVcpus(kvm);
            KvmXenOps.KvmXenDestroyVm(kvm);
        }

        // kvm_arch_vcpu_create
        public static int KvmArchVcpuCreate(KvmVcpu vcpu)
        {
            KvmXenOps.KvmXenInitVcpu(vcpu);
            return 0;
        }

        // kvm_arch_vcpu_destroy
        public static void KvmArchVcpuDestroy(KvmVcpu vcpu) => KvmXenOps.KvmXenDestroyVcpu(vcpu);

        // kvm_arch_vm_ioctl
        public static long KvmArchVmIoctl(Kvm kvm, uint ioctl, object? arg)
        {
            switch (ioctl)
            {
                case KvmIoctl.KvmXenHvmConfig:
                    return arg is KvmXenHvmConfig xhc ? KvmXenOps.KvmXenHvmConfigure(kvm, xhc) : -Errno.EFAULT;
                case KvmIoctl.KvmXenHvmGetAttr:
                    return arg is KvmXenHvmAttr getAttr ? KvmXenOps.KvmXenHvmGetAttr(kvm, getAttr) : -Errno.EFAULT;
                case KvmIoctl.KvmXenHvmSetAttr:
                    return arg is KvmXenHvmAttr setAttr ? KvmXenOps.KvmXenHvmSetAttr(kvm, setAttr) : -Errno.EFAULT;
                case KvmIoctl.KvmXenHvmEvtchnSend:
                    return arg is KvmIrqRoutingXenEvtchn uxe ? KvmXenOps.KvmXenHvmEvtchnSend(kvm, uxe) : -Errno.EFAULT;
                default:
                    return -Errno.ENOTTY;
            }
        }

        // kvm_arch_vcpu_ioctl
        public static long KvmArchVcpuIoctl(KvmVcpu vcpu, uint ioctl, object? arg)
        {
            switch (ioctl)
            {
                case KvmIoctl.KvmXenVcpuGetAttr:
                    return arg is KvmXenVcpuAttr getAttr ? KvmXenOps.KvmXenVcpuGetAttr(vcpu, getAttr) : -Errno.EFAULT;
                case KvmIoctl.KvmXenVcpuSetAttr:
                    return arg is KvmXenVcpuAttr setAttr ? KvmXenOps.KvmXenVcpuSetAttr(vcpu, setAttr) : -Errno.EFAULT;
                default:
                    return -Errno.EINVAL;
            }
        }

        // kvm_arch_vcpu_ioctl_run
        public static int KvmArchVcpuIoctlRun(KvmVcpu vcpu)
        {
            int r;

            if (vcpu.Run.ImmediateExit)
            {
                return -Errno.EINTR;
            }

            KvmMain.KvmVcpuSrcuReadLock(vcpu);
            r = VcpuRun(vcpu);
            KvmMain.KvmVcpuSrcuReadUnlock(vcpu);
            return r;
        }

        // vcpu_run
        [Requires("vcpu.Kvm.Srcu", Shared = true)]
        private static int VcpuRun(KvmVcpu vcpu)
        {
            int r;

            for (;;)
            {
                r = VcpuEnterGuest(vcpu);
                if (r <= 0)
                {
                    break;
                }
            }

            return r;
        }

        // vcpu_enter_guest: kvm->srcu is dropped while the guest runs and held again for the exit handler
        [Requires("vcpu.Kvm.Srcu", Shared = true)]
        private static int VcpuEnterGuest(KvmVcpu vcpu)
        {
            KvmMain.KvmVcpuSrcuReadUnlock(vcpu);
            var exit = RunGuest(vcpu);
            KvmMain.KvmVcpuSrcuReadLock(vcpu);

            if (exit is null)
            {
                vcpu.Run.ExitReason = KvmRun.KvmExitUnknown;
                return 0;
            }

            return exit.IsHypercall ? KvmEmulateHypercall(vcpu) : 1;
        }

        /// <summary>vmx_vcpu_run(): the "hardware" runs the guest until its next exit, loading the registers it set up.</summary>
        private static GuestExit? RunGuest(KvmVcpu vcpu)
        {
            if (!vcpu.GuestProgram.TryDequeue(out var exit))
            {
                return null;
            }

            vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRax] = exit.Rax;
            int[] argRegs = { KvmVcpuArch.VcpuRegsRdi, KvmVcpuArch.VcpuRegsRsi, KvmVcpuArch.VcpuRegsRdx, KvmVcpuArch.VcpuRegsR10, KvmVcpuArch.VcpuRegsR8, KvmVcpuArch.VcpuRegsR9 };
            for (var i = 0; i < exit.Args.Length && i < argRegs.Length; i++)
            {
                vcpu.Arch.Regs[argRegs[i]] = exit.Args[i];
            }

            return exit;
        }

        // kvm_emulate_hypercall
        public static int KvmEmulateHypercall(KvmVcpu vcpu)
        {
            if (KvmXenOps.KvmXenHypercallEnabled(vcpu.Kvm))
            {
                return KvmXenOps.KvmXenHypercall(vcpu);
            }

            vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRax] = unchecked((ulong)-Errno.ENOSYS);
            return 1;
        }

        // kvm_arch_start_assignment
        public static void KvmArchStartAssignment(Kvm kvm) => System.Threading.Interlocked.Increment(ref kvm.Arch.AssignedDeviceCount);

        // kvm_arch_end_assignment
        public static void KvmArchEndAssignment(Kvm kvm) => System.Threading.Interlocked.Decrement(ref kvm.Arch.AssignedDeviceCount);

        // kvm_arch_register_noncoherent_dma
        public static void KvmArchRegisterNoncoherentDma(Kvm kvm) => System.Threading.Interlocked.Increment(ref kvm.Arch.NoncoherentDmaCount);

        // kvm_arch_unregister_noncoherent_dma
        public static void KvmArchUnregisterNoncoherentDma(Kvm kvm) => System.Threading.Interlocked.Decrement(ref kvm.Arch.NoncoherentDmaCount);
    }
}
