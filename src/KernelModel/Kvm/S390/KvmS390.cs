using LockDiscipline;

namespace Kernel
{
    /// <summary>arch/s390/kvm/kvm-s390.c, the parts on the AP (crypto) and protected-virtualization paths.</summary>
    public static class KvmS390
    {
        public const int KvmReqVsieRestart = 20;
        public const uint KvmPvEnable = 0;
        public const uint KvmPvDisable = 1;
        public const ulong IrqPendExtService = 1UL << 4;

        /// <summary>ap_instructions_available().</summary>
        public static readonly bool ApInstructionsAvailable = true;

        // kvm_arch_init_vm
        public static int KvmArchInitVm(Kvm kvm)
        {
            KvmS390CryptoInit(kvm);
            kvm.Arch.GisaInt.Origin = true; // kvm_s390_gisa_init()
            return 0;
        }

        // kvm_s390_crypto_init
        private static void KvmS390CryptoInit(Kvm kvm)
        {
            // kvm_s390_set_crycb_format(): the model's machine has APXA, so the CRYCB is format 2.
            kvm.Arch.Crypto.Crycbd = ApInstructionsAvailable ? 0x1000UL | KvmS390Crypto.CrycbFormat2 : 0;
            kvm.Arch.Crypto.Apie = ApInstructionsAvailable;
        }

        // kvm_arch_destroy_vm
        public static void KvmArchDestroyVm(Kvm kvm)
        {
            KvmMain.KvmDestroyVcpus(kvm);

            // We are already at the end of life and kvm->lock is not taken. This is ok as the file descriptor is closed by now
            // and nobody can mess with the pv state.
            if (KvmS390PvOps.KvmS390PvGetHandle(kvm) != 0)
            {
                ushort rc = 0, rrc = 0;
                KvmS390PvOps.KvmS390PvDeinitVm(kvm, ref rc, ref rrc);
            }
        }

        // kvm_arch_vcpu_create
        public static int KvmArchVcpuCreate(KvmVcpu vcpu)
        {
            if (vcpu.Kvm.Arch.Crypto.Apie)
            {
                vcpu.Arch.SieBlock.Eca |= KvmS390SieBlock.EcaApie | KvmS390SieBlock.EcaAiv; // kvm_s390_vcpu_crypto_setup()
            }

            if (KvmS390PvOps.KvmS390PvGetHandle(vcpu.Kvm) != 0)
            {
                ushort uvrc = 0, uvrrc = 0;
                return KvmS390PvOps.KvmS390PvCreateCpu(vcpu, ref uvrc, ref uvrrc);
            }

            return 0;
        }

        // kvm_arch_vcpu_destroy
        public static void KvmArchVcpuDestroy(KvmVcpu vcpu)
        {
            if (vcpu.Arch.PvHandle != 0)
            {
                ushort rc = 0, rrc = 0;
                KvmS390PvOps.KvmS390PvDestroyCpu(vcpu, ref rc, ref rrc);
            }
        }

        // kvm_arch_vm_ioctl
        public static long KvmArchVmIoctl(Kvm kvm, uint ioctl, object? arg)
        {
            long r;

            switch (ioctl)
            {
                case KvmIoctl.KvmS390PvCommand:
                {
                    if (arg is not KvmPvCmd args)
                    {
                        r = -Errno.EFAULT;
                        break;
                    }

                    if (args.Flags != 0)
                    {
                        r = -Errno.EINVAL;
                        break;
                    }

                    kvm.Lock.Lock();
                    r = KvmS390HandlePv(kvm, args);
                    kvm.Lock.Unlock();
                    break;
                }

                default:
                    r = -Errno.ENOTTY;
                    break;
            }

            return r;
        }

