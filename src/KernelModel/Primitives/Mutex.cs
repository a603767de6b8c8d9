using System;
using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// struct mutex: a sleeping lock owned by the thread that took it. Not recursive: taking it again from the owner
    /// throws instead of hanging, so a scenario test sees the deadlock the kernel would have.
    /// </summary>
    public sealed class Mutex
    {
        private readonly System.Threading.SemaphoreSlim _sem = new(1, 1);
        private volatile int _owner;

        /// <summary>mutex_is_locked.</summary>
        public bool IsLocked => _owner != 0;

        /// <summary>True when the calling thread holds the mutex.</summary>
        public bool HeldByCurrentThread => _owner == Environment.CurrentManagedThreadId;

        // mutex_lock
        [Acquires]
        public void Lock()
        {
            if (HeldByCurrentThread)
            {
                throw new LockRecursionException("mutex_lock: recursive locking of a mutex already held by this thread");
            }

            Lockdep.LockAcquire?.Invoke(this);
            _sem.Wait();
            _owner = Environment.CurrentManagedThreadId;
        }

        // mutex_lock_nested(lock, 1): lockdep's subclass for nesting two mutexes of one class
        [Acquires(Subclass = 1)]
        public void LockNested() => Lock();

        // mutex_lock_killable: this model has no fatal signals, so it always succeeds
        [TryAcquires(true)]
        public bool LockKillable()
        {
            Lock();
            return true;
        }

        // mutex_trylock
        [TryAcquires(true)]
        public bool TryLock()
        {
            if (!_sem.Wait(0))
            {
                return false;
            }

            _owner = Environment.CurrentManagedThreadId;
            return true;
        }

        // mutex_unlock
        [Releases]
        public void Unlock()
        {
            if (!HeldByCurrentThread)
            {
                throw new InvalidOperationException("mutex_unlock: mutex not held by this thread");
            }

            _owner = 0;
            _sem.Release();
        }

        /// <summary>lockdep_assert_held.</summary>
        public void AssertHeld()
        {
            if (!HeldByCurrentThread)
            {
                throw new InvalidOperationException("lockdep_assert_held: mutex not held by this thread");
            }
        }
    }

    /// <summary>Thrown where the kernel would self-deadlock on a non-recursive lock.</summary>
    public sealed class LockRecursionException : InvalidOperationException
    {
        public LockRecursionException(string message) : base(message) { }
    }
}
