using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class LD0002Tests
    {
        [Fact]
        public Task ReportsEachContradictoryDeclaration()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""H.A"", ""H.B"")]
[assembly: LockOrder(""H.B"", ""H.A"")]
[assembly: LockOrder(""H.A"", ""H.C"")]
public class H { public Mutex A = new Mutex(); public Mutex B = new Mutex(); public Mutex C = new Mutex(); }
",
                },
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 3, 12, 3, 35).WithMessage("[LockOrder] declarations contradict each other: H.A -> H.B -> H.A"),
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 4, 12, 4, 35).WithMessage("[LockOrder] declarations contradict each other: H.B -> H.A -> H.B"));
    }
}
