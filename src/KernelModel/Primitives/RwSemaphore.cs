using System;
using LockDiscipline;

namespace Kernel
{
    /// <summary>struct rw_semaphore: many readers or one writer; a waiting writer blocks new readers.</summary>
    public sealed class RwSemaphore
    {
        private readonly object _gate = new();
        private int _readers;
        private int _writer;
        private int _waitingWriters;

        // down_read
        [Acquires(Shared = true)]
        public void DownRead()
        {
            lock (_gate)
            {
                if (_writer == Environment.CurrentManagedThreadId)
                {
                    throw new LockRecursionException("down_read: rwsem already held for write by this thread");
                }

                while (_writer != 0 || _waitingWriters > 0)
                {
                    System.Threading.Monitor.Wait(_gate);
                }

                _readers++;
            }
        }

        // up_read
        [Releases(Shared = true)]
        public void UpRead()
        {
            lock (_gate)
            {
                if (_readers == 0)
                {
                    throw new InvalidOperationException("up_read: rwsem not held for read");
                }

                if (--_readers == 0)
                {
                    System.Threading.Monitor.PulseAll(_gate);
                }
            }
        }

        // down_write
        [Acquires]
        public void DownWrite()
        {
            lock (_gate)
            {
                if (_writer == Environment.CurrentManagedThreadId)
                {
                    throw new LockRecursionException("down_write: rwsem already held for write by this thread");
                }

                _waitingWriters++;
                while (_writer != 0 || _readers != 0)
                {
                    System.Threading.Monitor.Wait(_gate);
                }

                _waitingWriters--;
                _writer = Environment.CurrentManagedThreadId;
            }
        }

        // up_write
        [Releases]
        public void UpWrite()
        {
            lock (_gate)
            {
                if (_writer != Environment.CurrentManagedThreadId)
                {
                    throw new InvalidOperationException("up_write: rwsem not held for write by this thread");
                }

                _writer = 0;
                System.Threading.Monitor.PulseAll(_gate);
            }
        }
    }
}
