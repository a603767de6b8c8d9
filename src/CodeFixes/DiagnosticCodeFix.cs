using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace LockDiscipline.CodeFixes
{
    /// <summary>The shape every fix here shares: read the document once, then offer (or not) a fix per diagnostic.</summary>
    public abstract class DiagnosticCodeFix : CodeFixProvider
    {
        /// <summary>Each provider registers its safest fix for a diagnostic first: that is the one bulk fixing applies (see <see cref="SafestFixAllProvider"/>).</summary>
        public sealed override FixAllProvider GetFixAllProvider() => SafestFixAllProvider.Instance;

        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            if (await ReadAsync(context.Document, context.CancellationToken).ConfigureAwait(false) is not var (root, model))
            {
                return;
            }

            // `dotnet format` hands a provider the first diagnostic it holds, whatever its ID.
            foreach (var diagnostic in context.Diagnostics.Where(d => FixableDiagnosticIds.Contains(d.Id)))
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

        /// <summary>Lets a provider that combines several fixes for one diagnostic family register this one's, in its order.</summary>
        internal void RegisterInto(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
            => Register(context, root, model, diagnostic);

        /// <summary>Registers the fix for <paramref name="diagnostic"/> when its result would be correct; otherwise nothing.</summary>
        protected abstract void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic);
    }
}
