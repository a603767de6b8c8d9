using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>
    /// Runs <typeparamref name="TCodeFix"/> on the diagnostics of <typeparamref name="TAnalyzer"/>, with the same
    /// references as <see cref="CSharpAnalyzerVerifier{TAnalyzer}"/>. Sources are named <c>File0.cs</c>, <c>File1.cs</c>, ...
    /// </summary>
    public static class CSharpCodeFixVerifier<TAnalyzer, TCodeFix>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        public static ReferenceAssemblies Net80 => TestReferences.Net80;

        public static DiagnosticResult Diagnostic(string id)
            => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(id);

        public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor)
            => CSharpCodeFixVerifier<TAnalyzer, TCodeFix, DefaultVerifier>.Diagnostic(descriptor);

        public static Task VerifyAnalyzerAsync(string source, params DiagnosticResult[] expected)
            => CSharpAnalyzerVerifier<TAnalyzer>.VerifyAnalyzerAsync(source, expected);

        /// <summary>
        /// Applies the fix to each diagnostic in turn until none is left (and checks that Fix All gives the same result).
        /// Pass <paramref name="fixedSource"/> equal to <paramref name="source"/> to assert that no fix is offered.
        /// </summary>
        public static Task VerifyCodeFixAsync(string source, DiagnosticResult[] expected, string fixedSource)
            => VerifyCodeFixAsync(new[] { source }, expected, new[] { fixedSource });

        public static Task VerifyCodeFixAsync(string source, DiagnosticResult expected, string fixedSource)
            => VerifyCodeFixAsync(new[] { source }, new[] { expected }, new[] { fixedSource });

        /// <summary>As above over several files; <paramref name="remaining"/> are the diagnostics expected after the fix.</summary>
        public static Task VerifyCodeFixAsync(string[] sources, DiagnosticResult[] expected, string[] fixedSources, params DiagnosticResult[] remaining)
        {
            var test = Create(sources, expected, fixedSources, ref remaining);
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>
        /// Checks the one-at-a-time result (<paramref name="fixedSource"/>) and the Fix All result
        /// (<paramref name="batchFixedSource"/>) separately; <paramref name="numberOfFixAllIterations"/> is how many
        /// Fix All passes it takes (null: not checked), and <paramref name="remaining"/> the diagnostics left after both.
        /// </summary>
        public static Task VerifyFixAllAsync(
            string source,
            DiagnosticResult[] expected,
            string fixedSource,
            string batchFixedSource,
            int? numberOfFixAllIterations = null,
            params DiagnosticResult[] remaining)
            => VerifyFixAllAsync(new[] { source }, expected, new[] { fixedSource }, new[] { batchFixedSource }, numberOfFixAllIterations, remaining);

        public static Task VerifyFixAllAsync(
            string[] sources,
            DiagnosticResult[] expected,
            string[] fixedSources,
            string[] batchFixedSources,
            int? numberOfFixAllIterations = null,
            params DiagnosticResult[] remaining)
        {
            var test = Create(sources, expected, fixedSources, ref remaining);
            for (var i = 0; i < batchFixedSources.Length; i++)
            {
                test.BatchFixedState.Sources.Add((TestReferences.FileName(i), batchFixedSources[i]));
            }

            test.BatchFixedState.ExpectedDiagnostics.AddRange(remaining);
            if (remaining.Length > 0)
            {
                test.BatchFixedState.MarkupHandling = MarkupMode.Allow;
            }

            if (numberOfFixAllIterations is int iterations)
            {
                test.NumberOfFixAllIterations = iterations;
            }

            return test.RunAsync(CancellationToken.None);
        }

        private static Test Create(string[] sources, DiagnosticResult[] expected, string[] fixedSources, ref DiagnosticResult[] remaining)
        {
            var test = new Test();
            for (var i = 0; i < sources.Length; i++)
            {
                test.TestState.Sources.Add((TestReferences.FileName(i), sources[i]));
            }

            for (var i = 0; i < fixedSources.Length; i++)
            {
                test.FixedState.Sources.Add((TestReferences.FileName(i), fixedSources[i]));
            }

            test.ExpectedDiagnostics.AddRange(expected);
            if (remaining.Length == 0 && SameSources(sources, fixedSources))
            {
                // No fix offered: the diagnostics stay where they were.
                remaining = expected;
            }

            test.FixedState.ExpectedDiagnostics.AddRange(remaining);
            if (remaining.Length > 0)
            {
                // The fixed state ignores diagnostics the fix could handle unless told to check them.
                test.FixedState.MarkupHandling = MarkupMode.Allow;
            }

            return test;
        }

        private static bool SameSources(string[] sources, string[] fixedSources)
        {
            if (sources.Length != fixedSources.Length)
            {
                return false;
            }

            for (var i = 0; i < sources.Length; i++)
            {
                if (sources[i] != fixedSources[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The configured test, for cases the helpers do not cover (equivalence keys, code action index, ...).</summary>
        public sealed class Test : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            public Test()
            {
                ReferenceAssemblies = TestReferences.Net80;
                TestState.AdditionalReferences.Add(TestReferences.Annotations);
            }
        }
    }
}
