using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// drivers/s390/crypto/vfio_ap_ops.c (v5.11). The default build has the fix of seed 004: matrix_dev->lock is dropped
    /// around kvm_arch_crypto_set_masks()/kvm_arch_crypto_clear_masks(), which take kvm->lock, while an extra reference keeps
    /// the VM alive. SEED_BUGS builds the code before, which called them with matrix_dev->lock held.
    /// </summary>
    public static class VfioApOps
    {
        // AP_QID_CARD
        private static int ApQidCard(int apqn) => (apqn >> 8) & 0xff;

        // AP_QID_QUEUE
        private static int ApQidQueue(int apqn) => apqn & 0xff;

        // AP_MKQID
        public static int ApMkqid(int card, int queue) => ((card & 0xff) << 8) | (queue & 0xff);

        // test_bit_inv: AP masks number their bits from the left
        public static bool TestBitInv(ulong[] bitmap, int nr) => (bitmap[nr / 64] & (1UL << (63 - (nr % 64)))) != 0;

        // set_bit_inv
        public static void SetBitInv(ulong[] bitmap, int nr) => bitmap[nr / 64] |= 1UL << (63 - (nr % 64));

        // vfio_ap_mdev_create
        public static int VfioApMdevCreate(MdevDevice mdev)
        {
            ApMatrixMdev? matrixMdev;

            if (System.Threading.Interlocked.Decrement(ref MatrixDev.AvailableInstances) < 0)
            {
                System.Threading.Interlocked.Increment(ref MatrixDev.AvailableInstances);
                return -Errno.EPERM;
            }

            matrixMdev = Slab.Kzalloc(() => new ApMatrixMdev(mdev));
            if (matrixMdev is null)
            {
                System.Threading.Interlocked.Increment(ref MatrixDev.AvailableInstances);
                return -Errno.ENOMEM;
            }

            mdev.Drvdata = matrixMdev;
            MatrixDev.Lock.Lock();
            MatrixDev.MdevList.Add(matrixMdev);
            MatrixDev.Lock.Unlock();

            return 0;
        }

        // vfio_ap_mdev_remove
        public static int VfioApMdevRemove(MdevDevice mdev)
        {
            ApMatrixMdev matrixMdev = mdev.Drvdata!;

            MatrixDev.Lock.Lock();

            // If the guest is running, disallow removal.
            if (matrixMdev.Kvm is not null)
            {
                MatrixDev.Lock.Unlock();
                return -Errno.EBUSY;
            }

            VfioApMdevResetQueues(mdev);
            MatrixDev.MdevList.Remove(matrixMdev);
            mdev.Drvdata = null;
            System.Threading.Interlocked.Increment(ref MatrixDev.AvailableInstances);
            MatrixDev.Lock.Unlock();

            return 0;
        }

        // vfio_ap_mdev_set_kvm: verifies no other mediated device has a reference to kvm, takes a reference to it, sets the
        // PQAP hook, supplies the guest's AP masks and stores the KVM pointer in the mdev. The matrix_dev->lock must be
        // held; it is temporarily released to avoid a circular lock dependency with other processes that hold kvm->lock,
        // which is needed to supply the guest's AP configuration.
        [Requires("MatrixDev.Lock")]
        private static int VfioApMdevSetKvm(ApMatrixMdev matrixMdev, Kvm kvm)
        {
            foreach (var m in MatrixDev.MdevList)
            {
                if (m != matrixMdev && m.Kvm == kvm)
                {
                    return -Errno.EPERM;
                }
            }

#if SEED_BUGS
            KvmMain.KvmGetKvm(kvm);
            matrixMdev.Kvm = kvm;
            kvm.Arch.Crypto.PqapHook = matrixMdev.PqapHook;
#else
            if (kvm.Arch.Crypto.Crycbd != 0)
            {
                KvmMain.KvmGetKvm(kvm);
                kvm.Arch.Crypto.PqapHook = matrixMdev.PqapHook;
                MatrixDev.Lock.Unlock();
                KvmS390.KvmArchCryptoSetMasks(kvm, matrixMdev.Matrix.Apm, matrixMdev.Matrix.Aqm, matrixMdev.Matrix.Adm);
                MatrixDev.Lock.Lock();
                matrixMdev.Kvm = kvm;
            }
#endif

            return 0;
        }

        // vfio_ap_mdev_iommu_notifier
        public static int VfioApMdevIommuNotifier(NotifierBlock nb, ulong action, object? data)
        {
            if (action == Vfio.VfioIommuNotifyDmaUnmap)
            {
                // vfio_unpin_pages(): the model pins nothing
                return Notifier.NotifyOk;
            }

            return Notifier.NotifyDone;
        }

        // vfio_ap_mdev_unset_kvm: cleans up what vfio_ap_mdev_set_kvm() set up. The matrix_dev->lock must be held; it is
        // temporarily released around clearing the guest's masks, which takes kvm->lock. The extra reference keeps the VM
        // alive meanwhile, and the KVM pointer is cleared first so that no other path uses it while the lock is dropped.
        [Requires("MatrixDev.Lock")]
        private static void VfioApMdevUnsetKvm(ApMatrixMdev matrixMdev)
        {
#if SEED_BUGS
            KvmS390.KvmArchCryptoClearMasks(matrixMdev.Kvm!);
            matrixMdev.Kvm!.Arch.Crypto.PqapHook = null;
            VfioApMdevResetQueues(matrixMdev.Mdev);
            KvmMain.KvmPutKvm(matrixMdev.Kvm!);
            matrixMdev.Kvm = null;
#else
            Kvm kvm;

            if (matrixMdev.Kvm is not null)
            {
                kvm = matrixMdev.Kvm;
                KvmMain.KvmGetKvm(kvm);
                matrixMdev.Kvm = null;
                kvm.Arch.Crypto.PqapHook = null;
                MatrixDev.Lock.Unlock();
                KvmS390.KvmArchCryptoClearMasks(kvm);
                MatrixDev.Lock.Lock();
                matrixMdev.Kvm = kvm;
                KvmMain.KvmPutKvm(kvm);
                VfioApMdevResetQueues(matrixMdev.Mdev);
                KvmMain.KvmPutKvm(matrixMdev.Kvm);
                matrixMdev.Kvm = null;
            }
#endif
        }

        // vfio_ap_mdev_group_notifier: VFIO_GROUP_NOTIFY_SET_KVM, when the vfio group is attached to a VM or the VM goes away
        public static int VfioApMdevGroupNotifier(NotifierBlock nb, ulong action, object? data)
        {
#if SEED_BUGS
            int ret, notifyRc = Notifier.NotifyOk;
            ApMatrixMdev matrixMdev;

            if (action != Vfio.VfioGroupNotifySetKvm)
            {
                return Notifier.NotifyOk;
            }

            matrixMdev = nb.ContainerOf<ApMatrixMdev>();
            MatrixDev.Lock.Lock();

            if (data is null)
            {
                if (matrixMdev.Kvm is not null)
                {
                    VfioApMdevUnsetKvm(matrixMdev);
                }

                goto notify_done;
            }

            ret = VfioApMdevSetKvm(matrixMdev, (Kvm)data);
            if (ret != 0)
            {
                notifyRc = Notifier.NotifyDone;
                goto notify_done;
            }

            // If there is no CRYCB pointer, then we can't copy the masks.
            if (matrixMdev.Kvm!.Arch.Crypto.Crycbd == 0)
            {
                notifyRc = Notifier.NotifyDone;
                goto notify_done;
            }

            KvmS390.KvmArchCryptoSetMasks(matrixMdev.Kvm, matrixMdev.Matrix.Apm, matrixMdev.Matrix.Aqm, matrixMdev.Matrix.Adm);

        notify_done:
            MatrixDev.Lock.Unlock();
            return notifyRc;
#else
            int notifyRc = Notifier.NotifyOk;
            ApMatrixMdev matrixMdev;

            if (action != Vfio.VfioGroupNotifySetKvm)
            {
                return Notifier.NotifyOk;
            }

            MatrixDev.Lock.Lock();
            matrixMdev = nb.ContainerOf<ApMatrixMdev>();

            if (data is null)
            {
                VfioApMdevUnsetKvm(matrixMdev);
            }
            else if (VfioApMdevSetKvm(matrixMdev, (Kvm)data) != 0)
            {
                notifyRc = Notifier.NotifyDone;
            }

            MatrixDev.Lock.Unlock();

            return notifyRc;
#endif
        }

        // vfio_ap_mdev_open
        public static int VfioApMdevOpen(MdevDevice mdev)
        {
            ApMatrixMdev matrixMdev = mdev.Drvdata!;
            ulong events;
            int ret;

            if (!Module.TryModuleGet(MatrixDev.VfioApModule))
            {
                return -Errno.ENODEV;
            }

            events = Vfio.VfioGroupNotifySetKvm;
            ret = Vfio.VfioRegisterNotifier(mdev.Dev, Vfio.VfioGroupNotify, ref events, matrixMdev.GroupNotifier);
            if (ret != 0)
            {
                Module.ModulePut(MatrixDev.VfioApModule);
                return ret;
            }

            events = Vfio.VfioIommuNotifyDmaUnmap;
            ret = Vfio.VfioRegisterNotifier(mdev.Dev, Vfio.VfioIommuNotify, ref events, matrixMdev.IommuNotifier);
            if (ret == 0)
            {
                return ret;
            }

            Vfio.VfioUnregisterNotifier(mdev.Dev, Vfio.VfioGroupNotify, matrixMdev.GroupNotifier);
            Module.ModulePut(MatrixDev.VfioApModule);
            return ret;
        }

        // vfio_ap_mdev_release
        public static void VfioApMdevRelease(MdevDevice mdev)
        {
            ApMatrixMdev matrixMdev = mdev.Drvdata!;

            MatrixDev.Lock.Lock();
#if SEED_BUGS
            if (matrixMdev.Kvm is not null)
            {
                VfioApMdevUnsetKvm(matrixMdev);
            }
#else
            VfioApMdevUnsetKvm(matrixMdev);
#endif
            MatrixDev.Lock.Unlock();

            Vfio.VfioUnregisterNotifier(mdev.Dev, Vfio.VfioIommuNotify, matrixMdev.IommuNotifier);
            Vfio.VfioUnregisterNotifier(mdev.Dev, Vfio.VfioGroupNotify, matrixMdev.GroupNotifier);
            Module.ModulePut(MatrixDev.VfioApModule);
        }

        // vfio_ap_find_queue
        private static VfioApQueue? VfioApFindQueue(int apqn) => MatrixDev.Queues.TryGetValue(apqn, out var q) ? q : null;

        // vfio_ap_get_queue
        [Requires("MatrixDev.Lock")]
        private static VfioApQueue? VfioApGetQueue(ApMatrixMdev matrixMdev, int apqn)
        {
            VfioApQueue? q;

            if (!TestBitInv(matrixMdev.Matrix.Apm, ApQidCard(apqn)))
            {
                return null;
            }

            if (!TestBitInv(matrixMdev.Matrix.Aqm, ApQidQueue(apqn)))
            {
                return null;
            }

            q = VfioApFindQueue(apqn);
            if (q is not null)
            {
                q.MatrixMdev = matrixMdev;
            }

            return q;
        }

        // ap_aqic, ap_zapq, ap_tapq: the AP instructions, answered by the queue's "hardware" state
        private static ApQueueStatus ApQueueInstruction(int apqn)
            => VfioApFindQueue(apqn)?.Hw ?? new ApQueueStatus { ResponseCode = ApQueueStatus.ApResponseQNotAvail };

        // vfio_ap_free_aqic_resources
        [Requires("MatrixDev.Lock")]
        private static void VfioApFreeAqicResources(VfioApQueue q)
        {
            if (q.SavedIsc != VfioApQueue.VfioApIscInvalid && !Bug.WarnOn(q.MatrixMdev?.Kvm is null))
            {
                KvmS390Interrupt.KvmS390GiscUnregister(q.MatrixMdev!.Kvm!, (uint)q.SavedIsc);
                q.SavedIsc = VfioApQueue.VfioApIscInvalid;
            }

            if (q.SavedPfn != 0 && !Bug.WarnOn(q.MatrixMdev is null))
            {
                q.SavedPfn = 0; // vfio_unpin_pages()
            }
        }

        // vfio_ap_irq_disable
        [Requires("MatrixDev.Lock")]
        private static ApQueueStatus VfioApIrqDisable(VfioApQueue q)
        {
            ApQueueStatus status;
            int retries = 5;

            do
            {
                status = ApQueueInstruction(q.Apqn);
                switch (status.ResponseCode)
                {
                    case ApQueueStatus.ApResponseOtherwiseChanged:
                    case ApQueueStatus.ApResponseNormal:
                        goto end_free;
                    case ApQueueStatus.ApResponseResetInProgress:
                    case ApQueueStatus.ApResponseBusy:
                        System.Threading.Thread.Sleep(20);
                        break;
                    default:
                        // All cases in default means AP not operational.
                        Bug.WarnOn(true, "vfio_ap_irq_disable: ap_aqic status " + status.ResponseCode);
                        goto end_free;
                }
            }
            while (retries-- > 0);

            Bug.WarnOn(true, "vfio_ap_irq_disable: ap_aqic status " + status.ResponseCode);

        end_free:
            VfioApFreeAqicResources(q);
            q.MatrixMdev = null;
            return status;
        }

        // vfio_ap_irq_enable
        [Requires("MatrixDev.Lock")]
        private static ApQueueStatus VfioApIrqEnable(VfioApQueue q, int isc, ulong nib)
        {
            ApQueueStatus status = default;
            int nisc;
            Kvm kvm;
            ulong gPfn = nib >> 12;

            // vfio_pin_pages(): the model's guest memory is always pinned
            kvm = q.MatrixMdev!.Kvm!;

            nisc = KvmS390Interrupt.KvmS390GiscRegister(kvm, (uint)isc);
            if (nisc < 0)
            {
                status.ResponseCode = ApQueueStatus.ApResponseInvalidGisa;
                return status;
            }

            status = ApQueueInstruction(q.Apqn);
            switch (status.ResponseCode)
            {
                case ApQueueStatus.ApResponseNormal:
                    // See if we did clear older IRQ configuration.
                    VfioApFreeAqicResources(q);
                    q.SavedPfn = gPfn;
                    q.SavedIsc = isc;
                    break;
                case ApQueueStatus.ApResponseOtherwiseChanged:
                    // We could not modify IRQ settings: clear new configuration.
                    KvmS390Interrupt.KvmS390GiscUnregister(kvm, (uint)isc);
                    break;
                default:
                    VfioApIrqDisable(q);
                    break;
            }

            return status;
        }

        // handle_pqap: the PQAP(AQIC) hook, called from the vCPU's intercept handler (inside vcpu->mutex and kvm->srcu) to
        // enable or disable interrupts for an AP queue.
        public static int HandlePqap(KvmVcpu vcpu)
        {
            ulong status;
            int apqn;
            VfioApQueue? q;
            var qstatus = new ApQueueStatus { ResponseCode = ApQueueStatus.ApResponseQNotAvail };
            ApMatrixMdev matrixMdev;

            // If we do not use the AIV facility just go to userland.
            if ((vcpu.Arch.SieBlock.Eca & KvmS390SieBlock.EcaAiv) == 0)
            {
                return -Errno.EOPNOTSUPP;
            }

            apqn = (int)(vcpu.Run.Gprs[0] & 0xffff);
            MatrixDev.Lock.Lock();

            if (vcpu.Kvm.Arch.Crypto.PqapHook is not VfioApPqapHook hook)
            {
                goto out_unlock;
            }

            matrixMdev = hook.MatrixMdev;

            q = VfioApGetQueue(matrixMdev, apqn);
            if (q is null)
            {
                goto out_unlock;
            }

            status = vcpu.Run.Gprs[1];

            // If IR bit(16) is set we enable the interrupt.
            if (((status >> (63 - 16)) & 0x01) != 0)
            {
                qstatus = VfioApIrqEnable(q, (int)(status & 0x07), vcpu.Run.Gprs[2]);
            }
            else
            {
                qstatus = VfioApIrqDisable(q);
            }

        out_unlock:
            vcpu.Run.Gprs[1] = (ulong)(uint)qstatus.ResponseCode << 24;
            MatrixDev.Lock.Unlock();
            return 0;
        }

        // vfio_ap_mdev_reset_queue
        [Requires("MatrixDev.Lock")]
        private static int VfioApMdevResetQueue(int apid, int apqi, int retry)
        {
            ApQueueStatus status;
            int retry2 = 2;
            int apqn = ApMkqid(apid, apqi);

            do
            {
                status = ApQueueInstruction(apqn); // ap_zapq()
                switch (status.ResponseCode)
                {
                    case ApQueueStatus.ApResponseNormal:
                        while (!status.QueueEmpty && retry2-- > 0)
                        {
                            System.Threading.Thread.Sleep(20);
                            status = ApQueueInstruction(apqn); // ap_tapq()
                        }

                        Bug.WarnOn(retry2 <= 0 && !status.QueueEmpty);
                        return 0;
                    case ApQueueStatus.ApResponseResetInProgress:
                    case ApQueueStatus.ApResponseBusy:
                        System.Threading.Thread.Sleep(20);
                        break;
                    default:
                        // things are really broken, give up
                        return -Errno.EIO;
                }
            }
            while (retry-- > 0);

            return -Errno.EBUSY;
        }

        // vfio_ap_mdev_reset_queues
        [Requires("MatrixDev.Lock")]
        private static int VfioApMdevResetQueues(MdevDevice mdev)
        {
            int ret;
            int rc = 0;
            VfioApQueue? q;
            ApMatrixMdev matrixMdev = mdev.Drvdata!;

            for (var apid = 0; apid < 256; apid++)
            {
                if (!TestBitInv(matrixMdev.Matrix.Apm, apid))
                {
                    continue;
                }

                for (var apqi = 0; apqi < 256; apqi++)
                {
                    if (!TestBitInv(matrixMdev.Matrix.Aqm, apqi))
                    {
                        continue;
                    }

                    ret = VfioApMdevResetQueue(apid, apqi, 1);

                    // Regardless whether a queue turns out to be busy, or is not operational, we need to continue resetting the
                    // remaining queues.
                    if (ret != 0)
                    {
                        rc = ret;
                    }

                    q = VfioApGetQueue(matrixMdev, ApMkqid(apid, apqi));
                    if (q is not null)
                    {
                        VfioApFreeAqicResources(q);
                    }
                }
            }

            return rc;
        }
    }
}
