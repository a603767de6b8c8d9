using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Tests.KernelModel;
using LockDiscipline.Tests.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>What the IDE asks after an edit: one document's semantic diagnostics, with no compilation-end pass.</summary>
    public class SingleDocumentTests
    {
        private const string Half1 = @"using Prims;
public class Matrix { public static Mutex Lock = new Mutex(); }
public class KvmS { public Mutex Lock = new Mutex(); }
public class Ap
{
    KvmS kvm = new KvmS();
    void SetKvm() { Matrix.Lock.Lock(); SetMasks(); Matrix.Lock.Unlock(); }
    void SetMasks() { kvm.Lock.Lock(); kvm.Lock.Unlock(); }
}";

        private const string Half2 = @"using Prims;
public class Pqap
{
    KvmS kvm = new KvmS();
    void Handle() { kvm.Lock.Lock(); Hook(); kvm.Lock.Unlock(); }
    void Hook() { Matrix.Lock.Lock(); Matrix.Lock.Unlock(); }
}";

        [Fact]
        public async Task EachHalfOfACrossFileCycleShowsItsOwnEdge()
        {
            var compilation = Create();
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()));
            foreach (var (path, line) in new[] { ("Half1.cs", 7), ("Half2.cs", 5) })
            {
                var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
                var model = compilation.GetSemanticModel(tree);
                var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None);
                var cycle = Assert.Single(diagnostics);
                Assert.Equal("LD1002", cycle.Id);
                Assert.Equal(path, cycle.Location.SourceTree!.FilePath);
                Assert.Equal(line, cycle.Location.GetLineSpan().StartLinePosition.Line + 1);
            }
        }

        [Fact]
        public async Task InferredCyclesCanBeSwitchedOffInEditorConfig()
        {
            var compilation = Create();
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new SingleOption("lockdiscipline.report_inferred_cycles", "false"));
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
            Assert.Empty(await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None));
        }

        [Theory]
        [InlineData("1", 0)]
        [InlineData("2", 1)]
        public async Task CallDepthLimitBoundsHowManyCallsAreFollowed(string depth, int expected)
        {
            const string TwoCallsDeep = @"using Prims;
public class Deep
{
    Mutex a = new Mutex(); Mutex b = new Mutex();
    void Outer() { a.Lock(); X(); a.Unlock(); }
    void X() { Y(); }
    void Y() { b.Lock(); b.Unlock(); }
    void Other() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock(); }
}";
            var compilation = Create(("Deep.cs", TwoCallsDeep));
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new SingleOption("lockdiscipline.max_call_depth", depth));
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Equal(expected, diagnostics.Count(d => d.Location.GetLineSpan().StartLinePosition.Line + 1 == 5));
        }

        [Theory]
        [InlineData(null, new string[0])]
        [InlineData("true", new[] { "LD2001 File(8,9): The reference taken by 'Get' is neither dropped nor handed on along a path out of 'Unsafe' (if 'Work' throws at line 8)" })]
        public async Task ExceptionsFromCallsArePathsOnlyWhenOptedIn(string? value, string[] expected)
        {
            const string Source = @"using LockDiscipline;
public class Kvm { [TakesRef] public void Get() { } [DropsRef] public void Put() { } }
public class User
{
    static void Work() { }
    void Unsafe(Kvm k)
    {
        k.Get(); Work(); k.Put();
    }
    void Safe(Kvm k)
    {
        k.Get();
        try { Work(); } finally { k.Put(); }
    }
}";
            var compilation = Create(("File", Source));
            var options = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new SingleOption("lockdiscipline.exceptions_from_calls", value ?? "false"));
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Equal(expected, diagnostics.Select(d => $"{d.Id} {d.Location.SourceTree!.FilePath}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}): {d.GetMessage()}").ToArray());
        }

        [Fact]
        public async Task CancellationIsHonouredWithoutAnalyzerException()
        {
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            using var cancellation = new CancellationTokenSource();
            cancellation.Cancel();
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options: null);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellation.Token));
        }

        private static CSharpCompilation Create(params (string Path, string Text)[] sources)
        {
            var files = sources.Length > 0 ? sources : new[] { ("Half1.cs", Half1), ("Half2.cs", Half2) };
            var trees = files.Prepend(("Prelude.cs", Prelude.Primitives))
                .Select(s => CSharpSyntaxTree.ParseText(s.Item2, path: s.Item1));
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
                .Where(p => System.IO.Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || System.IO.Path.GetFileName(p) == "netstandard.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location));
            return CSharpCompilation.Create("Ide", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        }

        private sealed class SingleOption : AnalyzerConfigOptionsProvider
        {
            private readonly Options _options;

            public SingleOption(string key, string value) => _options = new Options(key, value);

            public override AnalyzerConfigOptions GlobalOptions => _options;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

            private sealed class Options : AnalyzerConfigOptions
            {
                private readonly string _key;
                private readonly string _value;

                public Options(string key, string value)
                {
                    _key = key;
                    _value = value;
                }

                public override bool TryGetValue(string key, out string value)
                {
                    value = key == _key ? _value : null!;
                    return key == _key;
                }
            }
        }
    }
}
