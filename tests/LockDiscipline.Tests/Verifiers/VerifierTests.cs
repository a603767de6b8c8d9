using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using VerifyCS = LockDiscipline.Tests.Verifiers.CSharpAnalyzerVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer>;
using VerifyFix = LockDiscipline.Tests.Verifiers.CSharpCodeFixVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer, LockDiscipline.CodeFixes.ReorderLocksCodeFix>;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>The shared verifiers themselves: offline reference assemblies, the annotations reference, file naming, fix and Fix All modes.</summary>
    public class VerifierTests
    {
        private const string Inversion = "Lock-order inversion: 'C.b' is acquired while 'C.a' is held, but [LockOrder] declares 'C.b' outside 'C.a'";

        [Fact]
        public Task CleanSourceCompilesAgainstNet80AndTheAnnotations()
            => VerifyCS.VerifyAnalyzerAsync(@"using System.Threading.Tasks;
using LockDiscipline;
public class C
{
    object a = new object();
    int n;
    [Requires(""a"")] void Locked() { n++; }
    async Task M() { lock (a) { Locked(); } await Task.Yield(); }
}
");

        [Fact]
        public Task ReportsAtTheFirstFile()
            => VerifyCS.VerifyAnalyzerAsync(@"using LockDiscipline;
public class C
{
    [Acquires(""nope"")] public void Lock() { }
}
",
                VerifyCS.Diagnostic("LD0001").WithSpan("File0.cs", 4, 15, 4, 21).WithMessage("'nope' in [Acquires] binds to nothing: no parameter, member or type 'nope'"));

        [Fact]
        public Task NamesSeveralFilesInOrder()
            => VerifyCS.VerifyAnalyzerAsync(
                new[]
                {
                    @"public class Store
{
    public static object A = new object();
    public static object B = new object();
    public static void AB() { lock (A) { lock (B) { } } }
}
",
                    @"public class Other
{
    public static void BA() { lock (Store.B) { lock (Store.A) { } } }
}
",
                },
                VerifyCS.Diagnostic("LD1002").WithSpan("File0.cs", 5, 48, 5, 49).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
                    .WithMessage("Lock-order cycle Store.A -> Store.B -> Store.A: 'Store.B' is acquired while 'Store.A' is held here, and elsewhere 'Store.A' is acquired while 'Store.B' is held at File1.cs:3 in BA"),
                VerifyCS.Diagnostic("LD1002").WithSpan("File1.cs", 3, 54, 3, 61).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
                    .WithMessage("Lock-order cycle Store.B -> Store.A -> Store.B: 'Store.A' is acquired while 'Store.B' is held here, and elsewhere 'Store.B' is acquired while 'Store.A' is held at File0.cs:5 in AB"));

        [Fact]
        public Task AppliesACodeFix()
            => VerifyFix.VerifyCodeFixAsync(
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (a) { lock (b) { n++; } } }
}
",
                new[] { VerifyFix.Diagnostic("LD1001").WithSpan("File0.cs", 8, 33, 8, 34).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Inversion) },
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (b) { lock (a) { n++; } } }
}
");

        [Fact]
        public Task SameFixedSourceMeansNoFixIsOffered()
        {
            const string source = @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    object c = new object();
    int n;
    void M() { lock (a) { lock (c) { } lock (b) { n++; } } }
}
";
            return VerifyFix.VerifyCodeFixAsync(
                source,
                new[] { VerifyFix.Diagnostic("LD1001").WithSpan("File0.cs", 9, 46, 9, 47).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Inversion) },
                source);
        }

        [Fact]
        public Task FixAllFixesEveryOccurrenceInOnePass()
            => VerifyFix.VerifyFixAllAsync(
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (a) { lock (b) { n++; } } }
    void N() { lock (a) { lock (b) { n--; } } }
}
",
                new[]
                {
                    VerifyFix.Diagnostic("LD1001").WithSpan("File0.cs", 8, 33, 8, 34).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Inversion),
                    VerifyFix.Diagnostic("LD1001").WithSpan("File0.cs", 9, 33, 9, 34).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Inversion),
                },
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (b) { lock (a) { n++; } } }
    void N() { lock (b) { lock (a) { n--; } } }
}
",
                @"using LockDiscipline;
[assembly: LockOrder(""C.b"", ""C.a"")]
public class C
{
    object a = new object();
    object b = new object();
    int n;
    void M() { lock (b) { lock (a) { n++; } } }
    void N() { lock (b) { lock (a) { n--; } } }
}
",
                numberOfFixAllIterations: 1);

        [Fact]
        public void ReferenceAssembliesAreThePinnedPack()
        {
            Assert.Equal("Microsoft.NETCore.App.Ref", TestReferences.Net80.ReferenceAssemblyPackage?.Id);
            Assert.Equal("8.0.28", TestReferences.Net80.ReferenceAssemblyPackage?.Version);
            Assert.Same(TestReferences.Net80, VerifyCS.Net80);
            Assert.Same(TestReferences.Net80, Verify.Net80);
        }
    }
}
