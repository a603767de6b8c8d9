using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.CodeFixes;
using LockDiscipline.Tests.KernelModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LockDiscipline.Tests.CodeFixes
{
    /// <summary>
    /// Every code fix, asked about every finding in the pre-fix KernelModel (real code, not a test snippet): asking never throws,
    /// and every fix offered leaves the document it changes free of compiler errors.
    /// </summary>
    public class CodeFixRobustnessTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public CodeFixRobustnessTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

        private static readonly CodeFixProvider[] Providers =
        {
            new MoveDropAfterReleaseCodeFix(),
            new ReorderLocksCodeFix(),
            new ReleaseAroundCallCodeFix(),
            new ReleaseInFinallyCodeFix(),
            new DropOnLeakingReturnCodeFix(),
            new SemaphoreForAsyncCodeFix(),
            new LockOrderCodeFix(),
        };

        [Fact]
        public async Task EveryFixOfferedOnThePreFixModelCompiles()
        {
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            var diagnostics = await KernelModelCompilation.AnalyzeAsync(compilation);
            var (project, documents) = SeedFixTests.Load(compilation);
            var asked = 0;
            var offered = new List<string>();
            foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource))
            {
                var document = project.GetDocument(documents[diagnostic.Location.SourceTree!.FilePath])!;
                foreach (var provider in Providers.Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
                {
                    asked++;
                    var actions = new List<CodeAction>();
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        var operation = Assert.IsType<ApplyChangesOperation>(Assert.Single(await action.GetOperationsAsync(CancellationToken.None)));
                        var changed = operation.ChangedSolution.GetDocument(document.Id)!;
                        var model = (await changed.GetSemanticModelAsync())!;
                        var errors = model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                        Assert.True(errors.Count == 0, $"'{action.Title}' for {diagnostic.Id} at {KernelModelCompilation.Site(diagnostic)} leaves errors: {string.Join("; ", errors)}");
                        offered.Add(diagnostic.Id + " " + action.EquivalenceKey);
                    }
                }
            }

            _output.WriteLine($"{asked} questions; offered: " + string.Join(", ", offered.GroupBy(o => o).Select(g => g.Key + " x" + g.Count())));

            // The pre-fix model has findings for every fix family but the hoist; each must be offered at least once somewhere.
            Assert.True(asked > 0);
            foreach (var expected in new[] { "LD2004 " + MoveDropAfterReleaseCodeFix.EquivalenceKey, "LD1002 " + ReleaseAroundCallCodeFix.EquivalenceKey })
            {
                Assert.Contains(expected, offered);
            }
        }
    }
}
