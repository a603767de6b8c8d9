using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1003Tests
    {
        [Fact]
        public Task ReportsSameClassOnTwoInstancesDirectAndThroughCall()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class D { public Mutex Mu = new Mutex(); public object Gate = new object(); }
public class E
{
    D one = new D(); D two = new D();
    void Twice() { one.Mu.Lock(); two.Mu.Lock(); two.Mu.Unlock(); one.Mu.Unlock(); }
    void Nested() { one.Mu.Lock(); two.Mu.LockNested(); two.Mu.Unlock(); one.Mu.Unlock(); }
    void ViaCall() { one.Mu.Lock(); Take(); one.Mu.Unlock(); }
    void Take() { two.Mu.Lock(); two.Mu.Unlock(); }
    void Monitor() { lock (one.Gate) { lock (one.Gate) { } } }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 35, 6, 48).WithSpan("File1.cs", 6, 20, 6, 33).WithMessage("'D.Mu' is acquired while already held (taken at File1.cs:6) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 37, 8, 43).WithSpan("File1.cs", 9, 19, 9, 32).WithSpan("File1.cs", 8, 22, 8, 35).WithMessage("'D.Mu' is acquired while already held (taken at File1.cs:8) and it is not recursive (via Take -> two.Mu.Lock())"));

        /// <summary>
        /// An <c>[Acquires]</c> helper on an <c>object</c> member can only be entering its monitor, which re-enters as <c>lock</c>
        /// does: taking it again through the helper while held is no recursion to report.
        /// </summary>
        [Fact]
        public Task AContractOnAnObjectMemberReentersAsItsMonitorDoes()
            => Verify.AnalyzerAsync(@"using System.Threading;
using LockDiscipline;
public sealed class Journal
{
    private readonly object _gate = new object();
    [Acquires(""_gate"")] public void Enter() { Monitor.Enter(_gate); }
    [Releases(""_gate"")] public void Exit() { Monitor.Exit(_gate); }
    public void Append() { Enter(); try { Flush(); } finally { Exit(); } }
    private void Flush() { Enter(); try { } finally { Exit(); } }
}
");

        /// <summary>
        /// A monitor its caller holds (<c>[Requires]</c> on an <c>object</c>) is re-entered by <c>lock</c>, which never blocks; a
        /// <c>SemaphoreSlim</c> its caller holds is not re-entrant, and taking it again waits for ever.
        /// </summary>
        [Fact]
        public Task ARequiredMonitorIsReenteredButARequiredSemaphoreIsNot()
            => Verify.AnalyzerAsync(@"using System.Threading;
using LockDiscipline;
public sealed class Channel
{
    public readonly object Gate = new object();
    public readonly SemaphoreSlim Sem = new SemaphoreSlim(1, 1);
    [Requires(""Gate"")]
    public void Flush() { lock (Gate) { } }
    [Requires(""Sem"")]
    public void Drain() { Sem.Wait(); Sem.Release(); }
}
",
                Verify.Diagnostic("LD1003").WithSpan("File0.cs", 10, 27, 10, 37).WithSpan("File0.cs", 10, 17, 10, 22).WithMessage("'Channel.Sem' is acquired while already held (taken at File0.cs:10) and it is not recursive"));

        [Fact]
        public Task ReportsSemaphoreSlimWaitReenteredThroughACall()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Channel
{
    SemaphoreSlim gate = new SemaphoreSlim(1, 1);
    void Send() { gate.Wait(); try { Flush(); } finally { gate.Release(); } }
    void Flush() { gate.Wait(); gate.Release(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 38, 5, 45).WithSpan("File1.cs", 6, 20, 6, 31).WithSpan("File1.cs", 5, 19, 5, 30).WithMessage("'Channel.gate' is acquired while already held (taken at File1.cs:5) and it is not recursive (via Flush -> gate.Wait())"));

        [Fact]
        public Task ReportsSemaphoreSlimWaitAsyncReenteredAcrossAwait()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
public class Channel
{
    SemaphoreSlim gate = new SemaphoreSlim(1, 1);
    async Task SendAsync() { await gate.WaitAsync(); try { await Task.Yield(); await FlushAsync(); } finally { gate.Release(); } }
    async Task FlushAsync() { await gate.WaitAsync(); try { await Task.Delay(1); } finally { gate.Release(); } }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 86, 6, 98).WithSpan("File1.cs", 7, 37, 7, 53).WithSpan("File1.cs", 6, 36, 6, 52).WithMessage("'Channel.gate' is acquired while already held (taken at File1.cs:6) and it is not recursive (via FlushAsync -> gate.WaitAsync())"));

        [Fact]
        public Task SemaphoreSlimWithACountAboveOneIsNotALock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Pool
{
    SemaphoreSlim slots = new SemaphoreSlim(4, 4);
    void Twice() { slots.Wait(); slots.Wait(); slots.Release(); slots.Release(); }
}
",
                });

        [Fact]
        public Task ReportsOneArgumentAndConstructorInitialisedSemaphores()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Svc
{
    SemaphoreSlim one = new SemaphoreSlim(1); SemaphoreSlim ctor;
    public Svc() { ctor = new SemaphoreSlim(1, 1); }
    void OneArg() { one.Wait(); one.Wait(); one.Release(); one.Release(); }
    void Ctor() { ctor.Wait(); ctor.Wait(); ctor.Release(); ctor.Release(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 33, 6, 43).WithSpan("File1.cs", 6, 21, 6, 31).WithMessage("'Svc.one' is acquired while already held (taken at File1.cs:6) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 7, 32, 7, 43).WithSpan("File1.cs", 7, 19, 7, 30).WithMessage("'Svc.ctor' is acquired while already held (taken at File1.cs:7) and it is not recursive"));

        [Fact]
        public Task ReportsReaderWriterLockSlimReadReentryAndReadToWrite()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Table
{
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    void ReadTwice() { rw.EnterReadLock(); rw.EnterReadLock(); rw.ExitReadLock(); rw.ExitReadLock(); }
    void ReadThenWrite() { rw.EnterReadLock(); rw.EnterWriteLock(); rw.ExitWriteLock(); rw.ExitReadLock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 44, 5, 62).WithSpan("File1.cs", 5, 24, 5, 42).WithMessage("'Table.rw' is acquired while already held (taken at File1.cs:5) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 48, 6, 67).WithSpan("File1.cs", 6, 28, 6, 46).WithMessage("'Table.rw' is acquired while already held (taken at File1.cs:6) and it is not recursive"));

        [Fact]
        public Task UpgradeableToWriteAndRecursionPolicyAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Table
{
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    ReaderWriterLockSlim rec = new ReaderWriterLockSlim(LockRecursionPolicy.SupportsRecursion);
    void Upgrade() { rw.EnterUpgradeableReadLock(); try { rw.EnterWriteLock(); rw.ExitWriteLock(); } finally { rw.ExitUpgradeableReadLock(); } }
    void RecursiveRead() { rec.EnterReadLock(); rec.EnterReadLock(); rec.ExitReadLock(); rec.ExitReadLock(); }
}
",
                });

        [Fact]
        public Task RecursiveLocksAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
[Recursive]
public class ReMutex { [Acquires] public void Lock() { } [Releases] public void Unlock() { } }
public class Plain { [Acquires] public void Lock() { } [Releases] public void Unlock() { } }
public class Reentrant
{
    ReMutex re = new ReMutex(); [Recursive] Plain flagged = new Plain(); object gate = new object();
    Mutex os = new Mutex();
    void A() { re.Lock(); re.Lock(); re.Unlock(); re.Unlock(); }
    void B() { flagged.Lock(); flagged.Lock(); flagged.Unlock(); flagged.Unlock(); }
    void C() { lock (gate) { Inner(); } }
    void Inner() { lock (gate) { } }
    void D() { Monitor.Enter(gate); Monitor.Enter(gate); Monitor.Exit(gate); Monitor.Exit(gate); }
    void E() { os.WaitOne(); os.WaitOne(); os.ReleaseMutex(); os.ReleaseMutex(); }
}
",
                });

        [Fact]
        public Task ReportsSpinLockEnteredTwice()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Spin
{
    SpinLock spin = new SpinLock(false);
    void Twice() { bool a = false, b = false; spin.Enter(ref a); spin.Enter(ref b); if (b) spin.Exit(); if (a) spin.Exit(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 66, 5, 83).WithSpan("File1.cs", 5, 47, 5, 64).WithMessage("'Spin.spin' is acquired while already held (taken at File1.cs:5) and it is not recursive"));

        [Fact]
        public Task ReportsStaticLockReacquiredThroughConstructor()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public class Entry { public Entry() { Registry.Mu.Lock(); Registry.Mu.Unlock(); } }
public class Uses
{
    void Ctor() { Registry.Mu.Lock(); var e = new Entry(); Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 47, 6, 58).WithSpan("File1.cs", 3, 39, 3, 57).WithSpan("File1.cs", 6, 19, 6, 37).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:6) and it is not recursive (via new Entry -> Registry.Mu.Lock())"));

        [Fact]
        public Task ReportsStaticLockReacquiredThroughPropertyGetterAndSetter()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public class Entry
{
    public int Size { get { Registry.Mu.Lock(); Registry.Mu.Unlock(); return 0; } set { Registry.Mu.Lock(); Registry.Mu.Unlock(); } }
}
public class Uses
{
    Entry entry = new Entry();
    void Get() { Registry.Mu.Lock(); var n = entry.Size; Registry.Mu.Unlock(); }
    void Set() { Registry.Mu.Lock(); entry.Size = 3; Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 10, 46, 10, 56).WithSpan("File1.cs", 5, 29, 5, 47).WithSpan("File1.cs", 10, 18, 10, 36).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:10) and it is not recursive (via Size -> Registry.Mu.Lock())"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 11, 38, 11, 48).WithSpan("File1.cs", 5, 89, 5, 107).WithSpan("File1.cs", 11, 18, 11, 36).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:11) and it is not recursive (via Size -> Registry.Mu.Lock())"));

        [Fact]
        public Task ReportsStaticLockReacquiredThroughInterfaceWithTwoImplementations()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public interface IVisitor { void Visit(); }
public class Noop : IVisitor { public void Visit() { } }
public class Locking : IVisitor { public void Visit() { Registry.Mu.Lock(); Registry.Mu.Unlock(); } }
public class Uses
{
    IVisitor visitor = new Noop();
    void Iface() { Registry.Mu.Lock(); visitor.Visit(); Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 9, 40, 9, 55).WithSpan("File1.cs", 5, 57, 5, 75).WithSpan("File1.cs", 9, 20, 9, 38).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:9) and it is not recursive (via Visit -> Registry.Mu.Lock())"));

        [Fact]
        public Task ReportsStaticLockReacquiredThroughGenericMethod()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public class Uses
{
    void Generic() { Registry.Mu.Lock(); With<string>(""x""); Registry.Mu.Unlock(); }
    void With<T>(T item) { Registry.Mu.Lock(); Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 42, 5, 59).WithSpan("File1.cs", 6, 28, 6, 46).WithSpan("File1.cs", 5, 22, 5, 40).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:5) and it is not recursive (via With -> Registry.Mu.Lock())"));

        [Fact]
        public Task ReportsLockReacquiredThroughAbstractVirtualAndMayAcquire()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Res { public static Mutex Mu = new Mutex(); }
public abstract class Base { public abstract void Op(); public virtual void Virt() { } }
public class Derived : Base { public override void Op() { Res.Mu.Lock(); Res.Mu.Unlock(); } public override void Virt() { Res.Mu.Lock(); Res.Mu.Unlock(); } }
public interface IExt { [MayAcquire(""Res.Mu"")] void Ext(); }
public class User
{
    Base b = new Derived(); IExt ext = null;
    void Abstract() { Res.Mu.Lock(); b.Op(); Res.Mu.Unlock(); }
    void Virtual() { Res.Mu.Lock(); b.Virt(); Res.Mu.Unlock(); }
    void May() { Res.Mu.Lock(); ext.Ext(); Res.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 10, 38, 10, 44).WithSpan("File1.cs", 5, 59, 5, 72).WithSpan("File1.cs", 10, 23, 10, 36).WithMessage("'Res.Mu' is acquired while already held (taken at File1.cs:10) and it is not recursive (via Op -> Res.Mu.Lock())"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 11, 37, 11, 45).WithSpan("File1.cs", 5, 123, 5, 136).WithSpan("File1.cs", 11, 22, 11, 35).WithMessage("'Res.Mu' is acquired while already held (taken at File1.cs:11) and it is not recursive (via Virt -> Res.Mu.Lock())"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 12, 33, 12, 42).WithSpan("File1.cs", 6, 53, 6, 56).WithSpan("File1.cs", 12, 18, 12, 31).WithMessage("'Res.Mu' is acquired while already held (taken at File1.cs:12) and it is not recursive (via Ext -> Res.Mu [MayAcquire])"));

        [Fact]
        public Task ReportsSameLockClassOnTwoInstances()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Account
{
    public Mutex Mu = new Mutex();
    void Merge(Account other) { Mu.Lock(); other.Mu.Lock(); other.Mu.Unlock(); Mu.Unlock(); }
    static void Transfer(Account from, Account to) { from.Mu.Lock(); to.Mu.Lock(); to.Mu.Unlock(); from.Mu.Unlock(); }
}
public class Box<T> { public Mutex Mu = new Mutex(); }
public class BoxUser
{
    Box<int> a = new Box<int>(); Box<string> b = new Box<string>();
    void Two() { a.Mu.Lock(); b.Mu.Lock(); b.Mu.Unlock(); a.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 44, 5, 59).WithSpan("File1.cs", 5, 33, 5, 42).WithMessage("'Account.Mu' is acquired while already held (taken at File1.cs:5) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 70, 6, 82).WithSpan("File1.cs", 6, 54, 6, 68).WithMessage("'Account.Mu' is acquired while already held (taken at File1.cs:6) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 12, 31, 12, 42).WithSpan("File1.cs", 12, 18, 12, 29).WithMessage("'Box.Mu' is acquired while already held (taken at File1.cs:12) and it is not recursive"));

        [Fact]
        public Task ReportsLockTakenAfterSuccessfulTryLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Account { public Mutex Mu = new Mutex(); }
public class Uses
{
    void TryThenLock(Account a) { if (a.Mu.TryLock()) { a.Mu.Lock(); a.Mu.Unlock(); a.Mu.Unlock(); } }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 57, 5, 68).WithSpan("File1.cs", 5, 39, 5, 53).WithMessage("'Account.Mu' is acquired while already held (taken at File1.cs:5) and it is not recursive"));

        [Fact]
        public Task ReportsReacquisitionInRequiresBodyAndLocalFunction()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Dev
{
    public Mutex Mu = new Mutex();
    [Requires(""Mu"")] void Relock() { Mu.Lock(); Mu.Unlock(); }
    void Local() { Mu.Lock(); Inner(); Mu.Unlock(); void Inner() { Mu.Lock(); Mu.Unlock(); } }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 6, 38, 6, 47).WithSpan("File1.cs", 6, 27, 6, 33).WithMessage("'Dev.Mu' is acquired while already held (taken at File1.cs:6) and it is not recursive"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 7, 31, 7, 38).WithSpan("File1.cs", 7, 68, 7, 77).WithSpan("File1.cs", 7, 20, 7, 29).WithMessage("'Dev.Mu' is acquired while already held (taken at File1.cs:7) and it is not recursive (via Inner -> Mu.Lock())"));

        [Fact]
        public Task ReportsWaitForReadersInsideOwnReadSection()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    Srcu srcu = new Srcu();
    void SelfWait() { var i = srcu.ReadLock(); srcu.Synchronize(); srcu.ReadUnlock(i); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 5, 48, 5, 66).WithSpan("File1.cs", 5, 31, 5, 46).WithMessage("'Kvm.srcu' is acquired while already held (taken at File1.cs:5) and it is not recursive"));

        [Fact]
        public Task SequentialNestedAndReleasedAcquisitionsAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Account { public Mutex Mu = new Mutex(); }
