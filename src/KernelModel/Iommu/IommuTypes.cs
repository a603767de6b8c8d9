using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct iommu_group.</summary>
    public sealed class IommuGroup
    {
        public IommuGroup(int id)
        {
            Id = id;
            Kobj = new Kobject(id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, _ => Iommu.IommuGroupRelease(this));
        }

        public int Id { get; }

        /// <summary>group->kobj.</summary>
        public Kobject Kobj { get; }

        /// <summary>group->devices_kobj: holds a reference on the group kobject and counts the references to the group.</summary>
        public Kobject? DevicesKobj;

        /// <summary>group->mutex.</summary>
        public readonly Mutex Mutex = new();

        /// <summary>group->devices.</summary>
        [GuardedBy("Mutex")]
        public readonly List<GroupDevice> Devices = new();

        /// <summary>group->notifier.</summary>
        public readonly BlockingNotifierHead Notifier = new();

        /// <summary>group->domain; iommu_get_domain_for_dev() reads it without the mutex.</summary>
        public IommuDomain? Domain;

        /// <summary>group->default_domain.</summary>
        public IommuDomain? DefaultDomain;

        /// <summary>group->blocking_domain.</summary>
        public IommuDomain? BlockingDomain;

        /// <summary>group->owner: the DMA owner (e.g. vfio) while owner_cnt is non-zero.</summary>
        [GuardedBy("Mutex")]
        public object? Owner;

        /// <summary>group->owner_cnt.</summary>
        [GuardedBy("Mutex")]
        public int OwnerCnt;

        public bool Released { get; internal set; }
    }

    /// <summary>struct group_device.</summary>
    public sealed class GroupDevice
    {
        public GroupDevice(Device dev, string name)
        {
            Dev = dev;
            Name = name;
        }

        public Device Dev { get; }

        public string Name { get; }
    }

    /// <summary>struct dev_iommu.</summary>
    public sealed class DevIommu
    {
        public IommuDevice? IommuDev;
    }

    /// <summary>struct iommu_device: one IOMMU instance, with its driver's ops.</summary>
    public sealed class IommuDevice
    {
        public IommuDevice(IIommuOps ops)
        {
            Ops = ops;
        }

        public IIommuOps Ops { get; }
    }

    /// <summary>struct iommu_domain.</summary>
    public class IommuDomain
    {
        public const uint TypeBlocked = 0;
        public const uint TypeIdentity = 1;
        public const uint TypeUnmanaged = 2;
        public const uint TypeDma = 3;

        public IommuDomain(IIommuOps ops, uint type)
        {
            Ops = ops;
            Type = type;
        }

        /// <summary>domain->ops.</summary>
        public IIommuOps Ops { get; }

        public uint Type { get; }

        public ulong ApertureStart;
        public ulong ApertureEnd;
        public bool ForceAperture;

        public bool Freed { get; internal set; }
    }

    /// <summary>struct iommu_ops together with struct iommu_domain_ops: an IOMMU driver.</summary>
    public interface IIommuOps
    {
        /// <summary>ops->owner.</summary>
        Module Owner { get; }

        /// <summary>ops->probe_device: returns the IOMMU instance behind the device, or null with an error.</summary>
        IommuDevice? ProbeDevice(Device dev, out int error);

        /// <summary>
        /// ops->release_device: must stop the device using any attached domain, which may be freed as soon as the group mutex
        /// is dropped; so it is called with that mutex held (seed 003).
        /// </summary>
        [Requires("dev.IommuGroup.Mutex")]
        void ReleaseDevice(Device dev);

        /// <summary>ops->device_group: the group the device belongs in, with a reference for the caller.</summary>
        [ReturnsRef]
        IommuGroup? DeviceGroup(Device dev, out int error);

        /// <summary>ops->domain_alloc.</summary>
        IommuDomain? DomainAlloc(uint type);

        /// <summary>domain->ops->free.</summary>
        void DomainFree(IommuDomain domain);

        /// <summary>domain->ops->attach_dev.</summary>
        int AttachDev(IommuDomain domain, Device dev);

        /// <summary>domain->ops->detach_dev.</summary>
        void DetachDev(IommuDomain domain, Device dev);
    }
}
