using System.Collections.Generic;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct kvm_vfio_group: a VFIO group file the VM was told about.</summary>
    public sealed class KvmVfioGroup
    {
        /// <summary>kvg->file: the reference fget() took, put when the entry goes away (group delete or device destroy).</summary>
        [HoldsRef]
        public VfioGroupFile File = null!;
    }

    /// <summary>struct kvm_vfio: the private data of the VM's single "kvm-vfio" device.</summary>
    public sealed class KvmVfioState
    {
        /// <summary>kv->lock.</summary>
        public readonly Mutex Lock = new();

        /// <summary>kv->group_list. Not guarded: kvm_vfio_destroy() walks it unlocked when the VM is going away.</summary>
        public readonly List<KvmVfioGroup> GroupList = new();

        /// <summary>kv->noncoherent.</summary>
        [GuardedBy("Lock")]
        public bool Noncoherent;
    }

    /// <summary>virt/kvm/vfio.c: the "kvm-vfio" pseudo device.</summary>
    public sealed class KvmVfio : IKvmDeviceOps
    {
        public const uint KvmDevVfioGroup = 1;
        public const ulong KvmDevVfioGroupAdd = 1;
        public const ulong KvmDevVfioGroupDel = 2;

        /// <summary>kvm_vfio_ops.</summary>
        public static readonly KvmVfio Ops = new();

        private KvmVfio() { }

        public string Name => "kvm-vfio";

        // fget(): the group file is pinned for as long as kvm_vfio keeps it on its list
        [TakesRef]
        private static void KvmVfioFget(VfioGroupFile file) => file.FCount.Inc();

        // fput(): the final __fput() is deferred to task work, so it never runs in the caller's context (nor under its locks)
        [DropsRef(NotFinal = true)]
        private static void KvmVfioFput(VfioGroupFile file) => file.FCount.DecAndTest();

        // kvm_vfio_file_set_kvm: vfio is reached through symbol_get(vfio_file_set_kvm); a missing module means nothing to do
        private static void KvmVfioFileSetKvm(VfioGroupFile file, Kvm? kvm) => Vfio.VfioFileSetKvm(file, kvm);

        // kvm_vfio_file_enforced_coherent
        private static bool KvmVfioFileEnforcedCoherent(VfioGroupFile file) => Vfio.VfioFileEnforcedCoherent(file);

        // kvm_vfio_file_is_group
        private static bool KvmVfioFileIsGroup(VfioGroupFile file) => Vfio.VfioFileIsGroup(file);

        // kvm_vfio_update_coherency
        private static void KvmVfioUpdateCoherency(KvmDevice dev)
        {
            var kv = (KvmVfioState)dev.Private!;
            bool noncoherent = false;

            kv.Lock.Lock();

            foreach (var kvg in kv.GroupList)
            {
                if (!KvmVfioFileEnforcedCoherent(kvg.File))
                {
                    noncoherent = true;
                    break;
                }
            }

            if (noncoherent != kv.Noncoherent)
            {
                kv.Noncoherent = noncoherent;

                if (kv.Noncoherent)
                {
                    KvmX86.KvmArchRegisterNoncoherentDma(dev.Kvm);
                }
                else
                {
                    KvmX86.KvmArchUnregisterNoncoherentDma(dev.Kvm);
                }
            }

            kv.Lock.Unlock();
        }

        // kvm_vfio_group_add
        private static int KvmVfioGroupAdd(KvmDevice dev, VfioGroupFile? filp)
        {
            var kv = (KvmVfioState)dev.Private!;
            KvmVfioGroup? kvg;
            int ret;

            if (filp is null)
            {
                return -Errno.EBADF;
            }

            KvmVfioFget(filp);

            // Ensure the FD is a vfio group FD.
            if (!KvmVfioFileIsGroup(filp))
            {
                ret = -Errno.EINVAL;
                goto err_fput;
            }

            kv.Lock.Lock();

            foreach (var existing in kv.GroupList)
            {
                if (existing.File == filp)
                {
                    ret = -Errno.EEXIST;
                    goto err_unlock;
                }
            }

            kvg = Slab.Kzalloc(() => new KvmVfioGroup());
            if (kvg is null)
            {
                ret = -Errno.ENOMEM;
                goto err_unlock;
            }

            kvg.File = filp;

            kv.GroupList.Add(kvg);

            KvmX86.KvmArchStartAssignment(dev.Kvm);

            kv.Lock.Unlock();

            KvmVfioFileSetKvm(kvg.File, dev.Kvm);
            KvmVfioUpdateCoherency(dev);

            return 0;

        err_unlock:
            kv.Lock.Unlock();
        err_fput:
            KvmVfioFput(filp);
            return ret;
        }

        // kvm_vfio_group_del
        private static int KvmVfioGroupDel(KvmDevice dev, VfioGroupFile? f)
        {
            var kv = (KvmVfioState)dev.Private!;
            int ret;

            // fdget()
            if (f is null)
            {
                return -Errno.EBADF;
            }

            ret = -Errno.ENOENT;

            kv.Lock.Lock();

            foreach (var kvg in kv.GroupList)
            {
                if (kvg.File != f)
                {
                    continue;
                }

                kv.GroupList.Remove(kvg);
                KvmX86.KvmArchEndAssignment(dev.Kvm);
                KvmVfioFileSetKvm(kvg.File, null);
                KvmVfioFput(kvg.File);
                ret = 0;
                break;
            }

            kv.Lock.Unlock();

            KvmVfioUpdateCoherency(dev);

            return ret;
        }

        // kvm_vfio_set_group
        private static int KvmVfioSetGroup(KvmDevice dev, ulong attr, object? arg)
        {
            switch (attr)
            {
                case KvmDevVfioGroupAdd:
                    return KvmVfioGroupAdd(dev, arg as VfioGroupFile);
                case KvmDevVfioGroupDel:
                    return KvmVfioGroupDel(dev, arg as VfioGroupFile);
            }

            return -Errno.ENXIO;
        }

        // kvm_vfio_set_attr
        public int SetAttr(KvmDevice dev, KvmDeviceAttr attr)
        {
            switch (attr.Group)
            {
                case KvmDevVfioGroup:
                    return KvmVfioSetGroup(dev, attr.Attr, attr.Addr);
            }

            return -Errno.ENXIO;
        }

        // kvm_vfio_has_attr
        public int HasAttr(KvmDevice dev, KvmDeviceAttr attr)
        {
            switch (attr.Group)
            {
                case KvmDevVfioGroup:
                    switch (attr.Attr)
                    {
                        case KvmDevVfioGroupAdd:
                        case KvmDevVfioGroupDel:
                            return 0;
                    }

                    break;
            }

            return -Errno.ENXIO;
        }

        // kvm_vfio_destroy: runs from kvm_destroy_devices() when the last reference to the VM is dropped
        public void Destroy(KvmDevice dev)
        {
            var kv = (KvmVfioState)dev.Private!;

            foreach (var kvg in kv.GroupList.ToArray())
            {
                KvmVfioFileSetKvm(kvg.File, null);
                KvmVfioFput(kvg.File);
                kv.GroupList.Remove(kvg);
                KvmX86.KvmArchEndAssignment(dev.Kvm);
            }

            KvmVfioUpdateCoherency(dev);
        }

        // kvm_vfio_create: called with kvm->lock held
        public int Create(KvmDevice dev, uint type)
        {
            // Only one VFIO "device" per VM.
            foreach (var tmp in dev.Kvm.Devices)
            {
                if (tmp.Ops == Ops)
                {
                    return -Errno.EBUSY;
                }
            }

            var kv = Slab.Kzalloc(() => new KvmVfioState());
            if (kv is null)
            {
                return -Errno.ENOMEM;
            }

            dev.Private = kv;
            return 0;
        }
    }
}
