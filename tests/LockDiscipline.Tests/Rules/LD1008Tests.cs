using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1008Tests
    {
        [Fact]
        public Task TryEnterResultStoredInALocalAndCheckedInFinallyIsBalanced()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class C
{
    readonly object gate = new object();
    void Work() { }
    void M(bool instant)
    {
        bool lockTaken = false;
        try
        {
            lockTaken = Monitor.TryEnter(gate);
            if (lockTaken)
            {
                if (instant)
                    Work();
                else
                    Work();
            }
            else
            {
                Work();
            }
        }
        finally
        {
            if (lockTaken)
                Monitor.Exit(gate);
        }
    }
}
",
                });

        /// <summary>
        /// Found in Orleans, compiled without its packages: `await sem.WaitAsync(token)` with a token of an unresolved type does not
        /// bind, so the release that balances it looked unheld. Balance is not judged in a body with code that does not bind; a
        /// body that binds is still judged.
        /// </summary>
        [Fact]
        public Task BalanceIsNotJudgedWhereCodeDoesNotBind()
        {
            var test = new CSharpAnalyzerVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer>.Test { CompilerDiagnostics = CompilerDiagnostics.None };
            test.TestState.Sources.Add(("File0.cs", @"using System.Threading;
using System.Threading.Tasks;
public class C
{
    readonly SemaphoreSlim sem = new SemaphoreSlim(1);
    async Task Broken(MissingLifetime lifetime)
    {
        await sem.WaitAsync(lifetime.Stopping);
        try { } finally { sem.Release(); }
    }
    void Bound()
    {
        sem.Release();
    }
}
"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD1008").WithSpan("File0.cs", 13, 9, 13, 22).WithMessage("'sem' is released here but is not held on any path to this point (if 'Bound' releases what its caller took, say so with [Releases(\"sem\")])"));
            return test.RunAsync();
        }

        [Fact]
        public Task CatchThatReturnsWhileTheLockIsHeldIsReported()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class C
{
    readonly Mutex mu = new Mutex();
    void Work() { }
    void M()
    {
        mu.Lock();
        try
        {
            Work();
        }
        catch (System.InvalidOperationException)
        {
            return;
        }

        mu.Unlock();
    }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 9, 8, 18).WithMessage("'mu' is acquired here and is still held on some path out of 'M' (when it returns)"));

        /// <summary>
        /// Found in NLog: a lock statement inside a try/catch. An exception in the lock's body leaves through the lock's own finally
        /// before it reaches the catch, so the catch never starts with the lock held.
        /// </summary>
        [Fact]
        public Task LockStatementInsideTryCatchIsBalanced()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class C
{
    readonly object gate = new object();
    readonly Mutex mu = new Mutex();
    readonly System.Collections.Generic.Dictionary<int, string> map = new();
    string? Lookup(int key)
    {
        string? found = null;
        try
        {
            lock (gate)
            {
                map.TryGetValue(key, out found);
            }

            mu.Lock();
            try { found ??= map[key]; }
            finally { mu.Unlock(); }
        }
        catch (System.Exception)
        {
            return null;
        }

        return found;
    }
}
",
                });

        [Fact]
        public Task ReportsLeaksAndUnheldReleaseButNotBalancedPatterns()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using Mutex = Prims.Mutex;
