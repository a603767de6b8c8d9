namespace Kernel
{
    /// <summary>The kvm_arch_* entry points kvm_main.c calls, dispatched to the VM's back-end (the kernel links exactly one).</summary>
    public static class KvmArchOps
    {
        // kvm_arch_init_vm
        public static int KvmArchInitVm(Kvm kvm, KvmArchKind type)
            => type == KvmArchKind.X86 ? KvmX86.KvmArchInitVm(kvm) : KvmS390.KvmArchInitVm(kvm);

        // kvm_arch_destroy_vm
        public static void KvmArchDestroyVm(Kvm kvm)
        {
            if (kvm.Arch.Kind == KvmArchKind.X86)
            {
                KvmX86.KvmArchDestroyVm(kvm);
            }
            else
            {
                KvmS390.KvmArchDestroyVm(kvm);
            }
        }

        // kvm_arch_vm_ioctl
        public static long KvmArchVmIoctl(Kvm kvm, uint ioctl, object? arg)
            => kvm.Arch.Kind == KvmArchKind.X86 ? KvmX86.KvmArchVmIoctl(kvm, ioctl, arg) : KvmS390.KvmArchVmIoctl(kvm, ioctl, arg);

        // kvm_arch_vcpu_create
        public static int KvmArchVcpuCreate(KvmVcpu vcpu)
            => vcpu.Kvm.Arch.Kind == KvmArchKind.X86 ? KvmX86.KvmArchVcpuCreate(vcpu) : KvmS390.KvmArchVcpuCreate(vcpu);

        // kvm_arch_vcpu_destroy
        public static void KvmArchVcpuDestroy(KvmVcpu vcpu)
        {
            if (vcpu.Kvm.Arch.Kind == KvmArchKind.X86)
            {
                KvmX86.KvmArchVcpuDestroy(vcpu);
            }
            else
            {
                KvmS390.KvmArchVcpuDestroy(vcpu);
            }
        }

        // kvm_arch_vcpu_ioctl_run: called with vcpu->mutex held
        public static int KvmArchVcpuIoctlRun(KvmVcpu vcpu)
            => vcpu.Kvm.Arch.Kind == KvmArchKind.X86 ? KvmX86.KvmArchVcpuIoctlRun(vcpu) : KvmS390.KvmArchVcpuIoctlRun(vcpu);

        // kvm_arch_vcpu_ioctl: called with vcpu->mutex held
        public static long KvmArchVcpuIoctl(KvmVcpu vcpu, uint ioctl, object? arg)
            => vcpu.Kvm.Arch.Kind == KvmArchKind.X86 ? KvmX86.KvmArchVcpuIoctl(vcpu, ioctl, arg) : -Errno.ENOTTY;
    }
}
