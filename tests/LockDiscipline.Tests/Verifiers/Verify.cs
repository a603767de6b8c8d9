using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>
    /// The short form the rule and fix tests use for LockDiscipline's own analyzer, on top of the general verifiers
    /// (<see cref="CSharpAnalyzerVerifier{TAnalyzer}"/>, <see cref="CSharpCodeFixVerifier{TAnalyzer, TCodeFix}"/>): net8.0
    /// reference assemblies from the restored pack, the annotations referenced, the fix tests with the shared prelude.
    /// </summary>
    public static class Verify
    {
        /// <summary>Resolved from the package the test project downloads at restore; nothing is fetched while tests run.</summary>
        public static readonly ReferenceAssemblies Net80 = TestReferences.Net80;

        public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<LockDisciplineAnalyzer>.Diagnostic(id);

        public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
            => CSharpAnalyzerVerifier<LockDisciplineAnalyzer>.VerifyAnalyzerAsync(source, expected);

        public static Task AnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
            => CSharpAnalyzerVerifier<LockDisciplineAnalyzer>.VerifyAnalyzerAsync(sources, expected);

        /// <summary>
        /// Runs a code fix over the prelude plus <paramref name="source"/>; <paramref name="fixedSource"/> equal to the source means no fix
        /// (with <paramref name="equivalenceKey"/>, no fix of that kind) is offered.
        /// </summary>
        public static async Task CodeFixAsync<TFix>(string source, DiagnosticResult[] expected, string fixedSource, DiagnosticResult[]? remaining = null, bool fixAll = false, string? equivalenceKey = null)
            where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        {
            var test = new CSharpCodeFixVerifier<LockDisciplineAnalyzer, TFix>.Test { CodeActionEquivalenceKey = equivalenceKey };
            test.TestState.Sources.Add(("File0.cs", Rules.Prelude.Primitives));
            test.TestState.Sources.Add(("File1.cs", source));
            test.ExpectedDiagnostics.AddRange(expected);
            test.FixedState.Sources.Add(("File0.cs", Rules.Prelude.Primitives));
            test.FixedState.Sources.Add(("File1.cs", fixedSource));
            test.FixedState.ExpectedDiagnostics.AddRange(remaining ?? new DiagnosticResult[0]);
            if (remaining is not null && remaining.Length > 0 && fixedSource == source)
            {
                test.FixedState.MarkupHandling = MarkupMode.Allow;
            }

            if (fixAll)
            {
                test.BatchFixedState.Sources.Add(("File0.cs", Rules.Prelude.Primitives));
                test.BatchFixedState.Sources.Add(("File1.cs", fixedSource));
                test.BatchFixedState.ExpectedDiagnostics.AddRange(remaining ?? new DiagnosticResult[0]);
            }
            else
            {
                test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllCheck;
            }

            await test.RunAsync(CancellationToken.None);
        }
    }
}
