using System.Threading.Tasks;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
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

        [Fact]
        public Task ReportsEveryDeclarationOfAThreeLockCycleButNotTheConsistentOne()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Net.Rtnl"", ""Net.Dev"")]
[assembly: LockOrder(""Net.Dev"", ""Net.Queue"")]
[assembly: LockOrder(""Net.Queue"", ""Net.Rtnl"")]
[assembly: LockOrder(""Net.Rtnl"", ""Net.Stats"")]
public class Net { public Mutex Rtnl = new Mutex(); public Mutex Dev = new Mutex(); public Mutex Queue = new Mutex(); public Mutex Stats = new Mutex(); }
",
                },
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 3, 12, 3, 44).WithMessage("[LockOrder] declarations contradict each other: Net.Rtnl -> Net.Dev -> Net.Queue -> Net.Rtnl"),
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 4, 12, 4, 45).WithMessage("[LockOrder] declarations contradict each other: Net.Dev -> Net.Queue -> Net.Rtnl -> Net.Dev"),
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 5, 12, 5, 46).WithMessage("[LockOrder] declarations contradict each other: Net.Queue -> Net.Rtnl -> Net.Dev -> Net.Queue"));

        [Fact]
        public Task ReportsCyclesThroughAMultiNameDeclarationAcrossFiles()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Fs.A"", ""Fs.B"", ""Fs.C"")]
[assembly: LockOrder(""Fs.C"", ""Fs.A"")]
public class Fs { public Mutex A = new Mutex(); public Mutex B = new Mutex(); public Mutex C = new Mutex(); }
",
                    @"using LockDiscipline;
[assembly: LockOrder(""Fs.B"", ""Fs.A"")]
",
                },
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 3, 12, 3, 45).WithMessage("[LockOrder] declarations contradict each other: Fs.A -> Fs.B -> Fs.A"),
                Verify.Diagnostic("LD0002").WithSpan("File2.cs", 2, 12, 2, 37).WithMessage("[LockOrder] declarations contradict each other: Fs.B -> Fs.A -> Fs.B"),
                Verify.Diagnostic("LD0002").WithSpan("File1.cs", 4, 12, 4, 37).WithMessage("[LockOrder] declarations contradict each other: Fs.C -> Fs.A -> Fs.B -> Fs.C"));

        [Fact]
        public Task RedundantAndSubclassDeclarationsAreConsistent()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""Fs.A"", ""Fs.B"")]
[assembly: LockOrder(""Fs.B"", ""Fs.C"")]
[assembly: LockOrder(""Fs.A"", ""Fs.C"")]
[assembly: LockOrder(""Fs.A"", ""Fs.A/1"")]
[assembly: LockOrder(""Fs.B"", ""Fs.A/1"")]
public class Fs
{
    public Mutex A = new Mutex(); public Mutex B = new Mutex(); public Mutex C = new Mutex();
    void Use() { A.Lock(); B.Lock(); C.Lock(); C.Unlock(); B.Unlock(); A.Unlock(); }
}
",
                });
    }
}
