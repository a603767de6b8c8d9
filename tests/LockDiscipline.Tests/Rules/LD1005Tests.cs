using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1005Tests
    {
        [Fact]
        public Task ReportsSynchronizeUnderLockTakenByReader()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm { public Mutex Lock = new Mutex(); public Srcu Srcu = new Srcu(); public Mutex XenLock = new Mutex();
    void Reset() { Lock.Lock(); Srcu.Synchronize(); Lock.Unlock(); }
    void SetEvtchn() { var idx = Srcu.ReadLock(); Deliver(); Srcu.ReadUnlock(idx); }
    void Deliver() { Lock.Lock(); Lock.Unlock(); }
    void FixedReset() { XenLock.Lock(); XenLock.Unlock(); Srcu.Synchronize(); }
}
",
                },
                Verify.Diagnostic("LD1005").WithSpan("File1.cs", 3, 33, 3, 51).WithSpan("File1.cs", 3, 20, 3, 31).WithSpan("File1.cs", 4, 51, 4, 60).WithSpan("File1.cs", 5, 22, 5, 33).WithMessage("Waiting for readers of 'Kvm.Srcu' while holding 'Kvm.Lock' deadlocks: a read section of 'Kvm.Srcu' acquires 'Kvm.Lock' at File1.cs:4 in SetEvtchn via Deliver -> Lock.Lock()"));

        [Fact]
        public Task SynchronizeOutsideTheLockIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm { public Mutex Lock = new Mutex(); public Srcu Srcu = new Srcu(); public Mutex XenLock = new Mutex();
    void Reset() { XenLock.Lock(); XenLock.Unlock(); Srcu.Synchronize(); }
    void SetEvtchn() { var idx = Srcu.ReadLock(); Deliver(); Srcu.ReadUnlock(idx); }
    void Deliver() { Lock.Lock(); Lock.Unlock(); }
    void Nested() { var a = Srcu.ReadLock(); var b = Srcu.ReadLock(); Srcu.ReadUnlock(b); Srcu.ReadUnlock(a); }
}
",
                }
);

        [Fact]
        public Task ReportsWaitThroughCallsWhileReaderTakesTheLockThroughCallsInAnotherFile()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    public Srcu IrqSrcu = new Srcu(); public object IrqLock = new object();
    void UpdateRouting() { lock (IrqLock) { Commit(); } }
    void Commit() { Flush(); }
    void Flush() { IrqSrcu.Synchronize(); }
}
",
                    @"using Prims;
