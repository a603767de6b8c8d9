using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct ap_matrix_dev *matrix_dev: the vfio_ap driver's single matrix device.</summary>
    public static class MatrixDev
    {
        /// <summary>matrix_dev->lock.</summary>
        public static readonly Mutex Lock = new();

        /// <summary>matrix_dev->mdev_list.</summary>
        [GuardedBy("Lock")]
        public static readonly List<ApMatrixMdev> MdevList = new();

        /// <summary>The AP queue devices bound to the vfio_ap driver, by APQN (the driver core's list, not matrix_dev's).</summary>
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<int, VfioApQueue> Queues = new();

        /// <summary>matrix_dev->available_instances.</summary>
        public static int AvailableInstances = 65535;

        /// <summary>THIS_MODULE of vfio_ap.</summary>
        public static readonly Module VfioApModule = new("vfio_ap");
    }

    /// <summary>struct ap_matrix: the adapters, domains and control domains assigned to an mdev.</summary>
    public sealed class ApMatrix
    {
        public readonly ulong[] Apm = new ulong[4];
        public readonly ulong[] Aqm = new ulong[4];
        public readonly ulong[] Adm = new ulong[4];
    }

    /// <summary>struct mdev_device.</summary>
    public sealed class MdevDevice
    {
        public MdevDevice(Device dev)
        {
            Dev = dev;
        }

        /// <summary>mdev_dev(mdev).</summary>
        public Device Dev { get; }

        /// <summary>mdev_get_drvdata()/mdev_set_drvdata().</summary>
        public ApMatrixMdev? Drvdata;
    }

    /// <summary>struct ap_matrix_mdev.</summary>
    public sealed class ApMatrixMdev
    {
        public ApMatrixMdev(MdevDevice mdev)
        {
            Mdev = mdev;
            PqapHook = new VfioApPqapHook(this);
            GroupNotifier = new NotifierBlock(this, VfioApOps.VfioApMdevGroupNotifier);
            IommuNotifier = new NotifierBlock(this, VfioApOps.VfioApMdevIommuNotifier);
        }

        public MdevDevice Mdev { get; }

        /// <summary>matrix_mdev->matrix.</summary>
        public readonly ApMatrix Matrix = new();

        /// <summary>matrix_mdev->kvm: set while the mdev is attached to a VM, and then holds a reference to it.</summary>
        [GuardedBy("MatrixDev.Lock")]
        [HoldsRef]
        public Kvm? Kvm;

        /// <summary>matrix_mdev->pqap_hook.</summary>
        public VfioApPqapHook PqapHook { get; }

        /// <summary>matrix_mdev->group_notifier.</summary>
        public NotifierBlock GroupNotifier { get; }

        /// <summary>matrix_mdev->iommu_notifier.</summary>
        public NotifierBlock IommuNotifier { get; }
    }

    /// <summary>matrix_mdev->pqap_hook: { .hook = handle_pqap, .owner = THIS_MODULE }.</summary>
    public sealed class VfioApPqapHook : IKvmS390ModuleHook
    {
        public VfioApPqapHook(ApMatrixMdev matrixMdev)
        {
            MatrixMdev = matrixMdev;
        }

        /// <summary>container_of(hook, struct ap_matrix_mdev, pqap_hook).</summary>
        public ApMatrixMdev MatrixMdev { get; }

        public Module Owner => MatrixDev.VfioApModule;

        public int Hook(KvmVcpu vcpu) => VfioApOps.HandlePqap(vcpu);
    }

    /// <summary>struct vfio_ap_queue.</summary>
    public sealed class VfioApQueue
    {
        public const int VfioApIscInvalid = 0xff;

        public VfioApQueue(int apqn)
        {
            Apqn = apqn;
        }

        public int Apqn { get; }

        /// <summary>q->matrix_mdev.</summary>
        public ApMatrixMdev? MatrixMdev;

        /// <summary>q->saved_pfn.</summary>
        public ulong SavedPfn;

        /// <summary>q->saved_isc.</summary>
        public int SavedIsc = VfioApIscInvalid;

        /// <summary>The "hardware" response to the next PQAP(AQIC), ZAPQ or TAPQ on this queue.</summary>
        public ApQueueStatus Hw = new() { ResponseCode = ApQueueStatus.ApResponseNormal, QueueEmpty = true };
    }

    /// <summary>struct ap_queue_status.</summary>
    public struct ApQueueStatus
    {
        public const int ApResponseNormal = 0x00;
        public const int ApResponseQNotAvail = 0x01;
        public const int ApResponseResetInProgress = 0x02;
        public const int ApResponseDeconfigured = 0x03;
        public const int ApResponseCheckstopped = 0x04;
        public const int ApResponseBusy = 0x05;
        public const int ApResponseInvalidAddress = 0x06;
        public const int ApResponseOtherwiseChanged = 0x07;
        public const int ApResponseInvalidGisa = 0x08;

        public int ResponseCode;
        public bool QueueEmpty;
        public bool IrqEnabled;
    }
}
