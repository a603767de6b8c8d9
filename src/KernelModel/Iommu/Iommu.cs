using System;
using System.Diagnostics;
using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// drivers/iommu/iommu.c. The default build has the fix of seed 003 (ops->release_device() called with the group mutex
    /// held) and of the iommu_device_claim_dma_owner() reference leak of the same period; SEED_BUGS builds the code before.
    /// </summary>
    public static class Iommu
    {
        public const ulong BusNotifyAddDevice = 1;
        public const ulong BusNotifyRemovedDevice = 3;
        public const ulong BusNotifyBindDriver = 4;
        public const ulong BusNotifyBoundDriver = 5;
        public const ulong BusNotifyUnbindDriver = 6;
        public const ulong BusNotifyUnboundDriver = 7;

        private static readonly Ida IommuGroupIda = new();

        /// <summary>iommu_probe_device_lock.</summary>
        private static readonly Mutex IommuProbeDeviceLock = new();

        // iommu_group_alloc
        [ReturnsRef]
        public static IommuGroup? IommuGroupAlloc(out int error)
        {
            if (Slab.ShouldFail<IommuGroup>())
            {
                error = -Errno.ENOMEM;
                return null;
            }

            // kobject_init_and_add(&group->kobj, &iommu_group_ktype, NULL, "%d", group->id)
            var group = new IommuGroup(IommuGroupIda.Alloc());

            // kobject_create_and_add("devices", &group->kobj)
            group.DevicesKobj = Slab.Kzalloc(() => new Kobject("devices", group.Kobj, null));
            if (group.DevicesKobj is null)
            {
                group.Kobj.Put(); // triggers .release & free
                error = -Errno.ENOMEM;
                return null;
            }

            // The devices_kobj holds a reference on the group kobject, so as long as that exists so will the group. We can
            // therefore use the devices_kobj for reference counting.
            group.Kobj.Put();

            error = 0;
            return group;
        }

        // iommu_group_release: the group kobject's release, after the last reference is gone
        internal static void IommuGroupRelease(IommuGroup group)
        {
            IommuGroupIda.Free(group.Id);

            if (group.DefaultDomain is not null)
            {
                IommuDomainFree(group.DefaultDomain);
            }

            if (group.BlockingDomain is not null)
            {
                IommuDomainFree(group.BlockingDomain);
            }

            group.Released = true;
        }

        // iommu_group_get
        [ReturnsRef]
        public static IommuGroup? IommuGroupGet(Device dev)
        {
            IommuGroup? group = dev.IommuGroup;

            if (group is not null)
            {
                group.DevicesKobj!.Get();
            }

            return group;
        }

        // iommu_group_ref_get
        [ReturnsRef]
        public static IommuGroup IommuGroupRefGet(IommuGroup group)
        {
            group.DevicesKobj!.Get();
            return group;
        }

        // iommu_group_put
        [DropsRef]
        public static void IommuGroupPut(IommuGroup? group)
        {
            if (group is not null)
            {
                group.DevicesKobj!.Put();
            }
        }

        // iommu_group_id
        public static int IommuGroupId(IommuGroup group) => group.Id;

        // iommu_group_register_notifier
        public static int IommuGroupRegisterNotifier(IommuGroup group, NotifierBlock nb)
            => Notifier.BlockingNotifierChainRegister(group.Notifier, nb);

        // iommu_group_unregister_notifier
        public static int IommuGroupUnregisterNotifier(IommuGroup group, NotifierBlock nb)
            => Notifier.BlockingNotifierChainUnregister(group.Notifier, nb);

        // iommu_group_add_device: the device takes a reference to the group
        public static int IommuGroupAddDevice(IommuGroup group, Device dev)
        {
            int ret = 0;
            GroupDevice? device;

            device = Slab.Kzalloc(() => new GroupDevice(dev, dev.Name));
            if (device is null)
            {
                return -Errno.ENOMEM;
            }

            // kobject_get(group->devices_kobj); dev->iommu_group = group;
            dev.IommuGroup = IommuGroupRefGet(group);

            group.Mutex.Lock();
            group.Devices.Add(device);
            if (group.Domain is not null)
            {
                ret = __IommuAttachDevice(group.Domain, dev);
            }

            group.Mutex.Unlock();
            if (ret != 0)
            {
                goto err_put_group;
            }

            // Notify any listeners about change to group.
            Notifier.BlockingNotifierCallChain(group.Notifier, Vfio.IommuGroupNotifyAddDevice, dev);

            return 0;

        err_put_group:
            group.Mutex.Lock();
            group.Devices.Remove(device);
            group.Mutex.Unlock();
            IommuGroupPut(dev.IommuGroup);
            dev.IommuGroup = null;
            return ret;
        }

        // iommu_group_remove_device
        public static void IommuGroupRemoveDevice(Device dev)
        {
            IommuGroup? group = dev.IommuGroup;
            GroupDevice? device = null;

            if (group is null)
            {
                return;
            }

            // Pre-notify listeners that a device is being removed.
            Notifier.BlockingNotifierCallChain(group.Notifier, Vfio.IommuGroupNotifyDelDevice, dev);

            group.Mutex.Lock();
            foreach (var tmpDevice in group.Devices)
            {
                if (tmpDevice.Dev == dev)
                {
                    device = tmpDevice;
                    group.Devices.Remove(tmpDevice);
                    break;
                }
            }

            group.Mutex.Unlock();

            if (device is null)
            {
                return;
            }

            dev.IommuGroup = null;
            IommuGroupPut(group);
        }

        // __iommu_group_remove_device
        [Requires("group.Mutex")]
        private static GroupDevice? __IommuGroupRemoveDevice(IommuGroup group, Device dev)
        {
            foreach (var device in group.Devices)
            {
                if (device.Dev == dev)
                {
                    group.Devices.Remove(device);
                    return device;
                }
            }

            return null;
        }

        // __iommu_group_release_device: the device's reference to the group goes with it
        private static void __IommuGroupReleaseDevice([ConsumesRef] IommuGroup group, GroupDevice grpDev)
        {
            Device dev = grpDev.Dev;

            dev.IommuGroup = null;
            IommuGroupPut(group);
        }

        // dev_iommu_get
        private static bool DevIommuGet(Device dev)
        {
            if (dev.Iommu is not null)
            {
                return true;
            }

            dev.Iommu = Slab.Kzalloc(() => new DevIommu());
            return dev.Iommu is not null;
        }

        // dev_iommu_free
        private static void DevIommuFree(Device dev) => dev.Iommu = null;

        // dev_iommu_ops
        private static IIommuOps DevIommuOps(Device dev) => dev.Iommu!.IommuDev!.Ops;

        // iommu_device_link
        private static void IommuDeviceLink(IommuDevice iommu, Device dev) { }

        // iommu_device_unlink
        private static void IommuDeviceUnlink(IommuDevice? iommu, Device dev) { }

        // iommu_group_get_for_dev
        [ReturnsRef]
        private static IommuGroup? IommuGroupGetForDev(Device dev, out int error)
        {
            IIommuOps ops = DevIommuOps(dev);
            IommuGroup? group;
            int ret;

            group = IommuGroupGet(dev);
            if (group is not null)
            {
                error = 0;
                return group;
            }

            group = ops.DeviceGroup(dev, out error);
            if (group is null)
            {
                return null;
            }

            ret = IommuGroupAddDevice(group, dev);
            if (ret != 0)
            {
                goto out_put_group;
            }

            error = 0;
            return group;

        out_put_group:
            IommuGroupPut(group);
            error = ret;
            return null;
        }

        // generic_device_group
        [ReturnsRef]
        public static IommuGroup? GenericDeviceGroup(Device dev, out int error) => IommuGroupAlloc(out error);

        // __iommu_probe_device
        public static int __IommuProbeDevice(Device dev)
        {
            IIommuOps? ops = dev.Bus.IommuOps;
            IommuDevice? iommuDev;
            IommuGroup? group;
            int ret;

            if (ops is null)
            {
                return -Errno.ENODEV;
            }

            // Serialise to avoid races between IOMMU drivers registering in parallel and/or the "replay" calls from ACPI/OF
            // code via client driver probe.
            IommuProbeDeviceLock.Lock();
            if (!DevIommuGet(dev))
            {
                ret = -Errno.ENOMEM;
                goto err_unlock;
            }

            if (!Module.TryModuleGet(ops.Owner))
            {
                ret = -Errno.EINVAL;
                goto err_free;
            }

            iommuDev = ops.ProbeDevice(dev, out ret);
            if (iommuDev is null)
            {
                goto out_module_put;
            }

            dev.Iommu!.IommuDev = iommuDev;

            group = IommuGroupGetForDev(dev, out ret);
            if (group is null)
            {
                goto out_release;
            }

            IommuGroupPut(group);

            IommuProbeDeviceLock.Unlock();
            IommuDeviceLink(iommuDev, dev);

            return 0;

        out_release:
            // The device never made it into a group (iommu_group_get_for_dev() failed): there is no group mutex to hold here.
            Debug.Assert(dev.IommuGroup is null);
            ops.ReleaseDevice(dev);
        out_module_put:
            Module.ModulePut(ops.Owner);
        err_free:
            DevIommuFree(dev);
        err_unlock:
            IommuProbeDeviceLock.Unlock();
            return ret;
        }

        // iommu_release_device: the device is going away. With the group mutex held across ops->release_device(), no other
        // device of the group can free the domain this one is still attached to before the driver has let go of it.
        public static void IommuReleaseDevice(Device dev)
        {
#if SEED_BUGS
            IIommuOps ops;

            if (dev.Iommu is null)
            {
                return;
            }

            IommuDeviceUnlink(dev.Iommu.IommuDev, dev);

            ops = DevIommuOps(dev);
            ops.ReleaseDevice(dev);

            IommuGroupRemoveDevice(dev);
            Module.ModulePut(ops.Owner);
            DevIommuFree(dev);
#else
            IommuGroup? group = dev.IommuGroup;
            GroupDevice? device;
            IIommuOps ops;

            if (dev.Iommu is null || group is null)
            {
                return;
            }

            IommuDeviceUnlink(dev.Iommu.IommuDev, dev);

            group.Mutex.Lock();
            device = __IommuGroupRemoveDevice(group, dev);

            // If the group has become empty then ownership must have been released, and the current domain must be set back
            // to NULL or the default domain.
            if (group.Devices.Count == 0)
            {
                Bug.WarnOn(group.OwnerCnt != 0 || group.Domain != group.DefaultDomain);
            }

            // release_device() must stop using any attached domain on the device. If there are still other devices in the
            // group they are not effected by this callback. The IOMMU driver must set the device to either an identity or
            // blocking translation and stop using any domain pointer, as it is going to be freed.
            ops = DevIommuOps(dev);
            ops.ReleaseDevice(dev);
            group.Mutex.Unlock();

            if (device is not null)
            {
                __IommuGroupReleaseDevice(group, device);
            }

            Module.ModulePut(ops.Owner);
            DevIommuFree(dev);
#endif
        }

        // iommu_bus_notifier
        public static int IommuBusNotifier(ulong action, Device dev)
        {
            ulong groupAction = 0;
            IommuGroup? group;

            // ADD/DEL call into iommu driver ops if provided, which may result in ADD/DEL notifiers to group->notifier.
            if (action == BusNotifyAddDevice)
            {
                int ret = __IommuProbeDevice(dev);
                return ret != 0 ? Notifier.NotifyDone : Notifier.NotifyOk;
            }
            else if (action == BusNotifyRemovedDevice)
            {
                IommuReleaseDevice(dev);
                return Notifier.NotifyOk;
            }

            // Remaining BUS_NOTIFYs get filtered and republished to the group, if anyone is listening.
            group = IommuGroupGet(dev);
            if (group is null)
            {
                return 0;
            }

            switch (action)
            {
                case BusNotifyBindDriver:
                    groupAction = Vfio.IommuGroupNotifyBindDriver;
                    break;
                case BusNotifyBoundDriver:
                    groupAction = Vfio.IommuGroupNotifyBoundDriver;
                    break;
                case BusNotifyUnbindDriver:
                    groupAction = Vfio.IommuGroupNotifyUnbindDriver;
                    break;
                case BusNotifyUnboundDriver:
                    groupAction = Vfio.IommuGroupNotifyUnboundDriver;
                    break;
            }

            if (groupAction != 0)
            {
                Notifier.BlockingNotifierCallChain(group.Notifier, groupAction, dev);
            }

            IommuGroupPut(group);
            return 0;
        }

        // iommu_group_for_each_dev
        public static int IommuGroupForEachDev<T>(IommuGroup group, T data, Func<Device, T, int> fn)
        {
            int ret = 0;

            group.Mutex.Lock();
            foreach (var device in group.Devices)
            {
                ret = fn(device.Dev, data);
                if (ret != 0)
                {
                    break;
                }
            }

            group.Mutex.Unlock();
            return ret;
        }

        // iommu_group_device_count
        [Requires("group.Mutex")]
        private static int IommuGroupDeviceCount(IommuGroup group) => group.Devices.Count;

        // __iommu_domain_alloc
        private static IommuDomain? __IommuDomainAlloc(BusType bus, uint type)
        {
            if (bus.IommuOps is null)
            {
                return null;
            }

            return bus.IommuOps.DomainAlloc(type);
        }

        // iommu_domain_alloc
        public static IommuDomain? IommuDomainAlloc(BusType bus) => __IommuDomainAlloc(bus, IommuDomain.TypeUnmanaged);

        // iommu_domain_free
        public static void IommuDomainFree(IommuDomain domain) => domain.Ops.DomainFree(domain);

        // __iommu_attach_device
        private static int __IommuAttachDevice(IommuDomain domain, Device dev) => domain.Ops.AttachDev(domain, dev);

        // __iommu_detach_device
        private static void __IommuDetachDevice(IommuDomain domain, Device dev) => domain.Ops.DetachDev(domain, dev);

        // iommu_attach_device
        public static int IommuAttachDevice(IommuDomain domain, Device dev)
        {
            IommuGroup? group;
            int ret;

            group = IommuGroupGet(dev);
            if (group is null)
            {
                return -Errno.ENODEV;
            }

            // Lock the group to make sure the device-count doesn't change while we are attaching.
            group.Mutex.Lock();
            ret = -Errno.EINVAL;
            if (IommuGroupDeviceCount(group) != 1)
            {
                goto out_unlock;
            }

            ret = __IommuAttachGroup(domain, group);

        out_unlock:
            group.Mutex.Unlock();
            IommuGroupPut(group);

            return ret;
        }

        // iommu_detach_device
        public static void IommuDetachDevice(IommuDomain domain, Device dev)
        {
            IommuGroup? group;

            group = IommuGroupGet(dev);
            if (group is null)
            {
                return;
            }

            group.Mutex.Lock();
            if (Bug.WarnOn(domain != group.Domain) || Bug.WarnOn(IommuGroupDeviceCount(group) != 1))
            {
                goto out_unlock;
            }

            __IommuGroupSetDomain(group, group.DefaultDomain);

        out_unlock:
            group.Mutex.Unlock();
            IommuGroupPut(group);
        }

        // iommu_get_domain_for_dev
        public static IommuDomain? IommuGetDomainForDev(Device dev)
        {
            IommuDomain? domain;
            IommuGroup? group;

            group = IommuGroupGet(dev);
            if (group is null)
            {
                return null;
            }

            domain = group.Domain;

            IommuGroupPut(group);

            return domain;
        }

        // __iommu_attach_group
        [Requires("group.Mutex")]
        private static int __IommuAttachGroup(IommuDomain domain, IommuGroup group)
        {
            int ret = 0;

            if (group.Domain is not null && group.Domain != group.DefaultDomain && group.Domain != group.BlockingDomain)
            {
                return -Errno.EBUSY;
            }

            // __iommu_group_for_each_dev(group, domain, iommu_group_do_attach_device)
            foreach (var device in group.Devices)
            {
                ret = __IommuAttachDevice(domain, device.Dev);
                if (ret != 0)
                {
                    break;
                }
            }

            if (ret == 0)
            {
                group.Domain = domain;
            }

            return ret;
        }

        // __iommu_group_set_domain
        [Requires("group.Mutex")]
        private static int __IommuGroupSetDomain(IommuGroup group, IommuDomain? newDomain)
        {
            int ret = 0;

            if (group.Domain == newDomain)
            {
                return 0;
            }

            // New drivers should support default domains and so the detach_dev() op will never be called. Otherwise the NULL
            // domain represents some platform specific behavior.
            if (newDomain is null)
            {
                foreach (var device in group.Devices)
                {
                    __IommuDetachDevice(group.Domain!, device.Dev);
                }

                group.Domain = null;
                return 0;
            }

            // Changing the domain is done by calling attach_dev() on the new domain. This switch does not have to be atomic and
            // DMA can be discarded during the transition. DMA must only be able to access either new_domain or group->domain,
            // never something else.
            foreach (var device in group.Devices)
            {
                ret = __IommuAttachDevice(newDomain, device.Dev);
                if (ret != 0)
                {
                    return ret;
                }
            }

            group.Domain = newDomain;
            return 0;
        }

        // __iommu_group_alloc_blocking_domain
        [Requires("group.Mutex")]
        private static int __IommuGroupAllocBlockingDomain(IommuGroup group)
        {
            var dev = group.Devices[0];

            if (group.BlockingDomain is not null)
            {
                return 0;
            }

            group.BlockingDomain = __IommuDomainAlloc(dev.Dev.Bus, IommuDomain.TypeBlocked);
            if (group.BlockingDomain is null)
            {
                // For drivers that do not yet understand IOMMU_DOMAIN_BLOCKED create an empty domain instead.
                group.BlockingDomain = __IommuDomainAlloc(dev.Dev.Bus, IommuDomain.TypeUnmanaged);
                if (group.BlockingDomain is null)
                {
                    return -Errno.EINVAL;
                }
            }

            return 0;
        }

        // __iommu_take_dma_ownership
        [Requires("group.Mutex")]
        private static int __IommuTakeDmaOwnership(IommuGroup group, object owner)
        {
            int ret;

            if (group.Domain is not null && group.Domain != group.DefaultDomain)
            {
                return -Errno.EBUSY;
            }

            ret = __IommuGroupAllocBlockingDomain(group);
            if (ret != 0)
            {
                return ret;
            }

            ret = __IommuGroupSetDomain(group, group.BlockingDomain);
            if (ret != 0)
            {
                return ret;
            }

            group.Owner = owner;
            group.OwnerCnt++;
            return 0;
        }

        // __iommu_release_dma_ownership
        [Requires("group.Mutex")]
        private static void __IommuReleaseDmaOwnership(IommuGroup group)
        {
            int ret;

            if (Bug.WarnOn(group.OwnerCnt == 0 || group.Owner is null))
            {
                return;
            }

            group.OwnerCnt = 0;
            group.Owner = null;
            ret = __IommuGroupSetDomain(group, group.DefaultDomain);
            Bug.WarnOn(ret != 0, "iommu driver failed to attach the default domain");
        }

        // iommu_device_claim_dma_owner
        public static int IommuDeviceClaimDmaOwner(Device dev, object? owner)
        {
            IommuGroup? group;
            int ret = 0;

#if SEED_BUGS
            group = IommuGroupGet(dev);
            if (group is null)
            {
                return -Errno.ENODEV;
            }

            if (Bug.WarnOn(owner is null))
            {
                return -Errno.EINVAL;
            }
#else
            if (Bug.WarnOn(owner is null))
            {
                return -Errno.EINVAL;
            }

            group = IommuGroupGet(dev);
            if (group is null)
            {
                return -Errno.ENODEV;
            }
#endif

            group.Mutex.Lock();
            if (group.OwnerCnt != 0)
            {
                if (group.Owner != owner)
                {
                    ret = -Errno.EPERM;
                    goto unlock_out;
                }

                group.OwnerCnt++;
                goto unlock_out;
            }

            ret = __IommuTakeDmaOwnership(group, owner!);

        unlock_out:
            group.Mutex.Unlock();
            IommuGroupPut(group);

            return ret;
        }

        // iommu_device_release_dma_owner
        public static void IommuDeviceReleaseDmaOwner(Device dev)
        {
            IommuGroup group = IommuGroupGet(dev)!;

            group.Mutex.Lock();
            if (group.OwnerCnt > 1)
            {
                group.OwnerCnt--;
            }
            else
            {
                __IommuReleaseDmaOwnership(group);
            }

            group.Mutex.Unlock();
            IommuGroupPut(group);
        }
    }
}
