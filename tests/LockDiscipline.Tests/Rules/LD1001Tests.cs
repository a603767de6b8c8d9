using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1001Tests
    {
        [Fact]
        public Task ReportsInversionThroughAThreeCallChainAndDirect()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""B.Mu"", ""A.Mu"")]
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B();
    void Outer() { a.Mu.Lock(); Helper(); a.Mu.Unlock(); }
    void Helper() { Inner(); }
    void Inner() { Deep(); }
    void Deep() { b.Mu.Lock(); b.Mu.Unlock(); }
    void Declared() { b.Mu.Lock(); a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Unlock(); }
    void Direct() { a.Mu.Lock(); b.Mu.Lock(); b.Mu.Unlock(); a.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 33, 9, 41).WithSpan("File1.cs", 10, 21, 10, 28).WithSpan("File1.cs", 11, 20, 11, 26).WithSpan("File1.cs", 12, 19, 12, 30).WithSpan("File1.cs", 9, 20, 9, 31).WithMessage("Lock-order inversion: 'B.Mu' is acquired while 'A.Mu' is held, but [LockOrder] declares 'B.Mu' outside 'A.Mu' (via Helper -> Inner -> Deep -> b.Mu.Lock())"),
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 14, 34, 14, 45).WithSpan("File1.cs", 14, 21, 14, 32).WithMessage("Lock-order inversion: 'B.Mu' is acquired while 'A.Mu' is held, but [LockOrder] declares 'B.Mu' outside 'A.Mu'"));

        [Fact]
        public Task ReportsInversionByAGuardWhoseConstructorAcquiresAndNothingOnceReordered()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""B.Mu"", ""A.Mu"")]
[ScopedLock]
public sealed class Guard : System.IDisposable { [Acquires(""m"")] public Guard(Mutex m) { } public void Dispose() { } }
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B();
    void Inverted() { using (new Guard(a.Mu)) { using (new Guard(b.Mu)) { } } }
    void Ordered() { using (new Guard(b.Mu)) { using (new Guard(a.Mu)) { } } }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 11, 56, 11, 71).WithSpan("File1.cs", 11, 30, 11, 45).WithMessage("Lock-order inversion: 'B.Mu' is acquired while 'A.Mu' is held, but [LockOrder] declares 'B.Mu' outside 'A.Mu'"));

        [Fact]
        public Task DeclaredOrderRespectedAndDeferredLambdaIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""B.Mu"", ""A.Mu"")]
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B();
    void Declared() { b.Mu.Lock(); Helper(); b.Mu.Unlock(); }
    void Helper() { a.Mu.Lock(); a.Mu.Unlock(); }
    void Sequential() { a.Mu.Lock(); a.Mu.Unlock(); b.Mu.Lock(); b.Mu.Unlock(); }
    void Deferred() { a.Mu.Lock(); System.Action later = () => { b.Mu.Lock(); b.Mu.Unlock(); }; a.Mu.Unlock(); later(); }
}
",
                }
);

        [Fact]
        public Task ReportsInversionThroughFiveCallsAcrossTwoFiles()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Outer.Mu"", ""Inner.Mu"")]
public class Outer { public Mutex Mu = new Mutex(); }
public class Inner { public Mutex Mu = new Mutex(); }
public class Path1
{
    Outer o = new Outer(); Inner i = new Inner();
    void Start() { i.Mu.Lock(); Step1(); i.Mu.Unlock(); }
    void Step1() { Step2(); }
    void Step2() { new Path2().Step3(o); }
}
",
                    @"using Prims;
