namespace Shapes
{
    public sealed class Worker
    {
        private readonly Mutex _mu = new Mutex();
        private int _n;

        public void Work(bool fail)
        {
            _mu.Lock();
            if (fail) return;
            _n++;
            _mu.Unlock();
        }

        public void Scoped(bool fail)
        {
            var guard = _mu.Scoped();
            if (fail) return;
            _n++;
            guard.Dispose();
        }
    }
}