public class F
{
    Mutex mu = new Mutex(); object gate = new object(); SemaphoreSlim sem = new SemaphoreSlim(1, 1); ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    void Leak(bool c) { mu.Lock(); if (c) return; mu.Unlock(); }
    void Throws(bool c) { mu.Lock(); if (c) throw new System.Exception(); mu.Unlock(); }
    void Finally() { mu.Lock(); try { Work(); } finally { mu.Unlock(); } }
    void Unheld() { mu.Unlock(); }
    void TryOk() { if (mu.TryLock()) { mu.Unlock(); } }
    void TryNot() { if (!mu.TryLock()) return; mu.Unlock(); }
    void MonitorRef() { bool taken = false; try { Monitor.Enter(gate, ref taken); Work(); } finally { if (taken) Monitor.Exit(gate); } }
    async Task Sem() { await sem.WaitAsync(); try { await Task.Yield(); } finally { sem.Release(); } }
    void Rw() { rw.EnterUpgradeableReadLock(); rw.EnterWriteLock(); rw.ExitWriteLock(); rw.ExitUpgradeableReadLock(); }
    void Loop(int n) { for (var i = 0; i < n; i++) { mu.Lock(); Work(); mu.Unlock(); } }
    void Switch(int k) { mu.Lock(); switch (k) { case 1: mu.Unlock(); return; default: break; } mu.Unlock(); }
    void Work() { }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 25, 7, 34).WithMessage("'mu' is acquired here and is still held on some path out of 'Leak' (when it returns at line 7)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 27, 8, 36).WithMessage("'mu' is acquired here and is still held on some path out of 'Throws' (when it throws at line 8)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 21, 10, 32).WithMessage("'mu' is released here but is not held on any path to this point (if 'Unheld' releases what its caller took, say so with [Releases(\"mu\")])"));

        [Fact]
        public Task ReportsLeaksOnEarlyReturnsOfEveryLockKind()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using Mutex = Prims.Mutex;
