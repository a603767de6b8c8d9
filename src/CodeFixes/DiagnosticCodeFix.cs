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
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                Register(context, root, model, diagnostic);
            }
        }

        /// <summary>Registers the fix for <paramref name="diagnostic"/> when its result would be correct; otherwise nothing.</summary>
        protected abstract void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic);
    }
}
