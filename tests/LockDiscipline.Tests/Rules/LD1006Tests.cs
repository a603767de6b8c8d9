using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1006Tests
    {
        [Fact]
        public Task ReportsRequiresAndExcludesWithInstances()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex Mutex = new Mutex(); }
public class Iommu
{
    [Requires(""g.Mutex"")] void ReleaseDevice(Group g) { }
    void Unheld(Group g) { ReleaseDevice(g); }
    void Held(Group g) { g.Mutex.Lock(); ReleaseDevice(g); g.Mutex.Unlock(); }
    void Other(Group g, Group h) { h.Mutex.Lock(); ReleaseDevice(g); h.Mutex.Unlock(); }
    void Maybe(Group g, bool c) { if (c) g.Mutex.Lock(); ReleaseDevice(g); if (c) g.Mutex.Unlock(); }
    [Requires(""g.Mutex"")] void Caller(Group g) { ReleaseDevice(g); }
    [Excludes(""g.Mutex"")] void NoLock(Group g) { }
    void Excluded(Group g) { g.Mutex.Lock(); NoLock(g); g.Mutex.Unlock(); }
    void ExcludedOk(Group g, Group h) { h.Mutex.Lock(); NoLock(g); h.Mutex.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 7, 28, 7, 44).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex'"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 9, 52, 9, 68).WithSpan("File1.cs", 9, 36, 9, 50).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex' (found 'h.Mutex' held instead)"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 42, 10, 56).WithMessage("'g.Mutex' is acquired here and is still held on some path out of 'Maybe' (when it returns at line 10)"),
                Verify.Diagnostic("LD1006").WithSpan("File1.cs", 10, 58, 10, 74).WithSpan("File1.cs", 10, 42, 10, 56).WithMessage("Calling 'ReleaseDevice' requires holding 'g.Mutex' (it is held on some paths only)"),
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 13, 46, 13, 55).WithSpan("File1.cs", 13, 30, 13, 44).WithMessage("Calling 'NoLock' while holding 'g.Mutex', which it excludes (acquired at File1.cs:13)"));

        [Fact]
        public Task HeldOnEveryPathIsClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Group { public Mutex Mutex = new Mutex(); }
public class Iommu
{
    [Requires(""g.Mutex"")] void ReleaseDevice(Group g) { }
    void Held(Group g) { g.Mutex.Lock(); ReleaseDevice(g); g.Mutex.Unlock(); }
    [Requires(""g.Mutex"")] void Caller(Group g) { ReleaseDevice(g); }
    void Local(Group g) { var same = g; same.Mutex.Lock(); ReleaseDevice(g); same.Mutex.Unlock(); }
}
",
                }
);
    }
}