public class Clean
{
    void Ordered(Account from, Account to) { from.Mu.Lock(); to.Mu.LockNested(); to.Mu.Unlock(); from.Mu.Unlock(); }
    void Sequential(Account a, Account b) { a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Lock(); b.Mu.Unlock(); }
    void EarlyReturn(Account a, bool c) { a.Mu.Lock(); if (c) { a.Mu.Unlock(); return; } a.Mu.Unlock(); a.Mu.Lock(); a.Mu.Unlock(); }
    void TryFailed(Account a) { if (!a.Mu.TryLock()) { a.Mu.Lock(); } a.Mu.Unlock(); }
    void Finally(Account a) { a.Mu.Lock(); try { } finally { a.Mu.Unlock(); } a.Mu.Lock(); a.Mu.Unlock(); }
    void Lambda(Account a) { a.Mu.Lock(); System.Action later = () => { a.Mu.Lock(); a.Mu.Unlock(); }; a.Mu.Unlock(); later(); }
    void Reads(Srcu s) { var i = s.ReadLock(); var j = s.ReadLock(); s.ReadUnlock(j); s.ReadUnlock(i); }
}
",
                });

        [Fact]
        public Task ReportsDelegateInvocationWhoseTypeMayAcquireTheHeldLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Reg { public static Mutex Mu = new Mutex(); }
