using System;
using LockDiscipline;

namespace Kernel
{
    /// <summary>refcount_t: a saturating-free atomic count that warns on use after it reached zero.</summary>
    public sealed class RefcountT
    {
        private int _count;

        public RefcountT(int initial = 1) { _count = initial; }

        // refcount_set
        public void Set(int value) => System.Threading.Volatile.Write(ref _count, value);

        // refcount_read
        public int Read() => System.Threading.Volatile.Read(ref _count);

        // refcount_inc
        public void Inc()
        {
            if (System.Threading.Interlocked.Increment(ref _count) <= 1)
            {
                throw new InvalidOperationException("refcount_t: addition on 0; use-after-free");
            }
        }

        // refcount_inc_not_zero
        public bool IncNotZero()
        {
            var old = Read();
            while (old != 0)
            {
                var seen = System.Threading.Interlocked.CompareExchange(ref _count, old + 1, old);
                if (seen == old)
                {
                    return true;
                }

                old = seen;
            }

            return false;
        }

        // refcount_dec_and_test
        public bool DecAndTest()
        {
            var now = System.Threading.Interlocked.Decrement(ref _count);
            if (now < 0)
            {
                throw new InvalidOperationException("refcount_t: underflow; use-after-free");
            }

            return now == 0;
        }

        // refcount_dec_not_one
        public bool DecNotOne()
        {
            var old = Read();
            while (old != 1)
            {
                if (old == 0)
                {
                    throw new InvalidOperationException("refcount_t: underflow; use-after-free");
                }

                var seen = System.Threading.Interlocked.CompareExchange(ref _count, old - 1, old);
                if (seen == old)
                {
                    return true;
                }

                old = seen;
            }

            return false;
        }
    }

    /// <summary>struct kref.</summary>
    public sealed class Kref
    {
        private readonly RefcountT _refcount = new(1);

        // kref_init
        public void Init() => _refcount.Set(1);

        // kref_read
        public int Read() => _refcount.Read();

        // kref_get
        public void Get() => _refcount.Inc();

        // kref_get_unless_zero
        public bool GetUnlessZero() => _refcount.IncNotZero();

        // kref_put: runs release on the last put and returns true
        public bool Put(Action<Kref> release)
        {
            if (!_refcount.DecAndTest())
            {
                return false;
            }

            release(this);
            return true;
        }

        /// <summary>
        /// kref_put_mutex: drops a reference; on the last one it returns true with <paramref name="mutex"/> held, and the caller
        /// runs the release function, which drops the mutex (the kernel passes the release function in; here the caller calls it,
        /// so the release path stays a direct call).
        /// </summary>
        [TryAcquires(true, "mutex")]
        public bool PutMutex(Mutex mutex)
        {
            if (_refcount.DecNotOne())
            {
                return false;
            }

            mutex.Lock();
            if (!_refcount.DecAndTest())
            {
                mutex.Unlock();
                return false;
            }

            return true;
        }
    }
}