public class Svc
{
    Mutex mu = new Mutex(); SemaphoreSlim sem = new SemaphoreSlim(1, 1); ReaderWriterLockSlim rw = new ReaderWriterLockSlim(); object gate = new object();
    void Nested(bool a, bool b) { mu.Lock(); if (a) { if (b) return; } mu.Unlock(); }
    async Task Async(bool c) { await sem.WaitAsync(); if (c) return; await Task.Yield(); sem.Release(); }
    void Read(bool c) { rw.EnterReadLock(); if (c) return; rw.ExitReadLock(); }
    void MonitorNoFinally(bool c) { Monitor.Enter(gate); if (c) return; Monitor.Exit(gate); }
    int Prop { get { mu.Lock(); return 1; } }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 35, 7, 44).WithMessage("'mu' is acquired here and is still held on some path out of 'Nested' (when it returns at line 7)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 38, 8, 53).WithMessage("'sem' is acquired here and is still held on some path out of 'Async' (when it returns at line 8)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 9, 25, 9, 43).WithMessage("'rw' is acquired here and is still held on some path out of 'Read' (when it returns at line 9)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 37, 10, 56).WithMessage("'gate' is acquired here and is still held on some path out of 'MonitorNoFinally' (when it returns at line 10)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 11, 22, 11, 31).WithMessage("'mu' is acquired here and is still held on some path out of 'Prop' (when it returns at line 11) (if 'Prop' returns holding it for its caller, say so with [Acquires(\"mu\")])"));

        /// <summary>
        /// EasyNetQ's <c>AsyncLock.TryAcquire</c>: a bool method that keeps its semaphore when the zero wait succeeds and returns
        /// true, for its caller to release. The message names the annotation that states it; a method that returns no bool, and
        /// one that keeps the lock wherever it returns (giving it back only when it throws), are told about <c>[Acquires]</c>. A
        /// method that may or may not hold it at a return (LiteDB's <c>OpenDatabase</c>, after a swallowed exception) gets no hint.
        /// </summary>
        [Fact]
        public Task ABoolMethodHoldingItsLockOnSomeExitsIsToldAboutTryAcquires()
            => Verify.AnalyzerAsync(@"using System.Threading;
public sealed class AsyncLock
{
    private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(1);
    public bool TryAcquire()
    {
        if (_semaphore.Wait(0))
        {
            return true;
        }

        return false;
    }
    public void Sometimes(bool keep)
    {
        _semaphore.Wait();
        if (!keep)
        {
            _semaphore.Release();
        }
    }
    public bool Open(bool ready)
    {
        _semaphore.Wait();
        try
        {
            if (ready)
            {
                return true;
            }
        }
        catch
        {
            _semaphore.Release();
            throw;
        }

        return false;
    }
}
",
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 7, 13, 7, 31).WithMessage("'_semaphore' is acquired here and is still held on some path out of 'TryAcquire' (when it returns at line 9) (if 'TryAcquire' returns holding it exactly when it returns true, say so with [TryAcquires(true, \"_semaphore\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 16, 9, 16, 26).WithMessage("'_semaphore' is acquired here and is still held on some path out of 'Sometimes' (at the end of the method) (if 'Sometimes' returns holding it for its caller, say so with [Acquires(\"_semaphore\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File0.cs", 24, 9, 24, 26).WithMessage("'_semaphore' is acquired here and is still held on some path out of 'Open' (when it returns at line 29) (if 'Open' returns holding it for its caller, say so with [Acquires(\"_semaphore\")])"));

        [Fact]
        public Task ReportsReleasesOfLocksThatAreNotHeld()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using Mutex = Prims.Mutex;
public class Svc
{
    Mutex mu = new Mutex(); SemaphoreSlim sem = new SemaphoreSlim(1, 1); ReaderWriterLockSlim rw = new ReaderWriterLockSlim(); object gate = new object();
    void WrongExit() { rw.EnterReadLock(); rw.ExitWriteLock(); }
    void ExitUnheld() { Monitor.Exit(gate); }
    void SemUnheld() { sem.Release(); }
    void TwiceUnlock() { mu.Lock(); mu.Unlock(); mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 24, 7, 42).WithMessage("'rw' is acquired here and is still held on some path out of 'WrongExit' (at the end of the method) (if 'WrongExit' returns holding it for its caller, say so with [Acquires(\"rw\", Shared = true)])"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 44, 7, 62).WithMessage("'rw' is released here but is not held on any path to this point"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 25, 8, 43).WithMessage("'gate' is released here but is not held on any path to this point (if 'ExitUnheld' releases what its caller took, say so with [Releases(\"gate\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 9, 24, 9, 37).WithMessage("'sem' is released here but is not held on any path to this point (if 'SemUnheld' releases what its caller took, say so with [Releases(\"sem\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 50, 10, 61).WithMessage("'mu' is released here but is not held on any path to this point"));

        [Fact]
        public Task ReportsBothHalvesOfAnUnannotatedReleaseHelper()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Svc
{
    Mutex mu = new Mutex();
    void Take() { mu.Lock(); ReleaseHelper(); }
    void ReleaseHelper() { mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 5, 19, 5, 28).WithMessage("'mu' is acquired here and is still held on some path out of 'Take' (at the end of the method) (if 'Take' returns holding it for its caller, say so with [Acquires(\"mu\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 6, 28, 6, 39).WithMessage("'mu' is released here but is not held on any path to this point (if 'ReleaseHelper' releases what its caller took, say so with [Releases(\"mu\")])"));

        [Fact]
        public Task ReportsTryAcquiresFalseLeak()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
public class Flag { [TryAcquires(false)] public bool Busy() => false; [Releases] public void Done() { } }
public class Job
{
    Flag f = new Flag();
    void Ok() { if (f.Busy()) return; f.Done(); }
    void Leak() { if (!f.Busy()) return; }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 24, 7, 32).WithMessage("'f' is acquired here and is still held on some path out of 'Leak' (when it returns at line 7)"));

        [Fact]
        public Task ReportsScopedGuardThatIsNeverDisposed()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[ScopedLock]
public sealed class Guard : System.IDisposable { public void Dispose() { } }
public class Owner
{
    public Mutex Mu = new Mutex();
    [Acquires(""Mu"")] public Guard Enter() { Mu.Lock(); return new Guard(); }
}
public class Svc
{
    Owner o = new Owner();
    void Decl(bool c) { using var g = o.Enter(); if (c) return; Work(); }
    void Forgot() { var g = o.Enter(); Work(); }
    void Work() { }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 14, 29, 14, 38).WithMessage("'o.Mu' is acquired here and is still held on some path out of 'Forgot' (at the end of the method)"));

        [Fact]
        public Task BalancedPatternsAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
using Mutex = Prims.Mutex;
[ScopedLock]
public struct Guard : System.IDisposable { public void Dispose() { } }
public class Owner
{
    public Mutex Mu = new Mutex();
    [Acquires(""Mu"")] public Guard Enter() { Mu.Lock(); return new Guard(); }
    [Acquires(""Mu"")] public void LockAll() { Mu.Lock(); }
    [Releases(""Mu"")] public void UnlockAll() { Mu.Unlock(); }
}
public class Svc
{
    Owner o = new Owner(); SemaphoreSlim sem = new SemaphoreSlim(1, 1); ReaderWriterLockSlim rw = new ReaderWriterLockSlim(); object gate = new object();
    void Scoped() { using (o.Enter()) { } }
    void Wrapped() { o.LockAll(); o.UnlockAll(); }
    void Lock() { lock (gate) { return; } }
    async Task Async(bool c) { await sem.WaitAsync(); try { if (c) return; await Task.Delay(1); } finally { sem.Release(); } }
    void Rw() { rw.EnterReadLock(); try { } finally { rw.ExitReadLock(); } rw.EnterWriteLock(); try { } finally { rw.ExitWriteLock(); } }
    void MonitorRef() { bool taken = false; try { Monitor.Enter(gate, ref taken); } finally { if (taken) Monitor.Exit(gate); } }
    void Try() { if (o.Mu.TryLock()) { o.Mu.Unlock(); } }
    void TryEarly() { if (!o.Mu.TryLock()) return; o.Mu.Unlock(); }
    void TryFlag() { var ok = o.Mu.TryLock(); if (ok) o.Mu.Unlock(); }
    void Loop(int n) { for (var i = 0; i < n; i++) { o.Mu.Lock(); if (i == 3) { o.Mu.Unlock(); break; } o.Mu.Unlock(); } }
    bool SemTry() { if (!sem.Wait(0)) return false; sem.Release(); return true; }
    void Throws(bool c) { o.Mu.Lock(); try { if (c) throw new System.InvalidOperationException(); } finally { o.Mu.Unlock(); } }
}
",
                });

        [Fact]
        public Task BalancedControlFlowIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Svc
{
    Mutex mu = new Mutex();
    void Loop() { while (true) { mu.Lock(); if (Done()) { mu.Unlock(); break; } mu.Unlock(); } }
    void Goto(bool c) { mu.Lock(); if (c) goto end; Work(); end: mu.Unlock(); }
    void Catch() { mu.Lock(); try { Work(); } catch { mu.Unlock(); throw; } mu.Unlock(); }
    void Foreach(int[] xs) { foreach (var x in xs) { lock (this) { mu.Lock(); mu.Unlock(); } } }
    void Switch(int k) { switch (k) { case 0: mu.Lock(); break; default: return; } mu.Unlock(); }
    void Recurse(int n) { if (n > 0) Recurse(n - 1); mu.Lock(); mu.Unlock(); }
    bool Done() => true; void Work() { }
}
",
                });

        [Fact]
        public Task ReportsGuardFromAcquiringConstructorThatIsNeverDisposed()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[ScopedLock]
public sealed class Guard : System.IDisposable { [Acquires(""m"")] public Guard(Mutex m) { } public void Dispose() { } }
public class Svc
{
    Mutex mu = new Mutex();
    void Scoped() { using (new Guard(mu)) { } }
    void Forgot() { var g = new Guard(mu); }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 9, 29, 9, 42).WithMessage("'mu' is acquired here and is still held on some path out of 'Forgot' (at the end of the method)"));
    }
}
