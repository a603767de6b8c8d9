using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1008 (a lock left held on some path): wrap the held region in <c>try/finally</c> with the release that already ends it, or
    /// dispose a <c>[ScopedLock]</c> guard with <c>using</c>. Offered only where the matching release is a later statement of the same block.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReleaseInFinallyCodeFix)), Shared]
    public sealed class ReleaseInFinallyCodeFix : DiagnosticCodeFix
    {
        public const string TryFinallyKey = "LD1008.ReleaseInFinally";
        public const string UsingKey = "LD1008.UsingGuard";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1008");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (call is null || LockStatements.IsRelease(call, model))
            {
                return;
            }

            if (call.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax guardVariable, Parent.Parent.Parent: LocalDeclarationStatementSyntax declaration }
                && declaration.UsingKeyword.IsKind(SyntaxKind.None) && declaration.Parent is BlockSyntax guardBlock)
            {
                // The explicit disposals the `using` replaces go; one that is not a statement of the block would then run twice.
                var disposals = guardBlock.DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target }
                        && target.Identifier.ValueText == guardVariable.Identifier.ValueText)
                    .ToList();
                if (disposals.Any(d => d.Parent is not ExpressionStatementSyntax { Parent: var owner } || owner != guardBlock))
                {
                    return;
                }

                var disposalStatements = disposals.Select(d => (StatementSyntax)d.Parent!).ToList();
                context.RegisterCodeFix(
                    CodeAction.Create("Dispose the guard with 'using'", _ => Task.FromResult(context.Document.WithSyntaxRoot(UseUsing(root, guardBlock, declaration, disposalStatements))), UsingKey),
                    diagnostic);
                return;
            }

            if (LockStatements.StatementOf(call) is { Parent: BlockSyntax block } acquire
                && LockStatements.LockExpressionText(call, model) is { } lockText
                && LockStatements.FindRelease(block, acquire, lockText, model) is { } release)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Release the lock in a finally block", _ => Task.FromResult(context.Document.WithSyntaxRoot(Wrap(root, block, acquire, release))), TryFinallyKey),
                    diagnostic);
            }
        }

        private static SyntaxNode UseUsing(SyntaxNode root, BlockSyntax block, LocalDeclarationStatementSyntax declaration, IReadOnlyList<StatementSyntax> disposals)
        {
            var usingDeclaration = declaration.WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithLeadingTrivia(declaration.GetLeadingTrivia())
                .WithDeclaration(declaration.Declaration.WithLeadingTrivia());
            var statements = block.Statements
                .Where(s => !disposals.Contains(s))
                .Select(s => s == declaration ? usingDeclaration : s);
            return root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements)));
        }

        private static SyntaxNode Wrap(SyntaxNode root, BlockSyntax block, StatementSyntax acquire, StatementSyntax release)
        {
            var first = block.Statements.IndexOf(acquire) + 1;
            var last = block.Statements.IndexOf(release);
            var held = block.Statements.Skip(first).Take(last - first).ToList();
            var tryStatement = SyntaxFactory.TryStatement(
                    SyntaxFactory.Block(held),
                    default,
                    SyntaxFactory.FinallyClause(SyntaxFactory.Block(release.WithoutLeadingTrivia())))
                .WithLeadingTrivia(held.FirstOrDefault()?.GetLeadingTrivia() ?? release.GetLeadingTrivia())
                .WithAdditionalAnnotations(Formatter.Annotation);
            var statements = block.Statements.Take(first).Append(tryStatement).Concat(block.Statements.Skip(last + 1));
            return root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements)));
        }
    }
}
