using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD1007Tests
    {
        [Fact]
        public Task ReportsExcludedLockHeldOnSomePathButNotOtherInstance()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
public class Vfio
{
    public Mutex GroupLock = new Mutex();
    [Excludes(""GroupLock"")] public void SetKvm() { GroupLock.Lock(); GroupLock.Unlock(); }
    void Close() { GroupLock.Lock(); SetKvm(); GroupLock.Unlock(); }
    void CloseOther(Vfio other) { GroupLock.Lock(); other.SetKvm(); GroupLock.Unlock(); }
    void CloseFixed() { GroupLock.Lock(); GroupLock.Unlock(); SetKvm(); }
    void MaybeHeld(bool c) { if (c) GroupLock.Lock(); SetKvm(); if (c) GroupLock.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 7, 38, 7, 46).WithSpan("File1.cs", 7, 20, 7, 36).WithMessage("Calling 'SetKvm' while holding 'GroupLock', which it excludes (acquired at File1.cs:7)"),
                Verify.Diagnostic("LD1003").WithSpan("File1.cs", 8, 53, 8, 67).WithSpan("File1.cs", 6, 52, 6, 68).WithSpan("File1.cs", 8, 35, 8, 51).WithMessage("'Vfio.GroupLock' is acquired while already held (taken at File1.cs:8) and it is not recursive (via SetKvm -> GroupLock.Lock())"),
                Verify.Diagnostic("LD1008").WithSpan("File1.cs", 10, 37, 10, 53).WithMessage("'GroupLock' is acquired here and is still held on some path out of 'MaybeHeld' (when it returns at line 10)"),
                Verify.Diagnostic("LD1007").WithSpan("File1.cs", 10, 55, 10, 63).WithSpan("File1.cs", 10, 37, 10, 53).WithMessage("Calling 'SetKvm' while holding 'GroupLock', which it excludes (acquired at File1.cs:10)"));
    }
}
