using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1004Tests
    {
        [Fact]
        public Task ReportsLockUnderLeafButNotReadSideOrLeafInside()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Xen { [LeafLock] public Mutex XenLock = new Mutex(); public Mutex Other = new Mutex(); public Srcu Srcu = new Srcu();
    void Bad() { XenLock.Lock(); Other.Lock(); Other.Unlock(); XenLock.Unlock(); }
    void ReadUnderLeaf() { XenLock.Lock(); var i = Srcu.ReadLock(); Srcu.ReadUnlock(i); XenLock.Unlock(); }
    void LeafInside() { Other.Lock(); XenLock.Lock(); XenLock.Unlock(); Other.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 4, 34, 4, 46).WithSpan("File1.cs", 4, 18, 4, 32).WithMessage("'Xen.Other' is acquired while leaf lock 'Xen.XenLock' is held"));

        [Fact]
        public Task ReportsLockTakenFiveCallsDeepAcrossFilesUnderStaticLeafLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Irq
{
    [LeafLock] public static Mutex Spin = new Mutex();
    public Mutex Other = new Mutex();
    void Handler() { Spin.Lock(); Dispatch(); Spin.Unlock(); }
    void Dispatch() { Route(); }
    void Route() { new Sink().Deliver(this); }
}
",
                    @"using Prims;
public class Sink
{
    public void Deliver(Irq irq) { Record(irq); }
    void Record(Irq irq) { irq.Other.Lock(); irq.Other.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 7, 35, 7, 45).WithSpan("File1.cs", 8, 23, 8, 30).WithSpan("File1.cs", 9, 20, 9, 44).WithSpan("File2.cs", 4, 36, 4, 47).WithSpan("File2.cs", 5, 28, 5, 44).WithSpan("File1.cs", 7, 22, 7, 33).WithMessage("'Irq.Other' is acquired while leaf lock 'Irq.Spin' is held (via Dispatch -> Route -> Deliver -> Record -> irq.Other.Lock())"));

        [Fact]
        public Task ReportsLockStatementSemaphoreAndReadLockUnderLeafLocks()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
public class Stats
{
    [LeafLock] object counters = new object();
    [LeafLock] SemaphoreSlim io = new SemaphoreSlim(1, 1);
    object log = new object();
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim();
    void Bump() { lock (counters) { lock (log) { } } }
    async Task Write() { await io.WaitAsync(); try { await Task.Yield(); lock (counters) { } } finally { io.Release(); } }
    void Read() { lock (counters) { rw.EnterReadLock(); rw.ExitReadLock(); } }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 10, 43, 10, 46).WithSpan("File1.cs", 10, 25, 10, 33).WithMessage("'Stats.log' is acquired while leaf lock 'Stats.counters' is held"),
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 11, 80, 11, 88).WithSpan("File1.cs", 11, 32, 11, 46).WithMessage("'Stats.counters' is acquired while leaf lock 'Stats.io' is held"),
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 12, 37, 12, 55).WithSpan("File1.cs", 12, 25, 12, 33).WithMessage("'Stats.rw' is acquired while leaf lock 'Stats.counters' is held"));

        [Fact]
        public Task ReportsLeafUnderLeafAndLockUnderLeafProperty()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Hw
{
    [LeafLock] public Mutex Irq = new Mutex();
    [LeafLock] public static Mutex Stat { get; } = new Mutex();
    public Mutex Big = new Mutex();
    void TwoLeaves() { Irq.Lock(); Stat.Lock(); Stat.Unlock(); Irq.Unlock(); }
    void PropLeaf() { Stat.Lock(); Big.Lock(); Big.Unlock(); Stat.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 8, 36, 8, 47).WithSpan("File1.cs", 8, 24, 8, 34).WithMessage("'Hw.Stat' is acquired while leaf lock 'Hw.Irq' is held"),
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 9, 36, 9, 46).WithSpan("File1.cs", 9, 23, 9, 34).WithMessage("'Hw.Big' is acquired while leaf lock 'Hw.Stat' is held"));

        [Fact]
        public Task CycleThroughALeafLockIsReportedAsLeafViolationOnly()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Xen
{
    [LeafLock] public Mutex Leaf = new Mutex();
    public Mutex Big = new Mutex();
    void LeafThenBig() { Leaf.Lock(); Big.Lock(); Big.Unlock(); Leaf.Unlock(); }
    void BigThenLeaf() { Big.Lock(); Leaf.Lock(); Leaf.Unlock(); Big.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 7, 39, 7, 49).WithSpan("File1.cs", 7, 26, 7, 37).WithMessage("'Xen.Big' is acquired while leaf lock 'Xen.Leaf' is held"));

        [Fact]
        public Task ReportsLockTakenInRequiresBodyOfALeafLock()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Svc
{
    [LeafLock] Mutex leaf = new Mutex(); Mutex other = new Mutex();
    [Requires(""leaf"")] void UnderLeaf() { other.Lock(); other.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1004").WithSpan("File1.cs", 6, 43, 6, 55).WithSpan("File1.cs", 6, 29, 6, 38).WithMessage("'Svc.other' is acquired while leaf lock 'Svc.leaf' is held"));

        [Fact]
        public Task LeafReleasedFirstLeafInsideAndReadSectionUnderLeafAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Xen
{
    [LeafLock] public Mutex Leaf = new Mutex();
    public Mutex Big = new Mutex(); public Srcu Srcu = new Srcu();
    void Released() { Leaf.Lock(); Leaf.Unlock(); Big.Lock(); Big.Unlock(); }
    void EarlyOut(bool c) { Leaf.Lock(); if (c) { Leaf.Unlock(); return; } Leaf.Unlock(); Big.Lock(); Big.Unlock(); }
    void Inside() { Big.Lock(); Leaf.Lock(); Leaf.Unlock(); Big.Unlock(); }
    void ReadSide() { Leaf.Lock(); Reader(); Leaf.Unlock(); }
    void Reader() { var i = Srcu.ReadLock(); Srcu.ReadUnlock(i); }
    void TryFail() { if (!Leaf.TryLock()) { Big.Lock(); Big.Unlock(); return; } Leaf.Unlock(); }
    void Finally() { Leaf.Lock(); try { } finally { Leaf.Unlock(); } Big.Lock(); Big.Unlock(); }
}
",
                });
    }
}
