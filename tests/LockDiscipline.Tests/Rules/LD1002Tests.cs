using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1002Tests
    {
        [Fact]
        public Task ReportsAbbaCycleAcrossFilesAtBothEdges()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Matrix { public static Mutex Lock = new Mutex(); }
public class KvmS { public Mutex Lock = new Mutex(); }
public class Ap
{
    KvmS kvm = new KvmS();
    void SetKvm() { Matrix.Lock.Lock(); SetMasks(); Matrix.Lock.Unlock(); }
    void SetMasks() { kvm.Lock.Lock(); kvm.Lock.Unlock(); }
}
",
                    @"using Prims;
public class Pqap
{
    KvmS kvm = new KvmS();
    void Handle() { kvm.Lock.Lock(); Hook(); kvm.Lock.Unlock(); }
    void Hook() { Matrix.Lock.Lock(); Matrix.Lock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File2.cs", 5, 38, 5, 44).WithSpan("File2.cs", 6, 19, 6, 37).WithSpan("File2.cs", 5, 21, 5, 36).WithSpan("File1.cs", 7, 41, 7, 51).WithMessage("Lock-order cycle KvmS.Lock -> Matrix.Lock -> KvmS.Lock: 'Matrix.Lock' is acquired while 'KvmS.Lock' is held here (via Hook -> Matrix.Lock.Lock()), and elsewhere 'KvmS.Lock' is acquired while 'Matrix.Lock' is held at File1.cs:7 in SetKvm (via SetMasks -> kvm.Lock.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 7, 41, 7, 51).WithSpan("File1.cs", 8, 23, 8, 38).WithSpan("File1.cs", 7, 21, 7, 39).WithSpan("File2.cs", 5, 38, 5, 44).WithMessage("Lock-order cycle Matrix.Lock -> KvmS.Lock -> Matrix.Lock: 'KvmS.Lock' is acquired while 'Matrix.Lock' is held here (via SetMasks -> kvm.Lock.Lock()), and elsewhere 'Matrix.Lock' is acquired while 'KvmS.Lock' is held at File2.cs:5 in Handle (via Hook -> Matrix.Lock.Lock())"));

        [Fact]
        public Task ReportsThreeLockCycleThroughInterface()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class P { public Mutex M = new Mutex(); }
public class Q { public Mutex M = new Mutex(); }
public class R { public Mutex M = new Mutex(); }
public interface IOps { void Run(); }
public class Impl1 : IOps { public P p = new P(); public void Run() { p.M.Lock(); p.M.Unlock(); } }
public class Impl2 : IOps { public void Run() { } }
public class Three
{
    P p = new P(); Q q = new Q(); R r = new R(); IOps ops = new Impl1();
    void PQ() { p.M.Lock(); q.M.Lock(); q.M.Unlock(); p.M.Unlock(); }
    void QR() { q.M.Lock(); r.M.Lock(); r.M.Unlock(); q.M.Unlock(); }
    void RP() { r.M.Lock(); ops.Run(); r.M.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 11, 29, 11, 39).WithSpan("File1.cs", 11, 17, 11, 27).WithSpan("File1.cs", 12, 29, 12, 39).WithSpan("File1.cs", 13, 29, 13, 38).WithMessage("Lock-order cycle P.M -> Q.M -> R.M -> P.M: 'Q.M' is acquired while 'P.M' is held here, and elsewhere 'R.M' is acquired while 'Q.M' is held at File1.cs:12 in QR; 'P.M' is acquired while 'R.M' is held at File1.cs:13 in RP (via Run -> p.M.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 12, 29, 12, 39).WithSpan("File1.cs", 12, 17, 12, 27).WithSpan("File1.cs", 13, 29, 13, 38).WithSpan("File1.cs", 11, 29, 11, 39).WithMessage("Lock-order cycle Q.M -> R.M -> P.M -> Q.M: 'R.M' is acquired while 'Q.M' is held here, and elsewhere 'P.M' is acquired while 'R.M' is held at File1.cs:13 in RP (via Run -> p.M.Lock()); 'Q.M' is acquired while 'P.M' is held at File1.cs:11 in PQ"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 13, 29, 13, 38).WithSpan("File1.cs", 6, 71, 6, 81).WithSpan("File1.cs", 13, 17, 13, 27).WithSpan("File1.cs", 11, 29, 11, 39).WithSpan("File1.cs", 12, 29, 12, 39).WithMessage("Lock-order cycle R.M -> P.M -> Q.M -> R.M: 'P.M' is acquired while 'R.M' is held here (via Run -> p.M.Lock()), and elsewhere 'Q.M' is acquired while 'P.M' is held at File1.cs:11 in PQ; 'R.M' is acquired while 'Q.M' is held at File1.cs:12 in QR"));

        [Fact]
        public Task ConsistentOrderThroughInterfaceIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class P { public Mutex M = new Mutex(); }
public class Q { public Mutex M = new Mutex(); }
public interface IOps { void Run(); }
public class Impl1 : IOps { public Q q = new Q(); public void Run() { q.M.Lock(); q.M.Unlock(); } }
public class Impl2 : IOps { public void Run() { } }
public class Consistent
{
    P p = new P(); Q q = new Q(); IOps ops = new Impl1();
    void First() { p.M.Lock(); ops.Run(); p.M.Unlock(); }
    void Second() { p.M.Lock(); q.M.Lock(); q.M.Unlock(); p.M.Unlock(); }
    void Alone() { q.M.Lock(); q.M.Unlock(); }
}
",
                }
);

        [Fact]
        public Task ReportsCycleBetweenLockStatementAndSemaphoreHeldAcrossAwaitInTwoFiles()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
public static class Locks { public static readonly object Table = new object(); public static readonly SemaphoreSlim Io = new SemaphoreSlim(1, 1); }
public class Writer
{
    public async Task FlushAsync()
    {
        await Locks.Io.WaitAsync();
        try { await Task.Delay(1); lock (Locks.Table) { } }
        finally { Locks.Io.Release(); }
    }
}
",
                    @"using System.Threading;
public class Reader
{
    public void Load() { lock (Locks.Table) { Fetch(); } }
    void Fetch() { Locks.Io.Wait(); try { } finally { Locks.Io.Release(); } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File2.cs", 4, 47, 4, 54).WithSpan("File2.cs", 5, 20, 5, 35).WithSpan("File2.cs", 4, 32, 4, 43).WithSpan("File1.cs", 9, 42, 9, 53).WithMessage("Lock-order cycle Locks.Table -> Locks.Io -> Locks.Table: 'Locks.Io' is acquired while 'Locks.Table' is held here (via Fetch -> Locks.Io.Wait()), and elsewhere 'Locks.Table' is acquired while 'Locks.Io' is held at File1.cs:9 in FlushAsync"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 9, 42, 9, 53).WithSpan("File1.cs", 8, 15, 8, 35).WithSpan("File2.cs", 4, 47, 4, 54).WithMessage("Lock-order cycle Locks.Io -> Locks.Table -> Locks.Io: 'Locks.Table' is acquired while 'Locks.Io' is held here, and elsewhere 'Locks.Io' is acquired while 'Locks.Table' is held at File2.cs:4 in Load (via Fetch -> Locks.Io.Wait())"));

        [Fact]
        public Task ReportsSevenCallCycleAcrossFilesThroughInterfaceWithTwoImplementationsAndGenericMethod()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Sched
{
    public static Mutex RqLock = new Mutex();
    IPolicy policy = new FairPolicy();
    public void Tick() { RqLock.Lock(); Balance(); RqLock.Unlock(); }
    void Balance() { Pick(); }
    void Pick() { policy.Choose(); }
}
public interface IPolicy { void Choose(); }
public class FairPolicy : IPolicy { public void Choose() { } }
",
                    @"using Prims;
public class Stats { public static Mutex Mu = new Mutex(); }
public class RtPolicy : IPolicy
{
    public void Choose() { Account<int>(1); }
    void Account<T>(T value) { Stats.Mu.Lock(); Stats.Mu.Unlock(); }
}
public class Reporter
{
    public void Dump() { Stats.Mu.Lock(); Flush(); Stats.Mu.Unlock(); }
    void Flush() { Collect(); }
    void Collect() { Sched.RqLock.Lock(); Sched.RqLock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File2.cs", 10, 43, 10, 50).WithSpan("File2.cs", 11, 20, 11, 29).WithSpan("File2.cs", 12, 22, 12, 41).WithSpan("File2.cs", 10, 26, 10, 41).WithSpan("File1.cs", 6, 41, 6, 50).WithMessage("Lock-order cycle Stats.Mu -> Sched.RqLock -> Stats.Mu: 'Sched.RqLock' is acquired while 'Stats.Mu' is held here (via Flush -> Collect -> Sched.RqLock.Lock()), and elsewhere 'Stats.Mu' is acquired while 'Sched.RqLock' is held at File1.cs:6 in Tick (via Balance -> Pick -> Choose -> Account -> Stats.Mu.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 6, 41, 6, 50).WithSpan("File1.cs", 7, 22, 7, 28).WithSpan("File1.cs", 8, 19, 8, 34).WithSpan("File2.cs", 5, 28, 5, 43).WithSpan("File2.cs", 6, 32, 6, 47).WithSpan("File1.cs", 6, 26, 6, 39).WithSpan("File2.cs", 10, 43, 10, 50).WithMessage("Lock-order cycle Sched.RqLock -> Stats.Mu -> Sched.RqLock: 'Stats.Mu' is acquired while 'Sched.RqLock' is held here (via Balance -> Pick -> Choose -> Account -> Stats.Mu.Lock()), and elsewhere 'Sched.RqLock' is acquired while 'Stats.Mu' is held at File2.cs:10 in Dump (via Flush -> Collect -> Sched.RqLock.Lock())"));

        [Fact]
        public Task ReportsCycleBetweenReadLockOfReaderWriterLockSlimAndLockStatement()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
public class Cache
{
    ReaderWriterLockSlim rw = new ReaderWriterLockSlim(); object evict = new object();
    int Lookup() { rw.EnterReadLock(); try { lock (evict) { return 1; } } finally { rw.ExitReadLock(); } }
    void Evict() { lock (evict) { Rebuild(); } }
    void Rebuild() { rw.EnterWriteLock(); try { } finally { rw.ExitWriteLock(); } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 5, 52, 5, 57).WithSpan("File1.cs", 5, 20, 5, 38).WithSpan("File1.cs", 6, 35, 6, 44).WithMessage("Lock-order cycle Cache.rw -> Cache.evict -> Cache.rw: 'Cache.evict' is acquired while 'Cache.rw' is held here, and elsewhere 'Cache.rw' is acquired while 'Cache.evict' is held at File1.cs:6 in Evict (via Rebuild -> rw.EnterWriteLock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 6, 35, 6, 44).WithSpan("File1.cs", 7, 22, 7, 41).WithSpan("File1.cs", 6, 26, 6, 31).WithSpan("File1.cs", 5, 52, 5, 57).WithMessage("Lock-order cycle Cache.evict -> Cache.rw -> Cache.evict: 'Cache.rw' is acquired while 'Cache.evict' is held here (via Rebuild -> rw.EnterWriteLock()), and elsewhere 'Cache.evict' is acquired while 'Cache.rw' is held at File1.cs:5 in Lookup"));

        [Fact]
        public Task ReportsCycleBetweenNestingSubclassesTakenInBothOrders()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Node { public Mutex Mu = new Mutex(); }
public class Tree
{
    void ParentChild(Node parent, Node child) { parent.Mu.Lock(); child.Mu.LockNested(); child.Mu.Unlock(); parent.Mu.Unlock(); }
    void ChildParent(Node parent, Node child) { child.Mu.LockNested(); parent.Mu.Lock(); parent.Mu.Unlock(); child.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 5, 67, 5, 88).WithSpan("File1.cs", 5, 49, 5, 65).WithSpan("File1.cs", 6, 72, 6, 88).WithMessage("Lock-order cycle Node.Mu -> Node.Mu/1 -> Node.Mu: 'Node.Mu/1' is acquired while 'Node.Mu' is held here, and elsewhere 'Node.Mu' is acquired while 'Node.Mu/1' is held at File1.cs:6 in ChildParent"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 6, 72, 6, 88).WithSpan("File1.cs", 6, 49, 6, 70).WithSpan("File1.cs", 5, 67, 5, 88).WithMessage("Lock-order cycle Node.Mu/1 -> Node.Mu -> Node.Mu/1: 'Node.Mu' is acquired while 'Node.Mu/1' is held here, and elsewhere 'Node.Mu/1' is acquired while 'Node.Mu' is held at File1.cs:5 in ParentChild"));

        [Fact]
        public Task ReportsCycleThroughConstructorAndPropertyGetter()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public static class Globals { public static Mutex Table = new Mutex(); public static Mutex Stats = new Mutex(); }
public class Entry
{
    public Entry() { Globals.Stats.Lock(); Globals.Stats.Unlock(); }
    public int Count { get { Globals.Table.Lock(); Globals.Table.Unlock(); return 0; } }
}
public class Ops
{
    Entry e = new Entry();
    void Create() { Globals.Table.Lock(); var x = new Entry(); Globals.Table.Unlock(); }
    void Report() { Globals.Stats.Lock(); var n = e.Count; Globals.Stats.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 11, 51, 11, 62).WithSpan("File1.cs", 5, 22, 5, 42).WithSpan("File1.cs", 11, 21, 11, 41).WithSpan("File1.cs", 12, 51, 12, 58).WithMessage("Lock-order cycle Globals.Table -> Globals.Stats -> Globals.Table: 'Globals.Stats' is acquired while 'Globals.Table' is held here (via new Entry -> Globals.Stats.Lock()), and elsewhere 'Globals.Table' is acquired while 'Globals.Stats' is held at File1.cs:12 in Report (via Count -> Globals.Table.Lock())"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 12, 51, 12, 58).WithSpan("File1.cs", 6, 30, 6, 50).WithSpan("File1.cs", 12, 21, 12, 41).WithSpan("File1.cs", 11, 51, 11, 62).WithMessage("Lock-order cycle Globals.Stats -> Globals.Table -> Globals.Stats: 'Globals.Table' is acquired while 'Globals.Stats' is held here (via Count -> Globals.Table.Lock()), and elsewhere 'Globals.Stats' is acquired while 'Globals.Table' is held at File1.cs:11 in Create (via new Entry -> Globals.Stats.Lock())"));

        [Fact]
        public Task ReportsCycleWhoseEdgeIsInsideARequiresBody()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class Svc
{
    A a = new A(); B b = new B();
    [Requires(""a.Mu"")] void UnderA() { b.Mu.Lock(); b.Mu.Unlock(); }
    void Caller() { a.Mu.Lock(); UnderA(); a.Mu.Unlock(); }
    void Reverse() { b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 8, 40, 8, 51).WithSpan("File1.cs", 8, 29, 8, 35).WithSpan("File1.cs", 10, 35, 10, 46).WithMessage("Lock-order cycle A.Mu -> B.Mu -> A.Mu: 'B.Mu' is acquired while 'A.Mu' is held here, and elsewhere 'A.Mu' is acquired while 'B.Mu' is held at File1.cs:10 in Reverse"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 9, 34, 9, 42).WithSpan("File1.cs", 8, 40, 8, 51).WithSpan("File1.cs", 9, 21, 9, 32).WithSpan("File1.cs", 10, 35, 10, 46).WithMessage("Lock-order cycle A.Mu -> B.Mu -> A.Mu: 'B.Mu' is acquired while 'A.Mu' is held here (via UnderA -> b.Mu.Lock()), and elsewhere 'A.Mu' is acquired while 'B.Mu' is held at File1.cs:10 in Reverse"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 10, 35, 10, 46).WithSpan("File1.cs", 10, 22, 10, 33).WithSpan("File1.cs", 8, 40, 8, 51).WithMessage("Lock-order cycle B.Mu -> A.Mu -> B.Mu: 'A.Mu' is acquired while 'B.Mu' is held here, and elsewhere 'B.Mu' is acquired while 'A.Mu' is held at File1.cs:8 in UnderA"));

        [Fact]
        public Task ReportsCycleBetweenLockThisOfTwoTypes()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"public class Alpha { public void Run(Beta b) { lock (this) { b.Touch(); } } public void Touch() { lock (this) { } } }
public class Beta { public void Run(Alpha a) { lock (this) { a.Touch(); } } public void Touch() { lock (this) { } } }
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 1, 62, 1, 71).WithSpan("File1.cs", 2, 105, 2, 109).WithSpan("File1.cs", 1, 54, 1, 58).WithSpan("File1.cs", 2, 62, 2, 71).WithMessage("Lock-order cycle Alpha -> Beta -> Alpha: 'Beta' is acquired while 'Alpha' is held here (via Touch -> lock (this)), and elsewhere 'Alpha' is acquired while 'Beta' is held at File1.cs:2 in Run (via Touch -> lock (this))"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 2, 62, 2, 71).WithSpan("File1.cs", 1, 105, 1, 109).WithSpan("File1.cs", 2, 54, 2, 58).WithSpan("File1.cs", 1, 62, 1, 71).WithMessage("Lock-order cycle Beta -> Alpha -> Beta: 'Alpha' is acquired while 'Beta' is held here (via Touch -> lock (this)), and elsewhere 'Beta' is acquired while 'Alpha' is held at File1.cs:1 in Run (via Touch -> lock (this))"));

        [Fact]
        public Task ReportsCycleThroughLocalCopyOfALockField()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"public class Svc
{
    object gate = new object(); object other = new object();
    void Copy() { var g = gate; lock (g) { lock (other) { } } }
    void Rev() { lock (other) { lock (gate) { } } }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 4, 50, 4, 55).WithSpan("File1.cs", 4, 39, 4, 40).WithSpan("File1.cs", 5, 39, 5, 43).WithMessage("Lock-order cycle Svc.gate -> Svc.other -> Svc.gate: 'Svc.other' is acquired while 'Svc.gate' is held here, and elsewhere 'Svc.gate' is acquired while 'Svc.other' is held at File1.cs:5 in Rev"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 5, 39, 5, 43).WithSpan("File1.cs", 5, 24, 5, 29).WithSpan("File1.cs", 4, 50, 4, 55).WithMessage("Lock-order cycle Svc.other -> Svc.gate -> Svc.other: 'Svc.gate' is acquired while 'Svc.other' is held here, and elsewhere 'Svc.other' is acquired while 'Svc.gate' is held at File1.cs:4 in Copy"));

        [Fact]
        public Task ReportsCycleBetweenStaticAndInstanceLockProperties()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Svc
{
    public Mutex Lock { get; } = new Mutex();
    public static Mutex Global { get; } = new Mutex();
    void Props() { Lock.Lock(); Global.Lock(); Global.Unlock(); Lock.Unlock(); }
    void PropsRev() { Global.Lock(); Lock.Lock(); Lock.Unlock(); Global.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 6, 33, 6, 46).WithSpan("File1.cs", 6, 20, 6, 31).WithSpan("File1.cs", 7, 38, 7, 49).WithMessage("Lock-order cycle Svc.Lock -> Svc.Global -> Svc.Lock: 'Svc.Global' is acquired while 'Svc.Lock' is held here, and elsewhere 'Svc.Lock' is acquired while 'Svc.Global' is held at File1.cs:7 in PropsRev"),
                Verify.Diagnostic("LD1002").WithSpan("File1.cs", 7, 38, 7, 49).WithSpan("File1.cs", 7, 23, 7, 36).WithSpan("File1.cs", 6, 33, 6, 46).WithMessage("Lock-order cycle Svc.Global -> Svc.Lock -> Svc.Global: 'Svc.Lock' is acquired while 'Svc.Global' is held here, and elsewhere 'Svc.Global' is acquired while 'Svc.Lock' is held at File1.cs:6 in Props"));

        [Fact]
        public Task ReadSectionOfReaderNeverBlocksLockAddsNoEdgeIntoItAndIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Vm
{
    Srcu srcu = new Srcu(); Mutex mu = new Mutex();
    void ReadThenLock() { var i = srcu.ReadLock(); mu.Lock(); mu.Unlock(); srcu.ReadUnlock(i); }
    void LockThenRead() { mu.Lock(); var i = srcu.ReadLock(); srcu.ReadUnlock(i); mu.Unlock(); }
}
",
                });

        [Fact]
        public Task NestingSubclassesInAFixedOrderAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Node { public Mutex Mu = new Mutex(); }
public class Tree
{
    void ParentChild(Node parent, Node child) { parent.Mu.Lock(); child.Mu.LockNested(); child.Mu.Unlock(); parent.Mu.Unlock(); }
    void AlsoParentChild(Node a, Node b) { a.Mu.Lock(); Child(b); a.Mu.Unlock(); }
    void Child(Node n) { n.Mu.LockNested(); n.Mu.Unlock(); }
}
",
                });

        [Fact]
        public Task ReleasedBeforeTheOtherLockIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using Mutex = Prims.Mutex;
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class Clean
{
    A a = new A(); B b = new B(); object gate = new object();
    void EarlyRelease(bool c) { a.Mu.Lock(); if (c) { a.Mu.Unlock(); return; } a.Mu.Unlock(); b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
    void Finally() { a.Mu.Lock(); try { } finally { a.Mu.Unlock(); } b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
    void TryBranch() { if (!b.Mu.TryLock()) return; a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
    void MonitorRef() { bool t = false; try { Monitor.Enter(gate, ref t); b.Mu.Lock(); b.Mu.Unlock(); } finally { if (t) Monitor.Exit(gate); } }
    void MonitorAfter() { b.Mu.Lock(); b.Mu.Unlock(); lock (gate) { } }
    void Deferred() { a.Mu.Lock(); System.Action later = () => { lock (gate) { b.Mu.Lock(); b.Mu.Unlock(); } }; a.Mu.Unlock(); later(); }
}
",
                });

        [Fact]
        public Task TryLockEdgeDoesNotCloseACycle()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using Mutex = Prims.Mutex;
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B(); object g1 = new object(); object g2 = new object();
    void AB() { a.Mu.Lock(); if (b.Mu.TryLock()) { b.Mu.Unlock(); } a.Mu.Unlock(); }
    void BA() { b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
    void M1() { lock (g1) { if (Monitor.TryEnter(g2)) { Monitor.Exit(g2); } } }
    void M2() { lock (g2) { lock (g1) { } } }
}
",
                });

        [Fact]
        public async Task InferredCyclesCanBeSwitchedOffInEditorConfig()
        {
            var test = new CSharpAnalyzerVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer>.Test();
            test.TestState.Sources.Add(("File0.cs", Prelude.Primitives));
            test.TestState.Sources.Add(("File1.cs", @"using Prims;
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B();
    void AB() { a.Mu.Lock(); b.Mu.Lock(); b.Mu.Unlock(); a.Mu.Unlock(); }
    void BA() { b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
}
"));
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nlockdiscipline.report_inferred_cycles = false\n"));
            await test.RunAsync();
        }
    }
}
