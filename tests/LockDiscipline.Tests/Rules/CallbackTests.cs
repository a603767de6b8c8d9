using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Cycles closed through a callback (reduced upstream deadlocks): a delegate passed through a constructor into a field, or
    /// subscribed to an event, invoked while a lock is held; what it runs takes the lock the other side holds.
    /// </summary>
    public class CallbackTests
    {
        [Fact]
        public Task CallbackStoredThroughAConstructorAndInvokedUnderALock()
            => Verify.AnalyzerAsync(@"using System;
public sealed class Timer
{
    private readonly Action _tick;
    private readonly object _gate = new object();
    public Timer(Action tick) { _tick = tick; }
    public void Fire() { lock (_gate) { _tick(); } }
    public void Stop() { lock (_gate) { } }
}
public sealed class Owner
{
    private readonly object _state = new object();
    private readonly Timer _timer;
    public Owner() { _timer = new Timer(() => { lock (_state) { } }); }
    public void Close() { lock (_state) { _timer.Stop(); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 41, 7, 48).WithSpan("File0.cs", 14, 41, 14, 68).WithSpan("File0.cs", 14, 55, 14, 61).WithSpan("File0.cs", 7, 32, 7, 37).WithSpan("File0.cs", 15, 43, 15, 56).WithMessage("Lock-order cycle Timer._gate -> Owner._state -> Timer._gate: 'Owner._state' is acquired while 'Timer._gate' is held here (via Action -> lambda in new Owner -> lock (_state)), and elsewhere 'Timer._gate' is acquired while 'Owner._state' is held at File0.cs:15 in Close (via Stop -> lock (_gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 15, 43, 15, 56).WithSpan("File0.cs", 8, 32, 8, 37).WithSpan("File0.cs", 15, 33, 15, 39).WithSpan("File0.cs", 7, 41, 7, 48).WithMessage("Lock-order cycle Owner._state -> Timer._gate -> Owner._state: 'Timer._gate' is acquired while 'Owner._state' is held here (via Stop -> lock (_gate)), and elsewhere 'Owner._state' is acquired while 'Timer._gate' is held at File0.cs:7 in Fire (via Action -> lambda in new Owner -> lock (_state))"));

        [Fact]
        public Task EventHandlerInvokedUnderALock()
            => Verify.AnalyzerAsync(@"using System;
public sealed class Source
{
    private readonly object _gate = new object();
    public event EventHandler Changed;
    public void Raise() { lock (_gate) { Changed?.Invoke(this, EventArgs.Empty); } }
    public void Read() { lock (_gate) { } }
}
public sealed class Listener
{
    private readonly object _mine = new object();
    private readonly Source _source;
    public Listener(Source source) { _source = source; _source.Changed += OnChanged; }
    private void OnChanged(object sender, EventArgs e) { lock (_mine) { } }
    public void Poll() { lock (_mine) { _source.Read(); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 6, 50, 6, 80).WithSpan("File0.cs", 14, 18, 14, 27).WithSpan("File0.cs", 14, 64, 14, 69).WithSpan("File0.cs", 6, 33, 6, 38).WithSpan("File0.cs", 15, 41, 15, 55).WithMessage("Lock-order cycle Source._gate -> Listener._mine -> Source._gate: 'Listener._mine' is acquired while 'Source._gate' is held here (via EventHandler -> OnChanged -> lock (_mine)), and elsewhere 'Source._gate' is acquired while 'Listener._mine' is held at File0.cs:15 in Poll (via Read -> lock (_gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 15, 41, 15, 55).WithSpan("File0.cs", 7, 32, 7, 37).WithSpan("File0.cs", 15, 32, 15, 37).WithSpan("File0.cs", 6, 50, 6, 80).WithMessage("Lock-order cycle Listener._mine -> Source._gate -> Listener._mine: 'Source._gate' is acquired while 'Listener._mine' is held here (via Read -> lock (_gate)), and elsewhere 'Listener._mine' is acquired while 'Source._gate' is held at File0.cs:6 in Raise (via EventHandler -> OnChanged -> lock (_mine))"));

        [Fact]
        public Task CallbackInvokedOutsideTheLockOrTakingNoLockIsClean()
            => Verify.AnalyzerAsync(@"using System;
public sealed class Timer
{
    private readonly Action _tick;
    private readonly Action _log;
    private readonly object _gate = new object();
    public Timer(Action tick, Action log) { _tick = tick; _log = log; }
    public void Fire() { Action tick; lock (_gate) { tick = _tick; _log(); } tick(); }
    public void Stop() { lock (_gate) { } }
}
public sealed class Owner
{
    private readonly object _state = new object();
    private readonly Timer _timer;
    private int _ticks;
    public Owner() { _timer = new Timer(() => { lock (_state) { } }, () => _ticks++); }
    public void Close() { lock (_state) { _timer.Stop(); } }
}
");
    }
}
