using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Shapes reduced from real libraries whose findings were false: a fresh object's lock, a branch a constant argument rules
    /// out, a re-entrant lock taken again. Each has the true finding beside it that must stay.
    /// </summary>
    public class RealCodePrecisionTests
    {
        /// <summary>
        /// NLog's LogManager: a factory built for the singleton and disposed when another thread won the
        /// <c>CompareExchange</c> race. Its <c>Dispose</c> takes the factory's own lock, but no other thread can see that factory.
        /// </summary>
        [Fact]
        public Task LockOfAFactoryThatLostTheRaceIsNoOrder()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Factory
{
    private readonly object _syncRoot = new object();
    private static Factory _instance;
    private static readonly object Watchers = new object();
    public void Dispose() { lock (_syncRoot) { } }
    public void Reload() { lock (_syncRoot) { lock (Watchers) { } } }
    public static Factory Instance => _instance ?? Create();
    private static Factory Create()
    {
        var factory = new Factory();
        if (!(Interlocked.CompareExchange(ref _instance, factory, null) is null))
            factory.Dispose();
        return _instance;
    }
    public static void Stop() { lock (Watchers) { if (Instance != null) { } } }
}
");

        [Fact]
        public Task LockOfAPublishedObjectStillOrders()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Factory
{
    private readonly object _syncRoot = new object();
    private static Factory _instance;
    private static readonly object Watchers = new object();
    public void Dispose() { lock (_syncRoot) { } }
    public void Reload() { lock (_syncRoot) { lock (Watchers) { } } }
    private static Factory Create()
    {
        var factory = new Factory();
        _instance = factory;
        lock (Watchers) { factory.Dispose(); }
        return factory;
    }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 53, 8, 61).WithSpan("File0.cs", 8, 34, 8, 43).WithSpan("File0.cs", 13, 27, 13, 44).WithMessage("Lock-order cycle Factory._syncRoot -> Factory.Watchers -> Factory._syncRoot: 'Factory.Watchers' is acquired while 'Factory._syncRoot' is held here, and elsewhere 'Factory._syncRoot' is acquired while 'Factory.Watchers' is held at File0.cs:13 in Create (via Dispose -> lock (_syncRoot))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 13, 27, 13, 44).WithSpan("File0.cs", 7, 35, 7, 44).WithSpan("File0.cs", 13, 15, 13, 23).WithSpan("File0.cs", 8, 53, 8, 61).WithMessage("Lock-order cycle Factory.Watchers -> Factory._syncRoot -> Factory.Watchers: 'Factory._syncRoot' is acquired while 'Factory.Watchers' is held here (via Dispose -> lock (_syncRoot)), and elsewhere 'Factory.Watchers' is acquired while 'Factory._syncRoot' is held at File0.cs:8 in Reload"));

        /// <summary>A lock taken on an object made in this method before anyone else can see it, and the constructor's own locks.</summary>
        [Fact]
        public Task LockOfANewObjectAndInAConstructorIsNoOrder()
            => Verify.AnalyzerAsync(@"public sealed class Box
{
    private static readonly object Registry = new object();
    private readonly object _gate = new object();
    public Box() { lock (_gate) { lock (Registry) { } } }
    public void Fill() { lock (_gate) { } }
    public static void Make()
    {
        var box = new Box();
        lock (box) { lock (Registry) { } }
    }
    public static void Register() { lock (Registry) { new Box().Fill(); } }
    public void Share() { lock (Registry) { lock (this) { } } }
}
");

        /// <summary>
        /// StackExchange.Redis: <c>GetBridge(type, false)</c> never reaches <c>CreateBridge</c>, which runs only for
        /// <c>create: true</c>; a caller passing <c>true</c>, or its own parameter that its caller sets, still does.
        /// </summary>
        [Fact]
        public Task ConstantArgumentsRuleOutTheBranchesTheyCannotTake()
            => Verify.AnalyzerAsync(@"public sealed class Server
{
    private readonly object _servers = new object();
    private readonly object _queue = new object();
    public object GetBridge(bool create) => create ? CreateBridge() : null;
    private object CreateBridge() { lock (_servers) { return new object(); } }
    public void Status() { lock (_queue) { GetBridge(false); } }
    public void Forward(bool create) { GetBridge(create); }
    public void Timeout() { lock (_queue) { Forward(false); } }
    public void Dispose() { lock (_servers) { lock (_queue) { } } }
    public void Connect() { lock (_queue) { Forward(true); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 53, 10, 59).WithSpan("File0.cs", 10, 35, 10, 43).WithSpan("File0.cs", 11, 45, 11, 58).WithMessage("Lock-order cycle Server._servers -> Server._queue -> Server._servers: 'Server._queue' is acquired while 'Server._servers' is held here, and elsewhere 'Server._servers' is acquired while 'Server._queue' is held at File0.cs:11 in Connect (via Forward -> GetBridge -> CreateBridge -> lock (_servers))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 11, 45, 11, 58).WithSpan("File0.cs", 8, 40, 8, 57).WithSpan("File0.cs", 5, 54, 5, 68).WithSpan("File0.cs", 6, 43, 6, 51).WithSpan("File0.cs", 11, 35, 11, 41).WithSpan("File0.cs", 10, 53, 10, 59).WithMessage("Lock-order cycle Server._queue -> Server._servers -> Server._queue: 'Server._servers' is acquired while 'Server._queue' is held here (via Forward -> GetBridge -> CreateBridge -> lock (_servers)), and elsewhere 'Server._queue' is acquired while 'Server._servers' is held at File0.cs:10 in Dispose"));

        /// <summary>Re-entering a <c>Monitor</c> lock this thread already holds never waits, so it adds no order (the fixed version of a reduced upstream deadlock).</summary>
        [Fact]
        public Task ReenteringAHeldMonitorAddsNoOrder()
            => Verify.AnalyzerAsync(@"public sealed class Pool
{
    private readonly object _pool = new object();
    private readonly object _conn = new object();
    private void Return() { lock (_pool) { } }
    public void Close() { lock (_pool) { lock (_conn) { Return(); } } }
    public void Open() { lock (_conn) { } }
}
");

        [Fact]
        public Task TakingAReentrantLockNotYetHeldStillOrders()
            => Verify.AnalyzerAsync(@"public sealed class Pool
{
    private readonly object _pool = new object();
    private readonly object _conn = new object();
    private void Return() { lock (_pool) { } }
    public void Close() { lock (_conn) { Return(); } }
    public void Open() { lock (_pool) { lock (_conn) { } } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 6, 42, 6, 50).WithSpan("File0.cs", 5, 35, 5, 40).WithSpan("File0.cs", 6, 33, 6, 38).WithSpan("File0.cs", 7, 47, 7, 52).WithMessage("Lock-order cycle Pool._conn -> Pool._pool -> Pool._conn: 'Pool._pool' is acquired while 'Pool._conn' is held here (via Return -> lock (_pool)), and elsewhere 'Pool._conn' is acquired while 'Pool._pool' is held at File0.cs:7 in Open"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 7, 47, 7, 52).WithSpan("File0.cs", 7, 32, 7, 37).WithSpan("File0.cs", 6, 42, 6, 50).WithMessage("Lock-order cycle Pool._pool -> Pool._conn -> Pool._pool: 'Pool._conn' is acquired while 'Pool._pool' is held here, and elsewhere 'Pool._pool' is acquired while 'Pool._conn' is held at File0.cs:6 in Close (via Return -> lock (_pool))"));
    
        /// <summary>StackExchange.Redis's transaction: hand-over-hand locking of result boxes through a local, balanced by a finally.</summary>
        [Fact]
        public Task HandOverHandLockingThroughALocalIsBalanced()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Box { }
public sealed class Op { public Box ResultBox; }
public sealed class Transaction
{
    public void Send(Box[] conditions, Op[] ops)
    {
        Box lastBox = null;
        try
        {
            for (int i = 0; i < conditions.Length; i++)
            {
                Box latestBox = conditions[i];
                Monitor.Enter(latestBox);
                if (lastBox != null) Monitor.Exit(lastBox);
                lastBox = latestBox;
            }
            foreach (var op in ops)
            {
                Box thisBox = op.ResultBox;
                if (thisBox != null)
                {
                    Monitor.Enter(thisBox);
                    if (lastBox != null) Monitor.Exit(lastBox);
                    lastBox = thisBox;
                }
            }
        }
        finally
        {
            if (lastBox != null) Monitor.Exit(lastBox);
        }
    }
    public void Forgets(Box[] boxes)
    {
        Box lastBox = null;
        foreach (var box in boxes)
        {
            Monitor.Enter(box);
            lastBox = box;
        }
    }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 39, 13, 39, 31).WithMessage("'lastBox' is acquired here and is still held on some path out of 'Forgets' (at the end of the method)"));

        /// <summary>
        /// Npgsql's data source and replication connection: a timed wait's result through a conditional with an await, then
        /// tested; and Clang's try-lock results copied and negated through bool locals.
        /// </summary>
        [Fact]
        public Task TryAcquireResultsThroughConditionalsAndBoolLocalsAreFollowed()
            => Verify.AnalyzerAsync(@"using System;
using System.Threading;
using System.Threading.Tasks;
public sealed class DataSource
{
    private readonly SemaphoreSlim _setup = new SemaphoreSlim(1, 1);
    public async Task Bootstrap(bool async, TimeSpan timeout, CancellationToken ct)
    {
        var hasSemaphore = async ? await _setup.WaitAsync(timeout, ct).ConfigureAwait(false) : _setup.Wait(timeout, ct);
        if (!hasSemaphore)
            throw new TimeoutException();
        try { } finally { _setup.Release(); }
    }
    public void Negated(TimeSpan timeout)
    {
        var b1 = _setup.Wait(timeout);
        var b2 = !b1;
        var b3 = !b2;
        if (b3) { _setup.Release(); }
    }
    public void Overwritten(TimeSpan timeout)
    {
        var ok = _setup.Wait(timeout);
        ok = true;
        if (ok) { _setup.Release(); }
    }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 25, 19, 25, 35).WithMessage("'_setup' is released here but is not held on any path to this point (a try or timed wait for it in 'Overwritten' may give up, and its result is not tested before this release)"));

        /// <summary>Clang's scoped capabilities: the guard's own members are the primitive, so its Dispose releasing the lock is no imbalance.</summary>
        [Fact]
        public Task MembersOfAScopedGuardAreThePrimitive()
            => Verify.AnalyzerAsync(@"using LockDiscipline;
public sealed class Mu
{
    [Acquires] public void Lock() { }
    [Releases] public void Unlock() { }
    [Acquires] public Guard Scoped() { Lock(); return new Guard(this); }
}
[ScopedLock]
public readonly struct Guard : System.IDisposable
{
    private readonly Mu _mu;
    public Guard(Mu mu) { _mu = mu; }
    public void Dispose() => _mu.Unlock();
}
public sealed class User
{
    private readonly Mu _mu = new Mu();
    public void Work() { using (_mu.Scoped()) { } }
}
");

        /// <summary>
        /// A reduced upstream deadlock: a type locks <c>this</c>, and other code locks its instances through a field, a local and a
        /// parameter. They are the same lock objects, so the orders meet.
        /// </summary>
        [Fact]
        public Task LockOfThisIsTheLockOfTheInstancesElsewhere()
            => Verify.AnalyzerAsync(@"public sealed class Channel
{
    public void Send() { lock (this) { Hub.Notify(); } }
}
public static class Hub
{
    private static readonly object Gate = new object();
    private static readonly Channel Main = new Channel();
    public static void Notify() { lock (Gate) { } }
    public static void Flush() { lock (Gate) { lock (Main) { } } }
    public static void Drain(Channel c) { lock (Gate) { var local = c; lock (local) { } } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 3, 40, 3, 52).WithSpan("File0.cs", 9, 41, 9, 45).WithSpan("File0.cs", 3, 32, 3, 36).WithSpan("File0.cs", 10, 54, 10, 58).WithMessage("Lock-order cycle Channel -> Hub.Gate -> Channel: 'Hub.Gate' is acquired while 'Channel' is held here (via Notify -> lock (Gate)), and elsewhere 'Channel' is acquired while 'Hub.Gate' is held at File0.cs:10 in Flush"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 54, 10, 58).WithSpan("File0.cs", 10, 40, 10, 44).WithSpan("File0.cs", 3, 40, 3, 52).WithMessage("Lock-order cycle Hub.Gate -> Channel -> Hub.Gate: 'Channel' is acquired while 'Hub.Gate' is held here, and elsewhere 'Hub.Gate' is acquired while 'Channel' is held at File0.cs:3 in Send (via Notify -> lock (Gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 11, 78, 11, 83).WithSpan("File0.cs", 11, 49, 11, 53).WithSpan("File0.cs", 3, 40, 3, 52).WithMessage("Lock-order cycle Hub.Gate -> Channel -> Hub.Gate: 'Channel' is acquired while 'Hub.Gate' is held here, and elsewhere 'Hub.Gate' is acquired while 'Channel' is held at File0.cs:3 in Send (via Notify -> lock (Gate))"));

        [Fact]
        public Task FieldsOfATypeThatNeverLocksThisKeepTheirOwnClass()
            => Verify.AnalyzerAsync(@"public sealed class Channel
{
    private readonly object _gate = new object();
    public void Send() { lock (_gate) { Hub.Notify(); } }
}
public static class Hub
{
    private static readonly object Gate = new object();
    private static readonly Channel Main = new Channel();
    public static void Notify() { lock (Gate) { } }
    public static void Flush() { lock (Gate) { lock (Main) { } } }
}
");

        /// <summary>
        /// Locks on values taken out of one collection (a foreach variable, an indexer's result, a dictionary pair's value, an
        /// <c>out var</c> of <c>TryGetValue</c>, through a framework copy such as <c>ToArray()</c>) are one class, named after the
        /// collection: one method takes an element under the gate, another the gate under an element, a reduced upstream deadlock.
        /// </summary>
        [Fact]
        public Task LocksOnElementsOfOneCollectionAreOneClass()
            => Verify.AnalyzerAsync(@"using System.Collections.Generic;
using System.Linq;
public sealed class Session { public int Id; }
public sealed class Server
{
    private readonly object _gate = new object();
    private readonly List<Session> _sessions = new List<Session>();
    private readonly Dictionary<int, Session> _byId = new Dictionary<int, Session>();
    public void Broadcast() { lock (_gate) { foreach (var s in _sessions) { lock (s) { } } } }
    public void Kick() { foreach (var s in _sessions.ToArray()) { lock (s) { lock (_gate) { } } } }
    public void Close(int id) { lock (_gate) { lock (_byId[id]) { } } }
    public void Expire() { foreach (var pair in _byId) { lock (pair.Value) { lock (_gate) { } } } }
    public void Drop(int id) { if (_byId.TryGetValue(id, out var s)) { lock (s) { lock (_gate) { } } } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 9, 83, 9, 84).WithSpan("File0.cs", 9, 37, 9, 42).WithSpan("File0.cs", 10, 84, 10, 89).WithMessage(@"Lock-order cycle Server._gate -> Server._sessions[] -> Server._gate: 'Server._sessions[]' is acquired while 'Server._gate' is held here, and elsewhere 'Server._gate' is acquired while 'Server._sessions[]' is held at File0.cs:10 in Kick"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 84, 10, 89).WithSpan("File0.cs", 10, 73, 10, 74).WithSpan("File0.cs", 9, 83, 9, 84).WithMessage(@"Lock-order cycle Server._sessions[] -> Server._gate -> Server._sessions[]: 'Server._gate' is acquired while 'Server._sessions[]' is held here, and elsewhere 'Server._sessions[]' is acquired while 'Server._gate' is held at File0.cs:9 in Broadcast"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 11, 54, 11, 63).WithSpan("File0.cs", 11, 39, 11, 44).WithSpan("File0.cs", 12, 84, 12, 89).WithMessage(@"Lock-order cycle Server._gate -> Server._byId[] -> Server._gate: 'Server._byId[]' is acquired while 'Server._gate' is held here, and elsewhere 'Server._gate' is acquired while 'Server._byId[]' is held at File0.cs:12 in Expire"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 12, 84, 12, 89).WithSpan("File0.cs", 12, 64, 12, 74).WithSpan("File0.cs", 11, 54, 11, 63).WithMessage(@"Lock-order cycle Server._byId[] -> Server._gate -> Server._byId[]: 'Server._gate' is acquired while 'Server._byId[]' is held here, and elsewhere 'Server._byId[]' is acquired while 'Server._gate' is held at File0.cs:11 in Close"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 13, 89, 13, 94).WithSpan("File0.cs", 13, 78, 13, 79).WithSpan("File0.cs", 11, 54, 11, 63).WithMessage(@"Lock-order cycle Server._byId[] -> Server._gate -> Server._byId[]: 'Server._gate' is acquired while 'Server._byId[]' is held here, and elsewhere 'Server._byId[]' is acquired while 'Server._gate' is held at File0.cs:11 in Close"));

        /// <summary>
        /// Elements of another collection, a parameter nobody passes an element to, and another collection's <c>First()</c> keep
        /// classes of their own: nothing says they are the objects locked under the gate.
        /// </summary>
        [Fact]
        public Task LocksOnElementsOfOtherCollectionsOrOfUnknownOnesKeepTheirOwnClasses()
            => Verify.AnalyzerAsync(@"using System.Collections.Generic;
using System.Linq;
public sealed class Session { public int Id; }
public sealed class Server
{
    private readonly object _gate = new object();
    private readonly List<Session> _sessions = new List<Session>();
    private readonly List<Session> _closing = new List<Session>();
    public void Broadcast() { lock (_gate) { foreach (var s in _sessions) { lock (s) { } } } }
    public void Reap() { foreach (var s in _closing) { lock (s) { lock (_gate) { } } } }
    public void Stop(Session s) { lock (s) { lock (_gate) { } } }
    public void First() { var s = _closing.First(); lock (s) { lock (_gate) { } } }
}
");

        /// <summary>
        /// Per-key locks out of one dictionary: two different keys' locks nested (in key order here) are two locks, not a
        /// recursion, though they share the collection's class; the same value taken twice still is one.
        /// </summary>
        [Fact]
        public Task TwoElementsOfOneCollectionNestedAreNoRecursionButOneTakenTwiceIs()
            => Verify.AnalyzerAsync(@"using System.Collections.Concurrent;
using System.Threading;
public sealed class KeyedLocks
{
    private readonly ConcurrentDictionary<string, ReaderWriterLockSlim> _locks = new ConcurrentDictionary<string, ReaderWriterLockSlim>();
    public void Move(string from, string to)
    {
        var first = _locks.GetOrAdd(string.CompareOrdinal(from, to) < 0 ? from : to, _ => new ReaderWriterLockSlim());
        var second = _locks.GetOrAdd(string.CompareOrdinal(from, to) < 0 ? to : from, _ => new ReaderWriterLockSlim());
        first.EnterWriteLock();
        try
        {
            second.EnterWriteLock();
            second.ExitWriteLock();
        }
        finally
        {
            first.ExitWriteLock();
        }
    }
    public void Twice(string key)
    {
        var gate = _locks[key];
        gate.EnterWriteLock();
        gate.EnterWriteLock();
        gate.ExitWriteLock();
        gate.ExitWriteLock();
    }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 25, 9, 25, 30).WithSpan("File0.cs", 24, 9, 24, 30).WithMessage(@"'KeyedLocks._locks[]' is acquired while already held (taken at File0.cs:24) and it is not recursive"));

        /// <summary>
        /// NLog's target wrappers: a wrapper holds its own lock while it writes to the target it wraps, which takes that target's
        /// lock. The classes form a cycle; the instances never do, as each wrapper only ever goes down to what it wraps.
        /// </summary>
        [Fact]
        public Task WrapperThenWrappedIsOrderedByOwnership()
            => Verify.AnalyzerAsync(@"public abstract class Target
{
    protected object SyncRoot { get; } = new object();
    public void WriteAsync() { lock (SyncRoot) { Write(); } }
    protected abstract void Write();
}
public sealed class FileTarget : Target { protected override void Write() { } }
public sealed class BufferingWrapper : Target
{
    private readonly object _lockObject = new object();
    public Target WrappedTarget { get; set; }
    protected override void Write() { lock (_lockObject) { WrappedTarget.WriteAsync(); } }
}
");

        /// <summary>The same classes where a wrapper locks an object it does not reach through its own fields: the cycle stands.</summary>
        [Fact]
        public Task WrapperThenAnUnrelatedTargetStillOrders()
            => Verify.AnalyzerAsync(@"public abstract class Target
{
    protected object SyncRoot { get; } = new object();
    public void WriteAsync() { lock (SyncRoot) { Write(); } }
    protected abstract void Write();
}
public sealed class BufferingWrapper : Target
{
    public static Target Shared;
    private readonly object _lockObject = new object();
    protected override void Write() { lock (_lockObject) { Shared.WriteAsync(); } }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 4, 50, 4, 57).WithSpan("File0.cs", 11, 45, 11, 56).WithSpan("File0.cs", 4, 38, 4, 46).WithSpan("File0.cs", 11, 60, 11, 79).WithMessage("Lock-order cycle Target.SyncRoot -> BufferingWrapper._lockObject -> Target.SyncRoot: 'BufferingWrapper._lockObject' is acquired while 'Target.SyncRoot' is held here (via Write -> lock (_lockObject)), and elsewhere 'Target.SyncRoot' is acquired while 'BufferingWrapper._lockObject' is held at File0.cs:11 in Write (via WriteAsync -> lock (SyncRoot))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 11, 60, 11, 79).WithSpan("File0.cs", 4, 38, 4, 46).WithSpan("File0.cs", 11, 45, 11, 56).WithSpan("File0.cs", 4, 50, 4, 57).WithMessage("Lock-order cycle BufferingWrapper._lockObject -> Target.SyncRoot -> BufferingWrapper._lockObject: 'Target.SyncRoot' is acquired while 'BufferingWrapper._lockObject' is held here (via WriteAsync -> lock (SyncRoot)), and elsewhere 'BufferingWrapper._lockObject' is acquired while 'Target.SyncRoot' is held at File0.cs:4 in WriteAsync (via Write -> lock (_lockObject))"));

        /// <summary>
        /// NLog's singleton, reduced: <paramref name="members"/> go after the factory's fields, <paramref name="setup"/> runs on the
        /// new factory before it is offered to <c>CompareExchange</c>. Each is whole lines (empty, or ending with a newline): the
        /// tests count lines from this text.
        /// </summary>
        private static string SingletonFactory(string members, string setup)
            => @"using System.Threading;
public sealed class Factory
{
    private static Factory _instance;
    private Config _config;
    private bool _configLoaded;
/*MEMBERS*/    public void Load(Config config) { _config = config; _configLoaded = true; }
    public void Dispose() { DisposeInternal(); }
    private void DisposeInternal() { if (_configLoaded) { _config.Close(); } }
    public static Factory Instance => _instance ?? Create();
    private static Factory Create()
    {
        var factory = new Factory();
/*SETUP*/        if (!(Interlocked.CompareExchange(ref _instance, factory, null) is null))
            factory.Dispose();
        return _instance;
    }
}
public sealed class Config
{
    private readonly object _watch = new object();
    public void Close() { lock (_watch) { } }
    public void Changed() { lock (_watch) { Registry.Notify(); } }
}
public static class Registry
{
    private static readonly object Gate = new object();
    public static void Touch() { lock (Gate) { var f = Factory.Instance; } }
    public static void Notify() { lock (Gate) { } }
}
"
                .Replace("/*MEMBERS*/", members).Replace("/*SETUP*/", setup);

        /// <summary>
        /// NLog's singleton: the factory that lost the race is disposed right after its constructor, which never loads a
        /// configuration, so the dispose path that closes the configuration (guarded by <c>_configLoaded</c>) cannot run.
        /// </summary>
        [Fact]
        public Task AFieldTheConstructorLeavesFalseRulesOutItsBranchOnAJustMadeObject()
            => Verify.AnalyzerAsync(SingletonFactory(string.Empty, string.Empty));

        [Fact]
        public Task AnObjectUsedBeforeTheCallKeepsTheBranch()
            => Verify.AnalyzerAsync(SingletonFactory(string.Empty, "        factory.Load(new Config());\n"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 24, 45, 24, 62).WithSpan("File0.cs", 30, 41, 30, 45).WithSpan("File0.cs", 24, 35, 24, 41).WithSpan("File0.cs", 29, 56, 29, 72).WithMessage("Lock-order cycle Config._watch -> Registry.Gate -> Config._watch: 'Registry.Gate' is acquired while 'Config._watch' is held here (via Notify -> lock (Gate)), and elsewhere 'Config._watch' is acquired while 'Registry.Gate' is held at File0.cs:29 in Touch (via Instance -> Create -> Dispose -> DisposeInternal -> Close -> lock (_watch))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 29, 56, 29, 72).WithSpan("File0.cs", 10, 52, 10, 60).WithSpan("File0.cs", 16, 13, 16, 30).WithSpan("File0.cs", 8, 29, 8, 46).WithSpan("File0.cs", 9, 59, 9, 74).WithSpan("File0.cs", 23, 33, 23, 39).WithSpan("File0.cs", 29, 40, 29, 44).WithSpan("File0.cs", 24, 45, 24, 62).WithMessage("Lock-order cycle Registry.Gate -> Config._watch -> Registry.Gate: 'Config._watch' is acquired while 'Registry.Gate' is held here (via Instance -> Create -> Dispose -> DisposeInternal -> Close -> lock (_watch)), and elsewhere 'Registry.Gate' is acquired while 'Config._watch' is held at File0.cs:24 in Changed (via Notify -> lock (Gate))"));

        /// <summary>A handler the constructor subscribes does not run during construction: the field is still false.</summary>
        [Fact]
        public Task AHandlerTheConstructorSubscribesDoesNotSetTheField()
            => Verify.AnalyzerAsync(SingletonFactory("    public static event System.Action Reloaded;\n    public Factory() { Reloaded += OnReloaded; }\n    private void OnReloaded() { _configLoaded = true; }\n", string.Empty));

        /// <summary>A method the constructor calls that sets the field keeps the branch.</summary>
        [Fact]
        public Task AMethodTheConstructorCallsThatSetsTheFieldKeepsTheBranch()
            => Verify.AnalyzerAsync(SingletonFactory("    public Factory() { Init(); }\n    private void Init() { _configLoaded = true; }\n", string.Empty),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 25, 45, 25, 62).WithSpan("File0.cs", 31, 41, 31, 45).WithSpan("File0.cs", 25, 35, 25, 41).WithSpan("File0.cs", 30, 56, 30, 72).WithMessage("Lock-order cycle Config._watch -> Registry.Gate -> Config._watch: 'Registry.Gate' is acquired while 'Config._watch' is held here (via Notify -> lock (Gate)), and elsewhere 'Config._watch' is acquired while 'Registry.Gate' is held at File0.cs:30 in Touch (via Instance -> Create -> Dispose -> DisposeInternal -> Close -> lock (_watch))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 30, 56, 30, 72).WithSpan("File0.cs", 12, 52, 12, 60).WithSpan("File0.cs", 17, 13, 17, 30).WithSpan("File0.cs", 10, 29, 10, 46).WithSpan("File0.cs", 11, 59, 11, 74).WithSpan("File0.cs", 24, 33, 24, 39).WithSpan("File0.cs", 30, 40, 30, 44).WithSpan("File0.cs", 25, 45, 25, 62).WithMessage("Lock-order cycle Registry.Gate -> Config._watch -> Registry.Gate: 'Config._watch' is acquired while 'Registry.Gate' is held here (via Instance -> Create -> Dispose -> DisposeInternal -> Close -> lock (_watch)), and elsewhere 'Registry.Gate' is acquired while 'Config._watch' is held at File0.cs:25 in Changed (via Notify -> lock (Gate))"));

        /// <summary>
        /// Clang's thread-safety tests: after a recursive acquisition of a non-recursive lock (LD1003), what is left held on that
        /// path is not reported again; a re-entrant lock entered twice and left once is still a leak.
        /// </summary>
        [Fact]
        public Task WhatARecursiveAcquisitionLeavesHeldIsNotReportedAgain()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Twice
{
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
    private readonly object _gate = new object();
    public void Semaphore() { _sem.Wait(); _sem.Wait(); _sem.Release(); }
    public void Monitor2() { Monitor.Enter(_gate); Monitor.Enter(_gate); Monitor.Exit(_gate); }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 6, 44, 6, 55).WithSpan("File0.cs", 6, 31, 6, 42).WithMessage("'Twice._sem' is acquired while already held (taken at File0.cs:6) and it is not recursive"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 7, 30, 7, 50).WithMessage("'_gate' is acquired here and is still held on some path out of 'Monitor2' (at the end of the method) (if 'Monitor2' returns holding it for its caller, say so with [Acquires(\"_gate\")])"));

        /// <summary>A lock primitive implemented with <c>lock (this)</c> inside: its fields in other types keep their own classes.</summary>
        [Fact]
        public Task FieldsOfALockPrimitiveThatLocksThisKeepTheirClasses()
            => Verify.AnalyzerAsync(@"using LockDiscipline;
public sealed class Mu
{
    [Acquires] public void Lock() { System.Threading.Monitor.Enter(this); }
    [Releases] public void Unlock() { System.Threading.Monitor.Exit(this); }
}
public sealed class Device
{
    public readonly Mu A = new Mu();
    public readonly Mu B = new Mu();
    public void AThenB() { A.Lock(); B.Lock(); B.Unlock(); A.Unlock(); }
}
");

        /// <summary>
        /// A task nobody waits for (StackExchange.Redis: <c>ReconfigureAsync(...).ObserveErrors()</c> from under a lock) runs the
        /// callee past its first await after the caller let its lock go; a task waited for, and the part before the first await, do not.
        /// </summary>
        [Fact]
        public Task AnAsyncCallNobodyWaitsForTakesOnlyItsSynchronousPrefixUnderTheCallersLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System.Threading.Tasks;
public class Muxer
{
    private readonly object _servers = new object();
    private readonly object _bridge = new object();
    private int _n;
    public void OnFailure() { lock (_bridge) { ReconfigureAsync(); } }
    public void OnFailureObserved() { lock (_bridge) { _ = ReconfigureAsync().ContinueWith(t => _n++); } }
    private async Task ReconfigureAsync() { await Task.Yield(); lock (_servers) { _n++; } }
    public void Close() { lock (_servers) { lock (_bridge) { _n--; } } }
}
public class Blocking
{
    private readonly object _servers = new object();
    private readonly object _bridge = new object();
    private int _n;
    public void Waits() { lock (_bridge) { ReconfigureAsync().Wait(); } }
    public void Prefix() { lock (_bridge) { PrefixAsync(); } }
    private async Task ReconfigureAsync() { await Task.Yield(); lock (_servers) { _n++; } }
    private async Task PrefixAsync() { lock (_servers) { _n++; } await Task.Yield(); }
    public void Close() { lock (_servers) { lock (_bridge) { _n--; } } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 44, 17, 62).WithSpan("File0.cs", 19, 71, 19, 79).WithSpan("File0.cs", 17, 33, 17, 40).WithSpan("File0.cs", 21, 51, 21, 58).WithMessage(@"Lock-order cycle Blocking._bridge -> Blocking._servers -> Blocking._bridge: 'Blocking._servers' is acquired while 'Blocking._bridge' is held here (via ReconfigureAsync -> lock (_servers)), and elsewhere 'Blocking._bridge' is acquired while 'Blocking._servers' is held at File0.cs:21 in Close"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 18, 45, 18, 58).WithSpan("File0.cs", 20, 46, 20, 54).WithSpan("File0.cs", 18, 34, 18, 41).WithSpan("File0.cs", 21, 51, 21, 58).WithMessage(@"Lock-order cycle Blocking._bridge -> Blocking._servers -> Blocking._bridge: 'Blocking._servers' is acquired while 'Blocking._bridge' is held here (via PrefixAsync -> lock (_servers)), and elsewhere 'Blocking._bridge' is acquired while 'Blocking._servers' is held at File0.cs:21 in Close"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 21, 51, 21, 58).WithSpan("File0.cs", 21, 33, 21, 41).WithSpan("File0.cs", 17, 44, 17, 62).WithMessage(@"Lock-order cycle Blocking._servers -> Blocking._bridge -> Blocking._servers: 'Blocking._bridge' is acquired while 'Blocking._servers' is held here, and elsewhere 'Blocking._servers' is acquired while 'Blocking._bridge' is held at File0.cs:17 in Waits (via ReconfigureAsync -> lock (_servers))"));

        /// <summary>
        /// A field its own type fills with <c>new Buffer(this)</c> (or with copies the buffer makes of itself, or its own earlier
        /// value), whose constructor keeps that argument in a readonly field, points back: a fresh connector's
        /// <c>WriteBuffer.Connector</c> is that fresh connector (Npgsql's cancel request), also reached through a local function
        /// or a static helper handed the buffer, so its lock is no order. A buffer made with another object points elsewhere
        /// and still orders.
        /// </summary>
        [Fact]
        public Task ABackPointerToAFreshObjectIsThatFreshObject()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"public class Buffer
{
    internal readonly Connector Connector;
    public Buffer(Connector connector) { Connector = connector; }
    public void Flush() { Connector.Break(); }
    public void Check() { Throw(); void Throw() => Connector.Break(); }
    public void CheckStatic() => Helper(this);
    private static void Helper(Buffer buffer) => buffer.Connector.Break();
    public Buffer Copy() => new Buffer(Connector);
}
public class Connector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    public Buffer WriteBuffer = null!;
    public void Open() { WriteBuffer = new Buffer(this); }
    public void Close() { WriteBuffer = null!; }
    private Buffer? _original;
    public void Grow() { var bigger = WriteBuffer.Copy(); _original = WriteBuffer; WriteBuffer = bigger; }
    public void Shrink() { WriteBuffer = _original!; _original = null; }
    public void Break() { lock (_sync) { } }
    public void Cancel()
    {
        lock (_cancelLock)
        {
            var cancel = new Connector();
            cancel.DoCancel();
        }
    }
    public void DoCancel() { WriteBuffer.Flush(); WriteBuffer.Check(); WriteBuffer.CheckStatic(); }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
public class SharedBuffer
{
    internal readonly Link Link;
    public SharedBuffer(Link link) { Link = link; }
    public void Flush() { Link.Break(); }
}
public class Link
{
    private static readonly Link Primary = new Link();
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    public SharedBuffer WriteBuffer = null!;
    public void Open() { WriteBuffer = new SharedBuffer(Primary); }
    public void Break() { lock (_sync) { } }
    public void Cancel()
    {
        lock (_cancelLock)
        {
            var cancel = new Link();
            cancel.DoCancel();
        }
    }
    public void DoCancel() { WriteBuffer.Flush(); }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 52, 13, 52, 30).WithSpan("File0.cs", 55, 30, 55, 49).WithSpan("File0.cs", 37, 27, 37, 39).WithSpan("File0.cs", 46, 33, 46, 38).WithSpan("File0.cs", 49, 15, 49, 26).WithSpan("File0.cs", 56, 46, 56, 57).WithMessage(@"Lock-order cycle Link._cancelLock -> Link._sync -> Link._cancelLock: 'Link._sync' is acquired while 'Link._cancelLock' is held here (via DoCancel -> Flush -> Break -> lock (_sync)), and elsewhere 'Link._cancelLock' is acquired while 'Link._sync' is held at File0.cs:56 in Run"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 56, 46, 56, 57).WithSpan("File0.cs", 56, 31, 56, 36).WithSpan("File0.cs", 52, 13, 52, 30).WithMessage(@"Lock-order cycle Link._sync -> Link._cancelLock -> Link._sync: 'Link._cancelLock' is acquired while 'Link._sync' is held here, and elsewhere 'Link._sync' is acquired while 'Link._cancelLock' is held at File0.cs:52 in Cancel (via DoCancel -> Flush -> Break -> lock (_sync))"));

        /// <summary>
        /// Npgsql's data readers: the connector's <c>CurrentReader</c> is only ever its own <c>DataReader</c> (through a local, in
        /// another class), which holds the connector in a get-only property; the reader re-binds the connector's readers through
        /// that property (<c>Connector.DataReader = ... ? previous : new Reader(Connector)</c>, <c>Connector.Unbound = this</c>). So
        /// a fresh connector's reader's connector is that fresh connector, and its lock is no order. A reader taken from another
        /// connector points elsewhere, and the cycle stands.
        /// </summary>
        [Fact]
        public Task ABackPointerThroughPropertiesLocalsAndPatternsIsFollowed()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"public class Reader
{
    internal Connector Connector { get; }
    public bool Open;
    public Reader(Connector connector) { Connector = connector; }
    public void Close() { Connector.Break(); }
    public void Unbind()
    {
        Connector.DataReader = Connector.Unbound is { Open: false } previous ? previous : new Reader(Connector);
        Connector.Unbound = this;
    }
}
public class Connector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal Reader DataReader { get; set; }
    internal Reader? Unbound { get; set; }
    internal Reader? CurrentReader;
    public Connector() { DataReader = new Reader(this); }
    public void Break() { lock (_sync) { } }
    public void Cleanup() { if (CurrentReader != null) { CurrentReader.Close(); CurrentReader = null; } }
    public void Cancel() { lock (_cancelLock) { var cancel = new Connector(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
public static class Command
{
    public static void Execute(Connector connector) { var reader = connector.DataReader; connector.CurrentReader = reader; }
}
public class LinkReader
{
    internal Link Link { get; }
    public LinkReader(Link link) { Link = link; }
    public void Close() { Link.Break(); }
}
public class Link
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal LinkReader DataReader { get; set; }
    internal LinkReader? CurrentReader;
    public Link() { DataReader = new LinkReader(this); }
    public void Break() { lock (_sync) { } }
    public void Cleanup() { if (CurrentReader != null) { CurrentReader.Close(); CurrentReader = null; } }
    public void Cancel() { lock (_cancelLock) { var cancel = new Link(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
public static class LinkCommand
{
    public static void Execute(Link link, Link other) { link.CurrentReader = other.DataReader; }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 45, 74, 45, 90).WithSpan("File0.cs", 44, 58, 44, 79).WithSpan("File0.cs", 34, 27, 34, 39).WithSpan("File0.cs", 43, 33, 43, 38).WithSpan("File0.cs", 45, 34, 45, 45).WithSpan("File0.cs", 46, 46, 46, 57).WithMessage(@"Lock-order cycle Link._cancelLock -> Link._sync -> Link._cancelLock: 'Link._sync' is acquired while 'Link._cancelLock' is held here (via Cleanup -> Close -> Break -> lock (_sync)), and elsewhere 'Link._cancelLock' is acquired while 'Link._sync' is held at File0.cs:46 in Run"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 46, 46, 46, 57).WithSpan("File0.cs", 46, 31, 46, 36).WithSpan("File0.cs", 45, 74, 45, 90).WithMessage(@"Lock-order cycle Link._sync -> Link._cancelLock -> Link._sync: 'Link._cancelLock' is acquired while 'Link._sync' is held here, and elsewhere 'Link._sync' is acquired while 'Link._cancelLock' is held at File0.cs:45 in Cancel (via Cleanup -> Close -> Break -> lock (_sync))"));

        /// <summary>
        /// Npgsql's copy operations keep their connector in a private field they clear when disposed: it points back to the
        /// connector or nowhere, so a fresh connector's copy operation reaches no other connector's lock. One that can be pointed
        /// at another connector (<c>Retarget</c>) keeps the cycle.
        /// </summary>
        [Fact]
        public Task ABackPointerThatIsOnlyEverClearedStillPointsBack()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"public sealed class Importer
{
    private Connector? _connector;
    internal Importer(Connector connector) { _connector = connector; }
    public void Dispose()
    {
        var connector = _connector;
        if (connector != null) { connector.EndUserAction(); connector.CurrentCopy = null; _connector = null; }
    }
}
public class Connector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal Importer? CurrentCopy;
    public void EndUserAction() { lock (_sync) { } }
    public void Cleanup() { CurrentCopy?.Dispose(); CurrentCopy = null; }
    public void Cancel() { lock (_cancelLock) { var cancel = new Connector(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
    public static Importer Import(Connector connector) { var importer = new Importer(connector); connector.CurrentCopy = importer; return importer; }
}
public sealed class LinkImporter
{
    private LinkConnector? _connector;
    internal LinkImporter(LinkConnector connector) { _connector = connector; }
    public void Dispose() { _connector?.EndUserAction(); }
    public void Retarget(LinkConnector other) { _connector = other; }
}
public class LinkConnector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal LinkImporter? CurrentCopy;
    public void EndUserAction() { lock (_sync) { } }
    public void Cleanup() { CurrentCopy?.Dispose(); }
    public void Cancel() { lock (_cancelLock) { var cancel = new LinkConnector(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
    public static void Import(LinkConnector connector) { connector.CurrentCopy = new LinkImporter(connector); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 36, 83, 36, 99).WithSpan("File0.cs", 35, 41, 35, 51).WithSpan("File0.cs", 26, 40, 26, 56).WithSpan("File0.cs", 34, 41, 34, 46).WithSpan("File0.cs", 36, 34, 36, 45).WithSpan("File0.cs", 37, 46, 37, 57).WithMessage(@"Lock-order cycle LinkConnector._cancelLock -> LinkConnector._sync -> LinkConnector._cancelLock: 'LinkConnector._sync' is acquired while 'LinkConnector._cancelLock' is held here (via Cleanup -> Dispose -> EndUserAction -> lock (_sync)), and elsewhere 'LinkConnector._cancelLock' is acquired while 'LinkConnector._sync' is held at File0.cs:37 in Run"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 37, 46, 37, 57).WithSpan("File0.cs", 37, 31, 37, 36).WithSpan("File0.cs", 36, 83, 36, 99).WithMessage(@"Lock-order cycle LinkConnector._sync -> LinkConnector._cancelLock -> LinkConnector._sync: 'LinkConnector._cancelLock' is acquired while 'LinkConnector._sync' is held here, and elsewhere 'LinkConnector._sync' is acquired while 'LinkConnector._cancelLock' is held at File0.cs:36 in Cancel (via Cleanup -> Dispose -> EndUserAction -> lock (_sync))"));

        /// <summary>
        /// Npgsql's <c>CurrentCopyOperation</c>: an interface member that each copy operation stores itself into, keeping its
        /// connector in a field of its own. Through the interface, each implementation's back pointer is checked on its own, and
        /// a store of another implementation does not matter to it. One implementation made with another connector keeps the cycle.
        /// </summary>
        [Fact]
        public Task BackPointersOfEachImplementationBehindAnInterfaceMember()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"public interface ICancelable { void Dispose(); }
public sealed class Importer : ICancelable
{
    private Connector? _connector;
    internal Importer(Connector connector) { _connector = connector; }
    public void Dispose()
    {
        var connector = _connector;
        if (connector != null) { connector.EndUserAction(); connector.CurrentCopy = null; _connector = null; }
    }
}
public sealed class Exporter : ICancelable
{
    private readonly Connector _connector;
    internal Exporter(Connector connector) { _connector = connector; }
    public void Dispose() { _connector.EndUserAction(); }
}
public class Connector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal ICancelable? CurrentCopy;
    public void EndUserAction() { lock (_sync) { } }
    public void Cleanup() { CurrentCopy?.Dispose(); CurrentCopy = null; }
    public void Cancel() { lock (_cancelLock) { var cancel = new Connector(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
    public static ICancelable Import(Connector connector) { var importer = new Importer(connector); connector.CurrentCopy = importer; return importer; }
    public static ICancelable Export(Connector connector) { var exporter = new Exporter(connector); connector.CurrentCopy = exporter; return exporter; }
}
public interface IOperation { void Dispose(); }
public sealed class GoodOperation : IOperation
{
    private readonly Link _link;
    internal GoodOperation(Link link) { _link = link; }
    public void Dispose() { _link.EndUserAction(); }
}
public sealed class SharedOperation : IOperation
{
    private readonly Link _link;
    internal SharedOperation(Link link) { _link = link; }
    public void Dispose() { _link.EndUserAction(); }
}
public class Link
{
    private static readonly Link Primary = new Link();
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal IOperation? Current;
    public void EndUserAction() { lock (_sync) { } }
    public void Cleanup() { Current?.Dispose(); }
    public void Cancel() { lock (_cancelLock) { var cancel = new Link(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
    public static void Start(Link link) { link.Current = new GoodOperation(link); }
    public static void Share(Link link) { link.Current = new SharedOperation(Primary); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 51, 74, 51, 90).WithSpan("File0.cs", 50, 37, 50, 47).WithSpan("File0.cs", 41, 29, 41, 50).WithSpan("File0.cs", 49, 41, 49, 46).WithSpan("File0.cs", 51, 34, 51, 45).WithSpan("File0.cs", 52, 46, 52, 57).WithMessage(@"Lock-order cycle Link._cancelLock -> Link._sync -> Link._cancelLock: 'Link._sync' is acquired while 'Link._cancelLock' is held here (via Cleanup -> Dispose -> EndUserAction -> lock (_sync)), and elsewhere 'Link._cancelLock' is acquired while 'Link._sync' is held at File0.cs:52 in Run"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 52, 46, 52, 57).WithSpan("File0.cs", 52, 31, 52, 36).WithSpan("File0.cs", 51, 74, 51, 90).WithMessage(@"Lock-order cycle Link._sync -> Link._cancelLock -> Link._sync: 'Link._cancelLock' is acquired while 'Link._sync' is held here, and elsewhere 'Link._sync' is acquired while 'Link._cancelLock' is held at File0.cs:51 in Cancel (via Cleanup -> Dispose -> EndUserAction -> lock (_sync))"));

        /// <summary>
        /// Negative: a variable declared inside a sub-pattern (<c>Held is { Inner: Reader inner }</c>) is a member of the tested
        /// value, not the value: a reader kept in a box, made for another connector, is no back pointer, and the cycle stands.
        /// </summary>
        [Fact]
        public Task APatternVariableNestedInASubpatternIsNoCopyOfTheTestedValue()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"public sealed class Box { public Reader? Inner; }
public sealed class Reader
{
    internal Connector Connector { get; }
    public Reader(Connector connector) { Connector = connector; }
    public void Close() { Connector.Break(); }
}
public class Connector
{
    private static readonly Connector Primary = new Connector();
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    internal Reader? Current;
    internal Box? Held;
    public void Keep() { Held = new Box { Inner = new Reader(Primary) }; }
    public void Adopt() { if (Held is { Inner: Reader inner }) { Current = inner; } }
    public void Break() { lock (_sync) { } }
    public void Cleanup() { Current?.Close(); }
    public void Cancel() { lock (_cancelLock) { var cancel = new Connector(); cancel.Cleanup(); } }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 19, 79, 19, 95).WithSpan("File0.cs", 18, 37, 18, 45).WithSpan("File0.cs", 6, 27, 6, 44).WithSpan("File0.cs", 17, 33, 17, 38).WithSpan("File0.cs", 19, 34, 19, 45).WithSpan("File0.cs", 20, 46, 20, 57).WithMessage(@"Lock-order cycle Connector._cancelLock -> Connector._sync -> Connector._cancelLock: 'Connector._sync' is acquired while 'Connector._cancelLock' is held here (via Cleanup -> Close -> Break -> lock (_sync)), and elsewhere 'Connector._cancelLock' is acquired while 'Connector._sync' is held at File0.cs:20 in Run"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 20, 46, 20, 57).WithSpan("File0.cs", 20, 31, 20, 36).WithSpan("File0.cs", 19, 79, 19, 95).WithMessage(@"Lock-order cycle Connector._sync -> Connector._cancelLock -> Connector._sync: 'Connector._cancelLock' is acquired while 'Connector._sync' is held here, and elsewhere 'Connector._sync' is acquired while 'Connector._cancelLock' is held at File0.cs:19 in Cancel (via Cleanup -> Close -> Break -> lock (_sync))"));

        /// <summary>
        /// log4net's <c>ReaderWriterLock</c>: each acquisition sits alone in the finally of an empty try (so a thread abort cannot
        /// land between it and the caller's try), each release is one call. The wrappers are the primitive; a caller that leaks the
        /// read lock is still reported, and one that takes the write lock under its own gate orders the two.
        /// </summary>
        [Fact]
        public Task AnAcquisitionAloneInTheFinallyOfAnEmptyTryIsAWrapper()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class RwLock
{
    private readonly ReaderWriterLockSlim _rwl = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
    public void AcquireReaderLock() { try { } finally { _rwl.EnterReadLock(); } }
    public void ReleaseReaderLock() => _rwl.ExitReadLock();
    public void AcquireWriterLock() { try { } finally { _rwl.EnterWriteLock(); } }
    public void ReleaseWriterLock() => _rwl.ExitWriteLock();
}
public sealed class Hierarchy
{
    private readonly RwLock _lock = new RwLock();
    private readonly object _gate = new object();
    private int _n;
    public int Read() { _lock.AcquireReaderLock(); try { return _n; } finally { _lock.ReleaseReaderLock(); } }
    public int Leak() { _lock.AcquireReaderLock(); return _n; }
    public void Write() { lock (_gate) { _lock.AcquireWriterLock(); try { _n++; } finally { _lock.ReleaseWriterLock(); } } }
    public void Back() { _lock.AcquireWriterLock(); try { lock (_gate) { _n++; } } finally { _lock.ReleaseWriterLock(); } }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 16, 25, 16, 50).WithMessage(@"'_lock._rwl' is acquired here and is still held on some path out of 'Leak' (when it returns at line 16) (if 'Leak' returns holding it for its caller, say so with [Acquires(""_lock._rwl"", Shared = true)])"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 42, 17, 67).WithSpan("File0.cs", 17, 33, 17, 38).WithSpan("File0.cs", 18, 65, 18, 70).WithMessage(@"Lock-order cycle Hierarchy._gate -> RwLock._rwl -> Hierarchy._gate: 'RwLock._rwl' is acquired while 'Hierarchy._gate' is held here, and elsewhere 'Hierarchy._gate' is acquired while 'RwLock._rwl' is held at File0.cs:18 in Back"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 18, 65, 18, 70).WithSpan("File0.cs", 18, 26, 18, 51).WithSpan("File0.cs", 17, 42, 17, 67).WithMessage(@"Lock-order cycle RwLock._rwl -> Hierarchy._gate -> RwLock._rwl: 'Hierarchy._gate' is acquired while 'RwLock._rwl' is held here, and elsewhere 'RwLock._rwl' is acquired while 'Hierarchy._gate' is held at File0.cs:17 in Write"));

        /// <summary>
        /// log4net's rolling appender, reduced: <paramref name="members"/> (whole lines, or empty) go after <c>RollOver</c>. The tests
        /// count lines from this text.
        /// </summary>
        private static string RollingAppender(string members)
            => @"using System.Threading;
public abstract class AppenderSkeleton
{
    protected object LockObj { get; } = new object();
    public void DoAppend(string e) { lock (LockObj) { Append(e); } }
    public void Close() { lock (LockObj) { OnClose(); } }
    protected abstract void Append(string e);
    protected virtual void Append(string[] es) { foreach (var e in es) { Append(e); } }
    protected virtual void OnClose() { }
}
public class FileAppender : AppenderSkeleton
{
    protected override void Append(string e) { }
    protected virtual void OpenFile() { lock (LockObj) { } }
    protected System.IO.FileMode Mode() => System.IO.FileMode.Append;
}
public sealed class RollingFileAppender : FileAppender
{
    private readonly Mutex _mutexForRolling = new Mutex();
    protected override void Append(string e) { AdjustFileBeforeAppend(); base.Append(e); }
    protected override void Append(string[] es) { AdjustFileBeforeAppend(); base.Append(es); }
    private void AdjustFileBeforeAppend() { _mutexForRolling.WaitOne(); try { RollOver(); } finally { _mutexForRolling.ReleaseMutex(); } }
    private void RollOver() { OpenFile(); }
/*MEMBERS*/}
".Replace("/*MEMBERS*/", members, System.StringComparison.Ordinal);

        /// <summary>
        /// log4net's rolling appender: <c>DoAppend</c> holds <c>lock (LockObj)</c> around the hook <c>Append</c>, whose
        /// <c>AdjustFileBeforeAppend</c> takes the rolling mutex and then, opening the next file, <c>lock (LockObj)</c> again. Every
        /// caller of the hook holds that re-entrant lock, so taking it inside never waits and orders nothing after the mutex. The
        /// array overload nothing calls any more (it once was the hook) constrains nothing, and an enum member that shares the
        /// hook's name (<c>FileMode.Append</c>) is no method group.
        /// </summary>
        [Fact]
        public Task ALockEveryCallerHoldsAroundAClosedMethodIsAReentryInside()
            => Verify.AnalyzerAsync(RollingAppender(string.Empty));

        /// <summary>The same hook, also called from a public method that holds nothing: the mutex is then taken before the lock.</summary>
        [Fact]
        public Task ALockOneCallerDoesNotHoldStillOrders()
            => Verify.AnalyzerAsync(RollingAppender(@"    public void ActivateOptions() { AdjustFileBeforeAppend(); }
"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 5, 55, 5, 64).WithSpan("File0.cs", 20, 48, 20, 72).WithSpan("File0.cs", 22, 45, 22, 71).WithSpan("File0.cs", 5, 44, 5, 51).WithSpan("File0.cs", 22, 79, 22, 89).WithMessage(@"Lock-order cycle AppenderSkeleton.LockObj -> RollingFileAppender._mutexForRolling -> AppenderSkeleton.LockObj: 'RollingFileAppender._mutexForRolling' is acquired while 'AppenderSkeleton.LockObj' is held here (via Append -> AdjustFileBeforeAppend -> _mutexForRolling.WaitOne()), and elsewhere 'AppenderSkeleton.LockObj' is acquired while 'RollingFileAppender._mutexForRolling' is held at File0.cs:22 in AdjustFileBeforeAppend (via RollOver -> OpenFile -> lock (LockObj))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 22, 79, 22, 89).WithSpan("File0.cs", 23, 31, 23, 41).WithSpan("File0.cs", 14, 47, 14, 54).WithSpan("File0.cs", 22, 45, 22, 71).WithSpan("File0.cs", 5, 55, 5, 64).WithMessage(@"Lock-order cycle RollingFileAppender._mutexForRolling -> AppenderSkeleton.LockObj -> RollingFileAppender._mutexForRolling: 'AppenderSkeleton.LockObj' is acquired while 'RollingFileAppender._mutexForRolling' is held here (via RollOver -> OpenFile -> lock (LockObj)), and elsewhere 'RollingFileAppender._mutexForRolling' is acquired while 'AppenderSkeleton.LockObj' is held at File0.cs:5 in DoAppend (via Append -> AdjustFileBeforeAppend -> _mutexForRolling.WaitOne())"));

        /// <summary>The same hook, also run as a delegate (a method group): who calls it then is unknown, so nothing is inferred.</summary>
        [Fact]
        public Task AMethodUsedAsADelegateHasUnknownCallers()
            => Verify.AnalyzerAsync(RollingAppender(@"    public void Schedule() { new Thread(AdjustFileBeforeAppend).Start(); }
"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 5, 55, 5, 64).WithSpan("File0.cs", 20, 48, 20, 72).WithSpan("File0.cs", 22, 45, 22, 71).WithSpan("File0.cs", 5, 44, 5, 51).WithSpan("File0.cs", 22, 79, 22, 89).WithMessage(@"Lock-order cycle AppenderSkeleton.LockObj -> RollingFileAppender._mutexForRolling -> AppenderSkeleton.LockObj: 'RollingFileAppender._mutexForRolling' is acquired while 'AppenderSkeleton.LockObj' is held here (via Append -> AdjustFileBeforeAppend -> _mutexForRolling.WaitOne()), and elsewhere 'AppenderSkeleton.LockObj' is acquired while 'RollingFileAppender._mutexForRolling' is held at File0.cs:22 in AdjustFileBeforeAppend (via RollOver -> OpenFile -> lock (LockObj))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 22, 79, 22, 89).WithSpan("File0.cs", 23, 31, 23, 41).WithSpan("File0.cs", 14, 47, 14, 54).WithSpan("File0.cs", 22, 45, 22, 71).WithSpan("File0.cs", 5, 55, 5, 64).WithMessage(@"Lock-order cycle RollingFileAppender._mutexForRolling -> AppenderSkeleton.LockObj -> RollingFileAppender._mutexForRolling: 'AppenderSkeleton.LockObj' is acquired while 'RollingFileAppender._mutexForRolling' is held here (via RollOver -> OpenFile -> lock (LockObj)), and elsewhere 'RollingFileAppender._mutexForRolling' is acquired while 'AppenderSkeleton.LockObj' is held at File0.cs:5 in DoAppend (via Append -> AdjustFileBeforeAppend -> _mutexForRolling.WaitOne())"));

        /// <summary>
        /// RabbitMQ.Client's <c>ConnectionOpenAsync</c>: <c>acquired = true</c> right after the acquisition, <c>finally { if
        /// (acquired) Release(); }</c>. Nothing can throw between the two, so where the flag is false the semaphore was not taken.
        /// A call between them (it may throw with the semaphore taken and the flag still false) and a flag cleared before the
        /// finally are still leaks.
        /// </summary>
        [Fact]
        public Task AFlagSetRightAfterTheAcquisitionSaysWhetherItHappened()
            => Verify.AnalyzerAsync(@"using System.Threading;
using System.Threading.Tasks;
public sealed class Channel
{
    private readonly SemaphoreSlim _rpcSemaphore = new SemaphoreSlim(1, 1);
    private void Send() { }
    public async Task OpenAsync(CancellationToken ct)
    {
        bool semaphoreAcquired = false;
        try
        {
            await _rpcSemaphore.WaitAsync(ct).ConfigureAwait(false);
            semaphoreAcquired = true;
            Send();
        }
        finally
        {
            if (semaphoreAcquired)
            {
                _rpcSemaphore.Release();
            }
        }
    }
    public void CallBetween()
    {
        bool acquired = false;
        try
        {
            _rpcSemaphore.Wait();
            Send();
            acquired = true;
        }
        finally
        {
            if (acquired) _rpcSemaphore.Release();
        }
    }
    public void ClearedBeforeTheFinally()
    {
        bool acquired = false;
        try
        {
            _rpcSemaphore.Wait();
            acquired = true;
            Send();
            acquired = false;
        }
        finally
        {
            if (acquired) _rpcSemaphore.Release();
        }
    }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 29, 13, 29, 33).WithMessage(@"'_rpcSemaphore' is acquired here and is still held on some path out of 'CallBetween' (at the end of the method)"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 43, 13, 43, 33).WithMessage(@"'_rpcSemaphore' is acquired here and is still held on some path out of 'ClearedBeforeTheFinally' (at the end of the method)"));

        /// <summary>
        /// RabbitMQ.Client's recovery, reduced: <paramref name="members"/> (whole lines, or empty) go before <c>DeclareAsync</c>. The
        /// tests count lines from this text.
        /// </summary>
        private static string Recovery(string members)
            => @"using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
public sealed class Connection
{
    private readonly SemaphoreSlim _recordedEntitiesSemaphore = new SemaphoreSlim(1, 1);
    private readonly List<string> _exchanges = new List<string>();
    private Func<string, Task> _onError = _ => Task.CompletedTask;
    public async Task RecoverAsync(CancellationToken ct)
    {
        await _recordedEntitiesSemaphore.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RecoverExchangesAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _recordedEntitiesSemaphore.Release();
        }
    }
    private async Task RecoverExchangesAsync(CancellationToken ct)
    {
        foreach (var exchange in _exchanges)
        {
            try
            {
                await DeclareAsync(exchange).ConfigureAwait(false);
            }
            catch (Exception)
            {
                _recordedEntitiesSemaphore.Release();
                try
                {
                    await _onError(exchange).ConfigureAwait(false);
                }
                finally
                {
                    await _recordedEntitiesSemaphore.WaitAsync(ct).ConfigureAwait(false);
                }
            }
        }
    }
/*MEMBERS*/    private Task DeclareAsync(string exchange) => Task.CompletedTask;
}
".Replace("/*MEMBERS*/", members, System.StringComparison.Ordinal);

        /// <summary>
        /// RabbitMQ.Client's recovery: <c>RecoverAsync</c> holds the semaphore around the private <c>RecoverExchangesAsync</c>,
        /// which lets it go around a user's error handler and takes it again. Judged with what its only caller holds, it is
        /// balanced and its re-acquisition is no recursion.
        /// </summary>
        [Fact]
        public Task ASemaphoreEveryCallerHoldsMayBeDroppedAndRetakenInside()
            => Verify.AnalyzerAsync(Recovery(string.Empty));

        private static string PoolAndConnector(string onParameter, string onMethod)
            => @"using System.Collections.Generic;
using LockDiscipline;
public sealed class Pool
{
    private readonly Queue<Connector> _idle = new Queue<Connector>();
    public void Clear()
    {
        while (_idle.Count > 0) { CloseConnector(_idle.Dequeue()); }
    }
    private void CloseConnector(/*P*/Connector connector) { connector.Close(); }
}
public sealed class Connector
{
    object SyncObj { get; } = new();
    object CancelLock { get; } = new();
    private readonly Pool _pool;
    private bool _broken;
    public Connector(Pool pool) { _pool = pool; }
    public void Cancel()
    {
        lock (SyncObj)
        {
            if (_broken) { return; }
            lock (CancelLock) { }
        }
    }
    public void Break()
    {
        lock (SyncObj) { _broken = true; }
        lock (CancelLock)
        {
            _pool.Clear();
            Cleanup();
        }
    }
    /*M*/private void Cleanup() { Reader?.Close(); }
    internal Reader Reader;
    internal void EndUserAction() { lock (SyncObj) { } }
    public void Close() { lock (SyncObj) { } }
}
public sealed class Reader
{
    public Connector Owner;
    public void Close() { OwnerOf(this)?.EndUserAction(); }
    private static Connector OwnerOf(Reader reader) => reader.Owner;
}
".Replace("/*P*/", onParameter, System.StringComparison.Ordinal).Replace("/*M*/", onMethod, System.StringComparison.Ordinal);

        /// <summary>
        /// Npgsql's connector: <c>Break</c> holds <c>CancelLock</c> while the pool closes its idle connectors and while it cleans
        /// itself up, both taking <c>SyncObj</c>, and <c>Cancel</c> takes them the other way round. Only a state protocol keeps
        /// them apart (a broken connector's <c>Cancel</c> backs out; an idle connector is the pool's alone), which the analysis
        /// cannot see: the class-level cycle is reported.
        /// </summary>
        [Fact]
        public Task LocksOfObjectsAProtocolKeepsToOneThreadStillOrderWithoutUnshared()
            => Verify.AnalyzerAsync(PoolAndConnector(string.Empty, string.Empty),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 24, 19, 24, 29).WithSpan("File0.cs", 21, 15, 21, 22).WithSpan("File0.cs", 32, 13, 32, 26).WithMessage(@"Lock-order cycle Connector.SyncObj -> Connector.CancelLock -> Connector.SyncObj: 'Connector.CancelLock' is acquired while 'Connector.SyncObj' is held here, and elsewhere 'Connector.SyncObj' is acquired while 'Connector.CancelLock' is held at File0.cs:32 in Break (via Clear -> CloseConnector -> Close -> lock (SyncObj))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 32, 13, 32, 26).WithSpan("File0.cs", 8, 35, 8, 66).WithSpan("File0.cs", 10, 56, 10, 73).WithSpan("File0.cs", 39, 33, 39, 40).WithSpan("File0.cs", 30, 15, 30, 25).WithSpan("File0.cs", 24, 19, 24, 29).WithMessage(@"Lock-order cycle Connector.CancelLock -> Connector.SyncObj -> Connector.CancelLock: 'Connector.SyncObj' is acquired while 'Connector.CancelLock' is held here (via Clear -> CloseConnector -> Close -> lock (SyncObj)), and elsewhere 'Connector.CancelLock' is acquired while 'Connector.SyncObj' is held at File0.cs:24 in Cancel"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 33, 13, 33, 22).WithSpan("File0.cs", 36, 37, 36, 45).WithSpan("File0.cs", 44, 41, 44, 57).WithSpan("File0.cs", 38, 43, 38, 50).WithSpan("File0.cs", 30, 15, 30, 25).WithSpan("File0.cs", 24, 19, 24, 29).WithMessage(@"Lock-order cycle Connector.CancelLock -> Connector.SyncObj -> Connector.CancelLock: 'Connector.SyncObj' is acquired while 'Connector.CancelLock' is held here (via Cleanup -> Close -> EndUserAction -> lock (SyncObj)), and elsewhere 'Connector.CancelLock' is acquired while 'Connector.SyncObj' is held at File0.cs:24 in Cancel"));

        /// <summary>
        /// <c>[Unshared]</c> on the pool's <c>CloseConnector</c> parameter and on the connector's <c>Cleanup</c> states the
        /// protocol: the locks of the connector's class reached through those calls take part in no order, even where the
        /// cleanup comes back to the connector through a reader the analysis cannot tie to it, and the cycle is gone.
        /// </summary>
        [Fact]
        public Task UnsharedParametersAndMethodsTakePartInNoOrder()
            => Verify.AnalyzerAsync(PoolAndConnector("[Unshared] ", "[Unshared] "));

        /// <summary>Only the parameter marked: the cleanup's path (through its reader) still closes the cycle, and only its sites are reported.</summary>
        [Fact]
        public Task AnUnsharedParameterLeavesTheOtherPathsOrdered()
            => Verify.AnalyzerAsync(PoolAndConnector("[Unshared] ", string.Empty),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 24, 19, 24, 29).WithSpan("File0.cs", 21, 15, 21, 22).WithSpan("File0.cs", 33, 13, 33, 22).WithMessage(@"Lock-order cycle Connector.SyncObj -> Connector.CancelLock -> Connector.SyncObj: 'Connector.CancelLock' is acquired while 'Connector.SyncObj' is held here, and elsewhere 'Connector.SyncObj' is acquired while 'Connector.CancelLock' is held at File0.cs:33 in Break (via Cleanup -> Close -> EndUserAction -> lock (SyncObj))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 33, 13, 33, 22).WithSpan("File0.cs", 36, 37, 36, 45).WithSpan("File0.cs", 44, 41, 44, 57).WithSpan("File0.cs", 38, 43, 38, 50).WithSpan("File0.cs", 30, 15, 30, 25).WithSpan("File0.cs", 24, 19, 24, 29).WithMessage(@"Lock-order cycle Connector.CancelLock -> Connector.SyncObj -> Connector.CancelLock: 'Connector.SyncObj' is acquired while 'Connector.CancelLock' is held here (via Cleanup -> Close -> EndUserAction -> lock (SyncObj)), and elsewhere 'Connector.CancelLock' is acquired while 'Connector.SyncObj' is held at File0.cs:24 in Cancel"));

        private static string ChannelRecovery(string channelMembers)
            => @"using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
public sealed class Connection
{
    private readonly SemaphoreSlim _recordedEntitiesSemaphore = new SemaphoreSlim(1, 1);
    private readonly List<Channel> _channels = new List<Channel>();
    private Func<string, Task> _onRecovering = _ => Task.CompletedTask;
    public async Task RecoverAsync(CancellationToken ct)
    {
        await _recordedEntitiesSemaphore.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var channel in _channels)
            {
                await channel.RecoverAsync(this, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _recordedEntitiesSemaphore.Release();
        }
    }
    internal async Task RecoverConsumersAsync(string tag, CancellationToken ct)
    {
        try
        {
            _recordedEntitiesSemaphore.Release();
            await _onRecovering(tag).ConfigureAwait(false);
        }
        finally
        {
            await _recordedEntitiesSemaphore.WaitAsync(ct).ConfigureAwait(false);
        }
    }
}
public sealed class Channel
{
    private Connection _connection;
    private readonly string _tag = ""c"";
    public Channel(Connection connection) { _connection = connection; }
    internal async Task RecoverAsync(Connection conn, CancellationToken ct)
    {
        _connection = conn;
        await Task.Yield();
        await _connection.RecoverConsumersAsync(_tag, ct).ConfigureAwait(false);
    }
/*MEMBERS*/}
".Replace("/*MEMBERS*/", channelMembers, System.StringComparison.Ordinal);

        /// <summary>
        /// RabbitMQ.Client's channel recovery: the connection holds its semaphore and calls <c>channel.RecoverAsync(this)</c>,
        /// which stores the connection in <c>_connection</c> and calls back <c>_connection.RecoverConsumersAsync</c>, which lets
        /// the semaphore go around a user's handler and takes it again. The field holds the parameter the caller passed as
        /// <c>this</c> (no other code stores anything else there after construction), so the hold reaches the helper.
        /// </summary>
        [Fact]
        public Task ALockCallersHoldReachesAHelperThroughTheArgumentAFieldWasJustSetFrom()
            => Verify.AnalyzerAsync(ChannelRecovery(string.Empty));

        /// <summary>
        /// The same, with another method able to store a different connection in <c>_connection</c> (by assignment or by
        /// deconstruction): the field may not be the caller's connection, and the helper's drop and retake is reported as before.
        /// </summary>
        [Theory]
        [InlineData("    internal void Move(Connection other) { _connection = other; }\n")]
        [InlineData("    internal void Swap(Connection other) { (_connection, _) = (other, 1); }\n")]
        public Task AFieldOtherCodeMayStoreIntoIsNotTheArgumentStoredEarlier(string otherStore)
            => Verify.AnalyzerAsync(ChannelRecovery(otherStore),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 17, 23, 17, 53).WithSpan("File0.cs", 47, 15, 47, 58).WithSpan("File0.cs", 34, 19, 34, 59).WithSpan("File0.cs", 12, 15, 12, 55).WithMessage(@"'Connection._recordedEntitiesSemaphore' is acquired while already held (taken at File0.cs:12) and it is not recursive (via RecoverAsync -> RecoverConsumersAsync -> _recordedEntitiesSemaphore.WaitAsync(ct))"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 29, 13, 29, 49).WithMessage(@"'_recordedEntitiesSemaphore' is released here but is not held on any path to this point"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 34, 19, 34, 59).WithMessage(@"'_recordedEntitiesSemaphore' is acquired here and is still held on some path out of 'RecoverConsumersAsync' (at the end of the method) (if 'RecoverConsumersAsync' returns holding it for its caller, say so with [Acquires(""_recordedEntitiesSemaphore"")])"));

        /// <summary>
        /// The call made through the field before this method stored the argument there (the field still holds the connection the
        /// constructor was given, maybe another): the hold does not reach the helper.
        /// </summary>
        [Fact]
        public Task ACallThroughTheFieldBeforeTheStoreIsNotOnTheArgument()
            => Verify.AnalyzerAsync(ChannelRecovery(string.Empty).Replace(@"        _connection = conn;
        await Task.Yield();
        await _connection.RecoverConsumersAsync(_tag, ct).ConfigureAwait(false);", @"        await _connection.RecoverConsumersAsync(_tag, ct).ConfigureAwait(false);
        _connection = conn;
        await Task.Yield();", System.StringComparison.Ordinal),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 17, 23, 17, 53).WithSpan("File0.cs", 45, 15, 45, 58).WithSpan("File0.cs", 34, 19, 34, 59).WithSpan("File0.cs", 12, 15, 12, 55).WithMessage(@"'Connection._recordedEntitiesSemaphore' is acquired while already held (taken at File0.cs:12) and it is not recursive (via RecoverAsync -> RecoverConsumersAsync -> _recordedEntitiesSemaphore.WaitAsync(ct))"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 29, 13, 29, 49).WithMessage(@"'_recordedEntitiesSemaphore' is released here but is not held on any path to this point"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 34, 19, 34, 59).WithMessage(@"'_recordedEntitiesSemaphore' is acquired here and is still held on some path out of 'RecoverConsumersAsync' (at the end of the method) (if 'RecoverConsumersAsync' returns holding it for its caller, say so with [Acquires(""_recordedEntitiesSemaphore"")])"));

        /// <summary>The same helper, also called from a public method that holds nothing: its release and retake are wrong there.</summary>
        [Fact]
        public Task ADropAndRetakeOneCallerDoesNotHoldTheLockForIsStillReported()
            => Verify.AnalyzerAsync(Recovery(@"    public Task RetryAsync(CancellationToken ct) => RecoverExchangesAsync(ct);
"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 15, 19, 15, 44).WithSpan("File0.cs", 39, 27, 39, 67).WithSpan("File0.cs", 12, 15, 12, 55).WithMessage(@"'Connection._recordedEntitiesSemaphore' is acquired while already held (taken at File0.cs:12) and it is not recursive (via RecoverExchangesAsync -> _recordedEntitiesSemaphore.WaitAsync(ct))"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 39, 27, 39, 67).WithMessage(@"'_recordedEntitiesSemaphore' is acquired here and is still held on some path out of 'RecoverExchangesAsync' (at the end of the method)"));

        /// <summary>
        /// A private helper only ever called under the guarding lock reads and writes the guarded member as its callers would;
        /// one a public method calls without the lock is reported.
        /// </summary>
        [Fact]
        public Task AGuardedMemberReadByAHelperEveryCallerCallsUnderItsLock()
            => Verify.AnalyzerAsync(@"using LockDiscipline;
public sealed class Counter
{
    private readonly object _gate = new object();
    [GuardedBy(""_gate"")] private int _count;
    public void Add() { lock (_gate) { Bump(); } }
    public void Reset() { lock (_gate) { Bump(); _count = 0; } }
    private void Bump() { _count++; }
    public int Peek() => Read();
    private int Read() => _count;
}
",
                Verify.Diagnostic("LD1009").WithSpan("File0.cs", 10, 27, 10, 33).WithMessage(@"'_count' is read without holding '_gate'"));

        /// <summary>
        /// Blocking, with a lock held, on work that runs on another thread: <c>Task.Run(...).Wait()</c>, <c>thread.Join()</c>, an
        /// async method's <c>.Result</c> (its part after the first await). The work takes its locks on that other thread, so one
        /// the caller holds deadlocks however re-entrant it is (LD1003), and what it takes orders after what the caller holds
        /// (LD1002), as lockdep orders a <c>flush_work()</c> under a lock.
        /// </summary>
        [Fact]
        public Task WaitingUnderALockForWorkOnAnotherThreadOrdersWhatTheWorkTakes()
            => Verify.AnalyzerAsync(@"using System.Threading;
using System.Threading.Tasks;
public sealed class C
{
    private readonly object _gate = new object();
    private readonly object _other = new object();
    public void SelfDeadlock() { lock (_gate) { Task.Run(() => { lock (_gate) { } }).Wait(); } }
    public void Ordered() { lock (_other) { Task.Run(() => Touch()).Wait(); } }
    private void Touch() { lock (_gate) { } }
    public void Reverse() { lock (_gate) { lock (_other) { } } }
    public void Joined() { lock (_gate) { var t = new Thread(() => { lock (_gate) { } }); t.Start(); t.Join(); } }
    public int Result() { lock (_gate) { return Compute().Result; } }
    private async Task<int> Compute() { await Task.Yield(); lock (_gate) { return 1; } }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 7, 49, 7, 92).WithSpan("File0.cs", 7, 72, 7, 77).WithSpan("File0.cs", 7, 40, 7, 45).WithMessage(@"'C._gate' is acquired while already held (taken at File0.cs:7) and the thread holding it waits for the thread taking it (via lambda in SelfDeadlock, waited for on another thread -> lock (_gate))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 45, 8, 75).WithSpan("File0.cs", 8, 60, 8, 67).WithSpan("File0.cs", 9, 34, 9, 39).WithSpan("File0.cs", 8, 35, 8, 41).WithSpan("File0.cs", 10, 50, 10, 56).WithMessage(@"Lock-order cycle C._other -> C._gate -> C._other: 'C._gate' is acquired while 'C._other' is held here (via lambda in Ordered, waited for on another thread -> Touch -> lock (_gate)), and elsewhere 'C._other' is acquired while 'C._gate' is held at File0.cs:10 in Reverse"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 50, 10, 56).WithSpan("File0.cs", 10, 35, 10, 40).WithSpan("File0.cs", 8, 45, 8, 75).WithMessage(@"Lock-order cycle C._gate -> C._other -> C._gate: 'C._other' is acquired while 'C._gate' is held here, and elsewhere 'C._gate' is acquired while 'C._other' is held at File0.cs:8 in Ordered (via lambda in Ordered, waited for on another thread -> Touch -> lock (_gate))"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 11, 102, 11, 110).WithSpan("File0.cs", 11, 76, 11, 81).WithSpan("File0.cs", 11, 34, 11, 39).WithMessage(@"'C._gate' is acquired while already held (taken at File0.cs:11) and the thread holding it waits for the thread taking it (via lambda in Joined, waited for on another thread -> lock (_gate))"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 12, 49, 12, 65).WithSpan("File0.cs", 13, 67, 13, 72).WithSpan("File0.cs", 12, 33, 12, 38).WithMessage(@"'C._gate' is acquired while already held (taken at File0.cs:12) and the thread holding it waits for the thread taking it (via Compute after its first await, waited for on another thread -> lock (_gate))"));

        /// <summary>
        /// Work started and not waited for, a timed wait (it gives up), a wait made outside the lock, work that takes nothing the
        /// caller holds, an async method whose lock comes before its first await (that part runs in the call, on this thread), and
        /// the dual-mode idiom (<c>Flush(false).GetAwaiter().GetResult()</c> with a <c>bool async</c> parameter: all of it runs in the call).
        /// </summary>
        [Fact]
        public Task WorkNotWaitedForUnderALockOrTakingNothingHeldIsClean()
            => Verify.AnalyzerAsync(@"using System;
using System.Threading;
using System.Threading.Tasks;
public sealed class Worker
{
    private readonly object _gate = new object();
    public void StartedNotWaited() { lock (_gate) { Task.Run(() => { lock (_gate) { } }); } }
    public void TimedWait() { lock (_gate) { Task.Run(() => { lock (_gate) { } }).Wait(100); } }
    public void WaitedOutsideTheLock() { var t = Task.Run(() => { lock (_gate) { } }); t.Wait(); lock (_gate) { } }
    public void OtherWork() { lock (_gate) { Task.Run(() => Console.WriteLine()).Wait(); } }
    public int BeforeTheFirstAwait() { lock (_gate) { return Prefix().Result; } }
    private async Task<int> Prefix() { lock (_gate) { } await Task.Yield(); return 1; }
}
public sealed class DualMode
{
    private readonly object _gate = new object();
    public void Flush() { lock (_gate) { Flush(false).GetAwaiter().GetResult(); } }
    private async Task Flush(bool async) { if (async) { await Task.Yield(); } else { await Task.CompletedTask; } lock (_gate) { } }
}
");

        /// <summary>
        /// A wrapper whose whole body is one acquisition or release of its own lock, in a type that wraps both sides
        /// (StackExchange.Redis's <c>AwaitableMutex</c>), is that primitive: its bodies are not unbalanced, its callers hold and
        /// release through it. A lone release wrapper keeps its LD1008.
        /// </summary>
        [Fact]
        public Task WrappersOfBothSidesOfALockAreItsPrimitives()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System.Threading;
public sealed class AwaitableMutex
{
    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
    public bool TryTakeSync() => _mutex.Wait(1000);
    public void Take() => _mutex.Wait();
    public void Release() => _mutex.Release();
}
public sealed class Bridge
{
    private readonly AwaitableMutex _writer = new AwaitableMutex();
    private readonly object _gate = new object();
    private int _n;
    public void Write() { if (_writer.TryTakeSync()) { try { _n++; } finally { _writer.Release(); } } }
    public void Leak() { if (_writer.TryTakeSync()) { _n++; } }
    public void Outer() { _writer.Take(); try { lock (_gate) { _n++; } } finally { _writer.Release(); } }
    public void Inner() { lock (_gate) { _writer.Take(); _writer.Release(); } }
}
public sealed class HalfWrapper
{
    private readonly SemaphoreSlim _mutex = new SemaphoreSlim(1, 1);
    public void Release() => _mutex.Release();
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 15, 30, 15, 51).WithMessage(@"'_writer._mutex' is acquired here and is still held on some path out of 'Leak' (at the end of the method) (if 'Leak' returns holding it for its caller, say so with [Acquires(""_writer._mutex"")])"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 16, 55, 16, 60).WithSpan("File0.cs", 16, 27, 16, 41).WithSpan("File0.cs", 17, 42, 17, 56).WithMessage(@"Lock-order cycle AwaitableMutex._mutex -> Bridge._gate -> AwaitableMutex._mutex: 'Bridge._gate' is acquired while 'AwaitableMutex._mutex' is held here, and elsewhere 'AwaitableMutex._mutex' is acquired while 'Bridge._gate' is held at File0.cs:17 in Inner"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 42, 17, 56).WithSpan("File0.cs", 17, 33, 17, 38).WithSpan("File0.cs", 16, 55, 16, 60).WithMessage(@"Lock-order cycle Bridge._gate -> AwaitableMutex._mutex -> Bridge._gate: 'AwaitableMutex._mutex' is acquired while 'Bridge._gate' is held here, and elsewhere 'Bridge._gate' is acquired while 'AwaitableMutex._mutex' is held at File0.cs:16 in Outer"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 22, 30, 22, 46).WithMessage(@"'_mutex' is released here but is not held on any path to this point (if 'Release' releases what its caller took, say so with [Releases(""_mutex"")])"));

        /// <summary>
        /// LiteDB's <c>_indexLock.TryEnterReadLock(-1)</c> with its result ignored: a try told to wait forever (<c>-1</c>, <c>Timeout.Infinite</c>,
        /// <c>Timeout.InfiniteTimeSpan</c>) returns true whenever it returns, so it holds the lock and waits like <c>EnterReadLock</c>, and orders.
        /// A timed try with its result ignored releases what it may not hold, and a try with timeout 0 never waits.
        /// </summary>
        [Fact]
        public Task ATryAcquisitionToldToWaitForeverIsAnAcquisition()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Store
{
    private readonly ReaderWriterLockSlim _rwl = new ReaderWriterLockSlim();
    private readonly object _gate = new object();
    private int _v;
    public int Read() { _rwl.TryEnterReadLock(-1); try { return _v; } finally { _rwl.ExitReadLock(); } }
    public void Write() { _rwl.TryEnterWriteLock(Timeout.Infinite); try { _v++; } finally { _rwl.ExitWriteLock(); } }
    public void Timed() { _rwl.TryEnterReadLock(10); try { _v++; } finally { _rwl.ExitReadLock(); } }
    public void Publish() { lock (_gate) { if (_rwl.TryEnterWriteLock(Timeout.InfiniteTimeSpan)) { _rwl.ExitWriteLock(); } } }
    public void Poll() { lock (_gate) { if (_rwl.TryEnterWriteLock(0)) { _rwl.ExitWriteLock(); } } }
    public void Flush() { _rwl.EnterWriteLock(); try { lock (_gate) { } } finally { _rwl.ExitWriteLock(); } }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 9, 78, 9, 97).WithMessage(@"'_rwl' is released here but is not held on any path to this point (a try or timed wait for it in 'Timed' may give up, and its result is not tested before this release)"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 48, 10, 96).WithSpan("File0.cs", 10, 35, 10, 40).WithSpan("File0.cs", 12, 62, 12, 67).WithMessage(@"Lock-order cycle Store._gate -> Store._rwl -> Store._gate: 'Store._rwl' is acquired while 'Store._gate' is held here, and elsewhere 'Store._gate' is acquired while 'Store._rwl' is held at File0.cs:12 in Flush"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 12, 62, 12, 67).WithSpan("File0.cs", 12, 27, 12, 48).WithSpan("File0.cs", 10, 48, 10, 96).WithMessage(@"Lock-order cycle Store._rwl -> Store._gate -> Store._rwl: 'Store._gate' is acquired while 'Store._rwl' is held here, and elsewhere 'Store._rwl' is acquired while 'Store._gate' is held at File0.cs:10 in Publish"));

        /// <summary>
        /// LiteDB's <c>ExitTransaction</c>: <c>if (_transaction.IsReadLockHeld) ExitReadLock()</c> releases what the caller took, which the lock
        /// itself vouches for (Clang's ASSERT_CAPABILITY); so does <c>Monitor.IsEntered</c>. An unchecked release of the caller's lock is still reported.
        /// </summary>
        [Fact]
        public Task AskingTheLockWhetherThisThreadHoldsItIsHoldingIt()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class Transactions
{
    private readonly ReaderWriterLockSlim _transaction = new ReaderWriterLockSlim();
    private readonly object _gate = new object();
    public void ExitTransaction()
    {
        if (_transaction.IsWriteLockHeld) return;
        if (_transaction.IsReadLockHeld) { _transaction.ExitReadLock(); }
    }
    public void Leave() { if (Monitor.IsEntered(_gate)) Monitor.Exit(_gate); }
    public void Unchecked() { _transaction.ExitWriteLock(); }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 12, 31, 12, 59).WithMessage(@"'_transaction' is released here but is not held on any path to this point (if 'Unchecked' releases what its caller took, say so with [Releases(""_transaction"")])"));

        /// <summary>
        /// Autofac's <c>EnterServiceInfoLock(info, name, ref lockTaken)</c>: a helper whose only lock operation is
        /// <c>Monitor.Enter(info, ref lockTaken)</c> on its own parameters (on either branch of a metrics switch) is that acquisition at each
        /// call, on the argument, with the caller's flag: the caller's <c>finally { if (lockTaken) Monitor.Exit(info); }</c> balances it,
        /// it orders, and a caller that never releases leaks.
        /// </summary>
        [Fact]
        public Task AHelperThatEntersAParametersMonitorWithTheCallersTakenFlagIsThatAcquisition()
            => Verify.AnalyzerAsync(@"using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
public sealed class Info { public int Depth; }
public sealed class Tracker
{
    public static bool MetricsEnabled;
    private readonly ConcurrentDictionary<string, Info> _infos = new ConcurrentDictionary<string, Info>();
    private readonly object _gate = new object();
    private static void EnterInfoLock(Info info, string name, ref bool lockTaken)
    {
        if (MetricsEnabled)
        {
            var wait = Stopwatch.StartNew();
            Monitor.Enter(info, ref lockTaken);
            Record(name, wait.Elapsed.TotalMilliseconds);
        }
        else
        {
            Monitor.Enter(info, ref lockTaken);
        }
    }
    private static void Record(string name, double ms) { }
    public void Initialize(string name)
    {
        var info = _infos.GetOrAdd(name, _ => new Info());
        var lockTaken = false;
        try
        {
            EnterInfoLock(info, name, ref lockTaken);
            info.Depth++;
        }
        finally
        {
            if (lockTaken) Monitor.Exit(info);
        }
    }
    public void Nested(string name)
    {
        var info = _infos.GetOrAdd(name, _ => new Info());
        var lockTaken = false;
        try { EnterInfoLock(info, name, ref lockTaken); lock (_gate) { } }
        finally { if (lockTaken) Monitor.Exit(info); }
    }
    public void Reverse(string name) { lock (_gate) { Initialize(name); } }
    public void Forgets(string name)
    {
        var info = _infos.GetOrAdd(name, _ => new Info());
        var lockTaken = false;
        EnterInfoLock(info, name, ref lockTaken);
    }
}
",
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 42, 63, 42, 68).WithSpan("File0.cs", 42, 15, 42, 55).WithSpan("File0.cs", 45, 55, 45, 71).WithMessage(@"Lock-order cycle Tracker._infos[] -> Tracker._gate -> Tracker._infos[]: 'Tracker._gate' is acquired while 'Tracker._infos[]' is held here, and elsewhere 'Tracker._infos[]' is acquired while 'Tracker._gate' is held at File0.cs:45 in Reverse (via Initialize -> EnterInfoLock(info, name, ref lockTaken))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 45, 55, 45, 71).WithSpan("File0.cs", 30, 13, 30, 53).WithSpan("File0.cs", 45, 46, 45, 51).WithSpan("File0.cs", 42, 63, 42, 68).WithMessage(@"Lock-order cycle Tracker._gate -> Tracker._infos[] -> Tracker._gate: 'Tracker._infos[]' is acquired while 'Tracker._gate' is held here (via Initialize -> EnterInfoLock(info, name, ref lockTaken)), and elsewhere 'Tracker._gate' is acquired while 'Tracker._infos[]' is held at File0.cs:42 in Nested"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 50, 9, 50, 49).WithMessage(@"'info' is acquired here and is still held on some path out of 'Forgets' (at the end of the method)"));

        /// <summary>
        /// Npgsql's <c>SendFeedback</c>: <c>taken = wait ? await s.WaitAsync(Timeout.Infinite, ct) : await s.WaitAsync(TimeSpan.Zero, ct);
        /// if (!taken) return;</c>. The untimed wait orders as an acquisition, but its result still says whether the lock is held, through
        /// the conditional and the local.
        /// </summary>
        [Fact]
        public Task AnUntimedTryWhoseResultIsTestedIsFollowedThroughItsResult()
            => Verify.AnalyzerAsync(@"using System;
using System.Threading;
using System.Threading.Tasks;
public sealed class Replication
{
    private readonly SemaphoreSlim _feedbackSemaphore = new SemaphoreSlim(1, 1);
    private readonly object _gate = new object();
    public async Task SendFeedback(bool waitOnSemaphore, CancellationToken cancellationToken)
    {
        var taken = waitOnSemaphore
            ? await _feedbackSemaphore.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false)
            : await _feedbackSemaphore.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        if (!taken)
            return;
        try { } finally { _feedbackSemaphore.Release(); }
    }
}
");

        /// <summary>
        /// protobuf-net's model lock: <c>TakeLock</c> enters the monitor of <c>types</c>, a list, with a timeout and
        /// <c>ReleaseLock</c> exits it; callers pair them in <c>try</c>/<c>finally</c> and re-enter them while registering nested
        /// types. The annotations LD1008 names bind (any object its type locks on is a monitor), and an acquisition through them
        /// re-enters as <c>Monitor</c> does.
        /// </summary>
        [Fact]
        public Task AnnotationsNameAMonitorOfAnyTypeAndItsAcquisitionsReenter()
            => Verify.AnalyzerAsync(@"using System;
using System.Collections.Generic;
using System.Threading;
using LockDiscipline;
public sealed class Model
{
    private readonly List<Type> types = new List<Type>();
    [GuardedBy(""types"")] private int _count;
    [Acquires(""types"")]
    internal void TakeLock(ref int token)
    {
        token = 0;
        if (!Monitor.TryEnter(types, 5000)) throw new TimeoutException();
        token = 1;
    }
    [Releases(""types"")]
    internal void ReleaseLock(int token)
    {
        if (token != 0) Monitor.Exit(types);
    }
    public void Add(Type type)
    {
        int token = 0;
        try
        {
            TakeLock(ref token);
            _count++;
            if (type.BaseType is { } baseType) Add(baseType);
        }
        finally
        {
            ReleaseLock(token);
        }
    }
}
");

        /// <summary>
        /// Beside it: a member of no lock type that nothing locks on is still no lock to an annotation, and an acquisition through a
        /// contract on a semaphore, which does not re-enter, taken again while held is still reported.
        /// </summary>
        [Fact]
        public Task AMemberNothingLocksOnIsNoLockAndASemaphoreTakenThroughAContractDoesNotReenter()
            => Verify.AnalyzerAsync(@"using System.Collections.Generic;
using System.Threading;
using LockDiscipline;
public sealed class Registry
{
    private readonly List<int> _items = new List<int>();
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1, 1);
    [Acquires(""_items"")] public void Enter() { }
    [Acquires(""_sem"")] public void Take() { _sem.Wait(); }
    [Releases(""_sem"")] public void Give() { _sem.Release(); }
    public void Twice() { Take(); Take(); Give(); Give(); }
}
",
                Verify.Diagnostic("LD0001").WithSpan("File0.cs", 8, 15, 8, 23).WithMessage("'_items' in [Acquires] binds to '_items' of type 'System.Collections.Generic.List<int>', which is not a lock"),
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 11, 35, 11, 41).WithSpan("File0.cs", 11, 27, 11, 33).WithMessage("'Registry._sem' is acquired while already held (taken at File0.cs:11) and it is not recursive"));
    }
}
