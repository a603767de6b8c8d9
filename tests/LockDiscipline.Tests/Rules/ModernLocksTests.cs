using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Null-conditional acquire and release pairs, and the exit an LD1008 message names. (The <c>lock</c> statement on a
    /// <c>System.Threading.Lock</c> needs the SDK's compiler: see <c>ModernLocksEndToEndTests</c>.)
    /// </summary>
    public class ModernLocksTests
    {
        [Fact]
        public Task NullConditionalAcquireAndReleaseOfTheSameFieldAreOnePair()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"#nullable enable
using System.Threading;
public class R1
{
    Mutex? _m; SemaphoreSlim? _s = new SemaphoreSlim(1, 1); Prims.Mutex? _p; bool _a, _b; int _n;
    void Work() { _n++; }
    public void MutexPair()
    {
        try
        {
            _m?.WaitOne();
            if (_a) { Work(); }
            if (_b) { Work(); }
        }
        finally { _m?.ReleaseMutex(); }
    }
    public void SemaphorePair()
    {
        _s?.Wait();
        try
        {
            if (_a) { Work(); }
            if (_b) { Work(); }
        }
        finally { _s?.Release(); }
    }
    public void AnnotatedPair()
    {
        _p?.Lock();
        if (_a) { Work(); }
        if (_b) { Work(); }
        if (_p != null) _p.Unlock();
    }
}
",
                });

        [Fact]
        public Task NullConditionalAcquireWithoutItsReleaseIsStillReported()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"#nullable enable
using System.Threading;
public class R2
{
    Mutex? _m; Mutex? _other; bool _a; int _n;
    void Work() { _n++; }
    public void Leak()
    {
        _m?.WaitOne();
        if (_a) { Work(); }
    }
    public void OtherFieldTested()
    {
        _m?.WaitOne();
        if (_a) { Work(); }
        if (_other is not null) { _n++; }
        _m?.ReleaseMutex();
        _m?.WaitOne();
        if (_other is null) { return; }
        _m?.ReleaseMutex();
    }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 9, 9, 9, 22).WithMessage("'_m' is acquired here and is still held on some path out of 'Leak' (at the end of the method)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 18, 9, 18, 22).WithMessage("'_m' is acquired here and is still held on some path out of 'OtherFieldTested' (when it returns at line 19)"));

        [Fact]
        public Task TheExitNamedIsTheReturnTakenOrTheEndOfTheMethod()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class C
{
    readonly Mutex mu = new Mutex();
    void Work() { }
    void FallsOff(bool c) { mu.Lock(); if (c) { Work(); } }
    void Returns(bool c) { mu.Lock(); if (c) return; mu.Unlock(); }
    void ReturnsOnNegation(bool c) { mu.Lock(); if (!c) return; mu.Unlock(); }
    void ReturnsInElse(bool c)
    {
        mu.Lock();
        if (c) { mu.Unlock(); }
        else
            return;
    }
    void InLoop(int n)
    {
        for (var i = 0; i < n; i++)
        {
            mu.Lock();
            if (i == 3) { Work(); continue; }
            mu.Unlock();
        }
    }
}
",
                },
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 6, 29, 6, 38).WithMessage("'mu' is acquired here and is still held on some path out of 'FallsOff' (at the end of the method) (if 'FallsOff' returns holding it for its caller, say so with [Acquires(\"mu\")])"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 7, 28, 7, 37).WithMessage("'mu' is acquired here and is still held on some path out of 'Returns' (when it returns at line 7)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 8, 38, 8, 47).WithMessage("'mu' is acquired here and is still held on some path out of 'ReturnsOnNegation' (when it returns at line 8)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 11, 9, 11, 18).WithMessage("'mu' is acquired here and is still held on some path out of 'ReturnsInElse' (when it returns at line 14)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 20, 13, 20, 22).WithMessage("'mu' is acquired here and is still held on some path out of 'InLoop' (at the end of the method)"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 20, 13, 20, 22).WithMessage("'C.mu' is acquired while already held (taken at File1.cs:20) and it is not recursive"));
    
        /// <summary>
        /// Every form the compiler lowers on its own (a <c>using</c> statement or declaration, <c>await using</c> of an async guard)
        /// gives what the explicit calls give: here each method is clean, and each pair of one order in two forms closes a cycle.
        /// </summary>
        [Fact]
        public Task UsingFormsOfGuardsAreTheirExplicitCalls()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading.Tasks;
using LockDiscipline;
namespace System.Threading
{
    public sealed class Lock
    {
        public void Enter() { } public void Exit() { }
        public Scope EnterScope() => default;
        public ref struct Scope { public void Dispose() { } }
    }
}
[ScopedLock] public struct Releaser : System.IDisposable, System.IAsyncDisposable
{
    public void Dispose() { }
    public ValueTask DisposeAsync() => default;
}
public class AsyncMutex
{
    [Acquires] public Task<Releaser> LockAsync() => Task.FromResult(default(Releaser));
    [Acquires] public Releaser Lock() => default;
}
public class Forms
{
    System.Threading.Lock a = new System.Threading.Lock();
    AsyncMutex b = new AsyncMutex();
    void ScopeStatement() { using (a.EnterScope()) { using (b.Lock()) { } } }
    async Task AwaitUsing() { await using (await b.LockAsync()) { a.Enter(); a.Exit(); } }
    async Task AwaitUsingDeclaration() { await using var r = await b.LockAsync(); }
    void UsingDeclaration() { using var s = a.EnterScope(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 26, 61, 26, 69).WithSpan("File1.cs", 26, 36, 26, 50).WithSpan("File1.cs", 27, 67, 27, 76).WithMessage("Lock-order cycle Forms.a -> Forms.b -> Forms.a: 'Forms.b' is acquired while 'Forms.a' is held here, and elsewhere 'Forms.a' is acquired while 'Forms.b' is held at File1.cs:27 in AwaitUsing"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 27, 67, 27, 76).WithSpan("File1.cs", 27, 50, 27, 63).WithSpan("File1.cs", 26, 61, 26, 69).WithMessage("Lock-order cycle Forms.b -> Forms.a -> Forms.b: 'Forms.a' is acquired while 'Forms.b' is held here, and elsewhere 'Forms.b' is acquired while 'Forms.a' is held at File1.cs:26 in ScopeStatement"));
}
}
