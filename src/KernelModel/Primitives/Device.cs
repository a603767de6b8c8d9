using LockDiscipline;

namespace Kernel
{
    /// <summary>struct device_driver.</summary>
    public sealed class DeviceDriver
    {
        public DeviceDriver(string name, Module owner)
        {
            Name = name;
            Owner = owner;
        }

        public string Name { get; }

        public Module Owner { get; }
    }

    /// <summary>struct bus_type, with the bus's IOMMU driver (bus->iommu_ops).</summary>
    public sealed class BusType
    {
        public BusType(string name, IIommuOps? iommuOps)
        {
            Name = name;
            IommuOps = iommuOps;
        }

        public string Name { get; }

        public IIommuOps? IommuOps { get; }
    }

    /// <summary>struct device.</summary>
    public sealed class Device
    {
        public Device(string name, BusType bus)
        {
            Name = name;
            Bus = bus;
        }

        public string Name { get; }

        public BusType Bus { get; }

        /// <summary>dev->driver; read with ACCESS_ONCE by vfio.</summary>
        public volatile DeviceDriver? Driver;

        /// <summary>dev->iommu_group: a device in a group holds a reference to it.</summary>
        [HoldsRef]
        public IommuGroup? IommuGroup;

        /// <summary>dev->iommu.</summary>
        public DevIommu? Iommu;

        /// <summary>
        /// dev->driver_data as the vfio bus drivers use it: the bus driver's reference to its vfio_device. It is typed because
        /// vfio is the only driver in this model that stores driver data.
        /// </summary>
        [HoldsRef]
        public VfioDevice? DriverData;

        /// <summary>to_zpci_dev(): the s390 PCI function behind the device, if any.</summary>
        public ZpciDev? Zdev;
    }
}
