namespace Shapes
{
    public class Cycle
    {
        private readonly object _a = new object();
        private readonly object _b = new object();
        private int _n;

        public void One() { lock (_a) { lock (_b) { _n++; } } }
        public void Two() { lock (_a) { lock (_b) { _n--; } } }
        public void Three() { lock (_b) { lock (_a) { _n = 0; } } }
    }
}
