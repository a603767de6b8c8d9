using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace LockDiscipline.CodeFixes
{
    /// <summary>The shape every fix here shares: read the document once, then offer (or not) a fix per diagnostic.</summary>
    public abstract class DiagnosticCodeFix : CodeFixProvider
    {
        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            if (await ReadAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                Register(context, root, model, diagnostic);
            }
        }

        /// <summary>The document's root and semantic model; read again when a fix is applied, since Fix All hands over other documents.</summary>
        protected static async Task<(SyntaxNode Root, SemanticModel Model)?> ReadAsync(Document document, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            return root is null || model is null ? null : (root, model);
        }

        /// <summary>Registers the fix for <paramref name="diagnostic"/> when its result would be correct; otherwise nothing.</summary>
        protected abstract void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic);
    }
}
