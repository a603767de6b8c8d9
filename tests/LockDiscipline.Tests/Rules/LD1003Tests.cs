using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
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
    }
}
