using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1001, LD1002 and LD1004: swap two acquisitions into the order the declaration (or the rest of the compilation) uses, with
    /// their releases. Offered only when nothing runs between the two acquisitions, so no statement that the moved lock protects
    /// changes side: nested <c>lock</c> statements whose outer body is only the inner one, or adjacent <c>Lock()</c> calls whose
    /// releases are adjacent in the reverse order. When other statements run in the outer section, the alternative is to hoist the
    /// inner acquisition above the outer one, holding it for the whole section; offered only when the analyzer found that nothing
    /// else in that section acquires, waits, drops a reference or calls an <c>[Excludes]</c> method (<see cref="FixProperties.Hoistable"/>),
    /// and the section has no jump out of it. An acquisition inside a callee gets neither (see <see cref="ReleaseAroundCallCodeFix"/>).
    /// </summary>
    public sealed class ReorderLocksCodeFix : DiagnosticCodeFix
    {
        public const string EquivalenceKey = "LD1001.ReorderLocks";

        public const string HoistEquivalenceKey = "LD1001.HoistInnerLock";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1001", "LD1002", "LD1004");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (!diagnostic.Properties.TryGetValue(FixProperties.Reorderable, out var reorderable) || reorderable != "true"
                || FixProperties.ParseHeldAt(diagnostic.Properties) is not { } heldAt)
            {
                return;
            }

            var inner = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var outer = root.FindNode(heldAt, getInnermostNodeForTie: true);
            var fixedRoot = SwapLockStatements(root, outer, inner) ?? SwapUsingGuards(root, outer, inner) ?? SwapCalls(root, model, outer, inner);
            if (fixedRoot is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Swap the two acquisitions into the lock order", _ => Task.FromResult(context.Document.WithSyntaxRoot(fixedRoot)), EquivalenceKey),
                    diagnostic);
                return;
            }

            if (!diagnostic.Properties.TryGetValue(FixProperties.Hoistable, out var hoistable) || hoistable != "true")
            {
                return;
            }

            var hoisted = HoistLockStatement(root, outer, inner) ?? HoistCalls(root, model, outer, inner);
            if (hoisted is { } hoist)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Hoist the acquisition of '{hoist.Inner}' above '{hoist.Outer}' (held for the whole section)",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(hoist.Root)),
                        HoistEquivalenceKey),
                    diagnostic);
            }
        }

        /// <summary><c>lock (a) { s1; lock (b) S; s3; }</c> becomes <c>lock (b) lock (a) { s1; S; s3; }</c>.</summary>
        private static (SyntaxNode Root, string Inner, string Outer)? HoistLockStatement(SyntaxNode root, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode.FirstAncestorOrSelf<LockStatementSyntax>() is not { Statement: BlockSyntax section } outer
                || innerNode.FirstAncestorOrSelf<LockStatementSyntax>() is not { } inner
                || !outer.Expression.Span.Contains(outerNode.Span) || !inner.Expression.Span.Contains(innerNode.Span)
                || inner.Parent != section)
            {
                return null;
            }

            var body = inner.Statement.WithLeadingTrivia(inner.GetLeadingTrivia()).WithTrailingTrivia(inner.GetTrailingTrivia());
            var newOuter = outer.ReplaceNode(inner, body);
            // Stacked on the next line with the outer lock's indentation, or on the same line when the code is written on one line.
            var leading = outer.GetLeadingTrivia();
            var multiLine = outer.CloseParenToken.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            var indentation = multiLine
                ? leading.Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Select(t => SyntaxFactory.TriviaList(t)).LastOrDefault()
                : default;
            var newLine = multiLine ? outer.CloseParenToken.TrailingTrivia : SyntaxFactory.TriviaList(SyntaxFactory.Space);
            var stacked = SyntaxFactory.LockStatement(
                    outer.LockKeyword,
                    outer.OpenParenToken,
                    inner.Expression.WithoutTrivia(),
                    outer.CloseParenToken.WithTrailingTrivia(newLine),
                    newOuter.WithLeadingTrivia(indentation))
                .WithLeadingTrivia(leading);
            return (root.ReplaceNode(outer, stacked), inner.Expression.ToString(), outer.Expression.ToString());
        }

        /// <summary>
        /// <c>A.Lock(); s1; B.Lock(); s2; B.Unlock(); s3; A.Unlock();</c> in one block becomes
        /// <c>B.Lock(); A.Lock(); s1; s2; s3; A.Unlock(); B.Unlock();</c>, when s1 and s3 neither jump nor release either lock.
        /// </summary>
        private static (SyntaxNode Root, string Inner, string Outer)? HoistCalls(SyntaxNode root, SemanticModel model, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode is not InvocationExpressionSyntax outerCall
                || innerNode is not InvocationExpressionSyntax innerCall
                || LockStatements.StatementOf(outerCall) is not { Parent: BlockSyntax block } outerAcquire
                || LockStatements.StatementOf(innerCall) is not { } innerAcquire
                || innerAcquire.Parent != block
                || LockStatements.LockExpressionText(outerCall, model) is not { } outerText
                || LockStatements.LockExpressionText(innerCall, model) is not { } innerText
                || LockStatements.FindRelease(block, innerAcquire, innerText, model) is not { } innerRelease
                || LockStatements.FindRelease(block, innerRelease, outerText, model) is not { } outerRelease
                || block.Statements.IndexOf(innerAcquire) < block.Statements.IndexOf(outerAcquire))
            {
                return null;
            }

            var statements = block.Statements;
            var rest = statements.Skip(statements.IndexOf(outerAcquire) + 1).Take(statements.IndexOf(innerAcquire) - statements.IndexOf(outerAcquire) - 1)
                .Concat(statements.Skip(statements.IndexOf(innerRelease) + 1).Take(statements.IndexOf(outerRelease) - statements.IndexOf(innerRelease) - 1));
            if (rest.Any(s => JumpsOrReleases(s, model)))
            {
                return null;
            }

            var list = statements.ToList();
            list.Remove(innerAcquire);
            list.Remove(innerRelease);
            list.Insert(list.IndexOf(outerAcquire), innerAcquire);
            list.Insert(list.IndexOf(outerRelease) + 1, innerRelease.WithTriviaFrom(outerRelease));
            return (root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(list))), innerText, outerText);
        }

        private static bool JumpsOrReleases(StatementSyntax statement, SemanticModel model)
            => statement.DescendantNodesAndSelf(n => n is not (LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or LocalFunctionStatementSyntax))
                .Any(n => n is ReturnStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax or GotoStatementSyntax or ThrowStatementSyntax or YieldStatementSyntax
                    || (n is InvocationExpressionSyntax invocation && LockStatements.IsRelease(invocation, model)));

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
            return Swap(root, (outerExpression, innerExpression));
        }

        /// <summary>
        /// Two <c>[ScopedLock]</c> guards: adjacent <c>using var</c> declarations (swapping them reverses the disposal too), or a
        /// <c>using (...)</c> statement whose body is only the inner one.
        /// </summary>
        private static SyntaxNode? SwapUsingGuards(SyntaxNode root, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { UsingKeyword.RawKind: not 0, Parent: BlockSyntax block } outerDeclaration
                && innerNode.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { UsingKeyword.RawKind: not 0 } innerDeclaration
                && innerDeclaration.Parent == block
                && block.Statements.IndexOf(innerDeclaration) == block.Statements.IndexOf(outerDeclaration) + 1)
            {
                return Swap(root, (outerDeclaration, innerDeclaration));
            }

            if (outerNode.FirstAncestorOrSelf<UsingStatementSyntax>() is { Expression: { } outerExpression } outerUsing
                && innerNode.FirstAncestorOrSelf<UsingStatementSyntax>() is { Expression: { } innerExpression } innerUsing
                && outerExpression.Span.Contains(outerNode.Span) && innerExpression.Span.Contains(innerNode.Span)
                && (outerUsing.Statement == innerUsing || (outerUsing.Statement is BlockSyntax body && body.Statements.Count == 1 && body.Statements[0] == innerUsing)))
            {
                return Swap(root, (outerExpression, innerExpression));
            }

            return null;
        }

        private static SyntaxNode? SwapCalls(SyntaxNode root, SemanticModel model, SyntaxNode outerNode, SyntaxNode innerNode)
        {
            if (outerNode is not InvocationExpressionSyntax outerCall
                || innerNode is not InvocationExpressionSyntax innerCall
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

            return Swap(root, (outerAcquire, innerAcquire), (innerRelease, outerRelease));
        }

        /// <summary>Exchanges the nodes of each pair, each taking the other's place with the trivia that stood there.</summary>
        private static SyntaxNode Swap(SyntaxNode root, params (SyntaxNode A, SyntaxNode B)[] swaps)
            => root.ReplaceNodes(
                swaps.SelectMany(s => new[] { s.A, s.B }),
                (original, _) =>
                {
                    var pair = swaps.First(s => s.A == original || s.B == original);
                    var other = pair.A == original ? pair.B : pair.A;
                    return other.WithTriviaFrom(original);
                });
    }
}
