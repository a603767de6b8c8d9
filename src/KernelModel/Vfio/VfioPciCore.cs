using LockDiscipline;

namespace Kernel
{
    /// <summary>struct vfio_pci_core_device, reduced to its enable state and its interrupt triggers.</summary>
    public sealed class VfioPciCoreDevice
    {
        /// <summary>vdev->igate: serialises interrupt setup and the triggers.</summary>
        public readonly Mutex Igate = new();

        /// <summary>Whether pci_enable_device() will fail.</summary>
        public bool Broken;

        public bool Enabled;

        /// <summary>vdev->err_trigger.</summary>
        [GuardedBy("Igate")]
        public EventfdCtx? ErrTrigger;

        /// <summary>vdev->req_trigger.</summary>
        [GuardedBy("Igate")]
        public EventfdCtx? ReqTrigger;
    }

    /// <summary>drivers/vfio/pci/vfio_pci.c and vfio_pci_core.c: the vfio-pci bus driver's device ops.</summary>
    public sealed class VfioPciOps : IVfioDeviceOps
    {
        public static readonly VfioPciOps Instance = new();

        private VfioPciOps() { }

        public string Name => "vfio-pci";

        // vfio_pci_core_enable
        private static int VfioPciCoreEnable(VfioPciCoreDevice vdev)
        {
            if (vdev.Broken)
            {
                return -Errno.EIO; // pci_enable_device()
            }

            vdev.Enabled = true;
            return 0;
        }

        // vfio_pci_core_disable
        private static void VfioPciCoreDisable(VfioPciCoreDevice vdev) => vdev.Enabled = false;

        // vfio_pci_open_device
        public int OpenDevice(VfioDevice coreVdev)
        {
            var vdev = (VfioPciCoreDevice)coreVdev.DeviceData!;

            return VfioPciCoreEnable(vdev);
        }

        // vfio_pci_core_close_device
        public void CloseDevice(VfioDevice coreVdev)
        {
            var vdev = (VfioPciCoreDevice)coreVdev.DeviceData!;

            VfioPciCoreDisable(vdev);

            vdev.Igate.Lock();
            if (vdev.ErrTrigger is not null)
            {
                vdev.ErrTrigger.Put();
                vdev.ErrTrigger = null;
            }

            if (vdev.ReqTrigger is not null)
            {
                vdev.ReqTrigger.Put();
                vdev.ReqTrigger = null;
            }

            vdev.Igate.Unlock();
        }

        // vfio_pci_core_request: ask the user, through the request eventfd, to release the device
        public static void VfioPciCoreRequest(VfioDevice coreVdev, uint count)
        {
            var vdev = (VfioPciCoreDevice)coreVdev.DeviceData!;

            vdev.Igate.Lock();

            if (vdev.ReqTrigger is not null)
            {
                vdev.ReqTrigger.Signal(1);
            }
            else if (count == 0)
            {
                Bug.WarnOn(true, "No device request channel registered, blocked until released by user");
            }

            vdev.Igate.Unlock();
        }
    }
}
