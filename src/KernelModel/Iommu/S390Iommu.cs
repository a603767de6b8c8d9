using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct zpci_dev, reduced to what the s390 IOMMU driver keeps per PCI function.</summary>
    public sealed class ZpciDev
    {
        public ZpciDev(IIommuOps iommuOps)
        {
            IommuDev = new IommuDevice(iommuOps);
        }

        /// <summary>zdev->iommu_dev.</summary>
        public IommuDevice IommuDev { get; }

        /// <summary>zdev->s390_domain: the driver's own, per-device reference to the attached domain.</summary>
        public S390Domain? S390Domain;

        /// <summary>zdev->dma_table.</summary>
        public object? DmaTable;

        public ulong StartDma;
        public ulong EndDma = ulong.MaxValue;

        /// <summary>Whether the function's I/O address translation is registered with the hardware.</summary>
        public bool IoatRegistered;
    }

    /// <summary>struct s390_domain.</summary>
    public sealed class S390Domain : IommuDomain
    {
        public S390Domain(IIommuOps ops, uint type)
            : base(ops, type)
        {
        }

        /// <summary>s390_domain->dma_table.</summary>
        public readonly object DmaTable = new();

        /// <summary>s390_domain->list_lock.</summary>
        public readonly SpinLock ListLock = new();

        /// <summary>s390_domain->devices.</summary>
        [GuardedBy("ListLock")]
        public readonly List<S390DomainDevice> Devices = new();
    }

    /// <summary>struct s390_domain_device.</summary>
    public sealed class S390DomainDevice
    {
        public S390DomainDevice(ZpciDev zdev)
        {
            Zdev = zdev;
        }

        public ZpciDev Zdev { get; }
    }

    /// <summary>drivers/iommu/s390-iommu.c.</summary>
    public sealed class S390IommuOps : IIommuOps
    {
        public Module Owner { get; } = new("s390-iommu");

        // s390_iommu_probe_device
        public IommuDevice? ProbeDevice(Device dev, out int error)
        {
            ZpciDev? zdev = dev.Zdev;

            if (zdev is null)
            {
                error = -Errno.ENODEV;
                return null;
            }

            error = 0;
            return zdev.IommuDev;
        }

        // s390_iommu_release_device
        public void ReleaseDevice(Device dev)
        {
            ZpciDev? zdev = dev.Zdev;
            IommuDomain? domain;

            // This is a workaround for a scenario where the IOMMU API common code "forgets" to call the detach_dev callback:
            // removing a device that vfio-pci attached to a domain only calls release_device, so let's call detach_dev from
            // here if it hasn't been called before.
            if (zdev is not null && zdev.S390Domain is not null)
            {
                domain = Iommu.IommuGetDomainForDev(dev);
                if (domain is not null)
                {
                    DetachDev(domain, dev);
                }
            }
        }

        // s390_iommu_device_group
        [ReturnsRef]
        public IommuGroup? DeviceGroup(Device dev, out int error) => Iommu.GenericDeviceGroup(dev, out error);

        // s390_domain_alloc
        public IommuDomain? DomainAlloc(uint type)
        {
            if (type != IommuDomain.TypeUnmanaged)
            {
                return null;
            }

            return Slab.Kzalloc(() => new S390Domain(this, type));
        }

        // s390_domain_free
        public void DomainFree(IommuDomain domain) => domain.Freed = true;

        // s390_iommu_attach_device
        public int AttachDev(IommuDomain domain, Device dev)
        {
            var s390Domain = (S390Domain)domain;
            ZpciDev? zdev = dev.Zdev;
            S390DomainDevice? domainDevice;
            int rc;

            if (zdev is null)
            {
                return -Errno.ENODEV;
            }

            domainDevice = Slab.Kzalloc(() => new S390DomainDevice(zdev));
            if (domainDevice is null)
            {
                return -Errno.ENOMEM;
            }

            if (zdev.S390Domain is not null)
            {
                zdev.IoatRegistered = false; // zpci_unregister_ioat()
            }

            zdev.DmaTable = s390Domain.DmaTable;
            zdev.IoatRegistered = true; // zpci_register_ioat()

            s390Domain.ListLock.Lock();

            // First device defines the DMA range limits.
            if (s390Domain.Devices.Count == 0)
            {
                domain.ApertureStart = zdev.StartDma;
                domain.ApertureEnd = zdev.EndDma;
                domain.ForceAperture = true;
            }
            else if (domain.ApertureStart != zdev.StartDma || domain.ApertureEnd != zdev.EndDma)
            {
                // Allow only devices with identical DMA range limits.
                rc = -Errno.EINVAL;
                s390Domain.ListLock.Unlock();
                goto out_restore;
            }

            zdev.S390Domain = s390Domain;
            s390Domain.Devices.Add(domainDevice);
            s390Domain.ListLock.Unlock();

            return 0;

        out_restore:
            if (zdev.S390Domain is null)
            {
                zdev.DmaTable = null; // zpci_dma_init_device()
            }
            else
            {
                zdev.DmaTable = zdev.S390Domain.DmaTable;
                zdev.IoatRegistered = true;
            }

            return rc;
        }

        // s390_iommu_detach_device
        public void DetachDev(IommuDomain domain, Device dev)
        {
            var s390Domain = (S390Domain)domain;
            ZpciDev? zdev = dev.Zdev;
            bool found = false;

            if (zdev is null)
            {
                return;
            }

            s390Domain.ListLock.Lock();
            foreach (var domainDevice in s390Domain.Devices)
            {
                if (domainDevice.Zdev == zdev)
                {
                    s390Domain.Devices.Remove(domainDevice);
                    found = true;
                    break;
                }
            }

            s390Domain.ListLock.Unlock();

            if (found && zdev.S390Domain == s390Domain)
            {
                zdev.S390Domain = null;
                zdev.IoatRegistered = false; // zpci_unregister_ioat()
                zdev.DmaTable = null; // zpci_dma_init_device()
            }
        }
    }
}
