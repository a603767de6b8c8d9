using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Benchmarks
{
    /// <summary>
    /// Runs LockDiscipline over every .cs file below a folder (someone else's code, as one compilation with the framework's
    /// references only, so code that needs a package has compiler errors) and prints analyzer exceptions, findings by ID and the
    /// time taken. For robustness and precision checks on real code: an exception is a bug; a flood of LD1002 is imprecision.
    /// Usage: dotnet run -c Release --project benchmarks/RealCode -- FOLDER [--show N] [--option key=value ...]
    /// </summary>
    public static class RealCode
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 0 || !Directory.Exists(args[0]))
            {
                Console.Error.WriteLine("usage: RealCode FOLDER [--show N] [--option key=value ...]");
                return 2;
            }

            var show = 10;
            var options = ImmutableDictionary.CreateBuilder<string, string>();
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--show":
                        show = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case "--option" when args[i + 1].Split('=', 2) is [var key, var value]:
                        options[key] = value;
                        break;
                }
            }

            var files = Directory.GetFiles(args[0], "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f)).ToArray();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location));
            var compilation = CSharpCompilation.Create("RealCode", trees, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);

            var exceptions = 0;
            var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new OptionsProvider(options.ToImmutable()));
            var withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()),
                new CompilationWithAnalyzersOptions(analyzerOptions, (exception, _, _) => { exceptions++; Console.WriteLine("analyzer exception: " + exception); }, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
            var stopwatch = Stopwatch.StartNew();
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            stopwatch.Stop();

            Console.WriteLine($"{files.Length} files, {errors} compiler errors, analysis {stopwatch.ElapsedMilliseconds} ms, {exceptions} analyzer exceptions");
            foreach (var group in diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {group.Key} x{group.Count()}");
            }

            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).Take(show))
            {
                Console.WriteLine("  " + diagnostic);
            }

            return exceptions == 0 ? 0 : 1;
        }

        private sealed class OptionsProvider : AnalyzerConfigOptionsProvider
        {
            private readonly Options _options;

            public OptionsProvider(ImmutableDictionary<string, string> values) => _options = new Options(values);

            public override AnalyzerConfigOptions GlobalOptions => _options;

            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

            private sealed class Options : AnalyzerConfigOptions
            {
                private readonly ImmutableDictionary<string, string> _values;

                public Options(ImmutableDictionary<string, string> values) => _values = values;

                public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
            }
        }
    }
}
