using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1001 and LD1002: swap two acquisitions into the order the declaration (or the rest of the compilation) uses, with their
    /// releases. Offered only when nothing runs between the two acquisitions, so no statement that the moved lock protects changes
    /// side: nested <c>lock</c> statements whose outer body is only the inner one, or adjacent <c>Lock()</c> calls whose releases are
    /// adjacent in the reverse order. An acquisition inside a callee gets no fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReorderLocksCodeFix)), Shared]
    public sealed class ReorderLocksCodeFix : DiagnosticCodeFix
    {
        public const string EquivalenceKey = "LD1001.ReorderLocks";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1001", "LD1002");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Reorderable, out var reorderable) || reorderable != "true"
                || FixProperties.ParseHeldAt(diagnostic.Properties) is not { } heldAt)
            {
                return;
            }

            var inner = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var outer = root.FindNode(heldAt, getInnermostNodeForTie: true);
            var fixedRoot = SwapLockStatements(root, outer, inner) ?? SwapCalls(root, model, outer, inner);
            if (fixedRoot is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Swap the two acquisitions into the lock order", _ => Task.FromResult(context.Document.WithSyntaxRoot(fixedRoot)), EquivalenceKey),
                    diagnostic);
            }
        }

        private static SyntaxNode? SwapLockStatements(SyntaxNode root, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode.FirstAncestorOrSelf<LockStatementSyntax>() is not { } outer
                || innerNode.FirstAncestorOrSelf<LockStatementSyntax>() is not { } inner
                || !outer.Expression.Span.Contains(outerNode.Span) || !inner.Expression.Span.Contains(innerNode.Span))
            {
                return null;
            }

            var onlyChild = outer.Statement == inner || (outer.Statement is BlockSyntax block && block.Statements.Count == 1 && block.Statements[0] == inner);
            if (!onlyChild)
            {
                return null;
            }

            var outerExpression = outer.Expression;
            var innerExpression = inner.Expression;
            return root.ReplaceNodes(
                new SyntaxNode[] { outerExpression, innerExpression },
                (original, _) => original == outerExpression
                    ? innerExpression.WithTriviaFrom(outerExpression)
                    : outerExpression.WithTriviaFrom(innerExpression));
        }

        private static SyntaxNode? SwapCalls(SyntaxNode root, SemanticModel model, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } outerCall
                || innerNode.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } innerCall
                || LockStatements.StatementOf(outerCall) is not { Parent: BlockSyntax block } outerAcquire
                || LockStatements.StatementOf(innerCall) is not { } innerAcquire
                || innerAcquire.Parent != block
                || block.Statements.IndexOf(innerAcquire) != block.Statements.IndexOf(outerAcquire) + 1
                || LockStatements.LockExpressionText(outerCall, model) is not { } outerText
                || LockStatements.LockExpressionText(innerCall, model) is not { } innerText
                || LockStatements.FindRelease(block, innerAcquire, innerText, model) is not { } innerRelease
                || LockStatements.FindRelease(block, innerAcquire, outerText, model) is not { } outerRelease
                || block.Statements.IndexOf(outerRelease) != block.Statements.IndexOf(innerRelease) + 1)
            {
                return null;
            }

            var swaps = new (StatementSyntax A, StatementSyntax B)[] { (outerAcquire, innerAcquire), (innerRelease, outerRelease) };
            return root.ReplaceNodes(
                swaps.SelectMany(s => new[] { s.A, s.B }),
                (original, _) =>
                {
                    var pair = swaps.First(s => s.A == original || s.B == original);
                    var other = pair.A == original ? pair.B : pair.A;
                    return other.WithTriviaFrom(original);
                });
        }
    }
}
