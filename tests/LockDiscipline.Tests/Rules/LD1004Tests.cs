using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
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
    }
}
