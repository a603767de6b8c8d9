using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>virt/kvm/kvm_main.c.</summary>
    public static class KvmMain
    {
        public const uint KvmDevTypeVfio = 4;
        public const uint KvmCreateDeviceTest = 1;

        /// <summary>kvm_lock: protects vm_list.</summary>
        public static readonly Mutex KvmLock = new();

        /// <summary>vm_list.</summary>
        [GuardedBy("KvmLock")]
        public static readonly List<Kvm> VmList = new();

        /// <summary>kvm_device_ops_table.</summary>
        private static readonly IKvmDeviceOps?[] KvmDeviceOpsTable = new IKvmDeviceOps?[8];

        static KvmMain()
        {
            KvmDeviceOpsTable[KvmDevTypeVfio] = KvmVfio.Ops;
        }

        // kvm_create_vm
        [ReturnsRef]
        public static Kvm? KvmCreateVm(KvmArchKind type, out int error)
        {
            int r;
            Kvm? kvm = Slab.Kzalloc(() => new Kvm(type));
            if (kvm is null)
            {
                error = -Errno.ENOMEM;
                return null;
            }

            kvm.UsersCount.Set(1);

            r = KvmArchOps.KvmArchInitVm(kvm, type);
            if (r != 0)
            {
                goto out_err_no_arch_destroy_vm;
            }

            KvmLock.Lock();
            VmList.Add(kvm);
            KvmLock.Unlock();

            error = 0;
            return kvm;

        out_err_no_arch_destroy_vm:
            Bug.WarnOn(!kvm.UsersCount.DecAndTest());
            error = r;
            return null;
        }

        // kvm_destroy_vm
        private static void KvmDestroyVm(Kvm kvm)
        {
            KvmLock.Lock();
            VmList.Remove(kvm);
            KvmLock.Unlock();

            KvmArchOps.KvmArchDestroyVm(kvm);
            KvmDestroyDevices(kvm);
            kvm.Destroyed = true;
        }

        // kvm_get_kvm
        [TakesRef]
        public static void KvmGetKvm(Kvm kvm) => kvm.UsersCount.Inc();

        // kvm_get_kvm_safe: takes a reference only if the VM is not already on its way out.
        [TakesRef(WhenReturns = true)]
        public static bool KvmGetKvmSafe(Kvm kvm) => kvm.UsersCount.IncNotZero();

        // kvm_put_kvm
        [DropsRef]
        public static void KvmPutKvm(Kvm kvm)
        {
            if (kvm.UsersCount.DecAndTest())
            {
                KvmDestroyVm(kvm);
            }
        }

        // kvm_put_kvm_no_destroy: used when the reference being dropped can't be the last one, e.g. on an error path right
        // after a kvm_get_kvm() whose fd never reached userspace.
        [DropsRef(NotFinal = true)]
        public static void KvmPutKvmNoDestroy(Kvm kvm) => Bug.WarnOn(kvm.UsersCount.DecAndTest());

        // kvm_destroy_devices
        private static void KvmDestroyDevices(Kvm kvm)
        {
            // We do not need to take the kvm->lock here, because nobody else has a reference to the struct kvm at this
            // point and therefore cannot access the devices list anyhow.
            var devices = kvm.Devices.ToArray();
            kvm.Devices.Clear();
            foreach (var dev in devices)
            {
                dev.Ops.Destroy(dev);
            }
        }

        // kvm_vm_release: the VM file's reference goes away with the file
        [DropsRef]
        public static int KvmVmRelease(Kvm kvm)
        {
            KvmPutKvm(kvm);
            return 0;
        }

        // kvm_vm_ioctl
        public static long KvmVmIoctl(Kvm kvm, uint ioctl, object? arg)
        {
            if (kvm.VmDead)
            {
                return -Errno.EIO;
            }

            switch (ioctl)
            {
                case KvmIoctl.KvmCreateVcpu:
                    return arg is uint id ? KvmVmIoctlCreateVcpu(kvm, id) : -Errno.EINVAL;
                case KvmIoctl.KvmCreateDevice:
                    return arg is KvmCreateDeviceArgs cd ? KvmIoctlCreateDevice(kvm, cd) : -Errno.EFAULT;
                default:
                    return KvmArchOps.KvmArchVmIoctl(kvm, ioctl, arg);
            }
        }

        // kvm_get_vcpu
        public static KvmVcpu? KvmGetVcpu(Kvm kvm, int i)
        {
            var numVcpus = System.Threading.Volatile.Read(ref kvm.OnlineVcpus);
            return i < numVcpus ? System.Threading.Volatile.Read(ref kvm.Vcpus[i]) : null;
        }

        // kvm_get_vcpu_by_id
        public static KvmVcpu? KvmGetVcpuById(Kvm kvm, int id)
        {
            if (id < 0)
            {
                return null;
            }

            var vcpu = KvmGetVcpu(kvm, id);
            if (vcpu is not null && vcpu.VcpuId == id)
            {
                return vcpu;
            }

            foreach (var v in KvmForEachVcpu(kvm))
            {
                if (v.VcpuId == id)
                {
                    return v;
                }
            }

            return null;
        }

        // kvm_for_each_vcpu
        public static IEnumerable<KvmVcpu> KvmForEachVcpu(Kvm kvm)
        {
            var online = System.Threading.Volatile.Read(ref kvm.OnlineVcpus);
            for (var i = 0; i < online; i++)
            {
                if (System.Threading.Volatile.Read(ref kvm.Vcpus[i]) is { } vcpu)
                {
                    yield return vcpu;
                }
            }
        }

        // kvm_vm_ioctl_create_vcpu
        private static int KvmVmIoctlCreateVcpu(Kvm kvm, uint id)
        {
            int r;

            if (id >= Kvm.KvmMaxVcpus)
            {
                return -Errno.EINVAL;
            }

            kvm.Lock.Lock();
            if (kvm.CreatedVcpus >= Kvm.KvmMaxVcpus)
            {
                kvm.Lock.Unlock();
                return -Errno.EINVAL;
            }

            kvm.CreatedVcpus++;
            kvm.Lock.Unlock();

            // kmem_cache_zalloc() + kvm_vcpu_init()
            KvmVcpu? vcpu = Slab.Kzalloc(() => new KvmVcpu(kvm, (int)id));
            if (vcpu is null)
            {
                r = -Errno.ENOMEM;
                goto vcpu_decrement;
            }

            r = KvmArchOps.KvmArchVcpuCreate(vcpu);
            if (r != 0)
            {
                goto vcpu_decrement;
            }

            kvm.Lock.Lock();

            // CONFIG_LOCKDEP: ensure that lockdep knows vcpu->mutex is taken *inside* kvm->lock.
            vcpu.Mutex.Lock();
            vcpu.Mutex.Unlock();

            if (KvmGetVcpuById(kvm, (int)id) is not null)
            {
                r = -Errno.EEXIST;
                goto unlock_vcpu_destroy;
            }

            vcpu.VcpuIdx = System.Threading.Volatile.Read(ref kvm.OnlineVcpus);

            // Now it's all set up, let userspace reach it. The vCPU's fd owns this reference through vcpu->kvm, which
            // kvm_vcpu_init() set before the reference existed.
            KvmGetKvm(kvm);
            r = AnonInode.Getfd("kvm-vcpu:" + id, vcpu);
            if (r < 0)
            {
                KvmPutKvmNoDestroy(kvm);
                goto unlock_vcpu_destroy;
            }

            System.Threading.Volatile.Write(ref kvm.Vcpus[vcpu.VcpuIdx], vcpu);
            System.Threading.Interlocked.Increment(ref kvm.OnlineVcpus);

            kvm.Lock.Unlock();
            return r;

        unlock_vcpu_destroy:
            kvm.Lock.Unlock();
            KvmArchOps.KvmArchVcpuDestroy(vcpu);
        vcpu_decrement:
            kvm.Lock.Lock();
            kvm.CreatedVcpus--;
            kvm.Lock.Unlock();
            return r;
        }

        // kvm_vcpu_release: the vCPU file's reference to the VM goes away with the file
        public static int KvmVcpuRelease(KvmVcpu vcpu)
        {
            KvmPutKvm(vcpu.Kvm);
            return 0;
        }

        // kvm_vcpu_ioctl
        public static long KvmVcpuIoctl(KvmVcpu vcpu, uint ioctl, object? arg)
        {
            long r;

            if (vcpu.Kvm.VmDead)
            {
                return -Errno.EIO;
            }

            if (!vcpu.Mutex.LockKillable())
            {
                return -Errno.EINTR;
            }

            switch (ioctl)
            {
                case KvmIoctl.KvmRun:
                    r = -Errno.EINVAL;
                    if (arg is not null)
                    {
                        goto out_unlock;
                    }

                    r = KvmArchOps.KvmArchVcpuIoctlRun(vcpu);
                    break;
                default:
                    r = KvmArchOps.KvmArchVcpuIoctl(vcpu, ioctl, arg);
                    break;
            }

        out_unlock:
            vcpu.Mutex.Unlock();
            return r;
        }

        // kvm_vcpu_srcu_read_lock
        [Acquires("vcpu.Kvm.Srcu", Shared = true)]
        public static void KvmVcpuSrcuReadLock(KvmVcpu vcpu) => vcpu.SrcuIdx = vcpu.Kvm.Srcu.ReadLock();

        // kvm_vcpu_srcu_read_unlock
        [Releases("vcpu.Kvm.Srcu", Shared = true)]
        public static void KvmVcpuSrcuReadUnlock(KvmVcpu vcpu) => vcpu.Kvm.Srcu.ReadUnlock(vcpu.SrcuIdx);

        // kvm_destroy_vcpus
        public static void KvmDestroyVcpus(Kvm kvm)
        {
            foreach (var vcpu in KvmForEachVcpu(kvm))
            {
                KvmVcpuDestroy(vcpu);
            }

            for (var i = 0; i < kvm.Vcpus.Length; i++)
            {
                kvm.Vcpus[i] = null;
            }

            System.Threading.Volatile.Write(ref kvm.OnlineVcpus, 0);
        }

        // kvm_vcpu_destroy
        private static void KvmVcpuDestroy(KvmVcpu vcpu)
        {
            KvmArchOps.KvmArchVcpuDestroy(vcpu);
            vcpu.Destroyed = true;
        }

        // kvm_ioctl_create_device
        private static int KvmIoctlCreateDevice(Kvm kvm, KvmCreateDeviceArgs cd)
        {
            IKvmDeviceOps? ops;
            bool test = (cd.Flags & KvmCreateDeviceTest) != 0;
            int ret;

            if (cd.Type >= KvmDeviceOpsTable.Length)
            {
                return -Errno.ENODEV;
            }

            ops = KvmDeviceOpsTable[cd.Type];
            if (ops is null)
            {
                return -Errno.ENODEV;
            }

            if (test)
            {
                return 0;
            }

            KvmDevice? dev = Slab.Kzalloc(() => new KvmDevice(ops, kvm));
            if (dev is null)
            {
                return -Errno.ENOMEM;
            }

            kvm.Lock.Lock();
            ret = ops.Create(dev, cd.Type);
            if (ret < 0)
            {
                kvm.Lock.Unlock();
                return ret;
            }

            kvm.Devices.Add(dev);
            kvm.Lock.Unlock();

            // The device's fd owns this reference through dev->kvm, which was set before the reference existed.
            KvmGetKvm(kvm);
            ret = AnonInode.Getfd(ops.Name, dev);
            if (ret < 0)
            {
                KvmPutKvmNoDestroy(kvm);
                kvm.Lock.Lock();
                kvm.Devices.Remove(dev);
                if (ops.HasRelease)
                {
                    ops.Release(dev);
                }

                kvm.Lock.Unlock();
                ops.Destroy(dev);
                return ret;
            }

            cd.Fd = ret;
            return 0;
        }

        // kvm_device_release
        public static int KvmDeviceRelease(KvmDevice dev)
        {
            Kvm kvm = dev.Kvm;

            if (dev.Ops.HasRelease)
            {
                kvm.Lock.Lock();
                kvm.Devices.Remove(dev);
                dev.Ops.Release(dev);
                kvm.Lock.Unlock();
            }

            KvmPutKvm(kvm);
            return 0;
        }

        // kvm_device_ioctl
        public static long KvmDeviceIoctl(KvmDevice dev, uint ioctl, KvmDeviceAttr attr)
        {
            if (dev.Kvm.VmDead)
            {
                return -Errno.EIO;
            }

            switch (ioctl)
            {
                case KvmIoctl.KvmSetDeviceAttr:
                    return dev.Ops.SetAttr(dev, attr);
                case KvmIoctl.KvmHasDeviceAttr:
                    return dev.Ops.HasAttr(dev, attr);
                default:
                    return -Errno.ENOTTY;
            }
        }
    }
}
