using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    public class RefSummaryTests
    {
        [Fact]
        public Task UnannotatedWrappersOfGetsAreSummarisedAsReturningAReference()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
public class Group { [ReturnsRef] public static Group? Lookup(int id) => null; [DropsRef] public void Put() { } }
public class Wrappers
{
    static Group? Find(int id) { var g = Group.Lookup(id); return g; }
    static Group? FindAgain(int id) => Find(id);
    void Leaks(int id) { var g = FindAgain(id); if (g == null) return; }
    void Balanced(int id) { var g = Find(id); if (g == null) return; g.Put(); }
}
",
                },
                Verify.Diagnostic("LD2001").WithSpan("File1.cs", 7, 34, 7, 47).WithMessage("The reference taken by 'FindAgain' is neither dropped nor handed on along a path out of 'Leaks' (at the end of the method)"));
    }
}
