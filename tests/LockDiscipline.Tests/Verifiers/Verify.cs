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
        public static readonly ReferenceAssemblies Net80 = TestReferences.Net80;

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

        /// <summary>Runs a code fix over the prelude plus <paramref name="source"/>; <paramref name="fixedSource"/> equal to the source means no fix is offered.</summary>
        public static async Task CodeFixAsync<TFix>(string source, DiagnosticResult[] expected, string fixedSource, DiagnosticResult[]? remaining = null, bool fixAll = false)
            where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        {
            var test = new FixTest<TFix>();
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

        public sealed class FixTest<TFix> : Microsoft.CodeAnalysis.CSharp.Testing.CSharpCodeFixTest<LockDisciplineAnalyzer, TFix, DefaultVerifier>
            where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
        {
            public FixTest()
            {
                ReferenceAssemblies = Net80;
                TestState.AdditionalReferences.Add(TestReferences.Annotations);
            }
        }

        public sealed class Test : CSharpAnalyzerTest<LockDisciplineAnalyzer, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = Net80;
                TestState.AdditionalReferences.Add(TestReferences.Annotations);
            }
        }
    }
}
