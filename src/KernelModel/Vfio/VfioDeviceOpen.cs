using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// The group file and the device open/close paths (drivers/vfio/group.c and vfio_main.c, v6.2 with the seed 000 patch),
    /// and the KVM-facing API vfio exports to kvm-vfio.
    /// </summary>
    public static partial class Vfio
    {
        // vfio_group_fops_open: the file holds a reference to the group until it is released
        public static int VfioGroupFopsOpen(VfioGroup target, out VfioGroupFile? filep)
        {
            VfioGroup? group;

            filep = null;

            group = VfioGroupTryGet(target);
            if (group is null)
            {
                return -Errno.ENODEV;
            }

            group.GroupLock.Lock();

            // Do we need multiple instances of the group open? Seems not.
            if (group.OpenedFile is not null)
            {
                group.GroupLock.Unlock();
                VfioGroupPut(group);
                return -Errno.EBUSY;
            }

            var file = new VfioGroupFile { Group = group };
            group.OpenedFile = file;
            group.GroupLock.Unlock();

            filep = file;
            return 0;
        }

        // vfio_group_fops_release
        public static int VfioGroupFopsRelease(VfioGroupFile filep)
        {
            VfioGroup group = filep.Group!;

            filep.Group = null;

            group.GroupLock.Lock();

            // Device FDs hold a group file reference, therefore the group release is only called when there are no open devices.
            Bug.WarnOn(!group.Notifier.IsEmpty);
            if (group.Container is not null)
            {
                VfioGroupDetachContainer(group);
            }

            group.OpenedFile = null;
            group.GroupLock.Unlock();

            VfioGroupPut(group);
            return 0;
        }

        // vfio_group_ioctl_set_container
        public static int VfioGroupIoctlSetContainer(VfioGroupFile filep, VfioContainer container)
        {
            VfioGroup group = filep.Group!;
            int ret;

            group.GroupLock.Lock();
            if (group.Container is not null)
            {
                ret = -Errno.EINVAL;
                goto out_unlock;
            }

            ret = VfioContainerAttachGroup(container, group);

        out_unlock:
            group.GroupLock.Unlock();
            return ret;
        }

        // vfio_container_attach_group
        [Requires("group.GroupLock")]
        private static int VfioContainerAttachGroup(VfioContainer container, VfioGroup group)
        {
            if (!VfioGroupViable(group))
            {
                return -Errno.EPERM;
            }

            group.Container = container;
            System.Threading.Volatile.Write(ref group.ContainerUsers, 1);
            return 0;
        }

        // vfio_group_detach_container
        [Requires("group.GroupLock")]
        private static void VfioGroupDetachContainer(VfioGroup group)
        {
            Bug.WarnOn(System.Threading.Volatile.Read(ref group.ContainerUsers) != 1);
            group.Container = null;
            System.Threading.Volatile.Write(ref group.ContainerUsers, 0);
        }

        // vfio_group_has_iommu
        [Requires("group.GroupLock")]
        private static bool VfioGroupHasIommu(VfioGroup group) => group.Container is not null;

        // vfio_device_group_use_iommu
        [Requires("device.Group.GroupLock")]
        private static int VfioDeviceGroupUseIommu(VfioDevice device)
        {
            VfioGroup group = device.Group;

            if (Bug.WarnOn(group.Container is null))
            {
                return -Errno.EINVAL;
            }

            System.Threading.Interlocked.Increment(ref group.ContainerUsers);
            return 0;
        }

        // vfio_device_group_unuse_iommu
        [Requires("device.Group.GroupLock")]
        private static void VfioDeviceGroupUnuseIommu(VfioDevice device)
            => System.Threading.Interlocked.Decrement(ref device.Group.ContainerUsers);

        // vfio_device_get_kvm_safe: kvm_get_kvm_safe() is reached through symbol_get() so vfio does not depend on kvm. A VM
        // that is already going away is not attached.
        private static void VfioDeviceGetKvmSafe(VfioDevice device, Kvm kvm)
        {
            if (!KvmMain.KvmGetKvmSafe(kvm))
            {
                return;
            }

            device.Kvm = kvm;
        }

        // vfio_device_first_open
        [Requires("device.DevSet.Lock", "device.Group.GroupLock")]
        private static int VfioDeviceFirstOpen(VfioDevice device, Kvm? kvm)
        {
            int ret;

            device.DevSet.Lock.AssertHeld();

            if (!Module.TryModuleGet(device.Dev.Driver?.Owner))
            {
                return -Errno.ENODEV;
            }

            ret = VfioDeviceGroupUseIommu(device);
            if (ret != 0)
            {
                goto err_module_put;
            }

            // A reference is obtained the first time the device is opened and held until the open_count reaches 0.
            if (kvm is not null)
            {
                VfioDeviceGetKvmSafe(device, kvm);
            }

            ret = device.Ops.OpenDevice(device);
            if (ret != 0)
            {
                goto err_unuse_iommu;
            }

            return 0;

        err_unuse_iommu:
            // device->kvm keeps its reference: vfio_device_group_open() drops it once group_lock is released.
            VfioDeviceGroupUnuseIommu(device);
        err_module_put:
            Module.ModulePut(device.Dev.Driver?.Owner);
            return ret;
        }

        // vfio_device_last_close
        [Requires("device.DevSet.Lock", "device.Group.GroupLock")]
        private static void VfioDeviceLastClose(VfioDevice device)
        {
            device.DevSet.Lock.AssertHeld();

            device.Ops.CloseDevice(device);

            // The reference moves to vfio_device_group_close(), which drops it once group_lock is released.
            device.Kvm = null;

            VfioDeviceGroupUnuseIommu(device);
            Module.ModulePut(device.Dev.Driver?.Owner);
        }

        // vfio_device_open: only reached through the group path, with group_lock held
        [Requires("device.Group.GroupLock")]
        private static int VfioDeviceOpen(VfioDevice device, Kvm? kvm)
        {
            int ret = 0;

            device.DevSet.Lock.Lock();
            device.OpenCount++;
            if (device.OpenCount == 1)
            {
                ret = VfioDeviceFirstOpen(device, kvm);
                if (ret != 0)
                {
                    device.OpenCount--;
                }
            }

            device.DevSet.Lock.Unlock();

            return ret;
        }

        // vfio_device_close: only reached through the group path, with group_lock held
        [Requires("device.Group.GroupLock")]
        private static void VfioDeviceClose(VfioDevice device)
        {
            device.DevSet.Lock.Lock();
            Bug.WarnOn(device.OpenCount == 0, "vfio_assert_device_open");
            if (device.OpenCount == 1)
            {
                VfioDeviceLastClose(device);
            }

            device.OpenCount--;
            device.DevSet.Lock.Unlock();
        }

        // vfio_device_group_open
        public static int VfioDeviceGroupOpen(VfioDevice device)
        {
            VfioGroup group = device.Group;
            Kvm? kvm = null;
            int ret;

            group.GroupLock.Lock();
            if (!VfioGroupHasIommu(group))
            {
                ret = -Errno.EINVAL;
                goto out_unlock;
            }

            // Here we pass the KVM pointer with the group under the lock. A reference will be obtained the first time the
            // device is opened and will be held until the open_count reaches 0. A first open that fails leaves that reference
            // in device->kvm, and it must not be dropped under group_lock.
            kvm = device.Kvm;
            ret = VfioDeviceOpen(device, group.Kvm);
            if (ret == 0 || kvm == device.Kvm)
            {
                kvm = null;
            }
            else
            {
                kvm = device.Kvm;
                device.Kvm = null;
            }

        out_unlock:
            group.GroupLock.Unlock();

            if (kvm is not null)
            {
                KvmMain.KvmPutKvm(kvm);
            }

            return ret;
        }

        // vfio_device_group_close: the final kvm_put_kvm() can come from here, and its release path (kvm_destroy_vm ->
        // kvm_destroy_devices -> kvm_vfio_destroy -> kvm_vfio_file_set_kvm -> vfio_file_set_kvm) takes group_lock; so the KVM
        // pointer is stashed under the lock, and the reference is dropped once the lock is released if the close cleared
        // device->kvm.
        public static void VfioDeviceGroupClose(VfioDevice device)
        {
            VfioGroup group = device.Group;
            Kvm? kvm;

            group.GroupLock.Lock();
            kvm = device.Kvm;
            VfioDeviceClose(device);
            if (kvm == device.Kvm)
            {
                kvm = null;
            }

#if SEED_BUGS
            if (kvm is not null)
            {
                KvmMain.KvmPutKvm(kvm);
            }

            group.GroupLock.Unlock();
#else
            group.GroupLock.Unlock();

            if (kvm is not null)
            {
                KvmMain.KvmPutKvm(kvm);
            }
#endif
        }

        // vfio_group_ioctl_get_device_fd, with vfio_device_open_file()
        public static int VfioGroupIoctlGetDeviceFd(VfioGroupFile filep, string buf, out VfioDeviceFile? devfile)
        {
            VfioGroup group = filep.Group!;
            VfioDevice? device;
            int ret;

            devfile = null;

            device = VfioDeviceGetFromName(group, buf);
            if (device is null)
            {
                return -Errno.ENODEV;
            }

            ret = VfioDeviceGroupOpen(device);
            if (ret != 0)
            {
                goto err_put_device;
            }

            // anon_inode_getfile()
            if (Slab.ShouldFail<VfioDeviceFile>())
            {
                ret = -Errno.ENOMEM;
                goto err_close_device;
            }

            devfile = new VfioDeviceFile { Device = device };
            return 0;

        err_close_device:
            VfioDeviceGroupClose(device);
        err_put_device:
            VfioDevicePut(device);
            return ret;
        }

        // vfio_device_fops_release
        public static int VfioDeviceFopsRelease(VfioDeviceFile filep)
        {
            VfioDevice device = filep.Device!;

            filep.Device = null;

            VfioDeviceGroupClose(device);

            VfioDevicePut(device);

            return 0;
        }

        // vfio_file_is_group
        public static bool VfioFileIsGroup(VfioGroupFile file) => file.Group is not null;

        // vfio_file_enforced_coherent
        public static bool VfioFileEnforcedCoherent(VfioGroupFile file)
        {
            VfioGroup? group = file.Group;
            bool ret;

            if (group is null)
            {
                return true;
            }

            group.GroupLock.Lock();
            if (group.Container is not null)
            {
                ret = group.Container.EnforcesCacheCoherency;
            }
            else
            {
                // Since the coherency state is determined only once a container is attached the user must do so before they
                // can prove they have permission.
                ret = true;
            }

            group.GroupLock.Unlock();
            return ret;
        }

        // vfio_file_set_kvm: kvm-vfio tells the group which VM it is attached to, or that the VM is gone (kvm == null). The
        // VFIO_GROUP_NOTIFY_SET_KVM notification to mdev vendor drivers follows, outside group_lock as in
        // vfio_group_set_kvm().
        public static void VfioFileSetKvm(VfioGroupFile file, Kvm? kvm)
        {
            VfioGroup? group = file.Group;

            if (group is null)
            {
                return;
            }

            group.GroupLock.Lock();
            group.Kvm = kvm;
            group.GroupLock.Unlock();

            Notifier.BlockingNotifierCallChain(group.Notifier, VfioGroupNotifySetKvm, kvm);
        }

        // vfio_register_notifier
        public static int VfioRegisterNotifier(Device dev, int type, ref ulong events, NotifierBlock nb)
        {
            VfioGroup? group;
            int ret;

            if (events == 0)
            {
                return -Errno.EINVAL;
            }

            group = VfioGroupGetFromDev(dev);
            if (group is null)
            {
                return -Errno.ENODEV;
            }

            switch (type)
            {
                case VfioIommuNotify:
                    ret = VfioRegisterIommuNotifier(group, ref events, nb);
                    break;
                case VfioGroupNotify:
                    ret = VfioRegisterGroupNotifier(group, ref events, nb);
                    break;
                default:
                    ret = -Errno.EINVAL;
                    break;
            }

            VfioGroupPut(group);
            return ret;
        }

        // vfio_unregister_notifier
        public static int VfioUnregisterNotifier(Device dev, int type, NotifierBlock nb)
        {
            VfioGroup? group;
            int ret;

            group = VfioGroupGetFromDev(dev);
            if (group is null)
            {
                return -Errno.ENODEV;
            }

            switch (type)
            {
                case VfioIommuNotify:
                    ret = Notifier.BlockingNotifierChainUnregister(group.IommuNotifier, nb);
                    break;
                case VfioGroupNotify:
                    ret = Notifier.BlockingNotifierChainUnregister(group.Notifier, nb);
                    break;
                default:
                    ret = -Errno.EINVAL;
                    break;
            }

            VfioGroupPut(group);
            return ret;
        }

        // vfio_register_iommu_notifier
        private static int VfioRegisterIommuNotifier(VfioGroup group, ref ulong events, NotifierBlock nb)
        {
            // clear known events
            events &= ~VfioIommuNotifyDmaUnmap;

            // refuse to continue if still events remaining
            if (events != 0)
            {
                return -Errno.EINVAL;
            }

            return Notifier.BlockingNotifierChainRegister(group.IommuNotifier, nb);
        }

        // vfio_register_group_notifier
        private static int VfioRegisterGroupNotifier(VfioGroup group, ref ulong events, NotifierBlock nb)
        {
            int ret;
            bool setKvm = false;

            if ((events & VfioGroupNotifySetKvm) != 0)
            {
                setKvm = true;
            }

            // clear known events
            events &= ~VfioGroupNotifySetKvm;

            // refuse to continue if still events remaining
            if (events != 0)
            {
                return -Errno.EINVAL;
            }

            ret = Notifier.BlockingNotifierChainRegister(group.Notifier, nb);

            // The attaching of kvm and vfio_group might already happen, so here we replay once upon registration.
            if (ret == 0 && setKvm)
            {
                group.GroupLock.Lock();
                Kvm? kvm = group.Kvm;
                group.GroupLock.Unlock();

                if (kvm is not null)
                {
                    Notifier.BlockingNotifierCallChain(group.Notifier, VfioGroupNotifySetKvm, kvm);
                }
            }

            return ret;
        }
    }
}
