using System.Collections.Concurrent;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct kvm_xen: the VM's Xen emulation state (kvm->arch.xen).</summary>
    public sealed class KvmXen
    {
#if !SEED_BUGS
        /// <summary>
        /// kvm->arch.xen.xen_lock: serialises the Xen state and the shared_info mapping. It is a leaf: the event-channel
        /// delivery path takes it from inside vcpu->mutex and kvm->srcu, so nothing may be taken under it.
        /// </summary>
        [LeafLock]
        public readonly Mutex XenLock = new();
#endif

        /// <summary>kvm->arch.xen.xen_version; the xen_version hypercall reads it without the lock.</summary>
        public uint XenVersion;

        /// <summary>kvm->arch.xen.long_mode; the event-channel fast path reads it without the lock.</summary>
        public bool LongMode;

        /// <summary>kvm->arch.xen.runstate_update_flag.</summary>
#if !SEED_BUGS
        [GuardedBy("XenLock")]
#endif
        public bool RunstateUpdateFlag;

        /// <summary>kvm->arch.xen.upcall_vector.</summary>
#if !SEED_BUGS
        [GuardedBy("XenLock")]
#endif
        public byte UpcallVector;

        /// <summary>kvm->arch.xen.shinfo_cache: the guest's shared_info page.</summary>
        public readonly GfnToPfnCache ShinfoCache = new();

        /// <summary>
        /// kvm->arch.xen.evtchn_ports (an idr): written under the Xen state lock, read by hypercalls under kvm->srcu only,
        /// which is why removal waits for an SRCU grace period before freeing.
        /// </summary>
        public readonly ConcurrentDictionary<uint, Evtchnfd> EvtchnPorts = new();
    }

    /// <summary>struct kvm_xen_hvm_config (kvm->arch.xen_hvm_config).</summary>
    public sealed class KvmXenHvmConfig
    {
        public const uint InterceptHcall = 1 << 1;
        public const uint EvtchnSend = 1 << 5;

        public uint Flags;
        public uint Msr;
        public ulong BlobAddr32;
        public ulong BlobAddr64;
        public byte BlobSize32;
        public byte BlobSize64;

        public KvmXenHvmConfig Clone() => (KvmXenHvmConfig)MemberwiseClone();
    }

    /// <summary>struct gfn_to_pfn_cache. Its own rwlock and refresh mutex are not modelled: they nest inside every lock here.</summary>
    public sealed class GfnToPfnCache
    {
        public volatile bool Active;
        public volatile bool Valid;
        public ulong Gpa;

        /// <summary>The mapped page: for shared_info, the event-channel pending and mask bitmaps.</summary>
        public readonly long[] EvtchnPending = new long[64];
        public readonly long[] EvtchnMask = new long[64];

        // kvm_gpc_activate
        public int Activate(ulong gpa)
        {
            Gpa = gpa;
            Active = true;
            Valid = true;
            return 0;
        }

        // kvm_gpc_deactivate
        public void Deactivate()
        {
            Valid = false;
            Active = false;
        }

        // kvm_gpc_check
        public bool Check() => Active && Valid;

        // kvm_gpc_refresh
        public int Refresh()
        {
            if (!Active)
            {
                return -Errno.EINVAL;
            }

            Valid = true;
            return 0;
        }

        /// <summary>The MMU notifier invalidating the mapping.</summary>
        public void Invalidate() => Valid = false;
    }

    /// <summary>struct kvm_vcpu_xen (vcpu->arch.xen).</summary>
    public sealed class KvmVcpuXen
    {
        public uint VcpuId;
        public byte UpcallVector;
        public long EvtchnPendingSel;
        public readonly GfnToPfnCache VcpuInfoCache = new();
        public readonly GfnToPfnCache VcpuTimeInfoCache = new();
        public readonly GfnToPfnCache RunstateCache = new();
    }

    /// <summary>struct kvm_xen_evtchn: where an event channel is delivered.</summary>
    public sealed class KvmXenEvtchn
    {
        public uint Port;
        public uint VcpuId;
        public int VcpuIdx = -1;
        public uint Priority;
    }

    /// <summary>struct evtchnfd: an event channel the guest may send on with EVTCHNOP_send.</summary>
    public sealed class Evtchnfd
    {
        public uint SendPort;
        public uint Type;

        /// <summary>deliver.port: the in-kernel delivery target; Port == 0 means deliver to <see cref="Eventfd"/>.</summary>
        public KvmXenEvtchn DeliverPort = new();

        /// <summary>deliver.eventfd.ctx.</summary>
        public EventfdCtx? Eventfd;
    }

    /// <summary>struct eventfd_ctx, reduced to its counter.</summary>
    public sealed class EventfdCtx
    {
        private long _count;
        private int _refs = 1;

        public long Count => System.Threading.Interlocked.Read(ref _count);

        // eventfd_signal
        public void Signal(long n) => System.Threading.Interlocked.Add(ref _count, n);

        // eventfd_ctx_get
        public EventfdCtx Get()
        {
            System.Threading.Interlocked.Increment(ref _refs);
            return this;
        }

        // eventfd_ctx_put
        public void Put() => System.Threading.Interlocked.Decrement(ref _refs);
    }

    /// <summary>struct kvm_xen_hvm_attr.</summary>
    public sealed class KvmXenHvmAttr
    {
        public const ushort TypeLongMode = 0x0;
        public const ushort TypeSharedInfo = 0x1;
        public const ushort TypeUpcallVector = 0x2;
        public const ushort TypeEvtchn = 0x3;
        public const ushort TypeXenVersion = 0x4;
        public const ushort TypeRunstateUpdateFlag = 0x5;

        public const uint EvtchnDeassign = 1 << 0;
        public const uint EvtchnUpdate = 1 << 1;
        public const uint EvtchnReset = 1 << 2;

        public ushort Type;
        public bool LongMode;
        public ulong SharedInfoGfn;
        public byte Vector;
        public uint XenVersion;
        public bool RunstateUpdateFlag;

        /// <summary>u.evtchn.</summary>
        public uint EvtchnSendPort;
        public uint EvtchnType;
        public uint EvtchnFlags;
        public KvmXenEvtchn EvtchnDeliverPort = new();
        public EventfdCtx? EvtchnDeliverEventfd;
    }

    /// <summary>struct kvm_xen_vcpu_attr.</summary>
    public sealed class KvmXenVcpuAttr
    {
        public const ushort TypeVcpuInfo = 0x0;
        public const ushort TypeVcpuTimeInfo = 0x1;
        public const ushort TypeRunstateAddr = 0x2;
        public const ushort TypeVcpuId = 0x6;
        public const ushort TypeUpcallVector = 0x8;

        public ushort Type;
        public ulong Gpa;
        public uint VcpuId;
        public byte Vector;
    }

    /// <summary>struct kvm_irq_routing_xen_evtchn, as passed to KVM_XEN_HVM_EVTCHN_SEND and by the irq routing.</summary>
    public sealed class KvmIrqRoutingXenEvtchn
    {
        public const uint Prio2Level = 0;

        public uint Port;
        public uint Vcpu;
        public uint Priority;
    }

    /// <summary>struct evtchn_send: the guest's argument to EVTCHNOP_send.</summary>
    public sealed class EvtchnSend
    {
        public uint Port;
    }
}
