using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// The last analysis of a project, kept so the next compilation (the IDE makes one per edit) walks only what changed. Found
    /// through any tree it shares with that compilation, and holding the symbols of that compilation only: each analysis that reuses
    /// it restates the facts it keeps in its own compilation's symbols and takes its place, so no older compilation stays reachable.
    /// It also keeps the finished analysis, which every compilation made of exactly the same inputs reads as it is.
    /// </summary>
    internal sealed class Lineage
    {
        private static readonly ConditionalWeakTable<SyntaxTree, Lineage> ByTree = new();

        // The table's Remove and Add are not one step: analyses of two compilations may publish at once.
        private static readonly object Gate = new();

        private readonly CompilationAnalysis _analysis;

        public Lineage(Compilation compilation, AnalyzerSettings settings, ImmutableArray<TreeFacts> trees, RelevanceFilter candidates, RelevanceFilter relevance, CompilationAnalysis analysis)
        {
            Compilation = compilation;
            Settings = settings;
            Trees = trees;
            Candidates = candidates;
            Relevance = relevance;
            _analysis = analysis;
        }

        public Compilation Compilation { get; }

        public AnalyzerSettings Settings { get; }

        /// <summary>Per tree, in the compilation's file order.</summary>
        public ImmutableArray<TreeFacts> Trees { get; }

        /// <summary>The pre-filter's first pass (by syntax) and second (by binding), which an edit inside bodies may take over.</summary>
        public RelevanceFilter Candidates { get; }

        public RelevanceFilter Relevance { get; }

        /// <summary>The annotation model the analysis bound (its caches are in <see cref="Compilation"/>'s symbols), if it ran the link step.</summary>
        public AnnotationModel? Model => _analysis.LinkedContext?.Model;

        /// <summary>The analysis's lock summaries (their implementations index is taken over by <see cref="EarlierImplementations"/>).</summary>
        public Summaries.LockSummaries? Summaries => _analysis.LinkedContext?.Summaries;

        /// <summary>The declared order the analysis used (<see cref="DeclaredOrder.TakenOverBy"/>).</summary>
        public DeclaredOrder? Declared => _analysis.Declared;

        /// <summary>What the analysis's rules found (<see cref="EarlierFindings"/>).</summary>
        public IReadOnlyList<Finding> Findings => _analysis.Findings;

        /// <summary>The syntax the analysis's link step read.</summary>
        public ImmutableArray<PathRead> LinkReads => _analysis.LinkReads;

        /// <summary>The paths of the trees whose methods the analysis walked again with what their callers hold.</summary>
        public ImmutableHashSet<string> WalkedWithCallersLocks => _analysis.WalkedWithCallersLocks;

        /// <summary>The lineage of the last analysis that shares a tree with <paramref name="compilation"/>, if any.</summary>
        public static Lineage? Find(Compilation compilation)
        {
            lock (Gate)
            {
                foreach (var tree in compilation.SyntaxTrees)
                {
                    if (ByTree.TryGetValue(tree, out var lineage))
                    {
                        return lineage;
                    }
                }
            }

            return null;
        }

        /// <summary>
        /// The whole analysis, when <paramref name="compilation"/> is made of exactly what it was made of: the IDE's per-request
        /// clones of one compilation, each driver's copy, share its trees, references and options, and only read it.
        /// </summary>
        public CompilationAnalysis? AnalysisFor(Compilation compilation, AnalyzerSettings settings)
            => settings.Equals(Settings) && ReferenceEquals(compilation.Options, Compilation.Options)
               && compilation.SyntaxTrees.SequenceEqual(Compilation.SyntaxTrees, SameObject.Instance)
               && compilation.References.SequenceEqual(Compilation.References, SameObject.Instance)
                ? _analysis
                : null;

        /// <summary>
        /// Makes this the lineage of its compilation's trees, and forgets <paramref name="replaced"/> (the one this analysis came
        /// from) for every other tree: a tree an edit replaced can outlive its compilation (the next compilation's declaration
        /// table may still point at it), and through the table it would keep that whole compilation alive.
        /// </summary>
        public void Publish(Lineage? replaced)
        {
            lock (Gate)
            {
                foreach (var tree in replaced?.Compilation.SyntaxTrees ?? Enumerable.Empty<SyntaxTree>())
                {
                    if (ByTree.TryGetValue(tree, out var lineage) && lineage == replaced)
                    {
                        ByTree.Remove(tree);
                    }
                }

                foreach (var tree in Compilation.SyntaxTrees)
                {
                    ByTree.Remove(tree);
                    ByTree.Add(tree, this);
                }
            }
        }

        /// <summary>A compilation analysed from scratch.</summary>
        public static readonly Plan Fresh = new(null, null, null);

        /// <summary>What a new compilation can take over from this lineage.</summary>
        public Plan PlanFor(Compilation compilation, AnalyzerSettings settings, IReadOnlyList<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var previous = new TreeFacts?[trees.Count];
            var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < Trees.Length; i++)
            {
                byPath[Trees[i].Tree.FilePath] = i;
            }

            var sameShape = UniquePaths(trees.Select(t => t.FilePath)) && UniquePaths(Trees.Select(t => t.Tree.FilePath)) && settings.Equals(Settings) && trees.Count == Trees.Length && compilation.Options.Equals(Compilation.Options)
                            && compilation.References.SequenceEqual(Compilation.References, SameObject.Instance) && compilation.AssemblyName == Compilation.AssemblyName
                            && SymbolMap.ReferencesShared(Compilation, compilation);
            for (var i = 0; i < trees.Count; i++)
            {
                if (!byPath.TryGetValue(trees[i].FilePath, out var old))
                {
                    sameShape = false;
                }
                else if (ReferenceEquals(Trees[old].Tree, trees[i]))
                {
                    previous[i] = Trees[old];
                }
                else if (sameShape)
                {
                    // The lineage keeps its compilation, so the tree before the edit is at hand to compare.
                    sameShape = DeclarationShape.Of(trees[i], cancellationToken).Equals(DeclarationShape.Of(Trees[old].Tree, cancellationToken));
                    if (!sameShape)
                    {
                        CompilationAnalysis.StepObserver?.Invoke("  nothing carries over: declarations changed in " + System.IO.Path.GetFileName(trees[i].FilePath));
                    }
                }
            }

            var sameTree = previous.ToImmutableArray();
            if (!sameShape)
            {
                CompilationAnalysis.StepObserver?.Invoke("  nothing carries over");
                return new Plan(null, null, sameTree);
            }

            // What each edited tree's edit changed, in the earlier tree's positions (the syntax differ's ranges: a node it could not
            // match is changed as a whole).
            var changes = new Dictionary<string, Edit>(StringComparer.Ordinal);
            for (var i = 0; i < trees.Count; i++)
            {
                if (previous[i] is null)
                {
                    var before = Trees[byPath[trees[i].FilePath]].Tree;
                    var ranges = trees[i].GetChanges(before).Select(c => new TextChangeRange(c.Span, c.NewText?.Length ?? 0)).OrderBy(c => c.Span.Start).ToList();
                    changes[trees[i].FilePath] = new Edit(before, trees[i], ranges);
                }
            }

            var reads = new ImmutableArray<PathRead>[trees.Count];
            for (var i = 0; i < trees.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (previous[i] is { } facts)
                {
                    reads[i] = ReadsAfter(facts.Reads, changes, cancellationToken, out var touched);
                    if (touched)
                    {
                        previous[i] = null;
                    }
                }
            }

            return new Plan(this, previous.ToImmutableArray(), sameTree) { Reads = reads.ToImmutableArray(), Edits = changes };
        }

        /// <summary>The reads in the edited trees' later positions; <paramref name="touched"/> when an edit changed one of them.</summary>
        internal static ImmutableArray<PathRead> ReadsAfter(ImmutableArray<PathRead> reads, IReadOnlyDictionary<string, Edit> changes, CancellationToken cancellationToken, out bool touched)
        {
            touched = false;
            ImmutableArray<PathRead>.Builder? moved = null;
            for (var i = 0; i < reads.Length; i++)
            {
                if (!changes.TryGetValue(reads[i].Path, out var edit))
                {
                    moved?.Add(reads[i]);
                    continue;
                }

                var ranges = edit.Ranges;
                if (reads[i].TouchedBy(ranges, edit.Before, edit.After, cancellationToken))
                {
                    touched = true;
                    return reads;
                }

                if (moved is null)
                {
                    moved = ImmutableArray.CreateBuilder<PathRead>(reads.Length);
                    moved.AddRange(reads, i);
                }

                moved.Add(reads[i].MovedBy(ranges));
            }

            return moved?.MoveToImmutable() ?? reads;
        }

        /// <summary>An edited tree: the earlier version, the later one, and what changed, in the earlier one's positions.</summary>
        internal sealed class Edit
        {
            public Edit(SyntaxTree before, SyntaxTree after, IReadOnlyList<TextChangeRange> ranges)
            {
                Before = before;
                After = after;
                Ranges = ranges;
            }

            public SyntaxTree Before { get; }

            public SyntaxTree After { get; }

            public IReadOnlyList<TextChangeRange> Ranges { get; }

            /// <summary>A location in the earlier tree where it stands in the later one; null when the edit touched it.</summary>
            public Location? Moved(Location location)
                => location.SourceTree == Before && Moved(location.SourceSpan) is { } span ? Location.Create(After, span) : null;

            /// <summary>A span of the earlier tree where it stands in the later one; null when the edit touched it.</summary>
            public TextSpan? Moved(TextSpan span)
            {
                var read = new PathRead(Before.FilePath, span);
                return read.TouchedBy(Ranges, Before, After, CancellationToken.None) ? null : read.MovedBy(Ranges).Span;
            }
        }

        private static bool UniquePaths(IEnumerable<string> paths)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return paths.All(seen.Add);
        }

        /// <summary>Which trees' facts an earlier analysis may lend a compilation.</summary>
        internal sealed class Plan
        {
            public Plan(Lineage? from, ImmutableArray<TreeFacts?>? reusable, ImmutableArray<TreeFacts?>? sameTree)
            {
                From = from;
                Reusable = reusable;
                SameTree = sameTree;
            }

            /// <summary>Per tree: the earlier analysis's facts of this very tree object, whatever it read.</summary>
            public ImmutableArray<TreeFacts?>? SameTree { get; }

                /// <summary>The earlier analysis, when every tree kept its shape (else nothing is reused).</summary>
            public Lineage? From { get; }

            /// <summary>Per tree: its earlier facts when the tree and everything its walk read in other trees are unchanged.</summary>
            public ImmutableArray<TreeFacts?>? Reusable { get; }

            /// <summary>Per tree with reusable facts: what its walk read, where it stands in the trees of the new compilation.</summary>
            public ImmutableArray<ImmutableArray<PathRead>> Reads { get; init; }

            /// <summary>The edited trees by path, when every declaration is unchanged.</summary>
            public IReadOnlyDictionary<string, Edit> Edits { get; init; } = new Dictionary<string, Edit>();
        }
    }
}
