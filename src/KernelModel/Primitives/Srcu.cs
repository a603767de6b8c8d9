using System;
using LockDiscipline;

namespace Kernel
{
    /// <summary>
    /// struct srcu_struct: sleepable RCU. Readers never wait; <see cref="Synchronize"/> waits for every reader that entered
    /// before it started. Readers are counted per index; a grace period flips the index and drains the old one.
    /// </summary>
    [ReaderNeverBlocks]
    public sealed class Srcu
    {
        private readonly object _gate = new();
        private readonly long[] _readers = new long[2];
        private readonly System.Threading.SemaphoreSlim _gpMutex = new(1, 1);
        private readonly System.Threading.ThreadLocal<int> _depth = new(() => 0);
        private int _idx;

        // srcu_read_lock
        [Acquires(Shared = true)]
        public int ReadLock()
        {
            int idx;
            lock (_gate)
            {
                idx = _idx;
                _readers[idx]++;
            }

            _depth.Value++;
            return idx;
        }

        // srcu_read_unlock
        [Releases(Shared = true)]
        public void ReadUnlock(int idx)
        {
            lock (_gate)
            {
                if (_readers[idx] == 0)
                {
                    throw new InvalidOperationException("srcu_read_unlock: no reader on this index");
                }

                if (--_readers[idx] == 0)
                {
                    System.Threading.Monitor.PulseAll(_gate);
                }
            }

            _depth.Value--;
        }

        // synchronize_srcu
        [WaitsForReaders]
        public void Synchronize()
        {
            if (_depth.Value > 0)
            {
                throw new LockRecursionException("synchronize_srcu: called inside a read section of the same srcu_struct");
            }

            Lockdep.LockAcquire?.Invoke(this);
            _gpMutex.Wait();
            try
            {
                lock (_gate)
                {
                    var old = _idx;
                    _idx ^= 1;
                    while (_readers[old] != 0)
                    {
                        System.Threading.Monitor.Wait(_gate);
                    }
                }
            }
            finally
            {
                _gpMutex.Release();
            }
        }
    }
}
