#nullable enable
using System.Threading;

public class L3
{
    readonly Lock _a = new(); readonly Lock _b = new(); int _n;
    public void AB() { using (_a.EnterScope()) { using (_b.EnterScope()) { _n++; } } }
    public void BA() { using (_b.EnterScope()) { using (_a.EnterScope()) { _n++; } } }
}

public class M3
{
    readonly Lock _l = new(); readonly object _o = new(); int _n;
    public void LeakWithoutLock(bool x) { Monitor.Enter(_o); if (x) return; _n++; Monitor.Exit(_o); }
    public void LeakWithLock(bool x) { Monitor.Enter(_o); if (x) return; using (_l.EnterScope()) { _n++; } Monitor.Exit(_o); }
    public int ReturnsInside(bool x) { using (_l.EnterScope()) { if (x) return 1; _n++; } return 0; }
}

public class R3
{
    Mutex? _m; bool _a, _b; int _n;
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
public class T3
{
    readonly Lock _a = new(); int _n;
    public void Twice() { using (_a.EnterScope()) { using (_a.EnterScope()) { _n++; } } }
}

// Lock is thread-affine: held across an await it is LD1010; released before the await it is not.
public class A3
{
    readonly Lock _l = new(); int _n;
    public async System.Threading.Tasks.Task HeldAcrossAwait() { _l.Enter(); try { await System.Threading.Tasks.Task.Yield(); } finally { _l.Exit(); } }
    public async System.Threading.Tasks.Task ReleasedFirst() { using (_l.EnterScope()) { _n++; } await System.Threading.Tasks.Task.Yield(); }
}
