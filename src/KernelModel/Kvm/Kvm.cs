using System.Collections.Generic;
using Kernel.Primitives;
using LockDiscipline;

namespace Kernel.Kvm
{
    /// <summary>An in-kernel device of a VM (struct kvm_device) with its ops.</summary>
    public interface IKvmDeviceOps
    {
        // ops->destroy
        void Destroy(KvmDevice device);
    }

    public sealed class KvmDevice
    {
        public KvmDevice(Kvm kvm, IKvmDeviceOps ops)
        {
            Kvm = kvm;
            Ops = ops;
        }

        public Kvm Kvm { get; }

        public IKvmDeviceOps Ops { get; }
    }

    /// <summary>struct kvm.</summary>
    public sealed class Kvm
    {
        private int _usersCount = 1;

        /// <summary>kvm->lock.</summary>
        public KMutex Lock { get; } = new KMutex();

        /// <summary>kvm->srcu.</summary>
        public Srcu Srcu { get; } = new Srcu();

        /// <summary>kvm->devices, under kvm->lock.</summary>
        public List<KvmDevice> Devices { get; } = new List<KvmDevice>();

        // kvm_get_kvm
        [TakesRef]
        public void GetKvm() => System.Threading.Interlocked.Increment(ref _usersCount);

        // kvm_get_kvm_safe
        [TakesRef(WhenReturns = true)]
        public bool GetKvmSafe()
        {
            int count;
            do
            {
                count = System.Threading.Volatile.Read(ref _usersCount);
                if (count == 0)
                {
                    return false;
                }
            }
            while (System.Threading.Interlocked.CompareExchange(ref _usersCount, count + 1, count) != count);
            return true;
        }

        // kvm_put_kvm: the final put runs kvm_destroy_vm.
        [DropsRef]
        public void PutKvm()
        {
            if (System.Threading.Interlocked.Decrement(ref _usersCount) == 0)
            {
                DestroyVm();
            }
        }

        // kvm_put_kvm_no_destroy
        [DropsRef(NotFinal = true)]
        public void PutKvmNoDestroy() => System.Threading.Interlocked.Decrement(ref _usersCount);

        // kvm_destroy_vm
        private void DestroyVm() => DestroyDevices();

        // kvm_destroy_devices
        private void DestroyDevices()
        {
            var devices = Devices.ToArray();
            Devices.Clear();
            foreach (var device in devices)
            {
                device.Ops.Destroy(device);
            }
        }
    }
}
