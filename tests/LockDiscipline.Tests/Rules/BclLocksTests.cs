using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class BclLocksTests
    {
        /// <summary>
        /// Found in the MongoDB driver: a <c>ReaderWriterLockSlim</c> exposed through an interface property and created recursive
        /// in the class that implements it. The recursion policy is read behind the property, so only the non-recursive one is
        /// reported.
        /// </summary>
        [Fact]
        public Task RecursionPolicyIsReadBehindInterfaceAndAbstractProperties()
            => Verify.AnalyzerAsync(
                @"using System.Threading;
public interface IDomain { ReaderWriterLockSlim ConfigLock { get; } }
public sealed class Domain : IDomain
{
    private readonly ReaderWriterLockSlim _configLock = new(LockRecursionPolicy.SupportsRecursion);
    public ReaderWriterLockSlim ConfigLock { get { return _configLock; } }
}
public abstract class Plain { public abstract ReaderWriterLockSlim Lock { get; } }
public sealed class PlainImpl : Plain
{
    private readonly ReaderWriterLockSlim _lock = new();
    public override ReaderWriterLockSlim Lock => _lock;
}
public class Registry
{
    IDomain domain = new Domain();
    Plain plain = new PlainImpl();
    void Outer() { domain.ConfigLock.EnterReadLock(); try { Inner(); } finally { domain.ConfigLock.ExitReadLock(); } }
    void Inner() { domain.ConfigLock.EnterReadLock(); domain.ConfigLock.ExitReadLock(); }
    void Twice() { plain.Lock.EnterReadLock(); plain.Lock.EnterReadLock(); plain.Lock.ExitReadLock(); plain.Lock.ExitReadLock(); }
    void ThroughALocal() { var l = domain.ConfigLock; l.EnterWriteLock(); try { Inner(); } finally { l.ExitWriteLock(); } }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 20, 48, 20, 74).WithSpan("File0.cs", 20, 20, 20, 46).WithMessage("'Plain.Lock' is acquired while already held (taken at File0.cs:20) and it is not recursive"));

        [Fact]
        public Task SemaphoreCycleInAsyncCodeScopedGuardsAndNonRecursiveSemaphore()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
namespace System.Threading
{
    public sealed class Lock
    {
        public void Enter() { } public void Exit() { } public bool TryEnter() => true;
        public Scope EnterScope() => default;
        public ref struct Scope { public void Dispose() { } }
    }
}
[ScopedLock] public struct Guard : System.IDisposable { public void Dispose() { } }
public class Device { [Acquires] public Guard Lock() => default; }
public class Bcl
{
    SemaphoreSlim a = new SemaphoreSlim(1, 1);
    SemaphoreSlim b = new SemaphoreSlim(1);
    SemaphoreSlim pool = new SemaphoreSlim(4);
    System.Threading.Lock gate = new System.Threading.Lock();
    Device dev = new Device();
    async Task AB() { await a.WaitAsync(); try { await b.WaitAsync(); b.Release(); } finally { a.Release(); } }
    async Task BA() { await b.WaitAsync(); try { await Inner(); } finally { b.Release(); } }
    async Task Inner() { await a.WaitAsync(); a.Release(); }
    void Pool() { pool.Wait(); }
    void Scoped() { using (gate.EnterScope()) { } gate.Enter(); gate.Exit(); }
    void Guarded() { using var g = dev.Lock(); }
    void GuardLeak() { var g = dev.Lock(); }
    void SemTwice() { a.Wait(); a.Wait(); a.Release(); a.Release(); }
    void SpinOk() { var s = new SpinLock(); bool taken = false; try { s.Enter(ref taken); } finally { if (taken) s.Exit(); } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 22, 56, 22, 69).WithSpan("File1.cs", 22, 29, 22, 42).WithSpan("File1.cs", 23, 56, 23, 63).WithMessage("Lock-order cycle Bcl.a -> Bcl.b -> Bcl.a: 'Bcl.b' is acquired while 'Bcl.a' is held here, and elsewhere 'Bcl.a' is acquired while 'Bcl.b' is held at File1.cs:23 in BA (via Inner -> a.WaitAsync())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 23, 56, 23, 63).WithSpan("File1.cs", 24, 32, 24, 45).WithSpan("File1.cs", 23, 29, 23, 42).WithSpan("File1.cs", 22, 56, 22, 69).WithMessage("Lock-order cycle Bcl.b -> Bcl.a -> Bcl.b: 'Bcl.a' is acquired while 'Bcl.b' is held here (via Inner -> a.WaitAsync()), and elsewhere 'Bcl.b' is acquired while 'Bcl.a' is held at File1.cs:22 in AB"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 28, 32, 28, 42).WithMessage("'dev' is acquired here and is still held on some path out of 'GuardLeak' (at the end of the method)"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 29, 33, 29, 41).WithSpan("File1.cs", 29, 23, 29, 31).WithMessage("'Bcl.a' is acquired while already held (taken at File1.cs:29) and it is not recursive"));
    }
}
