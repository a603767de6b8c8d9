using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// The same declaration (<see cref="LockOrderDeclaration"/>) offered on any lock: a <c>lock</c> statement, or a call that
    /// acquires (a BCL lock's acquisition, an <c>[Acquires]</c>/<c>[TryAcquires]</c> method), with or without a finding.
    /// </summary>
    [ExportCodeRefactoringProvider(LanguageNames.CSharp, Name = nameof(DeclareLockOrderRefactoring)), Shared]
    public sealed class DeclareLockOrderRefactoring : CodeRefactoringProvider
    {
        private static readonly string[] BclAcquisitions =
        {
            "Enter", "TryEnter", "EnterScope", "Wait", "WaitAsync", "WaitOne", "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock",
            "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock",
        };

        public override async Task ComputeRefactoringsAsync(CodeRefactoringContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not { } node)
            {
                return;
            }

            var isLock = node.FirstAncestorOrSelf<LockStatementSyntax>() is { } statement && !statement.Statement.Span.Contains(context.Span);
            if (!isLock && node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } call
                && await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false) is { } model
                && model.GetSymbolInfo(call, context.CancellationToken).Symbol is IMethodSymbol method)
            {
                isLock = method.GetAttributes().Any(a => a.AttributeClass?.Name is "AcquiresAttribute" or "TryAcquiresAttribute")
                    || (method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading" && BclAcquisitions.Contains(method.Name));
            }

            if (isLock)
            {
                context.RegisterRefactoring(CodeAction.Create(
                    LockOrderDeclaration.Title,
                    ct => LockOrderDeclaration.DeclareAsync(context.Document.Project, ct),
                    DeclareLockOrderCodeFix.EquivalenceKey));
            }
        }
    }
}