public class Path2
{
    public void Step3(Outer o) { Step4(o); }
    void Step4(Outer o) { o.Mu.Lock(); o.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 33, 9, 40).WithSpan("File1.cs", 10, 20, 10, 27).WithSpan("File1.cs", 11, 20, 11, 40).WithSpan("File2.cs", 4, 34, 4, 42).WithSpan("File2.cs", 5, 27, 5, 38).WithSpan("File1.cs", 9, 20, 9, 31).WithMessage("Lock-order inversion: 'Outer.Mu' is acquired while 'Inner.Mu' is held, but [LockOrder] declares 'Outer.Mu' outside 'Inner.Mu' (via Step1 -> Step2 -> Step3 -> Step4 -> o.Mu.Lock())"));

        [Fact]
        public Task ReportsInversionOfLockStatementsAndMonitorEnter()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using LockDiscipline;
[assembly: LockOrder(""Cfg.Gate"", ""Cfg.Data"")]
public class Cfg
{
    public object Gate = new object(); public object Data = new object();
    void Bad() { lock (Data) { lock (Gate) { } } }
    void MonitorBad() { bool t = false; Monitor.Enter(Data); try { Monitor.Enter(Gate, ref t); } finally { if (t) Monitor.Exit(Gate); Monitor.Exit(Data); } }
    void Good() { lock (Gate) { lock (Data) { } } }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 7, 38, 7, 42).WithSpan("File1.cs", 7, 24, 7, 28).WithMessage("Lock-order inversion: 'Cfg.Gate' is acquired while 'Cfg.Data' is held, but [LockOrder] declares 'Cfg.Gate' outside 'Cfg.Data'"),
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 8, 68, 8, 94).WithSpan("File1.cs", 8, 41, 8, 60).WithMessage("Lock-order inversion: 'Cfg.Gate' is acquired while 'Cfg.Data' is held, but [LockOrder] declares 'Cfg.Gate' outside 'Cfg.Data'"));

        [Fact]
        public Task ReportsInversionOfStaticLockFields()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Registry.Global"", ""Item.Mu"")]
public class Registry { public static Mutex Global = new Mutex(); }
public class Item { public Mutex Mu = new Mutex(); }
public class Uses
{
    Item item = new Item();
    void Bad() { item.Mu.Lock(); Registry.Global.Lock(); Registry.Global.Unlock(); item.Mu.Unlock(); }
    void Good() { Registry.Global.Lock(); item.Mu.Lock(); item.Mu.Unlock(); Registry.Global.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 34, 9, 56).WithSpan("File1.cs", 9, 18, 9, 32).WithMessage("Lock-order inversion: 'Registry.Global' is acquired while 'Item.Mu' is held, but [LockOrder] declares 'Registry.Global' outside 'Item.Mu'"));

        [Fact]
        public Task ReportsInversionAgainstTransitiveClosureOfDeclarations()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""T1.L"", ""T2.L"")]
[assembly: LockOrder(""T2.L"", ""T3.L"")]
public class T1 { public static Mutex L = new Mutex(); }
public class T2 { public static Mutex L = new Mutex(); }
public class T3 { public static Mutex L = new Mutex(); }
public class Uses
{
    void Bad() { T3.L.Lock(); T1.L.Lock(); T1.L.Unlock(); T3.L.Unlock(); }
    void Good() { T1.L.Lock(); T3.L.Lock(); T3.L.Unlock(); T1.L.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 10, 31, 10, 42).WithSpan("File1.cs", 10, 18, 10, 29).WithMessage("Lock-order inversion: 'T1.L' is acquired while 'T3.L' is held, but [LockOrder] declares 'T1.L' outside 'T3.L'"));

        [Fact]
        public Task ReportsInversionThroughInterfaceWithTwoImplementations()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Dev.Mu"", ""Bus.Mu"")]
