using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD0001Tests
    {
        [Fact]
        public Task ReportsEveryUnboundArgument()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Nope.Mu"", ""G.Mu"")]
[assembly: LockOrder(""G.Count"")]
public class G
{
    public Mutex Mu = new Mutex(); public int Count;
    [Acquires(""nope"")] void A() { }
    [Requires(""Count"")] void B() { }
    [Excludes(""g.Mu"")] void C(G g) { }
    [GuardedBy(""Missing"")] public int Guarded;
    [TakesRef(""other"")] void D(G g) { }
    [MayAcquire(""G.Mu"", ""Q.Mu"")] void E() { }
}
",
                },
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 3, 22, 3, 31).WithMessage("'Nope.Mu' in [LockOrder] binds to nothing: no type 'Nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 4, 22, 4, 31).WithMessage("'G.Count' in [LockOrder] binds to 'G.Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 8, 15, 8, 21).WithMessage("'nope' in [Acquires] binds to nothing: no parameter, member or type 'nope'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 9, 15, 9, 22).WithMessage("'Count' in [Requires] binds to 'Count' of type 'int', which is not a lock"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 11, 16, 11, 25).WithMessage("'Missing' in [GuardedBy] binds to nothing: no parameter, member or type 'Missing'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 12, 15, 12, 22).WithMessage("'other' in [TakesRef] binds to no parameter of 'D'"),
                Verify.Diagnostic("LD0001").WithSpan("File1.cs", 13, 25, 13, 31).WithMessage("'Q.Mu' in [MayAcquire] binds to nothing: no parameter, member or type 'Q'"));

        [Fact]
        public Task WellBoundArgumentsAreClean()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""G.Mu"", ""Deep.Inner.Mu"", ""G.Mu/1"")]
public class G
{
    public Mutex Mu = new Mutex(); public static Mutex Global = new Mutex(); public object Gate = new object();
    [Requires(""Mu"")] void A() { }
    [Requires(""this.Mu"", ""G.Global"")] void B() { }
    [Excludes(""g.Mu"")] void C(G g) { }
    [GuardedBy(""Gate"")] public int Guarded;
    [TakesRef(""g"")] static void D(G g) { }
    [DropsRef] static void E(G g) { }
    [MayAcquire(""G.Mu"", ""g.Mu"")] void F(G g) { }
}
public class Deep { public class Inner { public Mutex Mu = new Mutex(); } }
",
                }
);
    }
}
