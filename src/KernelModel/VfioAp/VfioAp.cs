using Kernel.Primitives;
using LockDiscipline;

namespace Kernel.VfioAp
{
    /// <summary>matrix_dev: one per system, its lock is static.</summary>
    public static class MatrixDev
    {
        /// <summary>matrix_dev->lock.</summary>
        public static readonly KMutex Lock = new KMutex();
    }

    /// <summary>struct ap_matrix_mdev.</summary>
    public sealed class ApMatrixMdev
    {
        [HoldsRef]
        public Kvm.Kvm? Kvm { get; set; }

        public bool PqapHook { get; set; }
    }

    public static class VfioApOps
    {
        // kvm_arch_crypto_set_masks: updates the guest's APCB under kvm->lock.
        public static void KvmArchCryptoSetMasks(Kvm.Kvm kvm)
        {
            kvm.Lock.Lock();
            kvm.Lock.Unlock();
        }

        // handle_pqap: the intercept runs with kvm->lock held by the caller and takes matrix_dev->lock for the queue.
        public static void HandlePqap(Kvm.Kvm kvm, ApMatrixMdev mdev)
        {
            kvm.Lock.Lock();
            MatrixDev.Lock.Lock();
            mdev.PqapHook = true;
            MatrixDev.Lock.Unlock();
            kvm.Lock.Unlock();
        }

#if SEED_BUGS
        // vfio_ap_mdev_set_kvm before the fix: sets the masks (kvm->lock) while matrix_dev->lock is held.
        [Requires("MatrixDev.Lock")]
        public static int VfioApMdevSetKvm(ApMatrixMdev mdev, Kvm.Kvm kvm)
        {
            kvm.GetKvm();
            mdev.Kvm = kvm;
            KvmArchCryptoSetMasks(kvm);
            return 0;
        }
#else
        // vfio_ap_mdev_set_kvm after the fix: drop matrix_dev->lock around the masks while holding an extra kvm reference.
        [Requires("MatrixDev.Lock")]
        public static int VfioApMdevSetKvm(ApMatrixMdev mdev, Kvm.Kvm kvm)
        {
            kvm.GetKvm();
            mdev.PqapHook = true;
            MatrixDev.Lock.Unlock();
            KvmArchCryptoSetMasks(kvm);
            MatrixDev.Lock.Lock();
            mdev.Kvm = kvm;
            return 0;
        }
#endif

        // vfio_ap_mdev_group_notifier
        public static int VfioApMdevGroupNotifier(ApMatrixMdev mdev, Kvm.Kvm kvm)
        {
            MatrixDev.Lock.Lock();
            var rc = VfioApMdevSetKvm(mdev, kvm);
            MatrixDev.Lock.Unlock();
            return rc;
        }
    }
}
