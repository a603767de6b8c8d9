using System;

namespace Kernel
{
    /// <summary>
    /// lockdep's lock_acquire hook, as a tracepoint: called by a sleeping lock just before it may wait (mutex_lock, and
    /// synchronize_srcu, which lockdep also treats as acquiring the srcu_struct). Nothing in the model sets it; the scenario
    /// tests use it to stop a thread at an exact point, so an interleaving that is a race in the kernel happens every time.
    /// </summary>
    public static class Lockdep
    {
        public static Action<object>? LockAcquire;
    }
}
