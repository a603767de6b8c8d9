using LockDiscipline;

// Documentation/virt/kvm/locking.rst as clarified in seed 002: kvm->lock is taken outside vcpu->mutex, and vcpu->mutex
// outside kvm->srcu (a reader may not take kvm->lock or vcpu->mutex).
[assembly: LockOrder("Kvm.Lock", "KvmVcpu.Mutex", "Kvm.Srcu")]
