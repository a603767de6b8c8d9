using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LockDiscipline.GraphTool
{
    /// <summary>
    /// Writes the lock-order graph of a compilation as DOT (and SVG when Graphviz's <c>dot</c> is on the PATH). Analyzers may not
    /// write files, so the package's targets run this after the compile with the same sources, references and defines, and it
    /// reuses the analyzer's own analysis and graph code.
    /// Usage: LockDiscipline.GraphTool INPUTS.txt OUT.dot, where each line of INPUTS.txt is "source:PATH", "reference:PATH",
    /// "define:SYMBOL", "langversion:VERSION" or "name:ASSEMBLY"; or LockDiscipline.GraphTool --baseline INPUTS.txt
    /// LockDiscipline.baseline, which writes the compilation's findings as a baseline (see the analyzer's Baseline).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var baseline = args.Length == 3 && args[0] == "--baseline";
            if (baseline)
            {
                args = args.Skip(1).ToArray();
            }

            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: LockDiscipline.GraphTool [--baseline] INPUTS.txt OUT");
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

            var analysis = CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
            if (baseline)
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
