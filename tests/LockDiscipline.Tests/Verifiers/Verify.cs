using System.IO;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>The one verifier every rule test uses: net8.0 reference assemblies from the restored pack, the annotations referenced.</summary>
    public static class Verify
    {
        /// <summary>Resolved from the package the test project downloads at restore; nothing is fetched while tests run.</summary>
        public static readonly ReferenceAssemblies Net80 = new ReferenceAssemblies(
            "net8.0",
            new PackageIdentity("Microsoft.NETCore.App.Ref", "8.0.28"),
            Path.Combine("ref", "net8.0"));

        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<LockDisciplineAnalyzer, DefaultVerifier>.Diagnostic(id);

        public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
            => AnalyzerAsync(new[] { source }, expected);

        public static async Task AnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
        {
            var test = new Test();
            for (var i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add(("File" + i + ".cs", sources[i]));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            await test.RunAsync(CancellationToken.None);
        }

        public sealed class Test : CSharpAnalyzerTest<LockDisciplineAnalyzer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = Net80;
                TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location));
            }
        }
    }
}
