using LockDiscipline;

[assembly: LockOrder("Shapes.Ordered.A", "Shapes.Ordered.B")]

namespace Shapes
{
    public class Ordered
    {
        public readonly object A = new object();
        public readonly object B = new object();
        public readonly Mutex C = new Mutex();
        [LeafLock] public readonly Mutex Leaf = new Mutex();
        private int _n;

        public void Swap()
        {
            lock (B)
            {
                lock (A)
                {
                    _n++;
                }
            }
        }

        public void Hoist()
        {
            lock (B)
            {
                _n++;
                lock (A)
                {
                    _n--;
                }
            }
        }

        public void UnderLeaf()
        {
            Leaf.Lock();
            C.Lock();
            C.Unlock();
            Leaf.Unlock();
        }
    }
}