public class Dev { public static Mutex Mu = new Mutex(); }
public class Bus { public Mutex Mu = new Mutex(); }
public interface IProbe { void Probe(); }
public class QuietProbe : IProbe { public void Probe() { } }
public class LockingProbe : IProbe { public void Probe() { Dev.Mu.Lock(); Dev.Mu.Unlock(); } }
public class Scan
{
    Bus bus = new Bus(); IProbe probe = new QuietProbe();
    void ViaInterface() { bus.Mu.Lock(); probe.Probe(); bus.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 12, 42, 12, 55).WithSpan("File1.cs", 8, 60, 8, 73).WithSpan("File1.cs", 12, 27, 12, 40).WithMessage("Lock-order inversion: 'Dev.Mu' is acquired while 'Bus.Mu' is held, but [LockOrder] declares 'Dev.Mu' outside 'Bus.Mu' (via Probe -> Dev.Mu.Lock())"));

        [Fact]
        public Task ReportsInversionThroughGenericMethod()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Dev.Mu"", ""Bus.Mu"")]
public class Dev { public static Mutex Mu = new Mutex(); }
public class Bus { public Mutex Mu = new Mutex(); }
public class Scan
{
    Bus bus = new Bus();
    void ViaGeneric() { bus.Mu.Lock(); Run<int>(1); bus.Mu.Unlock(); }
    void Run<T>(T value) { Dev.Mu.Lock(); Dev.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 40, 9, 51).WithSpan("File1.cs", 10, 28, 10, 41).WithSpan("File1.cs", 9, 25, 9, 38).WithMessage("Lock-order inversion: 'Dev.Mu' is acquired while 'Bus.Mu' is held, but [LockOrder] declares 'Dev.Mu' outside 'Bus.Mu' (via Run -> Dev.Mu.Lock())"));

        [Fact]
        public Task ReportsInversionThroughPropertyGetterAndConstructor()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Dev.Mu"", ""Bus.Mu"")]
public class Dev { public static Mutex Mu = new Mutex(); }
public class Bus { public Mutex Mu = new Mutex(); }
public class Counter { public Counter() { Dev.Mu.Lock(); Dev.Mu.Unlock(); } }
public class Holder { public int Value { get { Dev.Mu.Lock(); Dev.Mu.Unlock(); return 1; } } }
public class Scan
{
    Bus bus = new Bus(); Holder holder = new Holder();
    void ViaProperty() { bus.Mu.Lock(); var v = holder.Value; bus.Mu.Unlock(); }
    void ViaConstructor() { bus.Mu.Lock(); var c = new Counter(); bus.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 11, 49, 11, 61).WithSpan("File1.cs", 7, 48, 7, 61).WithSpan("File1.cs", 11, 26, 11, 39).WithMessage("Lock-order inversion: 'Dev.Mu' is acquired while 'Bus.Mu' is held, but [LockOrder] declares 'Dev.Mu' outside 'Bus.Mu' (via Value -> Dev.Mu.Lock())"),
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 12, 52, 12, 65).WithSpan("File1.cs", 6, 43, 6, 56).WithSpan("File1.cs", 12, 29, 12, 42).WithMessage("Lock-order inversion: 'Dev.Mu' is acquired while 'Bus.Mu' is held, but [LockOrder] declares 'Dev.Mu' outside 'Bus.Mu' (via new Counter -> Dev.Mu.Lock())"));

        [Fact]
        public Task CycleWithADeclaredEdgeIsReportedAsInversionOnly()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Kernel.Kvm.Lock"", ""Kernel.Kvm.Arch.XenLock"")]
namespace Kernel
{
    public class Kvm
    {
        public Mutex Lock = new Mutex();
        public class Arch { public Mutex XenLock = new Mutex(); }
        Arch arch = new Arch();
        void Ordered() { Lock.Lock(); arch.XenLock.Lock(); arch.XenLock.Unlock(); Lock.Unlock(); }
        void Inverted() { arch.XenLock.Lock(); Lock.Lock(); Lock.Unlock(); arch.XenLock.Unlock(); }
    }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 12, 48, 12, 59).WithSpan("File1.cs", 12, 27, 12, 46).WithMessage("Lock-order inversion: 'Kvm.Lock' is acquired while 'Kvm.Arch.XenLock' is held, but [LockOrder] declares 'Kvm.Lock' outside 'Kvm.Arch.XenLock'"));

        [Fact]
        public Task ReportsInversionBetweenNestingSubclasses()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Node.Mu"", ""Node.Mu/1"")]
