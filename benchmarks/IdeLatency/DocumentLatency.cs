using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Benchmarks
{
    /// <summary>
    /// What the IDE asks after an edit: one document's semantic diagnostics in a generated compilation.
    /// <see cref="OneDocumentWarm"/> asks for a document the analyzer has not reported yet, after another document of the same
    /// compilation built the compilation-wide analysis (the state is warm); <see cref="OneDocumentAfterEdit"/> starts from a new
    /// compilation, as an edit makes one, so it includes building the compilation-wide analysis.
    /// Run: dotnet run -c Release --project benchmarks/IdeLatency [-- --filter *]; LOCKDISCIPLINE_LINES sets the size (200000),
    /// LOCKDISCIPLINE_SHAPE=dense the lock-dense shape of issue 16 (benchmarks/Generator's <c>dense</c>),
    /// LOCKDISCIPLINE_CLASSES_PER_FILE=1 files of one class each (as many files as issue 16's corpus). With
    /// <c>-- --loop [N] [--steps] [--empty]</c>, the body edit N times (25) in a plain loop, with its median and quartiles (and the
    /// median time of each step of the analysis inside the request; or, with --empty, for an analyzer that does nothing).
    /// </summary>
    [MemoryDiagnoser]
    [SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
    public class DocumentLatency
    {
        private CSharpCompilation _compilation = null!;
        private CompilationWithAnalyzers _warm = null!;
        private SemanticModel _document = null!;
        private SemanticModel _other = null!;

        [GlobalSetup]
        public void Setup()
        {
            var lines = int.TryParse(Environment.GetEnvironmentVariable("LOCKDISCIPLINE_LINES"), out var n) ? n : 200_000;
            var dense = Environment.GetEnvironmentVariable("LOCKDISCIPLINE_SHAPE") == "dense";
            var perFile = Environment.GetEnvironmentVariable("LOCKDISCIPLINE_CLASSES_PER_FILE");
            var folder = Path.Combine(Path.GetTempPath(), "lockdiscipline-ide-" + (dense ? "dense-" : string.Empty) + lines + (string.IsNullOrEmpty(perFile) ? string.Empty : "-" + perFile + "-per-file"));
            var arguments = new[] { folder, lines.ToString(System.Globalization.CultureInfo.InvariantCulture), AppContext.BaseDirectory };
            Program.Main(dense ? arguments.Append("dense").ToArray() : arguments);
            var trees = Directory.GetFiles(folder, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f)).ToList();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location));
            _compilation = CSharpCompilation.Create("Corpus", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            _document = _compilation.GetSemanticModel(trees[trees.Count / 2]);
            _other = _compilation.GetSemanticModel(trees[0]);
        }

        [IterationSetup(Target = nameof(OneDocumentWarm))]
        public void Warm()
        {
            _warm = With(_compilation);
            _warm.GetAnalyzerSemanticDiagnosticsAsync(_other, null, CancellationToken.None).GetAwaiter().GetResult();
        }

        [Benchmark]
        [InvocationCount(1)]
        public Task<ImmutableArray<Diagnostic>> OneDocumentWarm()
            => _warm.GetAnalyzerSemanticDiagnosticsAsync(_document, null, CancellationToken.None);

        /// <summary>The same request with an analyzer that does nothing: what the driver itself costs (binding the document).</summary>
        [IterationSetup(Target = nameof(OneDocumentEmptyAnalyzer))]
        public void WarmEmpty()
        {
            _warm = _compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer()));
            _warm.GetAnalyzerSemanticDiagnosticsAsync(_other, null, CancellationToken.None).GetAwaiter().GetResult();
        }

        [Benchmark(Baseline = true)]
        [InvocationCount(1)]
        public Task<ImmutableArray<Diagnostic>> OneDocumentEmptyAnalyzer()
            => _warm.GetAnalyzerSemanticDiagnosticsAsync(_document, null, CancellationToken.None);

        [Benchmark]
        [InvocationCount(1)]
        public Task<ImmutableArray<Diagnostic>> OneDocumentAfterEdit()
        {
            // A real edit: the document gets new text, so the compilation-wide analysis is rebuilt.
            var tree = _document.SyntaxTree;
            var text = tree.GetText();
            var editedTree = tree.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(text.Length, 0), "\n// edit " + Guid.NewGuid() + "\n")));
            var edited = _compilation.ReplaceSyntaxTree(tree, editedTree);
            return With(edited).GetAnalyzerSemanticDiagnosticsAsync(edited.GetSemanticModel(editedTree), null, CancellationToken.None);
        }

        /// <summary>The edit issue 16 names: a statement added at the start of one method body of the document.</summary>
        [Benchmark]
        [InvocationCount(1)]
        public Task<ImmutableArray<Diagnostic>> OneDocumentAfterBodyEdit()
        {
            var tree = _document.SyntaxTree;
            var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().First(m => m.Body is not null).Body!;
            var text = tree.GetText();
            var editedTree = tree.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(body.OpenBraceToken.Span.End, 0), " _ = " + Environment.TickCount + ";")));
            var edited = _compilation.ReplaceSyntaxTree(tree, editedTree);
            return With(edited).GetAnalyzerSemanticDiagnosticsAsync(edited.GetSemanticModel(editedTree), null, CancellationToken.None);
        }

        private static CompilationWithAnalyzers With(Compilation compilation)
            => compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(_emptyInLoop ? new EmptyAnalyzer() : new LockDisciplineAnalyzer()));

        // The loop's --empty: the same requests with an analyzer that does nothing (what the driver and the compiler take).
        private static bool _emptyInLoop;

        public static void Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--loop")
            {
                _emptyInLoop = args.Contains("--empty");
                Loop(args.Length > 1 && int.TryParse(args[1], out var edits) && edits > 0 ? edits : 25, args.Contains("--steps"));
                return;
            }

            BenchmarkSwitcher.FromAssembly(typeof(DocumentLatency).Assembly).Run(args);
        }

        /// <summary>
        /// <see cref="OneDocumentAfterBodyEdit"/> in a plain loop after one warm analysis: on a noisy machine the median and
        /// quartiles of many edits are steadier than BenchmarkDotNet's five iterations (which disagreed by 20-30% between runs).
        /// </summary>
        private static void Loop(int edits, bool steps)
        {
            var benchmark = new DocumentLatency();
            benchmark.Setup();
            With(benchmark._compilation).GetAnalyzerSemanticDiagnosticsAsync(benchmark._other, null, CancellationToken.None).GetAwaiter().GetResult();
            var times = new List<double>();
            var stepTimes = new Dictionary<string, List<double>>();
            var stepClock = new Stopwatch();
            if (steps)
            {
                // The analysis's own steps inside each request (the rest of the request is the driver and the compiler).
                CompilationAnalysis.StepObserver = step =>
                {
                    lock (stepTimes)
                    {
                        if (!stepTimes.TryGetValue(step, out var list))
                        {
                            stepTimes[step] = list = new List<double>();
                        }

                        list.Add(stepClock.Elapsed.TotalMilliseconds);
                        stepClock.Restart();
                    }
                };
            }

            for (var i = 0; i < edits; i++)
            {
                var clock = Stopwatch.StartNew();
                stepClock.Restart();
                benchmark.OneDocumentAfterBodyEdit().GetAwaiter().GetResult();
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            CompilationAnalysis.StepObserver = null;
            times.Sort();
            Console.WriteLine($"one document after a body edit, {edits} edits: median {times[edits / 2]:F0} ms, quartiles {times[edits / 4]:F0}-{times[edits * 3 / 4]:F0} ms");
            foreach (var (step, list) in stepTimes)
            {
                list.Sort();
                Console.WriteLine($"  {step,-34} median {list[list.Count / 2],5:F0} ms over {list.Count} requests ");
            }
        }
    }
}
