using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class CallChainsTests
    {
        [Fact]
        public Task FiveDeepChainAcrossFilesGenericsPropertiesConstructorsAndMutualRecursion()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Outer.Mu"", ""Inner.Mu"")]
public class Outer { public static Mutex Mu = new Mutex(); }
public class Inner { public Mutex Mu = new Mutex(); public Inner() { Mu.Lock(); Mu.Unlock(); } public int Value { get { Outer.Mu.Lock(); Outer.Mu.Unlock(); return 1; } } }
public class Chains
{
    Inner inner = new Inner();
    void Start() { inner.Mu.Lock(); L1(); inner.Mu.Unlock(); }
    void L1() { L2<int>(); }
    void L2<T>() { Other.L3(); }
    void Prop() { inner.Mu.Lock(); var v = inner.Value; inner.Mu.Unlock(); }
    void Ctor() { Outer.Mu.Lock(); var i = new Inner(); Outer.Mu.Unlock(); }
    void Ping(int n) { if (n > 0) Pong(n - 1); }
    void Pong(int n) { Outer.Mu.Lock(); Outer.Mu.Unlock(); Ping(n); }
    void Recursion() { inner.Mu.Lock(); Ping(3); inner.Mu.Unlock(); }
}
",
                    @"public static class Other
{
    public static void L3() { L4(); }
    static void L4() { L5(); }
    static void L5() { Outer.Mu.Lock(); Outer.Mu.Unlock(); }
}
",
                },
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 37, 9, 41).WithSpan("File1.cs", 10, 17, 10, 26).WithSpan("File1.cs", 11, 20, 11, 30).WithSpan("File2.cs", 3, 31, 3, 35).WithSpan("File2.cs", 4, 24, 4, 28).WithSpan("File2.cs", 5, 24, 5, 39).WithSpan("File1.cs", 9, 20, 9, 35).WithMessage("Lock-order inversion: 'Outer.Mu' is acquired while 'Inner.Mu' is held, but [LockOrder] declares 'Outer.Mu' outside 'Inner.Mu' (via L1 -> L2 -> L3 -> L4 -> L5 -> Outer.Mu.Lock())"),
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 12, 44, 12, 55).WithSpan("File1.cs", 5, 121, 5, 136).WithSpan("File1.cs", 12, 19, 12, 34).WithMessage("Lock-order inversion: 'Outer.Mu' is acquired while 'Inner.Mu' is held, but [LockOrder] declares 'Outer.Mu' outside 'Inner.Mu' (via Value -> Outer.Mu.Lock())"),
                Verify.Diagnostic("LD1001").WithSpan("File1.cs", 16, 41, 16, 48).WithSpan("File1.cs", 14, 35, 14, 46).WithSpan("File1.cs", 15, 24, 15, 39).WithSpan("File1.cs", 16, 24, 16, 39).WithMessage("Lock-order inversion: 'Outer.Mu' is acquired while 'Inner.Mu' is held, but [LockOrder] declares 'Outer.Mu' outside 'Inner.Mu' (via Ping -> Pong -> Outer.Mu.Lock())"));
    }
}
