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
    /// round includes the JIT. --whole keeps whole chains for every lock class (the engine before the link step).
    /// Usage: dotnet run -c Release --project benchmarks/Steps -- FOLDER [ROUNDS] [--whole]
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

            for (var round = 1; round <= rounds; round++)
            {
                var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f)).ToArray();
                var compilation = CSharpCompilation.Create("Steps", trees, references,
                    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
                Console.WriteLine($"round {round}, {files.Length} files");
                var clock = Stopwatch.StartNew();
                var last = TimeSpan.Zero;
                CompilationAnalysis.StepObserver = step =>
                {
                    lock (clock)
                    {
                        var now = clock.Elapsed;
                        Console.WriteLine($"  {step,-20} {(now - last).TotalMilliseconds,8:F0} ms");
                        last = now;
                    }
                };
                var result = CompilationAnalysis.Run(compilation, settings, CancellationToken.None);
                CompilationAnalysis.StepObserver = null;
                Console.WriteLine($"  total {clock.ElapsedMilliseconds} ms, {result.AllDiagnostics.Count()} diagnostics, {result.Context?.Events.Count ?? 0} events");
            }

            return 0;
        }
    }
}
