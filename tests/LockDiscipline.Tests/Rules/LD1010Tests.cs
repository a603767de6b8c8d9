using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// LD1010: a thread-affine lock held where the method can suspend. (<c>System.Threading.Lock</c> needs the net9+ reference
    /// assemblies: see <c>ModernLocksEndToEndTests</c>.)
    /// </summary>
    public class LD1010Tests
    {
        [Fact]
        public Task ReportsEachThreadAffinePrimitiveHeldAcrossAnAwait()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System.Threading;
using System.Threading.Tasks;
public class Primitives
{
    readonly object _gate = new object();
    readonly Mutex _mutex = new Mutex();
    readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
    SpinLock _spin = new SpinLock();
    public async Task MonitorEnter()
    {
        Monitor.Enter(_gate);
        await Task.Delay(1);
        Monitor.Exit(_gate);
    }
    public async Task MonitorTakenFlag()
    {
        bool taken = false;
        try
        {
            Monitor.Enter(_gate, ref taken);
            await Task.Delay(1);
        }
        finally
        {
            if (taken) Monitor.Exit(_gate);
        }
    }
    public async Task MutexWaitOne()
    {
        _mutex.WaitOne();
        await Task.Delay(1);
        _mutex.ReleaseMutex();
    }
    public async Task ReaderSide()
    {
        _rw.EnterReadLock();
        try { await Task.Delay(1); }
        finally { _rw.ExitReadLock(); }
    }
    public async Task WriterSide()
    {
        if (!_rw.TryEnterWriteLock(100)) return;
        try { await Task.Delay(1); }
        finally { _rw.ExitWriteLock(); }
    }
    public async Task Spin()
    {
        bool taken = false;
        _spin.Enter(ref taken);
        await Task.Delay(1);
        if (taken) _spin.Exit();
    }
}
",
                },
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 12, 9, 12, 28).WithSpan("File0.cs", 11, 9, 11, 29).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:11): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 21, 13, 21, 32).WithSpan("File0.cs", 20, 13, 20, 44).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:20): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 31, 9, 31, 28).WithSpan("File0.cs", 30, 9, 30, 25).WithMessage(@"'_mutex' (Mutex) is held across this await (acquired at File0.cs:30): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 37, 15, 37, 34).WithSpan("File0.cs", 36, 9, 36, 28).WithMessage(@"'_rw' (ReaderWriterLockSlim) is held across this await (acquired at File0.cs:36): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 43, 15, 43, 34).WithSpan("File0.cs", 42, 14, 42, 40).WithMessage(@"'_rw' (ReaderWriterLockSlim) is held across this await (acquired at File0.cs:42): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 50, 9, 50, 28).WithSpan("File0.cs", 49, 9, 49, 31).WithMessage(@"'_spin' (SpinLock) is held across this await (acquired at File0.cs:49): the code after it may run on another thread, where releasing the lock throws or never happens"));

        [Fact]
        public Task ReportsEveryFormOfSuspensionLambdasAndLocalFunctionsOnTheirOwn()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
public class Forms
{
    readonly object _gate = new object();
    public async Task ConfigureAwaitFalse()
    {
        Monitor.Enter(_gate);
        try { await Task.Delay(1).ConfigureAwait(false); }
        finally { Monitor.Exit(_gate); }
    }
    public async Task InALoop(int n)
    {
        for (var i = 0; i < n; i++)
        {
            Monitor.Enter(_gate);
            await Task.Yield();
            Monitor.Exit(_gate);
        }
    }
    public async Task AlreadyCompleted()
    {
        Monitor.Enter(_gate);
        await Task.CompletedTask;
        Monitor.Exit(_gate);
    }
    public async Task AwaitForeachAndUsing(IAsyncEnumerable<int> items, IAsyncDisposable resource)
    {
        Monitor.Enter(_gate);
        try
        {
            await foreach (var item in items) { }
            await using (resource) { }
        }
        finally { Monitor.Exit(_gate); }
    }
    public IEnumerable<int> Iterator()
    {
        Monitor.Enter(_gate);
        try { yield return 1; }
        finally { Monitor.Exit(_gate); }
    }
    public Func<Task> Lambda() => async () =>
    {
        Monitor.Enter(_gate);
        await Task.Yield();
        Monitor.Exit(_gate);
    };
    public Task LocalFunction()
    {
        return Local();
        async Task Local()
        {
            Monitor.Enter(_gate);
            await Task.Yield();
            Monitor.Exit(_gate);
        }
    }
}
",
                },
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 11, 15, 11, 56).WithSpan("File0.cs", 10, 9, 10, 29).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:10): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 19, 13, 19, 31).WithSpan("File0.cs", 18, 13, 18, 33).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:18): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 26, 9, 26, 33).WithSpan("File0.cs", 25, 9, 25, 29).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:25): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 34, 13, 34, 46).WithSpan("File0.cs", 31, 9, 31, 29).WithMessage(@"'_gate' (Monitor) is held across this await foreach (acquired at File0.cs:31): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 35, 13, 35, 35).WithSpan("File0.cs", 31, 9, 31, 29).WithMessage(@"'_gate' (Monitor) is held across this await using (acquired at File0.cs:31): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 42, 15, 42, 30).WithSpan("File0.cs", 41, 9, 41, 29).WithMessage(@"'_gate' (Monitor) is held across this yield return (acquired at File0.cs:41): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 48, 9, 48, 27).WithSpan("File0.cs", 47, 9, 47, 29).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:47): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 57, 13, 57, 31).WithSpan("File0.cs", 56, 13, 56, 33).WithMessage(@"'_gate' (Monitor) is held across this await (acquired at File0.cs:56): the code after it may run on another thread, where releasing the lock throws or never happens"));

        [Fact]
        public Task ReportsThreadAffineTypesAndWrappersWithTheirChain()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
[ThreadAffine]
public class OwnerLock
{
    [Acquires] public void Enter() { }
    [Releases] public void Exit() { }
}
public class Gate
{
    readonly object _sync = new object();
    [Acquires(""_sync"")] public void Lock() => Monitor.Enter(_sync);
    [Releases(""_sync"")] public void Unlock() => Monitor.Exit(_sync);
    [Acquires(""_sync"")] public void LockTwice() => Lock();
}
public class Users
{
    readonly OwnerLock _owner = new OwnerLock();
    readonly Gate _gate = new Gate();
    public async Task Annotated()
    {
        _owner.Enter();
        await Task.Yield();
        _owner.Exit();
    }
    public async Task Wrapper()
    {
        _gate.Lock();
        try { await Task.Yield(); }
        finally { _gate.Unlock(); }
    }
    public async Task WrapperOfWrapper()
    {
        _gate.LockTwice();
        await Task.Yield();
        _gate.Unlock();
    }
}
",
                },
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 24, 9, 24, 27).WithSpan("File0.cs", 23, 9, 23, 23).WithMessage(@"'_owner' ([ThreadAffine] OwnerLock) is held across this await (acquired at File0.cs:23): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 30, 15, 30, 33).WithSpan("File0.cs", 29, 9, 29, 21).WithMessage(@"'_gate._sync' (Monitor) is held across this await (acquired at File0.cs:29, through Lock() -> Monitor.Enter(_sync)): the code after it may run on another thread, where releasing the lock throws or never happens"),
                Verify.Diagnostic("LD1010").WithSpan("File0.cs", 36, 9, 36, 27).WithSpan("File0.cs", 35, 9, 35, 26).WithMessage(@"'_gate._sync' (Monitor) is held across this await (acquired at File0.cs:35, through LockTwice() -> Lock() -> Monitor.Enter(_sync)): the code after it may run on another thread, where releasing the lock throws or never happens"));

        [Fact]
        public Task SilentWhereNoThreadAffineLockIsHeldAtTheSuspension()
            => Verify.AnalyzerAsync(
                new[]
                {
                    @"using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
public class NotThreadAffine
{
    [Acquires] public void Enter() { }
    [Releases] public void Exit() { }
}
public class Clean
{
    readonly object _gate = new object();
    readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1, 1);
    readonly NotThreadAffine _plain = new NotThreadAffine();
    SpinLock _untracked = new SpinLock(false);
    public async Task Semaphore()
    {
        await _semaphore.WaitAsync();
        try { await Task.Delay(1); }
        finally { _semaphore.Release(); }
    }
    public async Task ReleasedBeforeTheAwait()
    {
        lock (_gate) { Console.WriteLine(); }
        Monitor.Enter(_gate);
        try { Console.WriteLine(); }
        finally { Monitor.Exit(_gate); }
        await Task.Delay(1);
    }
    public async Task FailedTryEnter()
    {
        if (!Monitor.TryEnter(_gate))
        {
            await Task.Delay(1);
            return;
        }
        try { Console.WriteLine(); }
        finally { Monitor.Exit(_gate); }
    }
    public async Task LambdaMadeUnderTheLock()
    {
        Func<Task> later;
        lock (_gate) { later = async () => await Task.Delay(1); }
        await later();
    }
    public async Task UntrackedSpinLockAndPlainLock()
    {
        bool taken = false;
        _untracked.Enter(ref taken);
        _plain.Enter();
        await Task.Delay(1);
        _plain.Exit();
        if (taken) _untracked.Exit();
    }
    public async Task DisposedAfterTheRelease(IAsyncDisposable resource)
    {
        await using var scope = resource;
        Monitor.Enter(_gate);
        Monitor.Exit(_gate);
    }
    public IEnumerable<int> IteratorReleasesFirst()
    {
        lock (_gate) { Console.WriteLine(); }
        yield return 1;
    }
}
",
                });
    }
}
