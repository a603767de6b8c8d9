using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Framework members that run user code while holding a lock or while the caller blocks (docs/framework-models.md): the
    /// cycles they close are found, and the shapes that run nothing inline stay clean.
    /// </summary>
    public class FrameworkModelTests
    {
        /// <summary>
        /// <c>CancellationTokenSource.Cancel()</c> runs the callbacks registered on its token before it returns, on the cancelling
        /// thread: one that takes a lock orders after what the canceller holds.
        /// </summary>
        [Fact]
        public Task CancelRunsRegisteredCallbacksUnderTheCancellersLocks()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Pump
{
    private readonly object _gate = new object();
    private readonly object _queue = new object();
    private readonly CancellationTokenSource _cts = new CancellationTokenSource();
    public Pump() { _cts.Token.Register(() => { lock (_queue) { } }); }
    public void Stop() { lock (_gate) { _cts.Cancel(); } }
    public void Drain() { lock (_queue) { lock (_gate) { } } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 41, 8, 54).WithSpan("File0.cs", 7, 41, 7, 68).WithSpan("File0.cs", 7, 55, 7, 61).WithSpan("File0.cs", 8, 32, 8, 37).WithSpan("File0.cs", 9, 49, 9, 54).WithMessage(@"Lock-order cycle Pump._gate -> Pump._queue -> Pump._gate: 'Pump._queue' is acquired while 'Pump._gate' is held here (via Cancel -> lambda in new Pump -> lock (_queue)), and elsewhere 'Pump._gate' is acquired while 'Pump._queue' is held at File0.cs:9 in Drain"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 9, 49, 9, 54).WithSpan("File0.cs", 9, 33, 9, 39).WithSpan("File0.cs", 8, 41, 8, 54).WithMessage(@"Lock-order cycle Pump._queue -> Pump._gate -> Pump._queue: 'Pump._gate' is acquired while 'Pump._queue' is held here, and elsewhere 'Pump._queue' is acquired while 'Pump._gate' is held at File0.cs:8 in Stop (via Cancel -> lambda in new Pump -> lock (_queue))"));

        /// <summary>
        /// Cancelling with nothing held, cancelling another source, and <c>Unregister()</c> (which never waits) run nothing under a
        /// lock.
        /// </summary>
        [Fact]
        public Task CancelWithNothingHeldOrOfAnotherSourceRunsNothingUnderALock()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Pump
{
    private readonly object _gate = new object();
    private readonly object _queue = new object();
    private readonly CancellationTokenSource _cts = new CancellationTokenSource();
    private readonly CancellationTokenSource _other = new CancellationTokenSource();
    private CancellationTokenRegistration _registration;
    public Pump() { _registration = _cts.Token.Register(() => { lock (_queue) { } }); }
    public void Stop() { _cts.Cancel(); lock (_gate) { _other.Cancel(); _registration.Unregister(); } }
    public void Drain() { lock (_queue) { lock (_gate) { } } }
}
");

        /// <summary>
        /// Disposing a <c>CancellationTokenRegistration</c> waits for its callback when another thread is running it
        /// (microsoft/vs-threading#1000): a callback that takes the lock the disposer holds deadlocks, re-entrant or not. Through a
        /// member or a <c>using</c>.
        /// </summary>
        [Fact]
        public Task DisposingARegistrationWaitsForItsCallbackOnAnotherThread()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Waiter
{
    private readonly object _gate = new object();
    private CancellationTokenRegistration _registration;
    public void Start(CancellationToken token) { _registration = token.Register(OnCanceled); }
    private void OnCanceled() { lock (_gate) { } }
    public void Stop() { lock (_gate) { _registration.Dispose(); } }
    public void Wait(CancellationToken token)
    {
        lock (_gate)
        {
            using (token.Register(() => { lock (_gate) { Monitor.PulseAll(_gate); } }))
            {
                Monitor.Wait(_gate);
            }
        }
    }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 8, 41, 8, 64).WithSpan("File0.cs", 7, 18, 7, 28).WithSpan("File0.cs", 7, 39, 7, 44).WithSpan("File0.cs", 8, 32, 8, 37).WithMessage(@"'Waiter._gate' is acquired while already held (taken at File0.cs:8) and the thread holding it waits for the thread taking it (via Dispose, waited for on another thread -> OnCanceled -> lock (_gate))"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 13, 20, 13, 87).WithSpan("File0.cs", 13, 49, 13, 54).WithSpan("File0.cs", 11, 15, 11, 20).WithMessage(@"'Waiter._gate' is acquired while already held (taken at File0.cs:11) and the thread holding it waits for the thread taking it (via lambda in Wait, waited for on another thread -> lock (_gate))"));

        /// <summary>
        /// Completing a <c>TaskCompletionSource</c> made without <c>RunContinuationsAsynchronously</c> runs the code after
        /// <c>await _ready.Task</c> inline, under the completer's locks.
        /// </summary>
        [Fact]
        public Task CompletingASourceRunsTheAwaitersContinuationUnderTheCompletersLocks()
            => Verify.AnalyzerAsync(@"using System.Threading.Tasks;
public sealed class Channel
{
    private readonly object _gate = new object();
    private readonly object _state = new object();
    private TaskCompletionSource<bool> _ready = new TaskCompletionSource<bool>();
    public void Signal() { lock (_gate) { _ready.TrySetResult(true); } }
    public async Task ConsumeAsync()
    {
        await _ready.Task.ConfigureAwait(false);
        lock (_state) { }
    }
    public void Inspect() { lock (_state) { lock (_gate) { } } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 43, 7, 68).WithSpan("File0.cs", 8, 23, 8, 35).WithSpan("File0.cs", 11, 15, 11, 21).WithSpan("File0.cs", 7, 34, 7, 39).WithSpan("File0.cs", 13, 51, 13, 56).WithMessage(@"Lock-order cycle Channel._gate -> Channel._state -> Channel._gate: 'Channel._state' is acquired while 'Channel._gate' is held here (via TrySetResult -> ConsumeAsync after await _ready.Task -> lock (_state)), and elsewhere 'Channel._gate' is acquired while 'Channel._state' is held at File0.cs:13 in Inspect"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 13, 51, 13, 56).WithSpan("File0.cs", 13, 35, 13, 41).WithSpan("File0.cs", 7, 43, 7, 68).WithMessage(@"Lock-order cycle Channel._state -> Channel._gate -> Channel._state: 'Channel._gate' is acquired while 'Channel._state' is held here, and elsewhere 'Channel._state' is acquired while 'Channel._gate' is held at File0.cs:7 in Signal (via TrySetResult -> ConsumeAsync after await _ready.Task -> lock (_state))"));

        /// <summary>
        /// Nothing runs inline for a source made with <c>RunContinuationsAsynchronously</c>, for one handed in from elsewhere (how it
        /// was made is unknown), nor for code before the await or after a later await.
        /// </summary>
        [Fact]
        public Task CompletingAnAsynchronousOrUnknownSourceRunsNothingInline()
            => Verify.AnalyzerAsync(@"using System.Threading.Tasks;
public sealed class Channel
{
    private readonly object _gate = new object();
    private readonly object _state = new object();
    private TaskCompletionSource<bool> _ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<bool> _done = new TaskCompletionSource<bool>();
    private readonly TaskCompletionSource<bool> _given;
    public Channel(TaskCompletionSource<bool> given) { _given = given; }
    public void Signal() { lock (_gate) { _ready.TrySetResult(true); _done.TrySetResult(true); _given.TrySetResult(true); } }
    public async Task ConsumeAsync()
    {
        await _ready.Task;
        lock (_state) { }
    }
    public async Task LaterAsync()
    {
        lock (_state) { }
        await _done.Task;
        await Task.Delay(1);
        lock (_state) { }
    }
    public async Task GivenAsync()
    {
        await _given.Task;
        lock (_state) { }
    }
    public void Inspect() { lock (_state) { lock (_gate) { } } }
}
");

        /// <summary>
        /// <c>Trace.WriteLine</c> holds Trace's global lock while it calls every <c>TraceListener</c> (dotnet/winforms#1999): a
        /// listener that takes its own lock, and code that traces while holding that lock, make a cycle. The listener's own trace
        /// re-enters the monitor; tracing outside the lock orders nothing.
        /// </summary>
        [Fact]
        public Task TracingUnderALockAListenerTakesIsACycleThroughTracesGlobalLock()
            => Verify.AnalyzerAsync(@"#define TRACE
using System.Diagnostics;
public sealed class GuiListener : TraceListener
{
    private readonly object _sync = new object();
    public override void Write(string message) { lock (_sync) { } }
    public override void WriteLine(string message) { lock (_sync) { Trace.WriteLine(""nested""); } }
    public void Refresh() { lock (_sync) { Trace.WriteLine(""refresh""); } }
    public void Report() { Trace.WriteLine(""report""); lock (_sync) { } }
}
public sealed class Sources
{
    private static readonly TraceSource Source = new TraceSource(""app"");
    private readonly object _gate = new object();
    public void Log() { lock (_gate) { Source.TraceEvent(TraceEventType.Information, 1, ""log""); } }
}
public sealed class GateListener : TraceListener
{
    private readonly Sources _sources = new Sources();
    private readonly object _gate = new object();
    public override void Write(string message) { }
    public override void WriteLine(string message) { lock (_gate) { } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 6, 56, 6, 61).WithSpan("File0.cs", 6, 26, 6, 31).WithSpan("File0.cs", 8, 44, 8, 70).WithMessage(@"Lock-order cycle Trace's global lock -> GuiListener._sync -> Trace's global lock: 'GuiListener._sync' is acquired while 'Trace's global lock' is held here, and elsewhere 'Trace's global lock' is acquired while 'GuiListener._sync' is held at File0.cs:8 in Refresh (via WriteLine -> lock (Trace's global lock))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 60, 7, 65).WithSpan("File0.cs", 7, 26, 7, 35).WithSpan("File0.cs", 8, 44, 8, 70).WithMessage(@"Lock-order cycle Trace's global lock -> GuiListener._sync -> Trace's global lock: 'GuiListener._sync' is acquired while 'Trace's global lock' is held here, and elsewhere 'Trace's global lock' is acquired while 'GuiListener._sync' is held at File0.cs:8 in Refresh (via WriteLine -> lock (Trace's global lock))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 44, 8, 70).WithSpan("File0.cs", 8, 35, 8, 40).WithSpan("File0.cs", 6, 56, 6, 61).WithMessage(@"Lock-order cycle GuiListener._sync -> Trace's global lock -> GuiListener._sync: 'Trace's global lock' is acquired while 'GuiListener._sync' is held here (via WriteLine -> lock (Trace's global lock)), and elsewhere 'GuiListener._sync' is acquired while 'Trace's global lock' is held at File0.cs:6 in Write"));

        /// <summary>
        /// <c>TraceSource.TraceEvent</c> calls the listeners under the same global lock.
        /// </summary>
        [Fact]
        public Task TraceSourceCallsListenersUnderTheSameGlobalLock()
            => Verify.AnalyzerAsync(@"#define TRACE
using System.Diagnostics;
public static class Audit
{
    public static readonly object Gate = new object();
    private static readonly TraceSource Source = new TraceSource(""audit"");
    public static void Record() { lock (Gate) { Source.TraceEvent(TraceEventType.Information, 1, ""record""); } }
}
public sealed class AuditListener : TraceListener
{
    public override void Write(string message) { }
    public override void WriteLine(string message) { lock (Audit.Gate) { } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 49, 7, 107).WithSpan("File0.cs", 7, 41, 7, 45).WithSpan("File0.cs", 12, 60, 12, 70).WithMessage(@"Lock-order cycle Audit.Gate -> Trace's global lock -> Audit.Gate: 'Trace's global lock' is acquired while 'Audit.Gate' is held here (via TraceEvent -> lock (Trace's global lock)), and elsewhere 'Audit.Gate' is acquired while 'Trace's global lock' is held at File0.cs:12 in WriteLine"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 12, 60, 12, 70).WithSpan("File0.cs", 12, 26, 12, 35).WithSpan("File0.cs", 7, 49, 7, 107).WithMessage(@"Lock-order cycle Trace's global lock -> Audit.Gate -> Trace's global lock: 'Audit.Gate' is acquired while 'Trace's global lock' is held here, and elsewhere 'Trace's global lock' is acquired while 'Audit.Gate' is held at File0.cs:7 in Record (via TraceEvent -> lock (Trace's global lock))"));

        /// <summary>
        /// <c>Trace</c>'s methods are <c>[Conditional("TRACE")]</c>: where TRACE is not defined the compiler drops the calls, and
        /// they take nothing.
        /// </summary>
        [Fact]
        public Task TraceCallsTheCompilerDropsTakeNothing()
            => Verify.AnalyzerAsync(@"using System.Diagnostics;
public sealed class GuiListener : TraceListener
{
    private readonly object _sync = new object();
    public override void Write(string message) { lock (_sync) { } }
    public override void WriteLine(string message) { lock (_sync) { } }
    public void Refresh() { lock (_sync) { Trace.WriteLine(""refresh""); } }
    public void Report() { Trace.WriteLine(""report""); lock (_sync) { } }
}
");

        /// <summary>
        /// A continuation (or an async callback) that awaits a lock the completer holds suspends and lets the completer go on, so
        /// <c>await _sem.WaitAsync()</c> there is neither recursion nor order; a synchronous <c>_sem.Wait()</c> blocks the
        /// completer's own thread on the semaphore it holds.
        /// </summary>
        [Fact]
        public Task AnAwaitedAcquisitionInAContinuationSuspendsWhereAWaitBlocks()
            => Verify.AnalyzerAsync(@"using System.Threading;
using System.Threading.Tasks;
public sealed class Session
{
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
    private readonly object _gate = new object();
    private readonly TaskCompletionSource<bool> _opened = new TaskCompletionSource<bool>();
    private readonly CancellationTokenSource _cts = new CancellationTokenSource();
    public Session() { _cts.Token.Register(async () => { await _sem.WaitAsync(); _sem.Release(); lock (_gate) { } }); }
    public async Task OpenAsync()
    {
        await _sem.WaitAsync();
        try { _opened.TrySetResult(true); _cts.Cancel(); }
        finally { _sem.Release(); }
    }
    public async Task SendAsync()
    {
        await _opened.Task;
        await _sem.WaitAsync();
        try { } finally { _sem.Release(); }
    }
    public void Blocking()
    {
        _sem.Wait();
        try { _opened.TrySetResult(true); } finally { _sem.Release(); }
    }
    public async Task ReceiveAsync()
    {
        await _opened.Task;
        _sem.Wait();
        _sem.Release();
    }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 13, 15, 13, 41).WithSpan("File0.cs", 27, 23, 27, 35).WithSpan("File0.cs", 30, 9, 30, 20).WithSpan("File0.cs", 12, 15, 12, 31).WithMessage(@"'Session._sem' is acquired while already held (taken at File0.cs:12) and it is not recursive (via TrySetResult -> ReceiveAsync after await _opened.Task -> _sem.Wait())"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 25, 15, 25, 41).WithSpan("File0.cs", 27, 23, 27, 35).WithSpan("File0.cs", 30, 9, 30, 20).WithSpan("File0.cs", 24, 9, 24, 20).WithMessage(@"'Session._sem' is acquired while already held (taken at File0.cs:24) and it is not recursive (via TrySetResult -> ReceiveAsync after await _opened.Task -> _sem.Wait())"));

        /// <summary>
        /// A <c>Lazy&lt;T&gt;</c> in <c>ExecutionAndPublication</c> mode (the default, <c>true</c>) runs its factory under its own lock, and the
        /// first <c>Value</c> readers wait on it: a factory that takes a lock a reader holds is a cycle, in a field initializer or a
        /// constructor. <c>PublicationOnly</c> runs factories unlocked, a read with nothing held orders nothing, and a factory that reads
        /// its own <c>Value</c> is LD1003 (the runtime throws).
        /// </summary>
        [Fact]
        public Task ALazyValueFactoryRunsUnderTheLazysLock()
            => Verify.AnalyzerAsync(@"using System;
using System.Threading;
public sealed class Settings { }
public sealed class Registry
{
    private static readonly object Gate = new object();
    private readonly Lazy<Settings> _settings = new Lazy<Settings>(() => { lock (Gate) { return new Settings(); } });
    private readonly Lazy<Settings> _cached;
    private readonly Lazy<Settings> _racy = new Lazy<Settings>(() => { lock (Gate) { return new Settings(); } }, LazyThreadSafetyMode.PublicationOnly);
    private readonly Lazy<Settings> _self;
    public Registry()
    {
        _cached = new Lazy<Settings>(() => { lock (Gate) { return new Settings(); } }, true);
        _self = new Lazy<Settings>(() => _self.Value);
    }
    public Settings Current => _settings.Value;
    public void Reload() { lock (Gate) { _ = Current; } }
    public void Refresh() { lock (Gate) { _ = _cached.Value; _ = _racy.Value; } }
    public Settings Peek() => _settings.Value;
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 82, 7, 86).WithSpan("File0.cs", 7, 68, 7, 116).WithSpan("File0.cs", 17, 46, 17, 53).WithMessage(@"Lock-order cycle Registry._settings.Value -> Registry.Gate -> Registry._settings.Value: 'Registry.Gate' is acquired while 'Registry._settings.Value' is held here, and elsewhere 'Registry._settings.Value' is acquired while 'Registry.Gate' is held at File0.cs:17 in Reload (via Current -> _settings.Value)"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 13, 52, 13, 56).WithSpan("File0.cs", 13, 38, 13, 86).WithSpan("File0.cs", 18, 47, 18, 60).WithMessage(@"Lock-order cycle Registry._cached.Value -> Registry.Gate -> Registry._cached.Value: 'Registry.Gate' is acquired while 'Registry._cached.Value' is held here, and elsewhere 'Registry._cached.Value' is acquired while 'Registry.Gate' is held at File0.cs:18 in Refresh"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 14, 42, 14, 53).WithSpan("File0.cs", 14, 36, 14, 53).WithMessage(@"'Registry._self.Value' is acquired while already held (taken at File0.cs:14) and it is not recursive"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 46, 17, 53).WithSpan("File0.cs", 16, 32, 16, 47).WithSpan("File0.cs", 17, 34, 17, 38).WithSpan("File0.cs", 7, 82, 7, 86).WithMessage(@"Lock-order cycle Registry.Gate -> Registry._settings.Value -> Registry.Gate: 'Registry._settings.Value' is acquired while 'Registry.Gate' is held here (via Current -> _settings.Value), and elsewhere 'Registry.Gate' is acquired while 'Registry._settings.Value' is held at File0.cs:7 in lambda in _settings"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 18, 47, 18, 60).WithSpan("File0.cs", 18, 35, 18, 39).WithSpan("File0.cs", 13, 52, 13, 56).WithMessage(@"Lock-order cycle Registry.Gate -> Registry._cached.Value -> Registry.Gate: 'Registry._cached.Value' is acquired while 'Registry.Gate' is held here, and elsewhere 'Registry.Gate' is acquired while 'Registry._cached.Value' is held at File0.cs:13 in lambda in new Registry"));

        /// <summary>
        /// A static constructor runs under the runtime's lock on its type's initialization, and threads that use the type meanwhile
        /// wait for it: a static constructor that takes a lock, and a first use of the type under that lock, make a cycle. A use with
        /// nothing held, the type's own code, and a type without a static constructor take nothing.
        /// </summary>
        [Fact]
        public Task AStaticConstructorRunsUnderItsTypesInitializationLock()
            => Verify.AnalyzerAsync(@"public static class Journal
{
    public static readonly object Gate = new object();
}
public sealed class Catalog
{
    public static readonly Catalog Default;
    static Catalog()
    {
        lock (Journal.Gate) { Default = new Catalog(); }
    }
    public static int Count => 0;
    public void Touch() { lock (Journal.Gate) { } }
}
public sealed class Loader
{
    public void Load() { lock (Journal.Gate) { _ = Catalog.Count; } }
    public void Later() { _ = Catalog.Default; lock (Journal.Gate) { } }
}
public sealed class Plain
{
    public static int Size => 1;
}
public sealed class User
{
    public void Use() { lock (Journal.Gate) { _ = Plain.Size; } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 15, 10, 27).WithSpan("File0.cs", 8, 12, 8, 19).WithSpan("File0.cs", 17, 52, 17, 65).WithMessage(@"Lock-order cycle Catalog's static constructor -> Journal.Gate -> Catalog's static constructor: 'Journal.Gate' is acquired while 'Catalog's static constructor' is held here, and elsewhere 'Catalog's static constructor' is acquired while 'Journal.Gate' is held at File0.cs:17 in Load"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 52, 17, 65).WithSpan("File0.cs", 17, 32, 17, 44).WithSpan("File0.cs", 10, 15, 10, 27).WithMessage(@"Lock-order cycle Journal.Gate -> Catalog's static constructor -> Journal.Gate: 'Catalog's static constructor' is acquired while 'Journal.Gate' is held here, and elsewhere 'Journal.Gate' is acquired while 'Catalog's static constructor' is held at File0.cs:10 in static Catalog"));

        /// <summary>
        /// Two static constructors that use each other's types: the runtime lets one thread see the other type unfinished rather
        /// than wait, so one type's initialization never orders against another's.
        /// </summary>
        [Fact]
        public Task TwoStaticConstructorsUsingEachOthersTypesAreNoCycle()
            => Verify.AnalyzerAsync(@"public sealed class A
{
    public static readonly int Value;
    static A() { Value = B.Value + 1; }
}
public sealed class B
{
    public static readonly int Value;
    static B() { Value = A.Value + 1; }
}
");

        /// <summary>
        /// Waiting for a type's initialization can deadlock only when its static constructor takes a lock itself: under a leaf lock,
        /// the first use of a type whose static constructor only fills a table is fine, and one whose static constructor locks is LD1004.
        /// </summary>
        [Fact]
        public Task AFirstUseWaitsOnlyForAStaticConstructorThatTakesALock()
            => Verify.AnalyzerAsync(@"using LockDiscipline;
public static class Tables
{
    public static readonly int[] Sizes;
    static Tables() { Sizes = new[] { 1, 2 }; }
}
public static class Registry
{
    public static readonly object Gate = new object();
    public static readonly int Count;
    static Registry() { lock (Gate) { Count = 1; } }
}
public sealed class Fast
{
    [LeafLock] private readonly object _leaf = new object();
    public int Size() { lock (_leaf) { return Tables.Sizes.Length; } }
    public int Total() { lock (_leaf) { return Registry.Count; } }
}
",
                Verify.Diagnostic("LD1004").WithSpan("File0.cs", 17, 48, 17, 62).WithSpan("File0.cs", 17, 32, 17, 37).WithMessage(@"'Registry's static constructor' is acquired while leaf lock 'Fast._leaf' is held"));

        /// <summary>
        /// Npgsql's <c>PregeneratedMessages</c>: its static constructor writes into a buffer it made without a connector, and the
        /// buffer's flush reaches a connector's lock only through that (null) connector. A static constructor's waits count for locks in
        /// static members, which any thread may hold; an instance's lock it reaches is mostly on objects it is building.
        /// </summary>
        [Fact]
        public Task AStaticConstructorOrdersOnlyLocksEveryThreadCanReach()
            => Verify.AnalyzerAsync(@"public sealed class Connector
{
    public readonly object CancelLock = new object();
    public void Break() { lock (CancelLock) { } }
    public void Reset() { lock (CancelLock) { _ = Messages.Discard; } }
}
public sealed class WriteBuffer
{
    public WriteBuffer(Connector connector) { Connector = connector; }
    public Connector Connector { get; }
    public void Flush() { if (Connector != null) Connector.Break(); }
}
public static class Messages
{
    public static readonly byte[] Discard;
    static Messages()
    {
        var buffer = new WriteBuffer(null);
        Discard = Generate(buffer);
    }
    private static byte[] Generate(WriteBuffer buffer) { buffer.Flush(); return new byte[0]; }
}
");
    }
}
