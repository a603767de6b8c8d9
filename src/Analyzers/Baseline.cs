using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// A checked-in list of today's findings (<c>LockDiscipline.baseline</c>, an additional file) that the analyzer reports as
    /// hidden LD0100 instead, so CI fails only on new findings. An entry is keyed by rule, the member the finding stands in
    /// (its documentation-comment ID) and the message with file names and line numbers taken out, so edits elsewhere, even in
    /// the same file, leave it valid; the same key twice in one member needs two entries.
    /// </summary>
    internal sealed class Baseline
    {
        public const string FileName = "LockDiscipline.baseline";

        private static readonly Regex Site = new(@"[\w.\-]+\.cs:\d+", RegexOptions.CultureInvariant);
        private static readonly Regex Line = new(@"\bline \d+\b", RegexOptions.CultureInvariant);

        private readonly ImmutableDictionary<string, int> _counts;

        private Baseline(ImmutableDictionary<string, int> counts) => _counts = counts;

        public static Baseline? From(ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
        {
            var file = files.Where(f => string.Equals(System.IO.Path.GetFileName(f.Path), FileName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f.Path, StringComparer.Ordinal).FirstOrDefault();
            return file?.GetText(cancellationToken) is { } text ? Parse(text) : null;
        }

        public static Baseline Parse(SourceText text)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var line in text.Lines)
            {
                var entry = line.ToString().Trim();
                if (entry.Length > 0 && !entry.StartsWith("#", StringComparison.Ordinal))
                {
                    counts.TryGetValue(entry, out var n);
                    counts[entry] = n + 1;
                }
            }

            return new Baseline(counts.ToImmutableDictionary(StringComparer.Ordinal));
        }

        /// <summary>
        /// The tree's diagnostics with those the baseline lists (in span order, up to the number of entries) turned into hidden
        /// LD0100s that name the finding they stand for.
        /// </summary>
        public IEnumerable<Diagnostic> Apply(IEnumerable<Diagnostic> diagnostics, SemanticModel model, CancellationToken cancellationToken)
        {
            var used = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var diagnostic in diagnostics)
            {
                var key = KeyOf(diagnostic, model, cancellationToken);
                used.TryGetValue(key, out var n);
                if (_counts.TryGetValue(key, out var listed) && n < listed)
                {
                    used[key] = n + 1;
                    yield return Diagnostic.Create(
                        Descriptors.LD0100_Baselined, diagnostic.Location, diagnostic.AdditionalLocations, diagnostic.Properties,
                        diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    yield return diagnostic;
                }
            }
        }

        /// <summary>The baseline file for <paramref name="diagnostics"/>: a header, then one sorted line per finding.</summary>
        public static string Render(Compilation compilation, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var keys = new List<string>();
            foreach (var diagnostic in diagnostics.Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal) && d.Location.SourceTree is not null))
            {
#pragma warning disable RS1030 // A tool's one pass over the findings, not an analyzer callback.
                var model = compilation.GetSemanticModel(diagnostic.Location.SourceTree!);
#pragma warning restore RS1030
                keys.Add(KeyOf(diagnostic, model, cancellationToken));
            }

            keys.Sort(StringComparer.Ordinal);
            return "# LockDiscipline baseline: findings that existed when it was written, reported as hidden LD0100 instead.\n"
                + "# Rewrite with: dotnet build -p:LockDisciplineBaseline=write (entries of fixed findings are dropped).\n"
                + string.Concat(keys.Select(k => k + "\n"));
        }

        /// <summary><c>ID|member|message</c>, the message without file names and line numbers.</summary>
        public static string KeyOf(Diagnostic diagnostic, SemanticModel model, CancellationToken cancellationToken)
        {
            var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            message = Line.Replace(Site.Replace(message, "<site>"), "line <n>");
            return diagnostic.Id + "|" + MemberOf(diagnostic.Location, model, cancellationToken) + "|" + message.Replace('\n', ' ').Replace('\r', ' ');
        }

        /// <summary>The documentation-comment ID of the member (or type) the location stands in; <c>assembly</c> outside any type.</summary>
        private static string MemberOf(Location location, SemanticModel model, CancellationToken cancellationToken)
        {
            if (!location.IsInSource || location.SourceTree != model.SyntaxTree)
            {
                return "?";
            }

            var node = model.SyntaxTree.GetRoot(cancellationToken).FindNode(location.SourceSpan, getInnermostNodeForTie: true);
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                ISymbol? symbol = ancestor switch
                {
                    VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } variable => model.GetDeclaredSymbol(variable, cancellationToken),
                    BaseFieldDeclarationSyntax field => model.GetDeclaredSymbol(field.Declaration.Variables.First(), cancellationToken),
                    MemberDeclarationSyntax member => model.GetDeclaredSymbol(member, cancellationToken),
                    _ => null,
                };
                if (symbol is not null)
                {
                    return symbol.GetDocumentationCommentId() ?? symbol.ToDisplayString();
                }
            }

            return "assembly";
        }
    }
}