public class Injector
{
    Kvm kvm = new Kvm();
    public void Inject() { var idx = kvm.IrqSrcu.ReadLock(); Route(); kvm.IrqSrcu.ReadUnlock(idx); }
    void Route() { Ack(); }
    void Ack() { lock (kvm.IrqLock) { } }
}
",
                },
                Verify.Diagnostic("LD1005").WithSpan("File1.cs", 5, 45, 5, 53).WithSpan("File1.cs", 6, 21, 6, 28).WithSpan("File1.cs", 7, 20, 7, 41).WithSpan("File1.cs", 5, 34, 5, 41).WithSpan("File2.cs", 5, 62, 5, 69).WithSpan("File2.cs", 6, 20, 6, 25).WithSpan("File2.cs", 7, 24, 7, 35).WithMessage("Waiting for readers of 'Kvm.IrqSrcu' while holding 'Kvm.IrqLock' deadlocks: a read section of 'Kvm.IrqSrcu' acquires 'Kvm.IrqLock' at File2.cs:5 in Inject via Route -> Ack -> lock (kvm.IrqLock) (via Commit -> Flush -> IrqSrcu.Synchronize())"));

        [Fact]
        public Task ReportsOnlyTheLockThatAReadSectionTakes()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    public Srcu Srcu = new Srcu(); public Mutex Lock = new Mutex(); public Mutex SlotsLock = new Mutex();
    void Reset() { Lock.Lock(); Srcu.Synchronize(); Lock.Unlock(); }
    void Read() { var i = Srcu.ReadLock(); Lock.Lock(); Lock.Unlock(); Srcu.ReadUnlock(i); }
    void Other() { SlotsLock.Lock(); Srcu.Synchronize(); SlotsLock.Unlock(); }
    void AfterRead() { var i = Srcu.ReadLock(); Srcu.ReadUnlock(i); SlotsLock.Lock(); SlotsLock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1005").WithSpan("File1.cs", 5, 33, 5, 51).WithSpan("File1.cs", 5, 20, 5, 31).WithSpan("File1.cs", 6, 44, 6, 55).WithMessage("Waiting for readers of 'Kvm.Srcu' while holding 'Kvm.Lock' deadlocks: a read section of 'Kvm.Srcu' acquires 'Kvm.Lock' at File1.cs:6 in Read"));

        [Fact]
        public Task ReportsWaitInRequiresBodyAnalysedWithTheLockHeld()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Svc
{
    Mutex mu = new Mutex(); Srcu srcu = new Srcu();
    [Requires(""mu"")] void WaitUnder() { srcu.Synchronize(); }
    void Reader() { var i = srcu.ReadLock(); mu.Lock(); mu.Unlock(); srcu.ReadUnlock(i); }
}
",
                },
                Verify.Diagnostic("LD1005").WithSpan("File1.cs", 6, 41, 6, 59).WithSpan("File1.cs", 6, 27, 6, 36).WithSpan("File1.cs", 7, 46, 7, 55).WithMessage("Waiting for readers of 'Svc.srcu' while holding 'Svc.mu' deadlocks: a read section of 'Svc.srcu' acquires 'Svc.mu' at File1.cs:7 in Reader"));

        [Fact]
        public Task SynchronizeAfterReleasingTheLockIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    public Srcu Srcu = new Srcu(); public Mutex Lock = new Mutex();
    void Reset() { Lock.Lock(); Lock.Unlock(); Srcu.Synchronize(); }
    void EarlyOut(bool c) { Lock.Lock(); if (c) { Lock.Unlock(); return; } Lock.Unlock(); Srcu.Synchronize(); }
    void Finally() { Lock.Lock(); try { } finally { Lock.Unlock(); } Srcu.Synchronize(); }
    void Read() { var i = Srcu.ReadLock(); Lock.Lock(); Lock.Unlock(); Srcu.ReadUnlock(i); }
    void ReadNested() { var i = Srcu.ReadLock(); var j = Srcu.ReadLock(); Srcu.ReadUnlock(j); Srcu.ReadUnlock(i); }
}
",
                });

        [Fact]
        public Task TryLockInAReadSectionNeverBlocksTheReader()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    Srcu srcu = new Srcu(); Mutex mu = new Mutex();
    void ReaderTry() { var i = srcu.ReadLock(); if (mu.TryLock()) { mu.Unlock(); } srcu.ReadUnlock(i); }
    void Writer() { mu.Lock(); srcu.Synchronize(); mu.Unlock(); }
}
",
                });

        [Fact]
        public Task ReportsWaitWhoseCycleClosesThroughALockTheReaderTakes()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using Prims;
public class Kvm
{
    Srcu srcu = new Srcu(); Mutex a = new Mutex(); Mutex b = new Mutex();
    void Writer() { a.Lock(); srcu.Synchronize(); a.Unlock(); }
    void Reader() { var i = srcu.ReadLock(); b.Lock(); b.Unlock(); srcu.ReadUnlock(i); }
    void BThenA() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1005").WithSpan("File1.cs", 5, 31, 5, 49).WithSpan("File1.cs", 5, 21, 5, 29).WithSpan("File1.cs", 6, 46, 6, 54).WithSpan("File1.cs", 7, 31, 7, 39).WithMessage("Waiting for readers of 'Kvm.srcu' while holding 'Kvm.a' deadlocks: a read section of 'Kvm.srcu' acquires 'Kvm.b' at File1.cs:6 in Reader, and 'Kvm.a' is acquired while 'Kvm.b' is held at File1.cs:7 in BThenA"));
    }
}
