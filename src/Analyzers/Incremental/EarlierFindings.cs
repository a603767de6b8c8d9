using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// The last analysis's findings, moved by an edit that changed no facts. The link step (summaries, events, rules) reads the
    /// trees' facts, the declarations and the syntax it records reading; when the trees walked again give the facts they gave
    /// before (<see cref="FactsFingerprint"/>, positions moved by the edit), no declaration changed and the edit touched nothing
    /// the link step read, it would find what it found before, at the moved positions. Typing inside a body mostly is such an
    /// edit. The facts compared include each walked tree's final reference findings and inferred <c>[ReturnsRef]</c> (after
    /// the returned-reference fixpoint), which is what the link step reads of reference counting. Edits of a tree whose bodies
    /// were walked again with what their callers hold are left out, and so are edits that renumber lines a message names.
    /// </summary>
    internal sealed class EarlierFindings
    {
        private EarlierFindings(IReadOnlyList<Finding> findings, ImmutableArray<PathRead> linkReads)
        {
            Findings = findings;
            LinkReads = linkReads;
        }

        public IReadOnlyList<Finding> Findings { get; }

        /// <summary>What the link step read, where it stands after the edit.</summary>
        public ImmutableArray<PathRead> LinkReads { get; }

        /// <summary>The findings of <paramref name="from"/>, moved by <paramref name="edits"/>; null when the link step must run.</summary>
        /// <param name="resolver">Finds the earlier facts' symbols in the new compilation, for an edited tree whose earlier facts are detached.</param>
        public static EarlierFindings? Moved(Lineage from, IReadOnlyDictionary<string, Lineage.Edit> edits, TreeFacts[] perTree, SymbolResolver resolver, CancellationToken cancellationToken)
        {
            var earlierByPath = new Dictionary<string, TreeFacts>(StringComparer.Ordinal);
            foreach (var tree in from.Trees)
            {
                earlierByPath[tree.Tree.FilePath] = tree;
            }

            foreach (var tree in perTree.Where(t => !t.Reused))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = tree.Tree.FilePath;
                var why = !earlierByPath.TryGetValue(path, out var earlier) ? "a new tree"
                    : from.WalkedWithCallersLocks.Contains(path) ? "walked with its callers' locks"
                    : !SameFacts(earlier.Attach(resolver), tree, edits) ? "other facts"
                    : null;
                if (why is not null)
                {
                    return LinkNeeded(why + " in " + System.IO.Path.GetFileName(path));
                }
            }

            var linkReads = ImmutableArray.CreateBuilder<PathRead>(from.LinkReads.Length);
            foreach (var read in from.LinkReads)
            {
                if (edits.TryGetValue(read.Path, out var edit))
                {
                    if (read.TouchedBy(edit.Ranges, edit.Before, edit.After, cancellationToken))
                    {
                        return LinkNeeded($"the link step read the edited syntax ({read.Span.Length} of {edit.Before.Length} characters{(read.Search is null ? string.Empty : ", a search for " + read.Search.Key)})");
                    }

                    linkReads.Add(read.MovedBy(edit.Ranges));
                }
                else
                {
                    linkReads.Add(read);
                }
            }

            var renumbered = edits.Values.Select(e => (Name: System.IO.Path.GetFileName(e.After.FilePath) + ":", From: FirstRenumberedLine(e))).Where(e => e.From is not null).ToList();
            var findings = new List<Finding>(from.Findings.Count);
            foreach (var finding in from.Findings)
            {
                if (renumbered.Count > 0)
                {
                    var message = finding.Diagnostic.GetMessage(CultureInfo.InvariantCulture);
                    if (renumbered.Any(e => NamesLineFrom(message, e.Name, e.From!.Value)))
                    {
                        return LinkNeeded("a message names a renumbered line");
                    }
                }

                if (MovedFinding(finding, edits) is not { } moved)
                {
                    return LinkNeeded("a finding is where the edit changed");
                }

                findings.Add(moved);
            }

            return new EarlierFindings(findings, linkReads.MoveToImmutable());
        }

        /// <summary>Null, with the reason named for benchmarks/Steps.</summary>
        private static EarlierFindings? LinkNeeded(string why)
        {
            CompilationAnalysis.StepObserver?.Invoke("  link needed: " + why);
            return null;
        }

        /// <summary>
        /// Whether a walk gave the facts the earlier walk of the same tree gave, the earlier positions moved by the edits (false
        /// when the earlier facts, carried over detached, could not be attached), body by body: the same declarations' bodies, in
        /// the same order, each giving what it gave. A body this walk carried over gave its earlier facts by construction, unless
        /// they name a line an edit may have renumbered. The fingerprints compared are made once per body and kept with it. Earlier
        /// facts attached in the new compilation name its lambdas and locals, which stand where the edit moved them already:
        /// placed as they are, they match.
        /// </summary>
        private static bool SameFacts(TreeFacts? earlier, TreeFacts now, IReadOnlyDictionary<string, Lineage.Edit> edits)
        {
            if (earlier is null || earlier.Bodies.Count != now.Bodies.Count || !Same(earlier.TreeLevelFingerprint(), now.TreeLevelFingerprint(), edits))
            {
                return false;
            }

            edits.TryGetValue(now.Tree.FilePath, out var edit);
            for (var i = 0; i < now.Bodies.Count; i++)
            {
                var before = earlier.Bodies[i];
                var after = now.Bodies[i];
                var moved = edit is null ? before.Span : edit.Moved(before.Span);
                if (moved is { } span && span != after.Span)
                {
                    // Another declaration's body: the edit made a body relevant, or left one out.
                    return false;
                }

                if (!(now.WasCarried(after, out var namesALine) && !namesALine) && !Same(before.Fingerprint(), after.Fingerprint(), edits))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool Same(FactsFingerprint? before, FactsFingerprint? after, IReadOnlyDictionary<string, Lineage.Edit> edits)
            => before is not null && after is not null && before.SameAs(after, l => Place(l, edits, moved: true), l => Place(l, edits, moved: false));

        /// <summary>A location as path and span; an earlier one in an edited tree moved by the edit (one the edit touched has no place).</summary>
        private static (string Path, TextSpan Span)? Place(Location location, IReadOnlyDictionary<string, Lineage.Edit> edits, bool moved)
        {
            if (location.SourceTree is not { } tree)
            {
                return (location.Kind.ToString(), default);
            }

            var span = location.SourceSpan;
            if (moved && edits.TryGetValue(tree.FilePath, out var edit) && tree == edit.Before)
            {
                if (edit.Moved(span) is not { } movedSpan)
                {
                    return null;
                }

                span = movedSpan;
            }

            return (tree.FilePath, span);
        }

        /// <summary>The code-fix properties that hold a span of the finding's document.</summary>
        private static readonly string[] SpanProperties = { FixProperties.HeldAt, LeakFixProperties.ReturnAt };

        private static Location? MovedLocation(Location location, IReadOnlyDictionary<string, Lineage.Edit> edits)
        {
            if (location.SourceTree is not { } tree || !edits.TryGetValue(tree.FilePath, out var edit))
            {
                return location;
            }

            return edit.Moved(location);
        }

        private static Finding? MovedFinding(Finding finding, IReadOnlyDictionary<string, Lineage.Edit> edits)
        {
            if (MovedLocation(finding.Location, edits) is not { } location)
            {
                return null;
            }

            var additional = ImmutableArray.CreateBuilder<Location>(finding.Additional.Length);
            foreach (var other in finding.Additional)
            {
                if (MovedLocation(other, edits) is not { } moved)
                {
                    return null;
                }

                additional.Add(moved);
            }

            var properties = finding.Properties;
            if (ReferenceEquals(location, finding.Location))
            {
                return additional.SequenceEqual(finding.Additional) ? finding : finding.MovedTo(location, additional.MoveToImmutable(), properties);
            }

            // The spans a code fix reads (the acquisition it reorders, the return a reference leaks through) are in the
            // finding's own document.
            foreach (var key in SpanProperties)
            {
                if (properties is not null && FixProperties.ParseSpan(properties, key) is { } span)
                {
                    if (edits[finding.Location.SourceTree!.FilePath].Moved(span) is not { } moved)
                    {
                        return null;
                    }

                    properties = properties.SetItem(key, FixProperties.FormatSpan(moved));
                }
            }

            return finding.MovedTo(location, additional.MoveToImmutable(), properties);
        }

        /// <summary>
        /// The first line (counted from 1, in the earlier text) whose number an edit changes, or null when it changes no line
        /// count: a message's <c>File.cs:12</c> at or after it would name another line now.
        /// </summary>
        private static int? FirstRenumberedLine(Lineage.Edit edit)
        {
            var before = edit.Before.GetText();
            var after = edit.After.GetText();
            var shift = 0;
            foreach (var change in edit.Ranges)
            {
                var old = before.GetSubText(change.Span).Lines.Count;
                var now = after.GetSubText(new TextSpan(change.Span.Start + shift, change.NewLength)).Lines.Count;
                if (old != now)
                {
                    return before.Lines.GetLineFromPosition(change.Span.Start).LineNumber + 1;
                }

                shift += change.NewLength - change.Span.Length;
            }

            return null;
        }

        /// <summary>Whether <paramref name="message"/> names a line of the file at or after <paramref name="line"/> (<c>File.cs:12</c>).</summary>
        private static bool NamesLineFrom(string message, string fileAndColon, int line)
        {
            for (var at = message.IndexOf(fileAndColon, StringComparison.Ordinal); at >= 0; at = message.IndexOf(fileAndColon, at + 1, StringComparison.Ordinal))
            {
                var digits = at + fileAndColon.Length;
                var end = digits;
                while (end < message.Length && char.IsDigit(message[end]))
                {
                    end++;
                }

                if (end == digits || !int.TryParse(message.Substring(digits, end - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var named) || named >= line)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
