using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LockDiscipline.Tests.KernelModel
{
    /// <summary>
    /// The code fixes applied to the pre-fix KernelModel: seed 004's cycle goes away when its MatrixDev.Lock sides are fixed the way
    /// upstream did (release the lock around the call that takes kvm->lock, holding a kvm reference), and nothing else changes.
    /// </summary>
    public class SeedFixTests
    {
        private const string VfioApOps = "VfioAp/VfioApOps.cs";

        [Fact]
        public async Task ReleasingMatrixDevLockAroundTheKvmCallsBreaksTheSeed004Cycle()
        {
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            var before = await KernelModelCompilation.AnalyzeAsync(compilation);
            Assert.Contains(before, d => d.Id == "LD1002" && d.Location.SourceTree!.FilePath == VfioApOps);

            var (project, documents) = Load(compilation);
            var titles = new List<string>();
            for (var round = 0; round < 5; round++)
            {
                var diagnostics = await KernelModelCompilation.AnalyzeAsync((CSharpCompilation)(await project.GetCompilationAsync())!);
                var target = diagnostics.FirstOrDefault(d => d.Id == "LD1002" && d.Location.SourceTree!.FilePath == VfioApOps);
                if (target is null)
                {
                    break;
                }

                var document = project.GetDocument(documents[VfioApOps])!;
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, target, (action, _) => actions.Add(action), CancellationToken.None);
                await new ReleaseAroundCallCodeFix().RegisterCodeFixesAsync(context);
                var action = Assert.Single(actions);
                titles.Add(action.Title);
                var operation = Assert.IsType<ApplyChangesOperation>(Assert.Single(await action.GetOperationsAsync(CancellationToken.None)));
                project = operation.ChangedSolution.GetProject(project.Id)!;
            }

            Assert.Equal(
                "Release 'MatrixDev.Lock' around the call to 'KvmArchCryptoClearMasks', holding a reference to 'kvm' (what 'MatrixDev.Lock' guards may change meanwhile)\n" +
                "Release 'MatrixDev.Lock' around the call to 'KvmArchCryptoSetMasks', holding a reference to 'kvm' (what 'MatrixDev.Lock' guards may change meanwhile)",
                string.Join("\n", titles));

            var after = await KernelModelCompilation.AnalyzeAsync((CSharpCompilation)(await project.GetCompilationAsync())!);
            Assert.DoesNotContain(after, IsSeed004Cycle);
            Assert.DoesNotContain(after, d => d.Location.SourceTree!.FilePath == VfioApOps);
            Assert.Equal(Describe(before.Where(d => !IsSeed004Cycle(d) && d.Location.SourceTree!.FilePath != VfioApOps)), Describe(after));

            var fixedText = (await project.GetDocument(documents[VfioApOps])!.GetTextAsync()).ToString();
            Assert.Contains(
                @"            var kvm = matrixMdev.Kvm;
            var apm = matrixMdev.Matrix.Apm;
            var aqm = matrixMdev.Matrix.Aqm;
            var adm = matrixMdev.Matrix.Adm;
            KvmMain.KvmGetKvm(kvm);
            MatrixDev.Lock.Unlock();
            KvmS390.KvmArchCryptoSetMasks(kvm, apm, aqm, adm);
            KvmMain.KvmPutKvm(kvm);
            MatrixDev.Lock.Lock();
",
                fixedText.Replace("\r\n", "\n"));
        }

        private static bool IsSeed004Cycle(Diagnostic diagnostic) => diagnostic.Id == "LD1002" && diagnostic.GetMessage().Contains("MatrixDev.Lock");

        private static string[] Describe(IEnumerable<Diagnostic> diagnostics)
            => diagnostics.Select(d => d.Id + " " + d.Location.SourceTree!.FilePath + " " + d.GetMessage()).OrderBy(s => s, System.StringComparer.Ordinal).ToArray();

        internal static (Project Project, Dictionary<string, DocumentId> Documents) Load(CSharpCompilation compilation)
        {
            var workspace = new AdhocWorkspace();
            var projectId = ProjectId.CreateNewId();
            var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
                projectId, VersionStamp.Default, "KernelModel", compilation.AssemblyName!, LanguageNames.CSharp,
                compilationOptions: compilation.Options,
                parseOptions: compilation.SyntaxTrees.First().Options,
                metadataReferences: compilation.References));
            var documents = new Dictionary<string, DocumentId>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                var id = DocumentId.CreateNewId(projectId);
                solution = solution.AddDocument(id, tree.FilePath, tree.GetText(), filePath: tree.FilePath);
                documents[tree.FilePath] = id;
            }

            return (solution.GetProject(projectId)!, documents);
        }
    }
}
