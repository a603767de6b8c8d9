using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Tests.KernelModel;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace LockDiscipline.Tests.Robustness
{
    /// <summary>
    /// Broken and hostile input never makes the analyzer throw (AD0001 is release-blocking). CI runs a fixed sample; set
    /// LOCKDISCIPLINE_FUZZ=full to run every cut of every KernelModel file.
    /// </summary>
    public class RobustnessTests
    {
        private static readonly bool Full = Environment.GetEnvironmentVariable("LOCKDISCIPLINE_FUZZ") == "full";

        public static IEnumerable<object[]> ModelFiles()
            => Directory.GetFiles(Path.Combine(KernelModelCompilation.RepoRoot(), "src", "KernelModel"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new object[] { Path.GetRelativePath(KernelModelCompilation.RepoRoot(), f) });

        [Theory]
        [MemberData(nameof(ModelFiles))]
        public async Task TruncatedAtStatementBoundariesAndTokensDeletedNeverThrows(string relativePath)
        {
            var baseline = KernelModelCompilation.Create(seedBugs: true);
            var path = relativePath.Replace('\\', '/').Substring("src/KernelModel/".Length);
            var original = baseline.SyntaxTrees.Single(t => t.FilePath == path);
            var text = original.GetText().ToString();
            var root = original.GetRoot();

            var cuts = root.DescendantNodes().OfType<StatementSyntax>().Select(s => s.Span.End).Distinct().OrderBy(p => p).ToList();
            var tokens = root.DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();
            var variants = new List<string>();
            var stride = Full ? 1 : Math.Max(1, cuts.Count / 2);
            for (var i = 0; i < cuts.Count; i += stride)
            {
                variants.Add(text.Substring(0, cuts[i]));
            }

            var random = new Random(relativePath.Length * 7919 + cuts.Count);
            for (var i = 0; i < (Full ? tokens.Count : Math.Min(2, tokens.Count)); i++)
            {
                var token = Full ? tokens[i] : tokens[random.Next(tokens.Count)];
                variants.Add(text.Remove(token.SpanStart, token.Span.Length));
            }

            foreach (var variant in variants)
            {
                var tree = CSharpSyntaxTree.ParseText(variant, (CSharpParseOptions)original.Options, path);
                await AssertNoAnalyzerException(baseline.ReplaceSyntaxTree(original, tree));
            }
        }

        /// <summary>
        /// Found in StackExchange.Redis (PhysicalConnection.Read.cs): a local function declared inside a <c>lock</c> that throws. Its
        /// graph's regions lead on into the method's try/finally, whose blocks are not the local function's.
        /// </summary>
        [Fact]
        public Task FunctionsDeclaredInsideALockThatThrowAreAnalysedOnTheirOwn()
            => Verify.AnalyzerAsync(@"public class C
{
    readonly object gate = new object();
    System.Action? saved;
    void M(bool c)
    {
        lock (gate)
        {
            if (c)
            {
                Fail(1);

                static void Fail(int code) => throw new System.InvalidOperationException(code.ToString());
            }

            saved = () => throw new System.InvalidOperationException();
            try
            {
                Local();
            }
            catch (System.InvalidOperationException)
            {
            }

            void Local()
            {
                try { throw new System.InvalidOperationException(); }
                finally { saved = null; }
            }
        }
    }
}
");

        /// <summary>
        /// The framework models and the inferred helpers read calls' arguments, attributes and initializers: with the arguments
        /// missing or wrong (code that does not bind yet, as while typing), they give up quietly.
        /// </summary>
        [Fact]
        public async Task FrameworkModelsAndInferredHelpersOnCodeThatDoesNotBindNeverThrow()
        {
            const string source = @"#define TRACE
using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
public sealed class Broken : TraceListener
{
    private static readonly object Gate = new object();
    private readonly Lazy<int> _lazy = new Lazy<int>();
    private readonly Lazy<int> _bad = new Lazy<int>(() => { lock (Gate) { return Missing; } }, );
    private readonly TaskCompletionSource<int> _tcs = new TaskCompletionSource<int>(;
    private readonly CancellationTokenSource _cts = new CancellationTokenSource();
    private CancellationTokenRegistration _reg;
    static Broken() { lock (Gate) { } }
    private static void Enter(object o, ref bool taken) { Monitor.Enter(); Monitor.Enter(o, ref); }
    public override void Write(string m) { lock (Gate) { Trace.WriteLine(; } }
    public override void WriteLine(string m) { Debug.Assert(); Debug.Assert(m is null, ); }
    public async Task Use()
    {
        lock (Gate) { _tcs.TrySetResult(); _cts.Cancel(; _reg = _cts.Token.Register(); _reg.Dispose(1); _ = _lazy.Value; _ = _bad.Value; }
        var t = false;
        Enter(Gate, ref t);
        Enter(ref t);
        await _tcs.Task.ConfigureAwait();
        lock (Gate) { Trace.WriteLine(""x""); }
        _ = new Broken(1, 2);
    }
}
";
            var compilation = CSharpCompilation.Create(
                "Broken",
                new[] { CSharpSyntaxTree.ParseText(source) },
                KernelModelCompilation.Create(seedBugs: false).References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            await AssertNoAnalyzerException(compilation);
        }

        [Fact]
        public async Task TenThousandMethodCallChainAndDeepNestingDoNotOverflow()
        {
            var chain = new System.Text.StringBuilder("using Prims;\npublic class Chain\n{\n    Mutex a = new Mutex(); Mutex b = new Mutex();\n");
            chain.AppendLine("    void Start() { a.Lock(); M0(); a.Unlock(); }");
            for (var i = 0; i < 10_000; i++)
            {
                chain.AppendLine($"    void M{i}() {{ M{i + 1}(); }}");
            }

            chain.AppendLine("    void M10000() { b.Lock(); b.Unlock(); }");
            chain.AppendLine("    void Other() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock(); }");
            chain.Append("    int Deep(int x) { return ");
            chain.Append(string.Concat(Enumerable.Repeat("(x + ", 300))).Append('1').Append(new string(')', 300)).AppendLine("; }");
            chain.Append("    void Nest(bool c) { ");
            chain.Append(string.Concat(Enumerable.Repeat("if (c) { ", 200))).Append("a.Lock(); a.Unlock();").Append(new string('}', 200)).AppendLine(" }");
            chain.AppendLine("}");

            var compilation = CSharpCompilation.Create(
                "Deep",
                new[] { CSharpSyntaxTree.ParseText(Rules.Prelude.Primitives), CSharpSyntaxTree.ParseText(chain.ToString()) },
                KernelModelCompilation.Create(seedBugs: false).References,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var diagnostics = await AssertNoAnalyzerException(compilation);

            // The default depth (32 calls) does not reach the 10,001-deep acquisition: no cycle, and no crash either.
            Assert.DoesNotContain(diagnostics, d => d.Id == "LD1002");
        }

        private static async Task<ImmutableArray<Diagnostic>> AssertNoAnalyzerException(Compilation compilation)
        {
            var exceptions = new List<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, diagnostic) => exceptions.Add(exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Empty(exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            return diagnostics;
        }
    }
}
