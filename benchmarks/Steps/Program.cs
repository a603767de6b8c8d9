using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.Benchmarks
{
    /// <summary>
    /// Where the analysis spends its time, step by step (walking the bodies, merging, returned references, summaries, events,
    /// rules), on a folder of C# files compiled in process with the framework's references: a generated corpus
    /// (benchmarks/Generator, or the folders run.py leaves under /tmp/lockdiscipline-bench). Each round parses afresh; the first
    /// round includes the JIT. --whole keeps whole chains for every lock class (the engine before the link step). --edit keeps the
    /// compilation after the first round and, in each later round, edits one method body of the middle file (a statement added
    /// at its start), as the IDE's next compilation after a keystroke: the trees walked again and those carried over are printed,
    /// and the live memory after the first analysis and after the last edit. --check edits a file further on each round and
    /// compares each analysis after an edit with a fresh analysis of the same sources (diagnostics and events).
    /// --relevance prints how many bodies the syntax pre-filter sends to binding (--untyped: with receivers not told apart), and how
    /// many of those the bound second pass sends to the walk.
    /// Usage: dotnet run -c Release --project benchmarks/Steps -- FOLDER [ROUNDS] [--whole] [--edit | --check] [--relevance [--untyped]]
    /// </summary>
    public static class Steps
    {
        public static int Main(string[] args)
        {
            if (args.Length == 0 || !Directory.Exists(args[0]))
            {
                Console.Error.WriteLine("usage: Steps FOLDER [ROUNDS] [--whole]");
                return 2;
            }

            var rounds = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 2;
            var files = Directory.GetFiles(args[0], "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location))
                .ToList();
            var settings = args.Contains("--whole")
                ? new AnalyzerSettings(AnalyzerSettings.Default.MaxCallDepth, true, false, false) { WholeChainsForEveryClass = true }
                : AnalyzerSettings.Default;

            if (args.Contains("--relevance"))
            {
                var parsed = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f)).ToArray();
                var scans = parsed.Select(t => LockDiscipline.Analyzers.Model.RelevanceFilter.ScanTree(t, CancellationToken.None)).ToList();
                var filter = LockDiscipline.Analyzers.Model.RelevanceFilter.FromScans(scans, CancellationToken.None, typedReceivers: !args.Contains("--untyped"));
                Console.WriteLine($"relevance by name: {filter.RelevantCount} of {filter.BodyCount} bodies are bound");
                var bound = CSharpCompilation.Create("Steps", parsed, references,
                    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
                var bindings = parsed.Select((t, i) => LockDiscipline.Analyzers.Incremental.TreeBinding.For(bound, t, scans[i], filter, null, CancellationToken.None)).ToArray();
                var refined = filter.WithBoundNames((i, body) => bindings[i].NamesOf(body), CancellationToken.None);
                var unbound = scans.SelectMany((s, i) => s.Bodies.Where(b => filter.IsRelevant(b.Node) && !b.Intrinsic && bindings[i].NamesOf(b) is null)).Count();
                Console.WriteLine($"relevance by binding: {refined.RelevantCount} of them are walked ({unbound} candidates kept their syntax names)");
                return 0;
            }

            var check = args.Contains("--check");
            var edit = args.Contains("--edit") || check;
            var mismatches = 0;
            CSharpCompilation? compilation = null;
            for (var round = 1; round <= rounds; round++)
            {
                if (edit && compilation is not null)
                {
                    compilation = EditOneBody(compilation, round, spread: check);
                }
                else
                {
                    var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f)).ToArray();
                    compilation = CSharpCompilation.Create("Steps", trees, references,
                        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
                }

                Console.WriteLine($"round {round}, {files.Length} files");
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                var last = TimeSpan.Zero;
                var lastAllocated = allocatedBefore;
                CompilationAnalysis.StepObserver = step =>
                {
                    lock (clock)
                    {
                        var now = clock.Elapsed;
                        var allocated = GC.GetTotalAllocatedBytes(precise: true);
                        Console.WriteLine($"  {step,-34} {(now - last).TotalMilliseconds,6:F0} ms {(allocated - lastAllocated) / (1024.0 * 1024),7:F1} MB");
                        last = now;
                        lastAllocated = allocated;
                    }
                };
                var result = CompilationAnalysis.Run(compilation, settings, CancellationToken.None);
                CompilationAnalysis.StepObserver = null;
                Console.WriteLine($"  total {clock.ElapsedMilliseconds} ms, {result.AllDiagnostics.Count()} diagnostics, {result.Context?.Events.Count ?? 0} events, {result.Walked} trees walked ({result.BodiesCarried} of their bodies carried over), {result.Reused} carried over, {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (1024 * 1024)} MB allocated");
                if (check && round > 1)
                {
                    mismatches += CheckAgainstAFreshAnalysis(compilation, result, settings);
                }

                if (edit && (round == 1 || round == rounds))
                {
                    // What stays reachable between edits: the compilation, and the analysis kept for the next one. Measured after
                    // the first analysis and the last edit only: a full collection wakes the runtime's array-pool trimming, which
                    // then competes for the cores with the next round's analysis.
                    result = null!;
                    Console.WriteLine($"  live after a full collection {GC.GetTotalMemory(forceFullCollection: true) / (1024 * 1024)} MB");
                }
            }

            if (check)
            {
                Console.WriteLine($"{mismatches} edits whose analysis differed from a fresh one");
            }

            return mismatches == 0 ? 0 : 1;
        }

        /// <summary>
        /// Whether the analysis after an edit gives what a fresh analysis of the same sources gives: the same diagnostics, and the
        /// same events once the link step runs (so facts carried over and attached are checked, not only findings moved).
        /// </summary>
        private static int CheckAgainstAFreshAnalysis(CSharpCompilation compilation, CompilationAnalysis incremental, AnalyzerSettings settings)
        {
            var fresh = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));
            var expected = CompilationAnalysis.Run(fresh, settings, CancellationToken.None);
            static string Key(Diagnostic d) => d.Location.SourceTree?.FilePath + d.Location.SourceSpan + " " + d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            var now = incremental.AllDiagnostics.Select(Key).ToList();
            var then = expected.AllDiagnostics.Select(Key).ToList();
            var events = (incremental.Context?.Events.Count ?? 0, expected.Context?.Events.Count ?? 0);
            if (now.SequenceEqual(then) && events.Item1 == events.Item2)
            {
                Console.WriteLine($"  as a fresh analysis: {now.Count} diagnostics, {events.Item1} events");
                return 0;
            }

            Console.WriteLine($"  DIFFERS from a fresh analysis: events {events.Item1} against {events.Item2}");
            foreach (var line in now.Except(then).Take(5))
            {
                Console.WriteLine("    only after the edit: " + line);
            }

            foreach (var line in then.Except(now).Take(5))
            {
                Console.WriteLine("    only fresh: " + line);
            }

            return 1;
        }

        /// <summary>
        /// The compilation with one statement added at the start of the first method body of its middle file, or, spread, of a
        /// file further on each round.
        /// </summary>
        private static CSharpCompilation EditOneBody(CSharpCompilation compilation, int round, bool spread)
        {
            var byPath = compilation.SyntaxTrees.OrderBy(t => t.FilePath, StringComparer.Ordinal).ToList();
            var tree = byPath[byPath.Count / 2];
            if (spread)
            {
                var withBodies = byPath.Where(t => t.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Any(m => m.Body is not null)).ToList();
                tree = withBodies[round * 37 % withBodies.Count];
            }

            Console.WriteLine("  edited " + Path.GetFileName(tree.FilePath));
            var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().First(m => m.Body is not null).Body!;
            var text = tree.GetText().Replace(body.OpenBraceToken.Span.End, 0, " _ = " + round + ";");
            return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(text));
        }
    }
}
