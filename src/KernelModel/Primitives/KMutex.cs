using LockDiscipline;

namespace Kernel.Primitives
{
    /// <summary>struct mutex: non-recursive, owner-checked.</summary>
    public sealed class KMutex
    {
        private readonly System.Threading.SemaphoreSlim _sem = new(1, 1);

        // mutex_lock
        [Acquires]
        public void Lock() => _sem.Wait();

        // mutex_unlock
        [Releases]
        public void Unlock() => _sem.Release();

        // mutex_trylock
        [TryAcquires(true)]
        public bool TryLock() => _sem.Wait(0);
    }

    /// <summary>struct srcu_struct: readers never block; synchronize waits for every reader that started before it.</summary>
    [ReaderNeverBlocks]
    public sealed class Srcu
    {
        private readonly object _gate = new();
        private int _readers;

        // srcu_read_lock
        [Acquires(Shared = true)]
        public int ReadLock()
        {
            lock (_gate)
            {
                _readers++;
                return _readers;
            }
        }

        // srcu_read_unlock
        [Releases(Shared = true)]
        public void ReadUnlock(int idx)
        {
            lock (_gate)
            {
                _readers--;
                System.Threading.Monitor.PulseAll(_gate);
            }
        }

        // synchronize_srcu
        [WaitsForReaders]
        public void Synchronize()
        {
            lock (_gate)
            {
                while (_readers > 0)
                {
                    System.Threading.Monitor.Wait(_gate);
                }
            }
        }
    }
}
