using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// Fix All for every LockDiscipline fix, deterministic whoever asks. <c>dotnet format</c> asks for Fix All with the equivalence key
    /// of the first action the provider registers for the first diagnostic it happens to hold, which may be of another ID (so no
    /// action and a null key) and comes from a list filled concurrently (so a different one each run); the well-known batch fixer
    /// then finds no action with a null key and gives up, which is why bulk fixing fixed a different set of files each run.
    /// Here: with no key, each diagnostic gets the first action its provider registers, which every provider makes its safest; with
    /// a key, the action of that key where the diagnostic has one, else its first. Diagnostics are taken in document and span
    /// order, each fix's edits are kept only when they overlap no edit already kept (identical edits merge), and a diagnostic of a
    /// document that changed since it was computed is skipped rather than applied at stale positions.
    /// </summary>
    internal sealed class SafestFixAllProvider : FixAllProvider
    {
        public static readonly SafestFixAllProvider Instance = new();

        private SafestFixAllProvider()
        {
        }

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
            => new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var byDocument = await DiagnosticsByDocumentAsync(fixAllContext).ConfigureAwait(false);
            if (byDocument.Count == 0)
            {
                return null;
            }

            var title = "Fix all " + string.Join(", ", fixAllContext.DiagnosticIds.OrderBy(id => id, System.StringComparer.Ordinal));
            return CodeAction.Create(title, ct => FixAsync(fixAllContext, byDocument, ct), fixAllContext.CodeActionEquivalenceKey);
        }

        private static async Task<Solution> FixAsync(FixAllContext context, IReadOnlyList<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> byDocument, CancellationToken cancellationToken)
        {
            var solution = context.Solution;
            foreach (var (document, diagnostics) in byDocument)
            {
                var text = await FixDocumentAsync(context, document, diagnostics, cancellationToken).ConfigureAwait(false);
                if (text is not null)
                {
                    solution = solution.WithDocumentText(document.Id, text);
                }
            }

            return solution;
        }

        private static async Task<SourceText?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var original = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var kept = new List<TextChange>();
            foreach (var diagnostic in diagnostics)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await ChooseActionAsync(context, document, diagnostic, cancellationToken).ConfigureAwait(false) is not { } action)
                {
                    continue;
                }

                var operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
                if (operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution.GetDocument(document.Id) is not { } changed)
                {
                    continue;
                }

                var changes = (await changed.GetTextChangesAsync(document, cancellationToken).ConfigureAwait(false)).ToList();
                if (changes.Count == 0 || changes.Any(c => kept.Any(k => Conflicts(k, c))))
                {
                    continue;
                }

                kept.AddRange(changes.Where(c => !kept.Contains(c)));
            }

            return kept.Count == 0 ? null : original.WithChanges(kept.OrderBy(c => c.Span.Start).ThenBy(c => c.Span.Length));
        }

        /// <summary>Two edits that touch the same text and are not the same edit (two insertions at one point conflict too).</summary>
        private static bool Conflicts(TextChange a, TextChange b)
            => !a.Equals(b) && (a.Span.OverlapsWith(b.Span) || a.Span.Start == b.Span.Start
                || (a.Span.Length == 0 && b.Span.Contains(a.Span.Start)) || (b.Span.Length == 0 && a.Span.Contains(b.Span.Start)));

        private static async Task<CodeAction?> ChooseActionAsync(FixAllContext context, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var actions = new List<CodeAction>();
            var fixContext = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), cancellationToken);
            await context.CodeFixProvider.RegisterCodeFixesAsync(fixContext).ConfigureAwait(false);
            return context.CodeActionEquivalenceKey is { } key && actions.FirstOrDefault(a => a.EquivalenceKey == key) is { } matching
                ? matching
                : actions.FirstOrDefault();
        }

        /// <summary>The scope's diagnostics of the provider's IDs, per document in path order, each list in span order.</summary>
        private static async Task<IReadOnlyList<(Document Document, ImmutableArray<Diagnostic> Diagnostics)>> DiagnosticsByDocumentAsync(FixAllContext context)
        {
            var ids = context.DiagnosticIds.Intersect(context.CodeFixProvider.FixableDiagnosticIds).ToImmutableHashSet();
            var diagnostics = new List<Diagnostic>();
            switch (context.Scope)
            {
                case FixAllScope.Document when context.Document is { } only:
                    diagnostics.AddRange(await context.GetDocumentDiagnosticsAsync(only).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in context.Solution.Projects)
                    {
                        diagnostics.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    }

                    break;
            }

            var result = new List<(Document, ImmutableArray<Diagnostic>)>();
            foreach (var group in diagnostics.Where(d => ids.Contains(d.Id) && d.Location.IsInSource).GroupBy(d => d.Location.SourceTree!))
            {
                // A diagnostic computed before an earlier fix changed its document would be applied at stale positions.
                if (context.Solution.GetDocument(group.Key) is not { } document)
                {
                    continue;
                }

                result.Add((document, group
                    .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Location.SourceSpan.Length).ThenBy(d => d.Id, System.StringComparer.Ordinal)
                    .ThenBy(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparer.Ordinal)
                    .ToImmutableArray()));
            }

            return result.OrderBy(r => r.Item1.FilePath ?? r.Item1.Name, System.StringComparer.Ordinal).ToList();
        }
    }
}
