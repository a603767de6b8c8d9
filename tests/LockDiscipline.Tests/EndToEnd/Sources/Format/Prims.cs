using System;
using LockDiscipline;

namespace Shapes
{
    public sealed class Mutex
    {
        [Acquires] public void Lock() { }
        [Releases] public void Unlock() { }
        [Acquires] public Guard Scoped() => new Guard(this);
    }

    [ScopedLock]
    public readonly struct Guard : IDisposable
    {
        private readonly Mutex _mutex;
        public Guard(Mutex mutex) { _mutex = mutex; }
        public void Dispose() => _mutex.Unlock();
    }
}
