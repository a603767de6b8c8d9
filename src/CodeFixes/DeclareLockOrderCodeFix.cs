using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1002: declare the lock order the code follows (<see cref="LockOrderDeclaration"/>), so the inferred order becomes a checked
    /// contract and the minority side of each cycle an LD1001 at the sites to change. One action declares the whole project's
    /// order, so there is no Fix All, and bulk fixing (<c>dotnet format</c>) never writes declarations on its own.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareLockOrderCodeFix)), Shared]
    public sealed class DeclareLockOrderCodeFix : CodeFixProvider
    {
        public const string EquivalenceKey = "LD1002.DeclareLockOrder";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1002");

        public override FixAllProvider? GetFixAllProvider() => null;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics.Where(d => d.Id == "LD1002"))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(LockOrderDeclaration.Title, ct => LockOrderDeclaration.DeclareAsync(context.Document.Project, ct), EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }
    }
}
