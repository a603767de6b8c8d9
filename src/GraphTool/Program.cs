using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using System.Reflection.PortableExecutable;
using System.Reflection.Metadata;

namespace LockDiscipline.GraphTool
{
    /// <summary>
    /// Writes the lock-order graph of a compilation as DOT (and SVG when Graphviz's <c>dot</c> is on the PATH). Analyzers may not
    /// write files, so the package's targets run this after the compile with the same sources, references and defines, and it
    /// reuses the analyzer's own analysis and graph code.
    /// Usage: LockDiscipline.GraphTool INPUTS.txt OUT.dot, where each line of INPUTS.txt is "source:PATH", "reference:PATH",
    /// "define:SYMBOL", "langversion:VERSION", "name:ASSEMBLY", "additional:PATH" (a referenced assembly's lock summary) or
    /// "module:PATH" (a built assembly whose module version ID a summary records); or LockDiscipline.GraphTool --baseline
    /// INPUTS.txt LockDiscipline.baseline, which writes the compilation's findings as a baseline (see the analyzer's Baseline); or
    /// LockDiscipline.GraphTool --summary INPUTS.txt NAME.lockdiscipline.txt, which writes the compilation's lock summary for the
    /// projects that reference it (docs/summaries.md).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var mode = args.Length == 3 && args[0] is "--baseline" or "--summary" ? args[0] : null;
            if (mode is not null)
            {
                args = args.Skip(1).ToArray();
            }

            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: LockDiscipline.GraphTool [--baseline | --summary] INPUTS.txt OUT");
                return 2;
            }

            if (!File.Exists(args[0]))
            {
                Console.Error.WriteLine("LockDiscipline: no inputs file " + args[0]);
                return 2;
            }

            var inputs = File.ReadAllLines(args[0]).Where(l => l.Contains(':')).Select(l => (Kind: l.Substring(0, l.IndexOf(':')), Value: l.Substring(l.IndexOf(':') + 1).Trim())).ToList();
            var defines = inputs.Where(i => i.Kind == "define").SelectMany(i => i.Value.Split(';', ',')).Where(d => d.Length > 0).ToArray();
            var version = LanguageVersion.Latest;
            if (inputs.FirstOrDefault(i => i.Kind == "langversion").Value is { Length: > 0 } text)
            {
                LanguageVersionFacts.TryParse(text, out version);
            }

            var parse = new CSharpParseOptions(version, preprocessorSymbols: defines);
            var trees = inputs.Where(i => i.Kind == "source").Select(i => CSharpSyntaxTree.ParseText(File.ReadAllText(i.Value), parse, i.Value)).ToList();
            var references = inputs.Where(i => i.Kind == "reference" && File.Exists(i.Value)).Select(i => (MetadataReference)MetadataReference.CreateFromFile(i.Value)).ToList();
            var name = inputs.FirstOrDefault(i => i.Kind == "name").Value ?? "Graph";
            var compilation = CSharpCompilation.Create(name, trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

            var additional = inputs.Where(i => i.Kind == "additional" && File.Exists(i.Value)).Select(i => (AdditionalText)new FileText(i.Value)).ToImmutableArray();
            var settings = AnalyzerSettings.Default.WithSummaries(ExternalSummaries.From(additional, CancellationToken.None));
            var analysis = CompilationAnalysis.Run(compilation, settings, CancellationToken.None);
            if (mode == "--summary")
            {
                var modules = inputs.Where(i => i.Kind == "module" && File.Exists(i.Value)).Select(i => ModuleVersionId(i.Value)).Where(m => m is not null).Select(m => m!.Value);
                var file = Path.GetFullPath(args[1]);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                string summary;
                try
                {
                    summary = SummaryWriter.Write(compilation, analysis, modules).Render();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A summary is never worth a failed build: the projects that reference this one say it is missing (LD0003).
                    Console.WriteLine($"LockDiscipline.GraphTool : warning LD0003: the lock summary of '{name}' could not be written ({ex.GetType().Name}: {ex.Message}); projects that reference it analyse calls into it as if they took no lock");
                    return 0;
                }

                // Rewritten only when it changes, so the builds that read it stay up to date instead of compiling again.
                if (!File.Exists(file) || File.ReadAllText(file) != summary)
                {
                    File.WriteAllText(file, summary);
                }

                Console.WriteLine("LockDiscipline: lock summary written to " + file);
                return 0;
            }

            if (mode == "--baseline")
            {
                var file = Path.GetFullPath(args[1]);
                var findings = analysis.AllDiagnostics.ToList();
                File.WriteAllText(file, Baseline.Render(compilation, findings, CancellationToken.None));
                Console.WriteLine($"LockDiscipline: {findings.Count} finding(s) written to the baseline {file}");
                return 0;
            }

            var dot = analysis.Context is null ? "digraph \"" + name + "\" {\n}\n" : DotWriter.Write(analysis.Context, name);
            var output = Path.GetFullPath(args[1]);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.WriteAllText(output, dot);
            Console.WriteLine("LockDiscipline: lock-order graph written to " + output);
            TryWriteSvg(output);
            return 0;
        }

        private static Guid? ModuleVersionId(string assembly)
        {
            try
            {
                using var stream = File.OpenRead(assembly);
                using var pe = new PEReader(stream);
                var reader = pe.GetMetadataReader();
                return reader.GetGuid(reader.GetModuleDefinition().Mvid);
            }
            catch (Exception ex) when (ex is BadImageFormatException or IOException or InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>An additional file read from disk, as the compiler hands it to analyzers.</summary>
        private sealed class FileText : AdditionalText
        {
            public FileText(string path) => Path = path;

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path));
        }

        private static void TryWriteSvg(string dotFile)
        {
            var svg = Path.ChangeExtension(dotFile, ".svg");
            try
            {
                using var process = Process.Start(new ProcessStartInfo("dot", $"-Tsvg \"{dotFile}\" -o \"{svg}\"") { UseShellExecute = false, RedirectStandardError = true });
                if (process is not null && process.WaitForExit(60_000) && process.ExitCode == 0)
                {
                    Console.WriteLine("LockDiscipline: lock-order graph drawn to " + svg);
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Graphviz is not installed: the DOT file is the result.
            }
        }
    }
}
