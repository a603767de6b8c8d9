using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// A span of another tree that a tree's walk read, by the tree's path (facts outlive the tree objects they read), or
    /// searched (<see cref="SyntaxSearch"/>). An edit of that tree leaves a read standing when no change touches its span, and a
    /// search when every change it meets lies in a member the search finds nothing in, before or after the edit; either then
    /// moves with the text before it.
    /// </summary>
    internal readonly struct PathRead : IEquatable<PathRead>
    {
        public PathRead(string path, TextSpan span, SyntaxSearch? search = null)
        {
            Path = path;
            Span = span;
            Search = search;
        }

        public string Path { get; }

        public TextSpan Span { get; }

        /// <summary>For a search, what it looks for; null for a read of every token in the span.</summary>
        public SyntaxSearch? Search { get; }

        /// <summary>
        /// The reads of one walk in the other trees, in path order: overlapping reads of a tree joined, searches kept apart
        /// unless a read covers them.
        /// </summary>
        public static ImmutableArray<PathRead> Of(IEnumerable<SyntaxReads.SpanRead> reads, SyntaxTree? own)
            => Of(reads.Where(r => r.Tree != own).Select(r => r.AsRead).Select(r => new PathRead(r.Tree.FilePath, r.Span, r.Search)));

        /// <summary>
        /// The reads of one body's walk in every tree, its own included, but for where the locations its facts keep stand in its
        /// own tree: a body carried over inside its edited tree has those moved with the edit.
        /// </summary>
        public static ImmutableArray<PathRead> OfBody(IEnumerable<SyntaxReads.SpanRead> reads, SyntaxTree own)
        {
            var kept = reads.Distinct().Where(r => !(r.Position && r.Tree == own)).Select(r => r.AsRead).Select(r => new PathRead(r.Tree.FilePath, r.Span, r.Search)).ToList();
            return kept.Count == 0 ? ImmutableArray<PathRead>.Empty : Of(kept);
        }

        /// <summary>Reads in path order, overlapping reads of a tree joined, searches kept apart unless a read covers them.</summary>
        public static ImmutableArray<PathRead> Of(IEnumerable<PathRead> reads)
        {
            var result = ImmutableArray.CreateBuilder<PathRead>();
            foreach (var tree in reads.GroupBy(r => r.Path, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var spans = Joined(tree.Where(r => r.Search is null).Select(r => r.Span));
                result.AddRange(spans.Select(s => new PathRead(tree.Key, s)));
                result.AddRange(tree.Where(r => r.Search is not null && !spans.Any(s => s.Contains(r.Span))).Distinct()
                    .OrderBy(r => r.Span.Start).ThenBy(r => r.Span.End).ThenBy(r => r.Search!.Key, StringComparer.Ordinal));
            }

            return result.ToImmutable();
        }

        private static List<TextSpan> Joined(IEnumerable<TextSpan> spans)
        {
            var joined = new List<TextSpan>();
            foreach (var span in spans.OrderBy(s => s.Start).ThenBy(s => s.End))
            {
                if (joined.Count > 0 && span.Start <= joined[joined.Count - 1].End)
                {
                    var open = joined[joined.Count - 1];
                    joined[joined.Count - 1] = TextSpan.FromBounds(open.Start, Math.Max(open.End, span.End));
                }
                else
                {
                    joined.Add(span);
                }
            }

            return joined;
        }

        /// <summary>
        /// Whether the edit from <paramref name="before"/> to <paramref name="after"/> changed what was read. A change touches a
        /// read when it overlaps the span or meets it at either end (a token grown at its edge is a change of what was read); a
        /// search, unless the change lies inside one member of the span, in the same member after the edit, and the search
        /// finds nothing in either version of that member. <paramref name="changes"/> are in the earlier text's positions, in order.
        /// </summary>
        public bool TouchedBy(IReadOnlyList<TextChangeRange> changes, SyntaxTree before, SyntaxTree after, System.Threading.CancellationToken cancellationToken)
        {
            var shift = 0;
            foreach (var change in changes)
            {
                var touches = change.Span.Start <= Span.End && Span.Start <= change.Span.End;
                if (touches && (Search is not { } search
                                || !(MemberAround(before, change.Span, cancellationToken) is { } earlier && Span.Contains(earlier.Span) && !search.FoundIn(earlier))
                                || !(MemberAround(after, new TextSpan(change.Span.Start + shift, change.NewLength), cancellationToken) is { } later && !search.FoundIn(later))))
                {
                    return true;
                }

                shift += change.NewLength - change.Span.Length;
            }

            return false;
        }

        /// <summary>The innermost member declaration (not a type) around <paramref name="span"/>.</summary>
        private static SyntaxNode? MemberAround(SyntaxTree tree, TextSpan span, System.Threading.CancellationToken cancellationToken)
        {
            var node = tree.GetRoot(cancellationToken).FindNode(span, getInnermostNodeForTie: true);
            var member = node.AncestorsAndSelf().FirstOrDefault(n => n is MemberDeclarationSyntax and not BaseTypeDeclarationSyntax and not BaseNamespaceDeclarationSyntax);
            return member is not null && member.Span.Contains(span) ? member : null;
        }

        /// <summary>
        /// The span in the later text: moved by the changes before it, and for a search, grown or shrunk by the changes inside
        /// it (<see cref="TouchedBy"/> found them in members the search finds nothing in).
        /// </summary>
        public PathRead MovedBy(IReadOnlyList<TextChangeRange> changes)
        {
            if (Span == SyntaxReads.WholeTree)
            {
                // A search of the whole tree (a plain read of it is touched by any edit): it still reaches every end.
                return this;
            }

            var start = Span.Start;
            var end = Span.End;
            foreach (var change in changes)
            {
                var delta = change.NewLength - change.Span.Length;
                if (change.Span.End < Span.Start)
                {
                    start += delta;
                    end += delta;
                }
                else if (change.Span.Start <= Span.End)
                {
                    end += delta;
                }
            }

            return start == Span.Start && end == Span.End ? this : new PathRead(Path, TextSpan.FromBounds(start, end), Search);
        }

        public bool Equals(PathRead other) => string.Equals(Path, other.Path, StringComparison.Ordinal) && Span == other.Span && Equals(Search, other.Search);

        public override bool Equals(object? obj) => obj is PathRead other && Equals(other);

        public override int GetHashCode() => (StringComparer.Ordinal.GetHashCode(Path) * 397) ^ Span.GetHashCode();
    }
}
