using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
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
    }
}
