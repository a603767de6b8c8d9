#nullable disable
using System.Threading;

public class L2
{
    readonly Lock _a = new(); readonly Lock _b = new(); int _n;
    public void AB() { lock (_a) { lock (_b) { _n++; } } }
    public void BA() { lock (_b) { lock (_a) { _n++; } } }
}

public class M2
{
    readonly Lock _l = new(); readonly object _o = new(); int _n;
    public void LeakWithoutLock(bool x) { Monitor.Enter(_o); if (x) return; _n++; Monitor.Exit(_o); }
    public void LeakWithLock(bool x) { Monitor.Enter(_o); if (x) return; lock (_l) { _n++; } Monitor.Exit(_o); }
    public int ReturnsInside(bool x) { lock (_l) { if (x) return 1; _n++; } return 0; }
}

public class R2
{
    Mutex _m; bool _a, _b; int _n;
    void Work() { _n++; }
    public void NullCond()
    {
        try
        {
            _m?.WaitOne();
            if (_a) { Work(); }
            if (_b) { Work(); }
        }
        finally { _m?.ReleaseMutex(); }
    }
}

// Lock is re-entrant: taking it again while held is no LD1003 in any form.
public class T2
{
    readonly Lock _a = new(); int _n;
    public void Twice() { lock (_a) { lock (_a) { _n++; } } }
}