        // kvm_s390_handle_pv
        [Requires("kvm.Lock")]
        private static int KvmS390HandlePv(Kvm kvm, KvmPvCmd cmd)
        {
            int r = 0;
            ushort dummy = 0;

            switch (cmd.Cmd)
            {
                case KvmPvEnable:
                    r = -Errno.EINVAL;
                    if (KvmS390PvOps.KvmS390PvIsProtected(kvm))
                    {
                        break;
                    }

                    r = KvmS390PvOps.KvmS390PvInitVm(kvm, ref cmd.Rc, ref cmd.Rrc);
                    if (r != 0)
                    {
                        break;
                    }

                    r = KvmS390CpusToPv(kvm, ref cmd.Rc, ref cmd.Rrc);
                    if (r != 0)
                    {
                        KvmS390PvOps.KvmS390PvDeinitVm(kvm, ref dummy, ref dummy);
                    }

                    // we need to block service interrupts from now on
                    System.Threading.Interlocked.Or(ref kvm.Arch.MaskedIrqs, IrqPendExtService);
                    break;

                case KvmPvDisable:
                    r = -Errno.EINVAL;
                    if (!KvmS390PvOps.KvmS390PvIsProtected(kvm))
                    {
                        break;
                    }

                    r = KvmS390CpusFromPv(kvm, ref cmd.Rc, ref cmd.Rrc);

                    // If a CPU could not be destroyed, destroy VM will also fail. There is no point in trying to destroy it.
                    // Instead return the rc and rrc from the first CPU that failed destroying.
                    if (r != 0)
                    {
                        break;
                    }

                    r = KvmS390PvOps.KvmS390PvDeinitVm(kvm, ref cmd.Rc, ref cmd.Rrc);

                    // no need to block service interrupts any more
                    System.Threading.Interlocked.And(ref kvm.Arch.MaskedIrqs, ~IrqPendExtService);
                    break;

                default:
                    r = -Errno.ENOTTY;
                    break;
            }

            return r;
        }

        // kvm_s390_cpus_to_pv
        [Requires("kvm.Lock")]
        private static int KvmS390CpusToPv(Kvm kvm, ref ushort rc, ref ushort rrc)
        {
            int r = 0;
            ushort dummy = 0;

            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                vcpu.Mutex.Lock();
                r = KvmS390PvOps.KvmS390PvCreateCpu(vcpu, ref rc, ref rrc);
                vcpu.Mutex.Unlock();
                if (r != 0)
                {
                    break;
                }
            }

            if (r != 0)
            {
                KvmS390CpusFromPv(kvm, ref dummy, ref dummy);
            }

            return r;
        }

        // kvm_s390_cpus_from_pv
        [Requires("kvm.Lock")]
        private static int KvmS390CpusFromPv(Kvm kvm, ref ushort rc, ref ushort rrc)
        {
            ushort rc2 = 0, rrc2 = 0;
            int ret = 0;

            // We ignore failures and try to destroy as many CPUs as possible. At the same time we must not free the assigned
            // resources when this fails, as the ultravisor has still access to that memory. We want to return the first
            // failure rc and rrc, though.
            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                vcpu.Mutex.Lock();
                if (KvmS390PvOps.KvmS390PvDestroyCpu(vcpu, ref rc2, ref rrc2) != 0 && ret == 0)
                {
                    rc = rc2;
                    rrc = rrc2;
                    ret = -Errno.EIO;
                }

                vcpu.Mutex.Unlock();
            }

