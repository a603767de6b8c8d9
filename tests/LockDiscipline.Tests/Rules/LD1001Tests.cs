using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
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
    }
}
