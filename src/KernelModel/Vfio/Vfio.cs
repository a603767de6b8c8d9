using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// drivers/vfio: the group and device core (vfio.c, later vfio_main.c and group.c). The group/device reference counting and
    /// the unbound-device tracking follow the code of seed 001; opening and closing devices and the KVM pointer follow seed 000.
    /// </summary>
    public static partial class Vfio
    {
        public const ulong IommuGroupNotifyAddDevice = 1;
        public const ulong IommuGroupNotifyDelDevice = 2;
        public const ulong IommuGroupNotifyBindDriver = 3;
        public const ulong IommuGroupNotifyBoundDriver = 4;
        public const ulong IommuGroupNotifyUnbindDriver = 5;
        public const ulong IommuGroupNotifyUnboundDriver = 6;

        public const int VfioIommuNotify = 0;
        public const int VfioGroupNotify = 1;
        public const ulong VfioIommuNotifyDmaUnmap = 1;
        public const ulong VfioGroupNotifySetKvm = 1;

        /// <summary>vfio.group_lock: protects vfio.group_list and the group minors.</summary>
        public static readonly Mutex GroupLock = new();

        /// <summary>vfio.group_list.</summary>
        [GuardedBy("GroupLock")]
        public static readonly List<VfioGroup> GroupList = new();

        /// <summary>vfio.release_q: vfio_del_group_dev() waits here for the device's last reference to go.</summary>
        public static readonly WaitQueueHead ReleaseQ = new();

        /// <summary>vfio_driver_whitelist: drivers a device of a viable group may be bound to.</summary>
        private static readonly string[] VfioDriverWhitelist = { "pci-stub" };

        private static readonly Ida GroupMinors = new();

        // vfio_create_group
        [ReturnsRef]
        private static VfioGroup? VfioCreateGroup(IommuGroup iommuGroup, out int error)
        {
            VfioGroup group;
            int ret;

            if (Slab.ShouldFail<VfioGroup>())
            {
                error = -Errno.ENOMEM;
                return null;
            }

            // The vfio_group holds a reference to the iommu_group, put in vfio_group_unlock_and_free().
            group = new VfioGroup { IommuGroup = Iommu.IommuGroupRefGet(iommuGroup) };

            // blocking notifiers acquire a rwsem around registering and hold it around callback. Therefore, need to register
            // outside of vfio.group_lock to avoid A-B/B-A contention. Our callback won't do anything unless it can find the
            // group in vfio.group_list, so no harm in registering early.
            ret = Iommu.IommuGroupRegisterNotifier(iommuGroup, group.Nb);
            if (ret != 0)
            {
                Iommu.IommuGroupPut(group.IommuGroup);
                error = ret;
                return null;
            }

            GroupLock.Lock();

            // Did we race creating this group?
            foreach (var tmp in GroupList)
            {
                if (tmp.IommuGroup == iommuGroup)
                {
                    VfioGroupGet(tmp);
                    VfioGroupUnlockAndFree(group);
                    error = 0;
                    return tmp;
                }
            }

            group.Minor = GroupMinors.Alloc();
            GroupList.Add(group);

            GroupLock.Unlock();

            error = 0;
            return group;
        }

        // vfio_group_release: the kref release, called by kref_put_mutex() with vfio.group_lock held, which it drops
        [Releases("Vfio.GroupLock")]
        private static void VfioGroupRelease(VfioGroup group)
        {
            Bug.WarnOn(group.DeviceList.Count != 0);

            group.UnboundList.Clear();

            GroupList.Remove(group);
            GroupMinors.Free(group.Minor);
            VfioGroupUnlockAndFree(group);
        }

        // vfio_group_unlock_and_free
        [Releases("Vfio.GroupLock")]
        private static void VfioGroupUnlockAndFree(VfioGroup group)
        {
            GroupLock.Unlock();

            // Unregister outside of lock. A spurious callback is harmless now that the group is no longer in vfio.group_list.
            Iommu.IommuGroupUnregisterNotifier(group.IommuGroup, group.Nb);
            Iommu.IommuGroupPut(group.IommuGroup);
        }

        // vfio_group_get
        [TakesRef]
        public static void VfioGroupGet(VfioGroup group) => group.Kref.Get();

        // vfio_group_put
        [DropsRef]
        public static void VfioGroupPut(VfioGroup group)
        {
            if (group.Kref.PutMutex(GroupLock))
            {
                VfioGroupRelease(group);
            }
        }

        // vfio_group_try_get: a reference to a group that may be going away, found again through vfio.group_list
        [ReturnsRef]
        private static VfioGroup? VfioGroupTryGet(VfioGroup target)
        {
            GroupLock.Lock();
            foreach (var group in GroupList)
            {
                if (group == target)
                {
                    VfioGroupGet(group);
                    GroupLock.Unlock();
                    return group;
                }
            }

            GroupLock.Unlock();
            return null;
        }

        // vfio_group_get_from_iommu
        [ReturnsRef]
        public static VfioGroup? VfioGroupGetFromIommu(IommuGroup iommuGroup)
        {
            GroupLock.Lock();
            foreach (var group in GroupList)
            {
                if (group.IommuGroup == iommuGroup)
                {
                    VfioGroupGet(group);
                    GroupLock.Unlock();
                    return group;
                }
            }

            GroupLock.Unlock();
            return null;
        }

        // vfio_group_get_from_dev
        [ReturnsRef]
        public static VfioGroup? VfioGroupGetFromDev(Device dev)
        {
            IommuGroup? iommuGroup;
            VfioGroup? group;

            iommuGroup = Iommu.IommuGroupGet(dev);
            if (iommuGroup is null)
            {
                return null;
            }

            group = VfioGroupGetFromIommu(iommuGroup);
            Iommu.IommuGroupPut(iommuGroup);

            return group;
        }

        // vfio_group_create_device
        private static VfioDevice? VfioGroupCreateDevice(VfioGroup group, Device dev, IVfioDeviceOps ops, object? deviceData, VfioDeviceSet devSet, out int error)
        {
            if (Slab.ShouldFail<VfioDevice>())
            {
                error = -Errno.ENOMEM;
                return null;
            }

            // No need to get group_lock, caller has group reference. The device's reference implies one to its group.
            VfioGroupGet(group);
            var device = new VfioDevice(dev, ops, devSet) { Group = group, DeviceData = deviceData };

            // dev_set_drvdata(): the bus driver holds the device's initial reference until vfio_del_group_dev().
            dev.DriverData = device;

            group.DeviceLock.Lock();
            group.DeviceList.Add(device);
            group.DeviceLock.Unlock();

            error = 0;
            return device;
        }

        // vfio_device_release: the kref release, called by kref_put_mutex() with group->device_lock held, which it drops
        [Releases("device.Group.DeviceLock")]
        private static void VfioDeviceRelease(VfioDevice device)
        {
            VfioGroup group = device.Group;

            group.DeviceList.Remove(device);
            group.DeviceLock.Unlock();

            device.Dev.DriverData = null;

            // vfio_del_group_dev may be waiting for this device.
            ReleaseQ.WakeUp();
        }

        // vfio_device_put: a device reference always implies a group reference
        [DropsRef]
        public static void VfioDevicePut(VfioDevice device)
        {
            VfioGroup group = device.Group;

            if (device.Kref.PutMutex(group.DeviceLock))
            {
                VfioDeviceRelease(device);
            }

            VfioGroupPut(group);
        }

        // vfio_device_get
        [TakesRef]
        public static void VfioDeviceGet(VfioDevice device)
        {
            VfioGroupGet(device.Group);
            device.Kref.Get();
        }

        // vfio_group_get_device
        [ReturnsRef]
        public static VfioDevice? VfioGroupGetDevice(VfioGroup group, Device dev)
        {
            group.DeviceLock.Lock();
            foreach (var device in group.DeviceList)
            {
                if (device.Dev == dev)
                {
                    VfioDeviceGet(device);
                    group.DeviceLock.Unlock();
                    return device;
                }
            }

            group.DeviceLock.Unlock();
            return null;
        }

        // vfio_device_get_from_name
        [ReturnsRef]
        public static VfioDevice? VfioDeviceGetFromName(VfioGroup group, string buf)
        {
            group.DeviceLock.Lock();
            foreach (var it in group.DeviceList)
            {
                if (it.Dev.Name == buf)
                {
                    VfioDeviceGet(it);
                    group.DeviceLock.Unlock();
                    return it;
                }
            }

            group.DeviceLock.Unlock();
            return null;
        }

        // vfio_whitelisted_driver
        private static bool VfioWhitelistedDriver(DeviceDriver drv)
        {
            foreach (var name in VfioDriverWhitelist)
            {
                if (drv.Name == name)
                {
                    return true;
                }
            }

            return false;
        }

        // vfio_dev_viable: a vfio group is viable for use by userspace if all devices are driver-less, bound to a vfio
        // driver, or bound to a whitelisted driver. A device is bound to a vfio driver if it exists in the vfio group, or
        // if it is on the group's unbound_list, in the middle of transitioning from a vfio driver to driver-less.
        private static int VfioDevViable(Device dev, VfioGroup group)
        {
            VfioDevice? device;
            DeviceDriver? drv = dev.Driver;
            int ret = -Errno.EINVAL;

            group.UnboundLock.Lock();
            foreach (var unbound in group.UnboundList)
            {
                if (dev == unbound.Dev)
                {
                    ret = 0;
                    break;
                }
            }

            group.UnboundLock.Unlock();

            if (ret == 0 || drv is null || VfioWhitelistedDriver(drv))
            {
                return 0;
            }

            device = VfioGroupGetDevice(group, dev);
            if (device is not null)
            {
                VfioDevicePut(device);
                return 0;
            }

            return ret;
        }

        // vfio_group_nb_add_dev
        private static int VfioGroupNbAddDev(VfioGroup group, Device dev)
        {
            VfioDevice? device;

            // Do we already know about it? We shouldn't.
            device = VfioGroupGetDevice(group, dev);
            if (device is not null)
            {
                Bug.WarnOn(true, "device already in its vfio group");
                VfioDevicePut(device);
                return 0;
            }

            // Nothing to do for idle groups.
            if (System.Threading.Volatile.Read(ref group.ContainerUsers) == 0)
            {
                return 0;
            }

            // TODO Prevent device auto probing.
            Bug.WarnOn(true, "Device " + dev.Name + " added to live group");
            return 0;
        }

        // vfio_group_nb_verify
        private static int VfioGroupNbVerify(VfioGroup group, Device dev)
        {
            // We don't care what happens when the group isn't in use.
            if (System.Threading.Volatile.Read(ref group.ContainerUsers) == 0)
            {
                return 0;
            }

            return VfioDevViable(dev, group);
        }

        // vfio_iommu_group_notifier
        public static int VfioIommuGroupNotifier(NotifierBlock nb, ulong action, object? data)
        {
            VfioGroup? group = nb.ContainerOf<VfioGroup>();
            var dev = (Device)data!;

            // Need to go through a group_lock lookup to get a reference or we risk racing a group being removed. Ignore
            // spurious notifies.
            group = VfioGroupTryGet(group);
            if (group is null)
            {
                return Notifier.NotifyOk;
            }

            switch (action)
            {
                case IommuGroupNotifyAddDevice:
                    VfioGroupNbAddDev(group, dev);
                    break;
                case IommuGroupNotifyDelDevice:
                    // Nothing to do here. If the device is in use, then the vfio sub-driver should block the remove callback
                    // until it is unused. If the device is unused or attached to a stub driver, then it should be released and
                    // we don't care that it will be going away.
                    break;
                case IommuGroupNotifyBindDriver:
                    break;
                case IommuGroupNotifyBoundDriver:
                    Bug.WarnOn(VfioGroupNbVerify(group, dev) != 0, "BUG_ON(vfio_group_nb_verify(group, dev))");
                    break;
                case IommuGroupNotifyUnbindDriver:
                    break;
                case IommuGroupNotifyUnboundDriver:
                    // XXX An unbound device in a live group is ok, but we'd really like to avoid the above BUG_ON by preventing
                    // other drivers from binding to it.
                    group.UnboundLock.Lock();
                    foreach (var unbound in group.UnboundList)
                    {
                        if (dev == unbound.Dev)
                        {
                            group.UnboundList.Remove(unbound);
                            break;
                        }
                    }

                    group.UnboundLock.Unlock();
                    break;
            }

            VfioGroupPut(group);
            return Notifier.NotifyOk;
        }

        // vfio_add_group_dev: a vfio bus driver's probe registers the device with vfio
        public static int VfioAddGroupDev(Device dev, IVfioDeviceOps ops, object? deviceData, VfioDeviceSet? devSet = null)
        {
            IommuGroup? iommuGroup;
            VfioGroup? group;
            VfioDevice? device;
            int error;

            iommuGroup = Iommu.IommuGroupGet(dev);
            if (iommuGroup is null)
            {
                return -Errno.EINVAL;
            }

            group = VfioGroupGetFromIommu(iommuGroup);
            if (group is null)
            {
                group = VfioCreateGroup(iommuGroup, out error);
                if (group is null)
                {
                    Iommu.IommuGroupPut(iommuGroup);
                    return error;
                }
            }

            // Found or created, the vfio_group holds its own reference to the iommu_group.
            Iommu.IommuGroupPut(iommuGroup);

            device = VfioGroupGetDevice(group, dev);
            if (device is not null)
            {
                Bug.WarnOn(true, "Device " + dev.Name + " already exists on its group");
                VfioDevicePut(device);
                VfioGroupPut(group);
                return -Errno.EBUSY;
            }

            device = VfioGroupCreateDevice(group, dev, ops, deviceData, devSet ?? new VfioDeviceSet(), out error);
            if (device is null)
            {
                VfioGroupPut(group);
                return error;
            }

            // Drop all but the vfio_device reference. The vfio_device holds a reference to the vfio_group, which holds a
            // reference to the iommu_group.
            VfioGroupPut(group);

            return 0;
        }

        // vfio_dev_present
        private static bool VfioDevPresent(VfioGroup group, Device dev)
        {
            VfioDevice? device;

            device = VfioGroupGetDevice(group, dev);
            if (device is null)
            {
                return false;
            }

            VfioDevicePut(device);
            return true;
        }

        // vfio_del_group_dev: the vfio bus driver's remove path. Drops the bus driver's device reference and waits until
        // every other user has let go of the device.
        public static object? VfioDelGroupDev(Device dev)
        {
            VfioDevice device = dev.DriverData!;
            VfioGroup group = device.Group;
            object? deviceData = device.DeviceData;
            VfioUnboundDev? unbound;

            // The group exists so long as we have a device reference. Get a group reference and use it to scan for the device
            // going away.
            VfioGroupGet(group);

            // When the device is removed from the group, the group suddenly becomes non-viable; the device has a driver (until
            // the unbind completes), but it's not present in the group. This is bad news for any external users that need to
            // re-acquire a group reference in order to match and release their existing reference. To solve this, we track
            // such devices on the unbound_list to bridge the gap until they're fully unbound.
            unbound = Slab.Kzalloc(() => new VfioUnboundDev());
#if SEED_BUGS
            if (unbound is null)
            {
                VfioDevicePut(device);
                return deviceData;
            }

            unbound.Dev = dev;
            group.UnboundLock.Lock();
            group.UnboundList.Add(unbound);
            group.UnboundLock.Unlock();
#else
            if (unbound is not null)
            {
                unbound.Dev = dev;
                group.UnboundLock.Lock();
                group.UnboundList.Add(unbound);
                group.UnboundLock.Unlock();
            }

            Bug.WarnOn(unbound is null);
#endif

            VfioDevicePut(device);

            // TODO send a signal to encourage this to be released
            ReleaseQ.WaitEvent(() => !VfioDevPresent(group, dev));

            VfioGroupPut(group);

            return deviceData;
        }

        // vfio_group_viable
        private static bool VfioGroupViable(VfioGroup group)
            => Iommu.IommuGroupForEachDev(group.IommuGroup, group, VfioDevViable) == 0;
    }
}
