using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// The one provider the IDE and <c>dotnet format</c> see for the lock-order family (LD1001, LD1002, LD1004), registering its
    /// fixes safest first: swap two adjacent acquisitions, else hoist the inner one over the outer section
    /// (<see cref="ReorderLocksCodeFix"/>), else release the outer lock around the call that takes the inner one
    /// (<see cref="ReleaseAroundCallCodeFix"/>, which lets the guarded state change meanwhile). One provider, because
    /// <c>dotnet format</c> fixes an ID with one analysis: after a first provider changes a document, a second one is handed
    /// diagnostics that no longer match the solution and fixes nothing, so the split providers fixed only one kind per run.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockOrderCodeFix)), Shared]
    public sealed class LockOrderCodeFix : DiagnosticCodeFix
    {
        private static readonly DiagnosticCodeFix[] SafestFirst = { new ReorderLocksCodeFix(), new ReleaseAroundCallCodeFix() };

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1001", "LD1002", "LD1004");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            foreach (var fix in SafestFirst)
            {
                fix.RegisterInto(context, root, model, diagnostic);
            }
        }
    }
}