            return ret;
        }

        // kvm_arch_vcpu_ioctl_run: called with vcpu->mutex held
        public static int KvmArchVcpuIoctlRun(KvmVcpu vcpu)
        {
            int rc;

            if (vcpu.Run.ImmediateExit)
            {
                return -Errno.EINTR;
            }

            rc = __VcpuRun(vcpu);

            if (rc == -Errno.EREMOTE)
            {
                // userspace support is needed, kvm_run has been prepared
                rc = 0;
            }

            return rc;
        }

        // __vcpu_run
        private static int __VcpuRun(KvmVcpu vcpu)
        {
            int rc, exitReason;

            // We try to hold kvm->srcu during most of vcpu_run (except when running the guest), so that memslots (and other
            // stuff) are protected.
            KvmMain.KvmVcpuSrcuReadLock(vcpu);

            do
            {
                rc = VcpuPreRun(vcpu);
                if (rc != 0)
                {
                    break;
                }

                KvmMain.KvmVcpuSrcuReadUnlock(vcpu);
                exitReason = Sie64a(vcpu);
                KvmMain.KvmVcpuSrcuReadLock(vcpu);

                rc = VcpuPostRun(vcpu, exitReason);
            }
            while (!SignalPending(vcpu) && rc == 0);

            KvmMain.KvmVcpuSrcuReadUnlock(vcpu);
            return rc;
        }

        // vcpu_pre_run: kvm_s390_handle_requests()
        private static int VcpuPreRun(KvmVcpu vcpu)
        {
            System.Threading.Interlocked.And(ref vcpu.Arch.SieBlock.Prog20, ~KvmS390SieBlock.ProgRequest);
            vcpu.Arch.SieBlock.Icptcode = 0;
            return 0;
        }

        /// <summary>sie64a(): the "hardware" runs the guest until its next intercept.</summary>
        private static int Sie64a(KvmVcpu vcpu)
        {
            var sie = vcpu.Arch.SieBlock;

            System.Threading.Volatile.Write(ref sie.Prog0c, KvmS390SieBlock.ProgInSie);
            if ((System.Threading.Volatile.Read(ref sie.Prog20) & KvmS390SieBlock.ProgBlockSie) == 0
                && vcpu.GuestProgram.TryDequeue(out var exit))
            {
                sie.Icptcode = KvmS390SieBlock.IcptInst;
                sie.Ipa = exit.Ipa;
                for (var i = 0; i < exit.Args.Length && i < vcpu.Run.Gprs.Length; i++)
                {
                    vcpu.Run.Gprs[i] = exit.Args[i];
                }
            }

            System.Threading.Volatile.Write(ref sie.Prog0c, 0);
            return 0;
        }

        /// <summary>signal_pending(current): the model's vCPU thread returns to userspace once the guest has nothing left to do.</summary>
        private static bool SignalPending(KvmVcpu vcpu) => vcpu.GuestProgram.IsEmpty;

        // vcpu_post_run
        private static int VcpuPostRun(KvmVcpu vcpu, int exitReason)
        {
            if (exitReason == -Errno.EINTR)
            {
                return 0;
            }

            if (vcpu.Arch.SieBlock.Icptcode > 0)
            {
                int rc = KvmS390Intercept.KvmHandleSieIntercept(vcpu);

                if (rc != -Errno.EOPNOTSUPP)
                {
                    return rc;
                }

                vcpu.Run.ExitReason = KvmRun.KvmExitS390Sieic;
                return -Errno.EREMOTE;
            }

            return 0;
        }

        // kvm_s390_vcpu_block
        private static void KvmS390VcpuBlock(KvmVcpu vcpu)
        {
            System.Threading.Interlocked.Or(ref vcpu.Arch.SieBlock.Prog20, KvmS390SieBlock.ProgBlockSie);
            ExitSie(vcpu);
        }

        // kvm_s390_vcpu_unblock
        private static void KvmS390VcpuUnblock(KvmVcpu vcpu)
            => System.Threading.Interlocked.And(ref vcpu.Arch.SieBlock.Prog20, ~KvmS390SieBlock.ProgBlockSie);

        // exit_sie: kick a guest CPU out of SIE and wait until SIE is not running
        private static void ExitSie(KvmVcpu vcpu)
        {
            var spin = new System.Threading.SpinWait();
            while ((System.Threading.Volatile.Read(ref vcpu.Arch.SieBlock.Prog0c) & KvmS390SieBlock.ProgInSie) != 0)
            {
                spin.SpinOnce();
            }
        }

        // kvm_s390_vcpu_block_all
        [Requires("kvm.Lock")]
        private static void KvmS390VcpuBlockAll(Kvm kvm)
        {
            Bug.WarnOn(!kvm.Lock.IsLocked);
            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                KvmS390VcpuBlock(vcpu);
            }
        }

        // kvm_s390_vcpu_unblock_all
        private static void KvmS390VcpuUnblockAll(Kvm kvm)
        {
            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                KvmS390VcpuUnblock(vcpu);
            }
        }

        // kvm_s390_sync_request_broadcast
        private static void KvmS390SyncRequestBroadcast(Kvm kvm, int req)
        {
            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                // kvm_s390_sync_request()
                KvmXenOps.KvmMakeRequest(req, vcpu);
                System.Threading.Interlocked.Or(ref vcpu.Arch.SieBlock.Prog20, KvmS390SieBlock.ProgRequest);
                ExitSie(vcpu);
            }
        }

        // kvm_arch_crypto_set_masks: gives the guest its AP configuration. Takes kvm->lock and blocks every vCPU.
        public static void KvmArchCryptoSetMasks(Kvm kvm, ulong[] apm, ulong[] aqm, ulong[] adm)
        {
            var crypto = kvm.Arch.Crypto;

            kvm.Lock.Lock();
            KvmS390VcpuBlockAll(kvm);

            switch (crypto.Crycbd & KvmS390Crypto.CrycbFormatMask)
            {
                case KvmS390Crypto.CrycbFormat2: // APCB1 use 256 bits
                    System.Array.Copy(apm, crypto.Apm, 4);
                    System.Array.Copy(aqm, crypto.Aqm, 4);
                    System.Array.Copy(adm, crypto.Adm, 4);
                    break;
                case KvmS390Crypto.CrycbFormat1:
                case KvmS390Crypto.CrycbFormat0: // Fall through both use APCB0
                    crypto.Apm[0] = apm[0];
                    crypto.Aqm[0] = aqm[0] & 0xffff;
                    crypto.Adm[0] = adm[0] & 0xffff;
                    break;
                default: // Can not happen
                    break;
            }

            // recreate the shadow crycb for each vcpu
            KvmS390SyncRequestBroadcast(kvm, KvmReqVsieRestart);
            KvmS390VcpuUnblockAll(kvm);
            kvm.Lock.Unlock();
        }

        // kvm_arch_crypto_clear_masks: removes the guest's AP configuration. Takes kvm->lock and blocks every vCPU.
        public static void KvmArchCryptoClearMasks(Kvm kvm)
        {
            var crypto = kvm.Arch.Crypto;

            kvm.Lock.Lock();
            KvmS390VcpuBlockAll(kvm);

            System.Array.Clear(crypto.Apm);
            System.Array.Clear(crypto.Aqm);
            System.Array.Clear(crypto.Adm);

            // recreate the shadow crycb for each vcpu
            KvmS390SyncRequestBroadcast(kvm, KvmReqVsieRestart);
            KvmS390VcpuUnblockAll(kvm);
            kvm.Lock.Unlock();
        }
    }

    /// <summary>struct kvm_pv_cmd.</summary>
    public sealed class KvmPvCmd
    {
        public uint Cmd;
        public ushort Rc;
        public ushort Rrc;
        public ulong Data;
        public uint Flags;
    }

    /// <summary>arch/s390/kvm/intercept.c.</summary>
    public static class KvmS390Intercept
    {
        // kvm_handle_sie_intercept
        public static int KvmHandleSieIntercept(KvmVcpu vcpu)
        {
            switch (vcpu.Arch.SieBlock.Icptcode)
            {
                case KvmS390SieBlock.IcptInst:
                    return HandleInstruction(vcpu);
                default:
                    return -Errno.EOPNOTSUPP;
            }
        }

        // handle_instruction
        private static int HandleInstruction(KvmVcpu vcpu)
        {
            switch (vcpu.Arch.SieBlock.Ipa >> 8)
            {
                case 0xb2:
                    return KvmS390Priv.KvmS390HandleB2(vcpu);
                default:
                    return -Errno.EOPNOTSUPP;
            }
        }
    }

    /// <summary>arch/s390/kvm/priv.c.</summary>
    public static class KvmS390Priv
    {
        // kvm_s390_handle_b2
        public static int KvmS390HandleB2(KvmVcpu vcpu)
        {
            switch (vcpu.Arch.SieBlock.Ipa & 0x00ff)
            {
                case 0xaf:
                    return HandlePqap(vcpu);
                default:
                    return -Errno.EOPNOTSUPP;
            }
        }

        // handle_pqap: the PQAP(AQIC) intercept, handed to the vfio driver that registered the hook
        private static int HandlePqap(KvmVcpu vcpu)
        {
            ulong reg0;
            int ret;
            byte fc;

            // Verify that the AP instruction are available.
            if (!KvmS390.ApInstructionsAvailable)
            {
                return -Errno.EOPNOTSUPP;
            }

            // Verify that the guest is allowed to use AP instructions.
            if ((vcpu.Arch.SieBlock.Eca & KvmS390SieBlock.EcaApie) == 0)
            {
                return -Errno.EOPNOTSUPP;
            }

            // The only possibly intercepted functions when AP instructions are available for the guest are AQIC and TAPQ with
            // the t bit set; since we do not set IC.3 (FIII) we currently will only intercept the AQIC function code.
            reg0 = vcpu.Run.Gprs[0];
            fc = (byte)((reg0 >> 24) & 0xff);
            if (fc != 0x03)
            {
                return -Errno.EOPNOTSUPP;
            }

            // PQAP instruction is allowed for guest kernel only.
            if ((vcpu.Arch.SieBlock.GpswMask & KvmS390SieBlock.PswMaskPstate) != 0)
            {
                return -Errno.EPERM; // kvm_s390_inject_program_int(vcpu, PGM_PRIVILEGED_OP)
            }

            // Verify that the hook callback is registered, lock the owner and call the hook.
            var hook = vcpu.Kvm.Arch.Crypto.PqapHook;
            if (hook is not null)
            {
                if (!Module.TryModuleGet(hook.Owner))
                {
                    return -Errno.EOPNOTSUPP;
                }

                ret = hook.Hook(vcpu);
                Module.ModulePut(hook.Owner);
                if (ret == 0 && (vcpu.Run.Gprs[1] & 0x00ff0000) != 0)
                {
                    vcpu.Arch.SieBlock.Cc = 3; // kvm_s390_set_psw_cc(vcpu, 3)
                }

                return ret;
            }

            // A vfio_driver must register a hook. No hook means no driver to enable the SIE CRYCB and no queues. We send this
            // response to the guest.
            vcpu.Run.Gprs[1] = 0x01UL << 56; // status.response_code = 0x01
            vcpu.Arch.SieBlock.Cc = 3;
            return 0;
        }
    }

    /// <summary>arch/s390/kvm/pv.c.</summary>
    public static class KvmS390PvOps
    {
        private static ulong _nextHandle = 0x1000;

        // kvm_s390_pv_get_handle
        public static ulong KvmS390PvGetHandle(Kvm kvm) => System.Threading.Volatile.Read(ref kvm.Arch.Pv.Handle);

        // kvm_s390_pv_is_protected
        public static bool KvmS390PvIsProtected(Kvm kvm) => KvmS390PvGetHandle(kvm) != 0;

        // kvm_s390_pv_init_vm
        public static int KvmS390PvInitVm(Kvm kvm, ref ushort rc, ref ushort rrc)
        {
            System.Threading.Volatile.Write(ref kvm.Arch.Pv.Handle, System.Threading.Interlocked.Increment(ref _nextHandle));
            rc = 1; // UVC_RC_EXECUTED
            rrc = 0;
            return 0;
        }

        // kvm_s390_pv_deinit_vm
        public static int KvmS390PvDeinitVm(Kvm kvm, ref ushort rc, ref ushort rrc)
        {
            System.Threading.Volatile.Write(ref kvm.Arch.Pv.Handle, 0UL);
            rc = 1;
            rrc = 0;
            return 0;
        }

        // kvm_s390_pv_create_cpu
        public static int KvmS390PvCreateCpu(KvmVcpu vcpu, ref ushort rc, ref ushort rrc)
        {
            if (vcpu.Arch.PvHandle != 0)
            {
                return -Errno.EINVAL;
            }

            vcpu.Arch.PvHandle = KvmS390PvGetHandle(vcpu.Kvm) + (ulong)vcpu.VcpuId + 1;
            rc = 1;
            rrc = 0;
            return 0;
        }

        // kvm_s390_pv_destroy_cpu
        public static int KvmS390PvDestroyCpu(KvmVcpu vcpu, ref ushort rc, ref ushort rrc)
        {
            vcpu.Arch.PvHandle = 0;
            rc = 1;
            rrc = 0;
            return 0;
        }
    }

    /// <summary>arch/s390/kvm/interrupt.c: GISA interruption subclass registration for AP interrupts.</summary>
    public static class KvmS390Interrupt
    {
        // kvm_s390_gisc_register
        public static int KvmS390GiscRegister(Kvm kvm, uint gisc)
        {
            var gi = kvm.Arch.GisaInt;

            if (!gi.Origin)
            {
                return -Errno.ENODEV;
            }

            if (gisc > KvmS390GisaInterrupt.MaxIsc)
            {
                return -Errno.ERANGE;
            }

            gi.RefLock.Lock();
            gi.RefCount[gisc]++;
            if (gi.RefCount[gisc] == 1)
            {
                gi.Mask |= (byte)(0x80 >> (int)gisc); // gisa_set_iam()
            }

            gi.RefLock.Unlock();

            return gi.Nisc;
        }

        // kvm_s390_gisc_unregister
        public static int KvmS390GiscUnregister(Kvm kvm, uint gisc)
        {
            var gi = kvm.Arch.GisaInt;
            int rc = 0;

            if (!gi.Origin)
            {
                return -Errno.ENODEV;
            }

            if (gisc > KvmS390GisaInterrupt.MaxIsc)
            {
                return -Errno.ERANGE;
            }

            gi.RefLock.Lock();
            if (gi.RefCount[gisc] == 0)
            {
                rc = -Errno.EINVAL;
                goto out_unlock;
            }

            gi.RefCount[gisc]--;
            if (gi.RefCount[gisc] == 0)
            {
                gi.Mask &= (byte)~(0x80 >> (int)gisc);
            }

        out_unlock:
            gi.RefLock.Unlock();

            return rc;
        }
    }
}
