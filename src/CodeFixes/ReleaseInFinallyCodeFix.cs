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

            if (call.Parent is EqualsValueClauseSyntax { Parent.Parent.Parent: LocalDeclarationStatementSyntax declaration }
                && declaration.UsingKeyword.IsKind(SyntaxKind.None) && declaration.Parent is BlockSyntax)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Dispose the guard with 'using'", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(
                        declaration,
                        declaration.WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                            .WithLeadingTrivia(declaration.GetLeadingTrivia())
                            .WithDeclaration(declaration.Declaration.WithLeadingTrivia())))), UsingKey),
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
