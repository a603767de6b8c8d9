using System.Collections.Generic;
using System.Threading;
using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// arch/x86/kvm/xen.c. The default build has the fix of seed 002 (the leaf kvm->arch.xen.xen_lock, and
    /// kvm_xen_eventfd_reset() waiting for SRCU readers outside it); SEED_BUGS builds the code before it, which used kvm->lock.
    /// </summary>
    public static class KvmXenOps
    {
        public const ulong GpaInvalid = ulong.MaxValue;
        public const uint EvtchnStatClosed = 0;
        public const uint EvtchnStatUnbound = 1;
        public const uint EvtchnStatInterdomain = 2;
        public const uint EvtchnStatPirq = 3;
        public const uint EvtchnStatVirq = 4;
        public const uint EvtchnStatIpi = 5;

        public const ulong HypervisorXenVersion = 17;
        public const ulong HypervisorEventChannelOp = 32;
        public const ulong XenverVersion = 0;
        public const ulong EvtchnopSend = 4;

        public const int KvmReqUnblock = 2;
        public const int KvmReqClockUpdate = 16;
        public const int KvmReqMasterclockUpdate = 17;

        /// <summary>sched_info_on().</summary>
        public static readonly bool SchedInfoOn = true;

        /// <summary>kvm_xen_enabled: the static key counting VMs with a Xen hypercall MSR.</summary>
        private static int _kvmXenEnabled;

        // kvm_xen_init_vm
        public static void KvmXenInitVm(Kvm kvm) => kvm.Arch.Xen.EvtchnPorts.Clear();

        // kvm_xen_destroy_vm
        public static void KvmXenDestroyVm(Kvm kvm)
        {
            kvm.Arch.Xen.ShinfoCache.Deactivate();

            foreach (var evtchnfd in kvm.Arch.Xen.EvtchnPorts.Values)
            {
                if (evtchnfd.DeliverPort.Port == 0)
                {
                    evtchnfd.Eventfd?.Put();
                }
            }

            kvm.Arch.Xen.EvtchnPorts.Clear();

            if (kvm.Arch.XenHvmConfig.Msr != 0)
            {
                Interlocked.Decrement(ref _kvmXenEnabled);
            }
        }

        // kvm_xen_init_vcpu
        public static void KvmXenInitVcpu(KvmVcpu vcpu) => vcpu.Arch.Xen.VcpuId = (uint)vcpu.VcpuIdx;

        // kvm_xen_destroy_vcpu
        public static void KvmXenDestroyVcpu(KvmVcpu vcpu)
        {
            vcpu.Arch.Xen.RunstateCache.Deactivate();
            vcpu.Arch.Xen.VcpuInfoCache.Deactivate();
            vcpu.Arch.Xen.VcpuTimeInfoCache.Deactivate();
        }

        // max_evtchn_port
        private static uint MaxEvtchnPort(Kvm kvm) => kvm.Arch.Xen.LongMode ? 4096u : 1024u;

        // kvm_xen_shared_info_init: called with the Xen state lock held
        private static int KvmXenSharedInfoInit(Kvm kvm, ulong gfn)
        {
            var gpc = kvm.Arch.Xen.ShinfoCache;
            int ret = 0;
            int idx = kvm.Srcu.ReadLock();

            if (gfn == GpaInvalid)
            {
                gpc.Deactivate();
                goto out_unlock;
            }

            do
            {
                ret = gpc.Activate(gfn << 12);
                if (ret != 0)
                {
                    goto out_unlock;
                }

                // It could be invalid again already, so we need to check.
                if (gpc.Valid)
                {
                    break;
                }
            }
            while (true);

            KvmMakeAllCpusRequest(kvm, KvmReqMasterclockUpdate);

        out_unlock:
            kvm.Srcu.ReadUnlock(idx);
            return ret;
        }

        // kvm_xen_hvm_set_attr
        public static int KvmXenHvmSetAttr(Kvm kvm, KvmXenHvmAttr data)
        {
            int r = -Errno.ENOENT;

            switch (data.Type)
            {
                case KvmXenHvmAttr.TypeLongMode:
#if SEED_BUGS
                    kvm.Lock.Lock();
#else
                    kvm.Arch.Xen.XenLock.Lock();
#endif
                    kvm.Arch.Xen.LongMode = data.LongMode;
#if SEED_BUGS
                    kvm.Lock.Unlock();
#else
                    kvm.Arch.Xen.XenLock.Unlock();
#endif
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeSharedInfo:
#if SEED_BUGS
                    kvm.Lock.Lock();
#else
                    kvm.Arch.Xen.XenLock.Lock();
#endif
                    r = KvmXenSharedInfoInit(kvm, data.SharedInfoGfn);
#if SEED_BUGS
                    kvm.Lock.Unlock();
#else
                    kvm.Arch.Xen.XenLock.Unlock();
#endif
                    break;

                case KvmXenHvmAttr.TypeUpcallVector:
                    if (data.Vector != 0 && data.Vector < 0x10)
                    {
                        r = -Errno.EINVAL;
                    }
                    else
                    {
#if SEED_BUGS
                        kvm.Lock.Lock();
#else
                        kvm.Arch.Xen.XenLock.Lock();
#endif
                        kvm.Arch.Xen.UpcallVector = data.Vector;
#if SEED_BUGS
                        kvm.Lock.Unlock();
#else
                        kvm.Arch.Xen.XenLock.Unlock();
#endif
                        r = 0;
                    }

                    break;

                case KvmXenHvmAttr.TypeEvtchn:
                    r = KvmXenSetattrEvtchn(kvm, data);
                    break;

                case KvmXenHvmAttr.TypeXenVersion:
#if SEED_BUGS
                    kvm.Lock.Lock();
#else
                    kvm.Arch.Xen.XenLock.Lock();
#endif
                    kvm.Arch.Xen.XenVersion = data.XenVersion;
#if SEED_BUGS
                    kvm.Lock.Unlock();
#else
                    kvm.Arch.Xen.XenLock.Unlock();
#endif
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeRunstateUpdateFlag:
                    if (!SchedInfoOn)
                    {
                        r = -Errno.EOPNOTSUPP;
                        break;
                    }

#if SEED_BUGS
                    kvm.Lock.Lock();
#else
                    kvm.Arch.Xen.XenLock.Lock();
#endif
                    kvm.Arch.Xen.RunstateUpdateFlag = data.RunstateUpdateFlag;
#if SEED_BUGS
                    kvm.Lock.Unlock();
#else
                    kvm.Arch.Xen.XenLock.Unlock();
#endif
                    r = 0;
                    break;
            }

            return r;
        }

        // kvm_xen_hvm_get_attr
        public static int KvmXenHvmGetAttr(Kvm kvm, KvmXenHvmAttr data)
        {
            int r = -Errno.ENOENT;

#if SEED_BUGS
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif

            switch (data.Type)
            {
                case KvmXenHvmAttr.TypeLongMode:
                    data.LongMode = kvm.Arch.Xen.LongMode;
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeSharedInfo:
                    data.SharedInfoGfn = kvm.Arch.Xen.ShinfoCache.Active ? kvm.Arch.Xen.ShinfoCache.Gpa >> 12 : GpaInvalid;
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeUpcallVector:
                    data.Vector = kvm.Arch.Xen.UpcallVector;
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeXenVersion:
                    data.XenVersion = kvm.Arch.Xen.XenVersion;
                    r = 0;
                    break;

                case KvmXenHvmAttr.TypeRunstateUpdateFlag:
                    if (!SchedInfoOn)
                    {
                        r = -Errno.EOPNOTSUPP;
                        break;
                    }

                    data.RunstateUpdateFlag = kvm.Arch.Xen.RunstateUpdateFlag;
                    r = 0;
                    break;
            }

#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif
            return r;
        }

        // kvm_xen_vcpu_set_attr: a vCPU ioctl, so it runs with vcpu->mutex held
        public static int KvmXenVcpuSetAttr(KvmVcpu vcpu, KvmXenVcpuAttr data)
        {
            int idx, r = -Errno.ENOENT;

#if SEED_BUGS
            vcpu.Kvm.Lock.Lock();
#else
            vcpu.Kvm.Arch.Xen.XenLock.Lock();
#endif
            idx = vcpu.Kvm.Srcu.ReadLock();

            switch (data.Type)
            {
                case KvmXenVcpuAttr.TypeVcpuInfo:
                    if (data.Gpa == GpaInvalid)
                    {
                        vcpu.Arch.Xen.VcpuInfoCache.Deactivate();
                        r = 0;
                        break;
                    }

                    r = vcpu.Arch.Xen.VcpuInfoCache.Activate(data.Gpa);
                    if (r == 0)
                    {
                        KvmMakeRequest(KvmReqClockUpdate, vcpu);
                    }

                    break;

                case KvmXenVcpuAttr.TypeVcpuTimeInfo:
                    if (data.Gpa == GpaInvalid)
                    {
                        vcpu.Arch.Xen.VcpuTimeInfoCache.Deactivate();
                        r = 0;
                        break;
                    }

                    r = vcpu.Arch.Xen.VcpuTimeInfoCache.Activate(data.Gpa);
                    if (r == 0)
                    {
                        KvmMakeRequest(KvmReqClockUpdate, vcpu);
                    }

                    break;

                case KvmXenVcpuAttr.TypeRunstateAddr:
                    if (!SchedInfoOn)
                    {
                        r = -Errno.EOPNOTSUPP;
                        break;
                    }

                    if (data.Gpa == GpaInvalid)
                    {
                        vcpu.Arch.Xen.RunstateCache.Deactivate();
                        r = 0;
                        break;
                    }

                    r = vcpu.Arch.Xen.RunstateCache.Activate(data.Gpa);
                    break;

                case KvmXenVcpuAttr.TypeVcpuId:
                    if (data.VcpuId >= Kvm.KvmMaxVcpus)
                    {
                        r = -Errno.EINVAL;
                    }
                    else
                    {
                        vcpu.Arch.Xen.VcpuId = data.VcpuId;
                        r = 0;
                    }

                    break;

                case KvmXenVcpuAttr.TypeUpcallVector:
                    if (data.Vector != 0 && data.Vector < 0x10)
                    {
                        r = -Errno.EINVAL;
                    }
                    else
                    {
                        vcpu.Arch.Xen.UpcallVector = data.Vector;
                        r = 0;
                    }

                    break;
            }

            vcpu.Kvm.Srcu.ReadUnlock(idx);
#if SEED_BUGS
            vcpu.Kvm.Lock.Unlock();
#else
            vcpu.Kvm.Arch.Xen.XenLock.Unlock();
#endif
            return r;
        }

        // kvm_xen_vcpu_get_attr: a vCPU ioctl, so it runs with vcpu->mutex held
        public static int KvmXenVcpuGetAttr(KvmVcpu vcpu, KvmXenVcpuAttr data)
        {
            int r = -Errno.ENOENT;

#if SEED_BUGS
            vcpu.Kvm.Lock.Lock();
#else
            vcpu.Kvm.Arch.Xen.XenLock.Lock();
#endif

            switch (data.Type)
            {
                case KvmXenVcpuAttr.TypeVcpuInfo:
                    data.Gpa = vcpu.Arch.Xen.VcpuInfoCache.Active ? vcpu.Arch.Xen.VcpuInfoCache.Gpa : GpaInvalid;
                    r = 0;
                    break;

                case KvmXenVcpuAttr.TypeVcpuTimeInfo:
                    data.Gpa = vcpu.Arch.Xen.VcpuTimeInfoCache.Active ? vcpu.Arch.Xen.VcpuTimeInfoCache.Gpa : GpaInvalid;
                    r = 0;
                    break;

                case KvmXenVcpuAttr.TypeRunstateAddr:
                    if (!SchedInfoOn)
                    {
                        r = -Errno.EOPNOTSUPP;
                        break;
                    }

                    if (vcpu.Arch.Xen.RunstateCache.Active)
                    {
                        data.Gpa = vcpu.Arch.Xen.RunstateCache.Gpa;
                        r = 0;
                    }

                    break;

                case KvmXenVcpuAttr.TypeVcpuId:
                    data.VcpuId = vcpu.Arch.Xen.VcpuId;
                    r = 0;
                    break;

                case KvmXenVcpuAttr.TypeUpcallVector:
                    data.Vector = vcpu.Arch.Xen.UpcallVector;
                    r = 0;
                    break;
            }

#if SEED_BUGS
            vcpu.Kvm.Lock.Unlock();
#else
            vcpu.Kvm.Arch.Xen.XenLock.Unlock();
#endif
            return r;
        }

        // kvm_xen_hvm_config
        public static int KvmXenHvmConfigure(Kvm kvm, KvmXenHvmConfig xhc)
        {
            // Only some feature flags need to be *enabled* by userspace.
            uint permittedFlags = KvmXenHvmConfig.InterceptHcall | KvmXenHvmConfig.EvtchnSend;

            if ((xhc.Flags & ~permittedFlags) != 0)
            {
                return -Errno.EINVAL;
            }

            // With hypercall interception the kernel generates its own hypercall page so it must not be provided.
            if ((xhc.Flags & KvmXenHvmConfig.InterceptHcall) != 0
                && (xhc.BlobAddr32 != 0 || xhc.BlobAddr64 != 0 || xhc.BlobSize32 != 0 || xhc.BlobSize64 != 0))
            {
                return -Errno.EINVAL;
            }

#if SEED_BUGS
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif

            if (xhc.Msr != 0 && kvm.Arch.XenHvmConfig.Msr == 0)
            {
                Interlocked.Increment(ref _kvmXenEnabled);
            }
            else if (xhc.Msr == 0 && kvm.Arch.XenHvmConfig.Msr != 0)
            {
                Interlocked.Decrement(ref _kvmXenEnabled);
            }

            kvm.Arch.XenHvmConfig = xhc.Clone();

#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif
            return 0;
        }

        // kvm_xen_hypercall_enabled
        public static bool KvmXenHypercallEnabled(Kvm kvm)
            => Volatile.Read(ref _kvmXenEnabled) > 0 && (kvm.Arch.XenHvmConfig.Flags & KvmXenHvmConfig.InterceptHcall) != 0;

        // kvm_xen_set_evtchn_fast: delivers through the shared_info page if it is mapped, else returns -EWOULDBLOCK. This
        // is also the lockless path taken in IRQ context.
        public static int KvmXenSetEvtchnFast(KvmXenEvtchn xe, Kvm kvm)
        {
            var gpc = kvm.Arch.Xen.ShinfoCache;
            KvmVcpu? vcpu;
            bool kickVcpu = false;
            int idx, rc;

            var vcpuIdx = Volatile.Read(ref xe.VcpuIdx);
            if (vcpuIdx >= 0)
            {
                vcpu = KvmMain.KvmGetVcpu(kvm, vcpuIdx);
            }
            else
            {
                vcpu = KvmMain.KvmGetVcpuById(kvm, (int)xe.VcpuId);
                if (vcpu is null)
                {
                    return -Errno.EINVAL;
                }

                Volatile.Write(ref xe.VcpuIdx, vcpu.VcpuIdx);
            }

            if (vcpu is null || !vcpu.Arch.Xen.VcpuInfoCache.Active)
            {
                return -Errno.EINVAL;
            }

            if (xe.Port >= MaxEvtchnPort(kvm))
            {
                return -Errno.EINVAL;
            }

            rc = -Errno.EWOULDBLOCK;

            idx = kvm.Srcu.ReadLock();

            if (!gpc.Check())
            {
                goto out_rcu;
            }

            var portWordBit = (int)(xe.Port / 64);

            // If this port wasn't already set, and if it isn't masked, then we try to set the corresponding bit in the
            // in-kernel shadow of evtchn_pending_sel for the target vCPU, and kick it if that was newly set.
            if (TestAndSetBit(gpc.EvtchnPending, xe.Port))
            {
                rc = 0; // It was already raised.
            }
            else if (TestBit(gpc.EvtchnMask, xe.Port))
            {
                rc = -Errno.ENOTCONN; // Masked.
            }
            else
            {
                rc = 1; // Delivered to the bitmap in shared_info.
                if ((Interlocked.Or(ref vcpu.Arch.Xen.EvtchnPendingSel, 1L << portWordBit) & (1L << portWordBit)) == 0)
                {
                    kickVcpu = true;
                }
            }

        out_rcu:
            kvm.Srcu.ReadUnlock(idx);

            if (kickVcpu)
            {
                KvmMakeRequest(KvmReqUnblock, vcpu);
            }

            return rc;
        }

        // kvm_xen_set_evtchn: the slow path, when the fast path found the shared_info mapping invalid. It serialises
        // against changes to the mapping with the Xen state lock, and it is reached from vCPU context (EVTCHNOP_send)
        // inside vcpu->mutex and kvm->srcu.
        public static int KvmXenSetEvtchn(KvmXenEvtchn xe, Kvm kvm)
        {
            int rc;

            rc = KvmXenSetEvtchnFast(xe, kvm);
            if (rc != -Errno.EWOULDBLOCK)
            {
                return rc;
            }

#if SEED_BUGS
            // For the irqfd workqueue, using the main kvm->lock mutex is fine since this function is invoked from
            // kvm_set_irq() with no other lock held, no srcu. In future if it will be called directly from a vCPU thread
            // (e.g. on hypercall for an IPI) then it may need to switch to using a leaf-node mutex for serializing the
            // shared_info mapping.
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif

            // It is theoretically possible for the page to be unmapped and the MMU notifier to invalidate the shared_info
            // before we even get to use it. In that case, this looks like an infinite loop, but it is only ever expected to
            // happen as the VM is being torn down.
            do
            {
                var gpc = kvm.Arch.Xen.ShinfoCache;
                int idx;

                rc = KvmXenSetEvtchnFast(xe, kvm);
                if (rc != -Errno.EWOULDBLOCK)
                {
                    break;
                }

                idx = kvm.Srcu.ReadLock();
                rc = gpc.Refresh();
                kvm.Srcu.ReadUnlock(idx);
            }
            while (rc == 0);

#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif
            return rc;
        }

        // evtchn_set_fn: the KVM_IRQ_ROUTING_XEN_EVTCHN routing entry's set function (irqfd workqueue)
        public static int EvtchnSetFn(KvmXenEvtchn xe, Kvm kvm, int irqSourceId, int level, bool lineStatus)
        {
            if (level == 0)
            {
                return -Errno.EINVAL;
            }

            return KvmXenSetEvtchn(xe, kvm);
        }

        // kvm_xen_hvm_evtchn_send
        public static int KvmXenHvmEvtchnSend(Kvm kvm, KvmIrqRoutingXenEvtchn uxe)
        {
            int ret;

            if (uxe.Port == 0 || uxe.Port >= MaxEvtchnPort(kvm))
            {
                return -Errno.EINVAL;
            }

            // We only support 2 level event channels for now.
            if (uxe.Priority != KvmIrqRoutingXenEvtchn.Prio2Level)
            {
                return -Errno.EINVAL;
            }

            var e = new KvmXenEvtchn { Port = uxe.Port, VcpuId = uxe.Vcpu, VcpuIdx = -1, Priority = uxe.Priority };

            ret = KvmXenSetEvtchn(e, kvm);

            // None of that 'return 1 if it actually got delivered' nonsense. We don't care if it was masked (-ENOTCONN) either.
            if (ret > 0 || ret == -Errno.ENOTCONN)
            {
                ret = 0;
            }

            return ret;
        }

        // kvm_xen_hcall_evtchn_send: runs in the vCPU thread, inside vcpu->mutex and kvm->srcu
        private static bool KvmXenHcallEvtchnSend(KvmVcpu vcpu, ulong param, out ulong r)
        {
            Evtchnfd? evtchnfd;
            object? send;
            int idx;

            idx = vcpu.Kvm.Srcu.ReadLock();
            ulong gpa = param; // kvm_mmu_gva_to_gpa_system(): the model's guest runs with paging off
            vcpu.Kvm.Srcu.ReadUnlock(idx);

            if (gpa == 0 || !vcpu.Kvm.GuestMemory.TryGetValue(gpa, out send) || send is not EvtchnSend sendArgs)
            {
                r = unchecked((ulong)-Errno.EFAULT);
                return true;
            }

            // The evtchn_ports idr is protected by vcpu->kvm->srcu.
            if (!vcpu.Kvm.Arch.Xen.EvtchnPorts.TryGetValue(sendArgs.Port, out evtchnfd))
            {
                r = 0;
                return false;
            }

            if (evtchnfd.DeliverPort.Port != 0)
            {
                int ret = KvmXenSetEvtchn(evtchnfd.DeliverPort, vcpu.Kvm);
                if (ret < 0 && ret != -Errno.ENOTCONN)
                {
                    r = 0;
                    return false;
                }
            }
            else
            {
                evtchnfd.Eventfd?.Signal(1);
            }

            r = 0;
            return true;
        }

        // kvm_xen_hypercall: called from kvm_emulate_hypercall() in the exit handler, inside vcpu->mutex and kvm->srcu
        public static int KvmXenHypercall(KvmVcpu vcpu)
        {
            ulong input, r = unchecked((ulong)-Errno.ENOSYS);
            var param = new ulong[6];
            bool handled = false;

            input = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRax];
            param[0] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRdi];
            param[1] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRsi];
            param[2] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRdx];
            param[3] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsR10];
            param[4] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsR8];
            param[5] = vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsR9];

            switch (input)
            {
                case HypervisorXenVersion:
                    if (param[0] == XenverVersion && vcpu.Kvm.Arch.Xen.XenVersion != 0)
                    {
                        r = vcpu.Kvm.Arch.Xen.XenVersion;
                        handled = true;
                    }

                    break;
                case HypervisorEventChannelOp:
                    if (param[0] == EvtchnopSend)
                    {
                        handled = KvmXenHcallEvtchnSend(vcpu, param[1], out r);
                    }

                    break;
            }

            if (handled)
            {
                return KvmXenHypercallSetResult(vcpu, r);
            }

            vcpu.Run.ExitReason = KvmRun.KvmExitXen;
            vcpu.Run.XenHcallInput = input;
            return 0;
        }

        // kvm_xen_hypercall_set_result
        private static int KvmXenHypercallSetResult(KvmVcpu vcpu, ulong result)
        {
            vcpu.Arch.Regs[KvmVcpuArch.VcpuRegsRax] = result;
            return 1; // kvm_skip_emulated_instruction()
        }

        // kvm_xen_setattr_evtchn
        private static int KvmXenSetattrEvtchn(Kvm kvm, KvmXenHvmAttr data)
        {
            uint port = data.EvtchnSendPort;

            if (data.EvtchnFlags == KvmXenHvmAttr.EvtchnReset)
            {
                return KvmXenEventfdReset(kvm);
            }

            if (port == 0 || port >= MaxEvtchnPort(kvm))
            {
                return -Errno.EINVAL;
            }

            if (data.EvtchnFlags == KvmXenHvmAttr.EvtchnDeassign)
            {
                return KvmXenEventfdDeassign(kvm, port);
            }

            if (data.EvtchnFlags == KvmXenHvmAttr.EvtchnUpdate)
            {
                return KvmXenEventfdUpdate(kvm, data);
            }

            if (data.EvtchnFlags != 0)
            {
                return -Errno.EINVAL;
            }

            return KvmXenEventfdAssign(kvm, data);
        }

        // kvm_xen_eventfd_update
        private static int KvmXenEventfdUpdate(Kvm kvm, KvmXenHvmAttr data)
        {
            uint port = data.EvtchnSendPort;
            int ret;

            // Protect writes to evtchnfd as well as the idr lookup.
#if SEED_BUGS
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif
            kvm.Arch.Xen.EvtchnPorts.TryGetValue(port, out var evtchnfd);

            ret = -Errno.ENOENT;
            if (evtchnfd is null)
            {
                goto out_unlock;
            }

            // For an UPDATE, nothing may change except the priority/vcpu.
            ret = -Errno.EINVAL;
            if (evtchnfd.Type != data.EvtchnType)
            {
                goto out_unlock;
            }

            // Port cannot change, and if it's zero that was an eventfd which can't be changed either.
            if (evtchnfd.DeliverPort.Port == 0 || evtchnfd.DeliverPort.Port != data.EvtchnDeliverPort.Port)
            {
                goto out_unlock;
            }

            // We only support 2 level event channels for now.
            if (data.EvtchnDeliverPort.Priority != KvmIrqRoutingXenEvtchn.Prio2Level)
            {
                goto out_unlock;
            }

            evtchnfd.DeliverPort.Priority = data.EvtchnDeliverPort.Priority;
            if (evtchnfd.DeliverPort.VcpuId != data.EvtchnDeliverPort.VcpuId)
            {
                evtchnfd.DeliverPort.VcpuId = data.EvtchnDeliverPort.VcpuId;
                evtchnfd.DeliverPort.VcpuIdx = -1;
            }

            ret = 0;

        out_unlock:
#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif
            return ret;
        }

        // kvm_xen_eventfd_assign
        private static int KvmXenEventfdAssign(Kvm kvm, KvmXenHvmAttr data)
        {
            uint port = data.EvtchnSendPort;
            EventfdCtx? eventfd = null;
            Evtchnfd? evtchnfd;
            int ret = -Errno.EINVAL;

            evtchnfd = Slab.Kzalloc(() => new Evtchnfd());
            if (evtchnfd is null)
            {
                return -Errno.ENOMEM;
            }

            switch (data.EvtchnType)
            {
                case EvtchnStatIpi:
                    // IPI must map back to the same port#.
                    if (data.EvtchnDeliverPort.Port != data.EvtchnSendPort)
                    {
                        goto out_noeventfd;
                    }

                    break;

                case EvtchnStatInterdomain:
                    if (data.EvtchnDeliverPort.Port != 0)
                    {
                        if (data.EvtchnDeliverPort.Port >= MaxEvtchnPort(kvm))
                        {
                            goto out_noeventfd;
                        }
                    }
                    else
                    {
                        // eventfd_ctx_fdget()
                        eventfd = data.EvtchnDeliverEventfd?.Get();
                        if (eventfd is null)
                        {
                            ret = -Errno.EBADF;
                            goto out_noeventfd;
                        }
                    }

                    break;

                default:
                    // virq, closed, unbound, pirq, or an unknown event channel type.
                    goto out_put;
            }

            evtchnfd.SendPort = data.EvtchnSendPort;
            evtchnfd.Type = data.EvtchnType;
            if (eventfd is not null)
            {
                evtchnfd.Eventfd = eventfd;
            }
            else
            {
                // We only support 2 level event channels for now.
                if (data.EvtchnDeliverPort.Priority != KvmIrqRoutingXenEvtchn.Prio2Level)
                {
                    goto out_put;
                }

                evtchnfd.DeliverPort.Port = data.EvtchnDeliverPort.Port;
                evtchnfd.DeliverPort.VcpuId = data.EvtchnDeliverPort.VcpuId;
                evtchnfd.DeliverPort.VcpuIdx = -1;
                evtchnfd.DeliverPort.Priority = data.EvtchnDeliverPort.Priority;
            }

#if SEED_BUGS
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif
            ret = kvm.Arch.Xen.EvtchnPorts.TryAdd(port, evtchnfd) ? 0 : -Errno.EEXIST; // idr_alloc(port, port + 1)
#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif
            if (ret >= 0)
            {
                return 0;
            }

        out_put:
            eventfd?.Put();
        out_noeventfd:
            return ret;
        }

        // kvm_xen_eventfd_deassign
        private static int KvmXenEventfdDeassign(Kvm kvm, uint port)
        {
            Evtchnfd? evtchnfd;

#if SEED_BUGS
            kvm.Lock.Lock();
#else
            kvm.Arch.Xen.XenLock.Lock();
#endif
            kvm.Arch.Xen.EvtchnPorts.TryRemove(port, out evtchnfd);
#if SEED_BUGS
            kvm.Lock.Unlock();
#else
            kvm.Arch.Xen.XenLock.Unlock();
#endif

            if (evtchnfd is null)
            {
                return -Errno.ENOENT;
            }

            kvm.Srcu.Synchronize();
            if (evtchnfd.DeliverPort.Port == 0)
            {
                evtchnfd.Eventfd?.Put();
            }

            return 0;
        }

        // kvm_xen_eventfd_reset
        private static int KvmXenEventfdReset(Kvm kvm)
        {
#if SEED_BUGS
            kvm.Lock.Lock();
            foreach (var (sendPort, evtchnfd) in kvm.Arch.Xen.EvtchnPorts)
            {
                kvm.Arch.Xen.EvtchnPorts.TryRemove(sendPort, out _);
                kvm.Srcu.Synchronize();
                if (evtchnfd.DeliverPort.Port == 0)
                {
                    evtchnfd.Eventfd?.Put();
                }
            }

            kvm.Lock.Unlock();
            return 0;
#else
            var allEvtchnfds = new List<Evtchnfd>();

            kvm.Arch.Xen.XenLock.Lock();

            // Because synchronize_srcu() cannot be called inside the critical section, first collect all the evtchnfd
            // objects as they are removed from evtchn_ports.
            foreach (var (sendPort, evtchnfd) in kvm.Arch.Xen.EvtchnPorts)
            {
                allEvtchnfds.Add(evtchnfd);
                kvm.Arch.Xen.EvtchnPorts.TryRemove(sendPort, out _);
            }

            kvm.Arch.Xen.XenLock.Unlock();

            kvm.Srcu.Synchronize();

            foreach (var evtchnfd in allEvtchnfds)
            {
                if (evtchnfd.DeliverPort.Port == 0)
                {
                    evtchnfd.Eventfd?.Put();
                }
            }

            return 0;
#endif
        }

        // kvm_make_request
        public static void KvmMakeRequest(int req, KvmVcpu vcpu) => Interlocked.Or(ref vcpu.Requests, 1L << req);

        // kvm_make_all_cpus_request
        private static void KvmMakeAllCpusRequest(Kvm kvm, int req)
        {
            foreach (var vcpu in KvmMain.KvmForEachVcpu(kvm))
            {
                KvmMakeRequest(req, vcpu);
            }
        }

        // test_and_set_bit
        private static bool TestAndSetBit(long[] bits, uint nr)
        {
            var mask = 1L << (int)(nr % 64);
            return (Interlocked.Or(ref bits[nr / 64], mask) & mask) != 0;
        }

        // test_bit
        private static bool TestBit(long[] bits, uint nr) => (Volatile.Read(ref bits[nr / 64]) & (1L << (int)(nr % 64))) != 0;
    }
}
