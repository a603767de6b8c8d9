using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>
    /// Runs <typeparamref name="TAnalyzer"/> over C# sources compiled against net8.0 and the annotations assembly.
    /// Sources are named <c>File0.cs</c>, <c>File1.cs</c>, ... in the order given.
    /// </summary>
    public static class CSharpAnalyzerVerifier<TAnalyzer>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        public static ReferenceAssemblies Net80 => TestReferences.Net80;

        public static DiagnosticResult Diagnostic(string id)
            => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor)
            => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(descriptor);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
            => VerifyAnalyzerAsync(new[] { source }, expected);

        public static Task VerifyAnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
        {
            var test = new Test();
            for (var i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add((TestReferences.FileName(i), sources[i]));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>The configured test, for cases the helpers do not cover (options files, compiler diagnostics, ...).</summary>
        public sealed class Test : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
                TestState.AdditionalReferences.Add(TestReferences.Annotations);
            }
        }
    }
}
