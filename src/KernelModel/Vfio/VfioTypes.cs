using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct vfio_group.</summary>
    public sealed class VfioGroup
    {
        public VfioGroup()
        {
            Nb = new NotifierBlock(this, Vfio.VfioIommuGroupNotifier);
        }

        /// <summary>group->kref.</summary>
        public readonly Kref Kref = new();

        /// <summary>group->group_lock: serialises the group's file, its container and its KVM pointer.</summary>
        public readonly Mutex GroupLock = new();

        /// <summary>group->device_lock.</summary>
        public readonly Mutex DeviceLock = new();

        /// <summary>group->unbound_lock.</summary>
        public readonly Mutex UnboundLock = new();

        /// <summary>group->iommu_group: the vfio_group holds a reference, put in vfio_group_release().</summary>
        [HoldsRef]
        public required IommuGroup IommuGroup;

        /// <summary>group->device_list.</summary>
        [GuardedBy("DeviceLock")]
        public readonly List<VfioDevice> DeviceList = new();

        /// <summary>group->unbound_list: devices removed from the group whose driver unbind has not completed yet.</summary>
        [GuardedBy("UnboundLock")]
        public readonly List<VfioUnboundDev> UnboundList = new();

        /// <summary>group->nb: registered on the iommu_group's notifier chain.</summary>
        public readonly NotifierBlock Nb;

        /// <summary>group->notifier: VFIO_GROUP_NOTIFY_SET_KVM listeners (mdev vendor drivers).</summary>
        public readonly BlockingNotifierHead Notifier = new();

        /// <summary>The container's VFIO_IOMMU_NOTIFY listeners, reduced to one chain per group.</summary>
        public readonly BlockingNotifierHead IommuNotifier = new();

        /// <summary>
        /// group->kvm: the VM the group is attached to. The group holds no reference to it; users take their own while
        /// holding group_lock.
        /// </summary>
        [GuardedBy("GroupLock")]
        public Kvm? Kvm;

        /// <summary>group->container.</summary>
        [GuardedBy("GroupLock")]
        public VfioContainer? Container;

        /// <summary>group->container_users.</summary>
        public int ContainerUsers;

        /// <summary>group->opened_file.</summary>
        [GuardedBy("GroupLock")]
        public VfioGroupFile? OpenedFile;

        public int Minor;
    }

    /// <summary>struct vfio_unbound_dev.</summary>
    public sealed class VfioUnboundDev
    {
        public Device? Dev;
    }

    /// <summary>struct vfio_container, reduced to the coherency property kvm-vfio asks about.</summary>
    public sealed class VfioContainer
    {
        public bool EnforcesCacheCoherency = true;
    }

    /// <summary>struct vfio_device_set: devices that must be reset together share it.</summary>
    public sealed class VfioDeviceSet
    {
        /// <summary>dev_set->lock.</summary>
        public readonly Mutex Lock = new();
    }

    /// <summary>struct vfio_device.</summary>
    public sealed class VfioDevice
    {
        public VfioDevice(Device dev, IVfioDeviceOps ops, VfioDeviceSet devSet)
        {
            Dev = dev;
            Ops = ops;
            DevSet = devSet;
        }

        /// <summary>device->kref.</summary>
        public readonly Kref Kref = new();

        public Device Dev { get; }

        /// <summary>device->group: every reference to the device implies one to its group.</summary>
        [HoldsRef]
        public required VfioGroup Group;

        public IVfioDeviceOps Ops { get; }

        /// <summary>device->dev_set.</summary>
        public VfioDeviceSet DevSet { get; }

        /// <summary>device->open_count.</summary>
        [GuardedBy("DevSet.Lock")]
        public int OpenCount;

        /// <summary>
        /// device->kvm: from the first open until the last close the device holds a reference to the VM (the fix of seed 000),
        /// so a driver's close_device never drops the last one.
        /// </summary>
        [HoldsRef]
        public Kvm? Kvm;

        /// <summary>device->device_data: the bus driver's private data.</summary>
        public object? DeviceData;
    }

    /// <summary>struct vfio_device_ops.</summary>
    public interface IVfioDeviceOps
    {
        string Name { get; }

        /// <summary>ops->open_device: the first open; device->kvm is valid from here to close_device.</summary>
        int OpenDevice(VfioDevice device);

        /// <summary>ops->close_device: the last close.</summary>
        void CloseDevice(VfioDevice device);
    }

    /// <summary>A file opened on /dev/vfio/$GROUP: it holds a reference to the group.</summary>
    public sealed class VfioGroupFile
    {
        /// <summary>file->f_count: the fd's own reference, plus one for each get_file() that pins the file.</summary>
        public readonly RefcountT FCount = new();

        /// <summary>filep->private_data.</summary>
        [HoldsRef]
        public VfioGroup? Group;
    }

    /// <summary>A file returned by VFIO_GROUP_GET_DEVICE_FD: it holds a reference to the device.</summary>
    public sealed class VfioDeviceFile
    {
        /// <summary>filep->private_data.</summary>
        [HoldsRef]
        public VfioDevice? Device;
    }
}
