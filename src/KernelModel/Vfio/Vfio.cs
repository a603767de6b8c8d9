using Kernel.Primitives;
using LockDiscipline;

namespace Kernel.Vfio
{
    /// <summary>struct vfio_group.</summary>
    public sealed class VfioGroup
    {
        /// <summary>group->group_lock.</summary>
        public KMutex GroupLock { get; } = new KMutex();

        /// <summary>group->kvm, set by kvm-vfio under group_lock.</summary>
        [GuardedBy("GroupLock")]
        public Kvm.Kvm? Kvm { get; set; }
    }

    /// <summary>struct vfio_device.</summary>
    public sealed class VfioDevice
    {
        public VfioDevice(VfioGroup group) => Group = group;

        public VfioGroup Group { get; }

        public int OpenCount { get; set; }

        /// <summary>device->kvm: the reference vfio core takes on first open (the seed 000 fix).</summary>
        [HoldsRef]
        public Kvm.Kvm? Kvm { get; set; }
    }

    public static class VfioMain
    {
        // vfio_file_set_kvm: takes group_lock to publish the kvm pointer.
        public static void VfioFileSetKvm(VfioGroup group, Kvm.Kvm? kvm)
        {
            group.GroupLock.Lock();
            group.Kvm = kvm;
            group.GroupLock.Unlock();
        }

        // vfio_device_open: the first open takes a kvm reference, held until the last close.
        [Requires("device.Group.GroupLock")]
        public static int VfioDeviceOpen(VfioDevice device, Kvm.Kvm? kvm)
        {
            if (device.OpenCount++ == 0 && kvm is not null)
            {
                if (!kvm.GetKvmSafe())
                {
                    device.OpenCount--;
                    return -2;
                }

                device.Kvm = kvm;
            }

            return 0;
        }

        // vfio_device_group_open
        public static int VfioDeviceGroupOpen(VfioDevice device)
        {
            device.Group.GroupLock.Lock();
            var ret = VfioDeviceOpen(device, device.Group.Kvm);
            device.Group.GroupLock.Unlock();
            return ret;
        }

#if SEED_BUGS
        // vfio_device_group_close before the fix: the last close puts kvm under group_lock, and the put's release path
        // (kvm_destroy_vm -> kvm_destroy_devices -> kvm_vfio_destroy -> vfio_file_set_kvm) takes group_lock again.
        public static void VfioDeviceGroupClose(VfioDevice device)
        {
            device.Group.GroupLock.Lock();
            if (--device.OpenCount == 0)
            {
                var kvm = device.Kvm;
                device.Kvm = null;
                kvm?.PutKvm();
            }

            device.Group.GroupLock.Unlock();
        }
#else
        // vfio_device_group_close after the fix: stash the kvm pointer under the lock, put it after the unlock.
        public static void VfioDeviceGroupClose(VfioDevice device)
        {
            Kvm.Kvm? kvm = null;
            device.Group.GroupLock.Lock();
            if (--device.OpenCount == 0)
            {
                kvm = device.Kvm;
                device.Kvm = null;
            }

            device.Group.GroupLock.Unlock();
            kvm?.PutKvm();
        }
#endif
    }
}