[MayAcquire(""Reg.Mu"")] public delegate void Callback();
public class Host
{
    Callback cb = () => { };
    void Deleg() { Reg.Mu.Lock(); cb(); Reg.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 35, 8, 39).WithSpan("File1.cs", 4, 45, 4, 53).WithSpan("File1.cs", 8, 20, 8, 33).WithMessage("'Reg.Mu' is acquired while already held (taken at File1.cs:8) and it is not recursive (via Callback -> Reg.Mu [MayAcquire])"));

        [Fact]
        public Task ReportsPropertyThatMayAcquireTheHeldLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Reg { public static Mutex Mu = new Mutex(); }
public abstract class Source { [MayAcquire(""Reg.Mu"")] public abstract int Lazy { get; } }
public class Host
{
    Source s = null;
    void Read() { Reg.Mu.Lock(); var l = s.Lazy; Reg.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 42, 8, 48).WithSpan("File1.cs", 4, 75, 4, 79).WithSpan("File1.cs", 8, 19, 8, 32).WithMessage("'Reg.Mu' is acquired while already held (taken at File1.cs:8) and it is not recursive (via Lazy -> Reg.Mu [MayAcquire])"));

        [Fact]
        public Task ReportsLockTakenByBaseConstructorOfAnImplicitConstructor()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public class Base { public Base() { Registry.Mu.Lock(); Registry.Mu.Unlock(); } }
public class Implicit : Base { }
public class Uses
{
    void Create() { Registry.Mu.Lock(); new Implicit(); Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 7, 41, 7, 55).WithSpan("File1.cs", 4, 14, 4, 22).WithSpan("File1.cs", 3, 37, 3, 55).WithSpan("File1.cs", 7, 21, 7, 39).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:7) and it is not recursive (via new Implicit -> new Base -> Registry.Mu.Lock())"));

        [Fact]
        public Task ReportsLockTakenByAFieldInitializer()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Registry { public static Mutex Mu = new Mutex(); }
public static class Maker { public static int Take() { Registry.Mu.Lock(); Registry.Mu.Unlock(); return 1; } }
public class FieldInit { int x = Maker.Take(); }
public class Uses
{
    void Create() { Registry.Mu.Lock(); new FieldInit(); Registry.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 7, 41, 7, 56).WithSpan("File1.cs", 4, 34, 4, 46).WithSpan("File1.cs", 3, 56, 3, 74).WithSpan("File1.cs", 7, 21, 7, 39).WithMessage("'Registry.Mu' is acquired while already held (taken at File1.cs:7) and it is not recursive (via new FieldInit -> Take -> Registry.Mu.Lock())"));
    }
}