public class Node { public Mutex Mu = new Mutex(); }
public class Tree
{
    void Ok(Node p, Node c) { p.Mu.Lock(); c.Mu.LockNested(); c.Mu.Unlock(); p.Mu.Unlock(); }
    void Bad(Node p, Node c) { c.Mu.LockNested(); p.Mu.Lock(); p.Mu.Unlock(); c.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 8, 51, 8, 62).WithSpan("File1.cs", 8, 32, 8, 49).WithMessage("Lock-order inversion: 'Node.Mu' is acquired while 'Node.Mu/1' is held, but [LockOrder] declares 'Node.Mu' outside 'Node.Mu/1'"));

        [Fact]
        public Task ReportsInversionInRequiresBodyAnalysedWithTheLockHeld()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""A.Mu"", ""B.Mu"")]
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class Svc
{
    A a = new A(); B b = new B();
    [Requires(""b.Mu"")] void UnderB() { a.Mu.Lock(); a.Mu.Unlock(); }
    [Requires(""a.Mu"")] void UnderA() { b.Mu.Lock(); b.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 40, 9, 51).WithSpan("File1.cs", 9, 29, 9, 35).WithMessage("Lock-order inversion: 'A.Mu' is acquired while 'B.Mu' is held, but [LockOrder] declares 'A.Mu' outside 'B.Mu'"));

        [Fact]
        public Task DeclaredOrderWithNestedTypeNamesIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Kvm.Lock"", ""Kvm.Arch.XenLock"")]
namespace Kernel
{
    public class Kvm
    {
        public Mutex Lock = new Mutex();
        public class Arch { public Mutex XenLock = new Mutex(); }
        Arch arch = new Arch();
        void Ordered() { Lock.Lock(); arch.XenLock.Lock(); arch.XenLock.Unlock(); Lock.Unlock(); }
        void Sequential() { arch.XenLock.Lock(); arch.XenLock.Unlock(); Lock.Lock(); Lock.Unlock(); }
        void EarlyRelease(bool c) { arch.XenLock.Lock(); if (c) { arch.XenLock.Unlock(); return; } arch.XenLock.Unlock(); Lock.Lock(); Lock.Unlock(); }
    }
}
",
                });

        [Fact]
        public Task DeclaredOrderThroughInterfaceSemaphoreAndGenericIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using System.Threading;
using System.Threading.Tasks;
using LockDiscipline;
[assembly: LockOrder(""Dev.Sem"", ""Bus.Gate"")]
public class Dev { public static SemaphoreSlim Sem = new SemaphoreSlim(1, 1); }
public class Bus { public object Gate = new object(); }
public interface IStep { void Run(Bus b); }
public class Quiet : IStep { public void Run(Bus b) { } }
public class Locking : IStep { public void Run(Bus b) { lock (b.Gate) { } } }
public class Flow
{
    IStep step = new Quiet(); Bus bus = new Bus();
    async Task Go() { await Dev.Sem.WaitAsync(); try { await Task.Yield(); step.Run(bus); Touch<int>(); } finally { Dev.Sem.Release(); } }
    void Touch<T>() { lock (bus.Gate) { } }
}
",
                });

        [Fact]
        public Task TryLockBackOffAgainstTheDeclaredOrderIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""A.Mu"", ""B.Mu"")]
public class A { public Mutex Mu = new Mutex(); }
public class B { public Mutex Mu = new Mutex(); }
public class C
{
    A a = new A(); B b = new B();
    void BackOff() { b.Mu.Lock(); if (a.Mu.TryLock()) { a.Mu.Unlock(); } b.Mu.Unlock(); }
}
",
                });
    }
}
