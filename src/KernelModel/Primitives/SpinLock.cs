using System;
using LockDiscipline;

namespace Kernel
{
    /// <summary>spinlock_t: a busy-waiting, non-recursive lock.</summary>
    public sealed class SpinLock
    {
        private int _owner;

        // spin_lock
        [Acquires]
        public void Lock()
        {
            var me = Environment.CurrentManagedThreadId;
            if (System.Threading.Volatile.Read(ref _owner) == me)
            {
                throw new LockRecursionException("spin_lock: recursive locking of a spinlock already held by this thread");
            }

            var spin = new System.Threading.SpinWait();
            while (System.Threading.Interlocked.CompareExchange(ref _owner, me, 0) != 0)
            {
                spin.SpinOnce();
            }
        }

        // spin_trylock
        [TryAcquires(true)]
        public bool TryLock() => System.Threading.Interlocked.CompareExchange(ref _owner, Environment.CurrentManagedThreadId, 0) == 0;

        // spin_unlock
        [Releases]
        public void Unlock()
        {
            if (System.Threading.Interlocked.CompareExchange(ref _owner, 0, Environment.CurrentManagedThreadId) != Environment.CurrentManagedThreadId)
            {
                throw new InvalidOperationException("spin_unlock: spinlock not held by this thread");
            }
        }
    }
}
