using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// The whole pipeline for one compilation: annotations -> per-method dataflow -> summaries -> events and order graph -> rules.
    /// Computed once, lazily, on the first request from any document; each document then reports its own share, so a cycle whose
    /// halves sit in two files shows in both while the user types.
    /// </summary>
    internal sealed class CompilationAnalysis
    {
        private readonly Dictionary<SyntaxTree, ImmutableArray<Diagnostic>> _byTree;
        private readonly object _contextGate = new();
        private RuleContext? _context;
        private Func<CancellationToken, RuleContext?>? _linkLater;

        private CompilationAnalysis(Dictionary<SyntaxTree, ImmutableArray<Diagnostic>> byTree, RuleContext? context, Func<CancellationToken, RuleContext?>? linkLater = null)
        {
            _byTree = byTree;
            _context = context;
            _linkLater = linkLater;
        }

        /// <summary>How many trees this analysis walked, and how many it carried over from the one before (tests, benchmarks).</summary>
        public int Walked { get; private init; }

        public int Reused { get; private init; }

        /// <summary>How many bodies of the walked trees were carried over from the analysis before rather than walked (tests, benchmarks).</summary>
        public int BodiesCarried { get; private init; }

        /// <summary>
        /// Whether the link step ran (summaries, events, rules); false when the walks gave the facts the last analysis had and its
        /// findings were reported again, moved (<see cref="EarlierFindings"/>).
        /// </summary>
        public bool Linked { get; private init; } = true;

        /// <summary>The rules' findings, for an analysis after an edit that changes no facts to report again.</summary>
        internal IReadOnlyList<Finding> Findings { get; private init; } = Array.Empty<Finding>();

        /// <summary>The declared order the analysis used, which the next one takes over while no declaration changes.</summary>
        internal DeclaredOrder? Declared { get; private init; }

        /// <summary>The syntax the link step read (model answers about other bodies): an edit that touches it runs the link step.</summary>
        internal ImmutableArray<PathRead> LinkReads { get; private init; } = ImmutableArray<PathRead>.Empty;

        /// <summary>
        /// The paths of the trees whose methods were walked again with what their callers hold: their facts depend on the callers'
        /// as well as on their bodies, so an edit of such a tree always runs the link step.
        /// </summary>
        internal ImmutableHashSet<string> WalkedWithCallersLocks { get; private init; } = ImmutableHashSet<string>.Empty;

        /// <summary>
        /// The shared analysis (for tools such as the graph writer and the code fixes); null when nothing was analysed. After an
        /// edit that changed no facts the link step runs on the first read of this, not before.
        /// </summary>
        public RuleContext? Context => ContextFor(CancellationToken.None);

        /// <summary>The context if the link step has run, without running it (what a later analysis may take over).</summary>
        internal RuleContext? LinkedContext
        {
            get
            {
                lock (_contextGate)
                {
                    return _context;
                }
            }
        }

        public RuleContext? ContextFor(CancellationToken cancellationToken)
        {
            lock (_contextGate)
            {
                if (_linkLater is { } link)
                {
                    _context = link(cancellationToken);
                    _linkLater = null;
                }

                return _context;
            }
        }

        public ImmutableArray<Diagnostic> DiagnosticsFor(SyntaxTree tree)
            => _byTree.TryGetValue(tree, out var list) ? list : ImmutableArray<Diagnostic>.Empty;

        public IEnumerable<Diagnostic> AllDiagnostics => _byTree.OrderBy(p => p.Key.FilePath, StringComparer.Ordinal).SelectMany(p => p.Value);

        /// <summary>Called after each step with its name and the time since the previous one (benchmarks only; null otherwise).</summary>
        internal static Action<string>? StepObserver { get; set; }

        /// <summary>The analysis on this thread and the thread pool (tools, tests).</summary>
        public static CompilationAnalysis Run(Compilation compilation, AnalyzerSettings settings, CancellationToken cancellationToken)
            => Run(compilation, settings, new Cooperation(DefaultHelpers), cancellationToken);

        /// <summary>Thread-pool helpers for the parallel steps: one per core beyond the caller's.</summary>
#pragma warning disable RS1035 // The core count is not a setting: it only sizes the helpers.
        internal static int DefaultHelpers => Math.Max(0, Environment.ProcessorCount - 1);
#pragma warning restore RS1035

        /// <summary>
        /// The analysis, run by every thread that shares <paramref name="cooperation"/>: each makes the same steps, the parallel ones
        /// (scanning and analysing trees) divided among them, the others done once. All get the same result.
        /// </summary>
        public static CompilationAnalysis Run(Compilation compilation, AnalyzerSettings settings, Cooperation cooperation, CancellationToken cancellationToken)
            => Run(compilation, settings, cooperation, reuse: true, cancellationToken);

        private static CompilationAnalysis Run(Compilation compilation, AnalyzerSettings settings, Cooperation cooperation, bool reuse, CancellationToken cancellationToken)
        {
            var step = 0;
            StepObserver?.Invoke("before the analysis");
            var setup = cooperation.Once(ref step, () => Setup.Create(compilation, settings, reuse, cancellationToken), cancellationToken);
            StepObserver?.Invoke("setup");
            var trees = setup.Trees;
            var scans = cooperation.ForEach(ref step, trees.Count, i => setup.SameTree(i)?.Scan ?? RelevanceFilter.ScanTree(trees[i], cancellationToken), cancellationToken);
            StepObserver?.Invoke("scan");
            var candidates = cooperation.Once(ref step, () => setup.Plan.From?.Candidates.TakeOver(scans, setup.EditedScans, null, null, null)
                                                              ?? RelevanceFilter.FromScans(scans, cancellationToken, setup.Model.External.MemberNames, typedReceivers: !settings.DispatchFrameworkMembers), cancellationToken);
            StepObserver?.Invoke(candidates.TakenOver ? "relevance by name, taken over" : "relevance by name");

            // The syntax pass cannot tell a source member from a framework one of the same name, so the candidates it leaves are
            // bound (the walk would bind them anyway) and filtered again by what they really reach.
            var bindings = cooperation.ForEach(ref step, trees.Count, i => TreeBinding.For(compilation, trees[i], scans[i], candidates, setup.EarlierBinding(i), cancellationToken), cancellationToken);
            var relevance = cooperation.Once(ref step, () => setup.TakeOverRelevance(scans, candidates, bindings)
                                                              ?? candidates.WithBoundNames((i, body) => bindings[i].NamesOf(body), cancellationToken), cancellationToken);
            StepObserver?.Invoke(relevance.TakenOver ? "relevance by binding, taken over" : "relevance by binding");
            var carried = cooperation.Once(ref step, () => setup.CarryOver(compilation, relevance, cancellationToken), cancellationToken);
            StepObserver?.Invoke("carry over");

            // Binding and walking bodies is most of the time and each tree's bodies are independent (the annotation model is
            // concurrent), so trees are analysed in parallel; their facts are merged in file order, so results never depend on scheduling.
            // A tree that carries over keeps its facts detached (in parallel too: the first edit after a walk detaches them).
            TreeFacts WalkTree(int i, TreeFacts.CarriedBodies? bodies = null) => Walk(bindings[i].TakeModel() ?? SemanticModelOf(compilation, trees[i]), trees[i], scans[i], setup.Model, relevance, settings, cancellationToken, bodies);
            var perTree = cooperation.ForEach(ref step, trees.Count, i => bindings[i].Keep(carried.CarryOver(i) ?? WalkTree(i, carried.BodiesLeftStanding(i))), cancellationToken);
            StepObserver?.Invoke("walk");

            // An edit whose walks gave the facts they gave before reports the earlier findings, moved, without reading the facts
            // carried over; anything else attaches them (a tree whose symbols are not all found again is walked).
            var moved = cooperation.Once(ref step, () => FindingsMoved(compilation, setup, candidates, relevance, carried, perTree, settings, cancellationToken), cancellationToken);
            if (moved is not null)
            {
                return moved;
            }

            var attached = cooperation.ForEach(ref step, trees.Count, i => perTree[i].IsAttached ? perTree[i]
                                                                          : carried.Attach(perTree[i]) ?? bindings[i].Keep(WalkTree(i)), cancellationToken);
            StepObserver?.Invoke("attach");
            return cooperation.Once(ref step, () => Finish(compilation, setup, candidates, relevance, attached, settings, cancellationToken)
                                                     ?? Run(compilation, settings, new Cooperation(0), reuse: false, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// One tree's bodies, bound and walked (but for those an edit of the tree left standing, which <paramref name="earlier"/>
        /// carries over), with the other trees whose syntax the walk read.
        /// </summary>
        private static TreeFacts Walk(SemanticModel semanticModel, SyntaxTree tree, RelevanceFilter.TreeScan scan, AnnotationModel model, RelevanceFilter relevance, AnalyzerSettings settings, CancellationToken cancellationToken, TreeFacts.CarriedBodies? earlier = null)
        {
            var facts = new TreeFacts(tree, scan);
            var recording = SyntaxReads.Record();
            try
            {
                AnalyzeTree(semanticModel, model, relevance, settings, facts, earlier, cancellationToken);
                foreach (var type in tree.GetRoot(cancellationToken).DescendantNodes(n => n is not (ExpressionSyntax or StatementSyntax)).OfType<TypeDeclarationSyntax>())
                {
                    facts.Constructors.CollectTypes(semanticModel, type, model, relevance, cancellationToken);
                }
            }
            finally
            {
                recording.Dispose();
            }

            var walked = PathRead.Of(recording.Reads, tree);
            var carried = earlier?.Taken ?? new Dictionary<BodyFacts, bool>();
            facts.Carried(carried);
            var carriedReads = carried.Keys.SelectMany(b => b.Reads).Where(r => r.Path != tree.FilePath).ToList();
            facts.Reads = carriedReads.Count == 0 ? walked : PathRead.Of(walked.Concat(carriedReads));
            return facts;
        }

        /// <summary>
        /// The driver's own model for the tree (the compilation's semantic model provider hands out one per tree): a model of our
        /// own, even one that skips nullable analysis, binds every body a second time (measured: 0.34x -> 0.56x; NLog's build in the
        /// sixteenth session: analyzer time 4.9-5.8 -> 7.3-9.2 s, peak memory 380 -> 421-456 MB).
        /// </summary>
        internal static SemanticModel SemanticModelOf(Compilation compilation, SyntaxTree tree)
#pragma warning disable RS1030 // The analysis is interprocedural: every body in the compilation is read once, by the walk, and cached per compilation.
            => compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

        /// <summary>What every step reads: the annotations, the declared order, the trees in file order, what an earlier analysis lends.</summary>
        private sealed class Setup
        {
            private Setup(AnnotationModel model, DeclaredOrder declared, IReadOnlyList<SyntaxTree> trees, Lineage.Plan plan, Lineage? found)
            {
                Found = found;
                Model = model;
                Declared = declared;
                Trees = trees;
                Plan = plan;
                EditedScans = plan.From is { } from ? trees.Select((_, i) => SameTree(i) is null ? from.Trees[i].Scan : null).ToList() : Array.Empty<RelevanceFilter.TreeScan?>();
            }

            public AnnotationModel Model { get; }

            public DeclaredOrder Declared { get; }

            public IReadOnlyList<SyntaxTree> Trees { get; }

            public Lineage.Plan Plan { get; }

            /// <summary>The earlier analysis found through a shared tree, whether or not anything carries over from it.</summary>
            public Lineage? Found { get; }

            public static Setup Create(Compilation compilation, AnalyzerSettings settings, bool reuse, CancellationToken cancellationToken)
            {
                var found = Lineage.Find(compilation);
                var model = new AnnotationModel(compilation) { External = settings.Summaries.Bind(compilation, cancellationToken, earlier: reuse ? found?.Compilation : null) };
                var trees = compilation.SyntaxTrees.OrderBy(t => t.FilePath, StringComparer.Ordinal).ToList();
                var plan = reuse && found is not null ? found.PlanFor(compilation, settings, trees, cancellationToken) : Lineage.Fresh;
                if (plan.From is { Model: { } earlier } from && plan.Reusable is not null)
                {
                    model.TakeOver(earlier, new Continuity(from.Compilation, compilation, new HashSet<SyntaxTree>(trees.Intersect(from.Compilation.SyntaxTrees))));
                }

                var declared = plan.From?.Declared?.TakenOverBy(compilation, model) ?? DeclaredOrder.Build(compilation, model);
                return new Setup(model, declared, trees, plan, found);
            }

            /// <summary>
            /// Per tree, its scan before the edit when an edit inside bodies replaced it, null for a tree that is the very same:
            /// what the pre-filter compares to take over its earlier result (<see cref="RelevanceFilter.TakeOver"/>).
            /// </summary>
            public IReadOnlyList<RelevanceFilter.TreeScan?> EditedScans { get; }

            /// <summary>The earlier second pass taken over, when the first was (<paramref name="candidates"/> is that earlier one's).</summary>
            public RelevanceFilter? TakeOverRelevance(IReadOnlyList<RelevanceFilter.TreeScan> scans, RelevanceFilter candidates, TreeBinding[] bindings)
            {
                if (Plan.From is not { } from || !candidates.TakenOver)
                {
                    return null;
                }

                return from.Relevance.TakeOver(scans, EditedScans, candidates, (i, body) => bindings[i].NamesOf(body), (i, body) => from.Trees[i].Binding?.NamesOf(body));
            }

            /// <summary>The earlier analysis's facts of this very tree (its scan carries over even when its facts do not).</summary>
            public TreeFacts? SameTree(int index) => Plan.SameTree?[index];

            /// <summary>
            /// What the earlier analysis learnt binding this tree's bodies (or, for a tree an edit of its bodies replaced, the
            /// bodies the edit left standing), when every declaration is as it was then (a body binds to the same members while no
            /// declaration changes).
            /// </summary>
            public TreeBinding? EarlierBinding(int index)
                => Plan.From is not { } from ? null
                   : SameTree(index) is { } same ? same.Binding
                   : EditOf(index) is { } edit ? from.Trees[index].Binding?.MovedBy(edit)
                   : null;

            /// <summary>The edit that replaced the earlier analysis's tree at <paramref name="index"/> with this one, if any.</summary>
            private Lineage.Edit? EditOf(int index)
                => Plan.From is { } from && Plan.Edits.TryGetValue(Trees[index].FilePath, out var edit) && edit.After == Trees[index] && from.Trees[index].Tree == edit.Before
                    ? edit
                    : null;

            /// <summary>
            /// The earlier facts that may carry over, and the <c>[ReturnsRef]</c> they inferred, which the trees walked now see as a
            /// fresh analysis would. Nothing carries over when the relevance of any body may have changed.
            /// </summary>
            public CarriedOver CarryOver(Compilation compilation, RelevanceFilter relevance, CancellationToken cancellationToken)
            {
                if (Plan.From is not { } from || Plan.Reusable is not { } reusable || !relevance.Names.SameAs(from.Relevance.Names))
                {
                    return new CarriedOver(new TreeFacts?[Trees.Count], null, null, default, new TreeFacts.CarriedBodies?[Trees.Count]);
                }

                var resolver = new SymbolResolver(compilation, Plan.Edits.Values, cancellationToken);
                var earlier = reusable.ToArray();
                for (var i = 0; i < earlier.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (earlier[i]?.InferredReturnsRefIn(resolver, from.Compilation.Assembly) is not { } inferred)
                    {
                        // A method it inferred has no counterpart: the tree is walked, and infers it again.
                        earlier[i] = null;
                        continue;
                    }

                    foreach (var method in inferred)
                    {
                        Model.InferReturnsRef(method);
                    }
                }

                // The bodies each edit left standing in its tree, found before any tree is walked, since what they inferred must be
                // known to every walk.
                var bodies = new TreeFacts.CarriedBodies?[Trees.Count];
                for (var i = 0; i < bodies.Length; i++)
                {
                    if (EditOf(i) is { } edit)
                    {
                        bodies[i] = from.Trees[i].BodiesLeftBy(edit, Plan.Edits, from.Compilation.Assembly, resolver.ForOneThread(), m => Model.InferReturnsRef(m), cancellationToken);
                    }
                }

                return new CarriedOver(earlier, from.Compilation.Assembly, resolver, Plan.Reads, bodies);
            }
        }

        /// <summary>The trees whose earlier facts may carry over: detached, and attached on demand in the new compilation's symbols.</summary>
        private sealed class CarriedOver
        {
            private readonly TreeFacts?[] _earlier;
            private readonly IAssemblySymbol? _earlierAssembly;
            private readonly SymbolResolver? _resolver;
            private readonly ImmutableArray<ImmutableArray<PathRead>> _reads;

            private readonly TreeFacts.CarriedBodies?[] _bodies;

            public CarriedOver(TreeFacts?[] earlier, IAssemblySymbol? earlierAssembly, SymbolResolver? resolver, ImmutableArray<ImmutableArray<PathRead>> reads, TreeFacts.CarriedBodies?[] bodies)
            {
                _earlier = earlier;
                _earlierAssembly = earlierAssembly;
                _resolver = resolver;
                _reads = reads;
                _bodies = bodies;
            }

            /// <summary>For a tree an edit replaced, the earlier facts of the bodies the edit left standing; null for any other tree.</summary>
            public TreeFacts.CarriedBodies? BodiesLeftStanding(int index) => _bodies[index];

            /// <summary>Whether any tree may carry over.</summary>
            public bool Any => _resolver is not null;

            /// <summary>The tree's earlier facts, detached; null when it has none or one of its symbols has no identity.</summary>
            public TreeFacts? CarryOver(int index)
                => _earlierAssembly is null || _earlier[index] is not { } earlier ? null : earlier.CarryOver(_earlierAssembly, _reads.IsDefault ? earlier.Reads : _reads[index]);

            /// <summary>A carried tree's facts in this compilation's symbols; null when one of them has no counterpart.</summary>
            public TreeFacts? Attach(TreeFacts carried) => carried.Attach(_resolver!.ForOneThread());

            /// <summary>Finds earlier symbols and identities in this compilation (for a tree whose earlier facts are compared).</summary>
            public SymbolResolver? Resolver => _resolver?.ForOneThread();
        }

        /// <summary>The trees' facts merged in file order (the first tree to give a method's facts wins).</summary>
        private sealed class Merged
        {
            public Dictionary<IMethodSymbol, MethodLockFacts> Facts { get; } = new(SymbolEqualityComparer.Default);

            public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings { get; } = new(SymbolEqualityComparer.Default);

            public Dictionary<IMethodSymbol, ControlFlowGraph> OwnershipGraphs { get; } = new(SymbolEqualityComparer.Default);

            public ConstructorFacts Constructors { get; } = new();

            public HashSet<IMethodSymbol> MethodGroups { get; } = new(SymbolEqualityComparer.Default);

            /// <summary>The methods whose facts were replaced by a walk with what their callers hold.</summary>
            public HashSet<IMethodSymbol> WalkedWithCallersLocks { get; } = new(SymbolEqualityComparer.Default);

            public static Merged Of(IEnumerable<TreeFacts> perTree)
            {
                var merged = new Merged();
                foreach (var tree in perTree)
                {
                    merged.MethodGroups.UnionWith(tree.MethodGroups);
                    TreeFacts.MergeFirstWins(merged.Facts, tree.Facts);
                    TreeFacts.MergeFirstWins(merged.RefFindings, tree.RefFindings);
                    TreeFacts.MergeFirstWins(merged.OwnershipGraphs, tree.OwnershipGraphs);
                    merged.Constructors.Add(tree.Constructors);
                }

                return merged;
            }
        }

        /// <summary>
        /// The analysis of an edit whose walked trees gave the facts they gave before, with the earlier findings moved, read from
        /// those trees alone: the carried-over trees stay detached. Null when the link step must run.
        /// </summary>
        /// <remarks>
        /// The returned-reference fixpoint needs only the walked trees: it walks again the callers of what it infers that have
        /// ownership graphs, and only walked trees have those; what carried-over trees inferred is in the model already.
        /// </remarks>
        private static CompilationAnalysis? FindingsMoved(Compilation compilation, Setup setup, RelevanceFilter candidates, RelevanceFilter relevance, CarriedOver carried, TreeFacts[] perTree, AnalyzerSettings settings, CancellationToken cancellationToken)
        {
            if (setup.Plan.From is not { } from || !carried.Any)
            {
                return null;
            }

            var walked = Merged.Of(perTree.Where(t => !t.Reused));
            StepObserver?.Invoke("merge walked");
            if (walked.OwnershipGraphs.Count > 0)
            {
                walked.Constructors.FoldInto(walked.Facts);
                InferReturnedReferences(setup.Model, settings, walked.Facts, walked.RefFindings, walked.OwnershipGraphs, cancellationToken);
                StepObserver?.Invoke("returned references");
            }

            return SettleReturnedReferences(setup.Model, setup.Plan, perTree, walked.RefFindings)
                   && EarlierFindings.Moved(from, setup.Plan.Edits, perTree, carried.Resolver!, cancellationToken) is { } moved
                ? WithFindingsMoved(compilation, setup, candidates, relevance, perTree, settings, moved)
                : null;
        }

        /// <summary>The compilation-wide part: merge the trees' facts, then summaries, events, the order graph and the rules.</summary>
        private static CompilationAnalysis? Finish(Compilation compilation, Setup setup, RelevanceFilter candidates, RelevanceFilter relevance, TreeFacts[] perTree, AnalyzerSettings settings, CancellationToken cancellationToken)
        {
            var model = setup.Model;
            var merged = Merged.Of(perTree);
            StepObserver?.Invoke("merge");

            merged.Constructors.FoldInto(merged.Facts);
            StepObserver?.Invoke("constructors");
            InferReturnedReferences(model, settings, merged.Facts, merged.RefFindings, merged.OwnershipGraphs, cancellationToken);
            StepObserver?.Invoke("returned references");
            if (!SettleReturnedReferences(model, setup.Plan, perTree, merged.RefFindings))
            {
                // A walked tree now infers other [ReturnsRef] than before: what the carried-over trees learned from it is stale.
                return null;
            }

            var earlierImplementations = setup.Plan.From is { Summaries: { } earlier } earlierAnalysis && perTree.Any(t => t.Reused)
                ? new EarlierImplementations(earlier.Implementations, new SymbolMap(earlierAnalysis.Compilation, compilation, cancellationToken, setup.Plan.Edits.Values), perTree.Where(t => t.Reused).Select(t => t.Tree))
                : null;
            RuleContext context;
            ImmutableArray<PathRead> linkReads;
            using (var recording = SyntaxReads.Record())
            {
                context = Link(compilation, model, setup.Declared, setup.Trees, relevance, merged, settings, earlierImplementations, cancellationToken);
                linkReads = PathRead.Of(recording.Reads, own: null);
            }

            var analysis = new CompilationAnalysis(ByTree(BindingErrorsByTree(model, perTree).Concat(setup.Declared.Diagnostics).Concat(context.Diagnostics)), context)
            {
                Walked = perTree.Count(t => !t.Reused),
                Reused = perTree.Count(t => t.Reused),
                BodiesCarried = perTree.Where(t => !t.Reused).Sum(t => t.CarriedBodyCount),
                Findings = context.Findings,
                Declared = setup.Declared,
                LinkReads = linkReads,
                WalkedWithCallersLocks = merged.WalkedWithCallersLocks
                    .Select(m => m.DeclaringSyntaxReferences.FirstOrDefault()?.SyntaxTree.FilePath ?? string.Empty).ToImmutableHashSet(StringComparer.Ordinal),
            };
            foreach (var tree in perTree)
            {
                tree.OwnershipGraphs.Clear();
            }

            new Lineage(compilation, settings, perTree.ToImmutableArray(), candidates, relevance, analysis).Publish(setup.Found);
            return analysis;
        }

        /// <summary>
        /// The analysis of an edit whose walks gave the facts the last analysis had: its findings, moved, with the binding errors
        /// and declared-order findings of now. The link step runs when something first asks for the context (a code fix, a
        /// tool), from this compilation's facts only: nothing of the earlier compilation is kept.
        /// </summary>
        private static CompilationAnalysis WithFindingsMoved(Compilation compilation, Setup setup, RelevanceFilter candidates, RelevanceFilter relevance, TreeFacts[] perTree, AnalyzerSettings settings, EarlierFindings moved)
        {
            var model = setup.Model;
            var declared = setup.Declared;
            var trees = setup.Trees;
            foreach (var tree in perTree)
            {
                tree.OwnershipGraphs.Clear();
            }

            var analysis = new CompilationAnalysis(
                ByTree(BindingErrorsByTree(model, perTree).Concat(declared.Diagnostics).Concat(moved.Findings.Select(f => f.Diagnostic))),
                context: null,
                linkLater: cancellationToken =>
                {
                    // The walked trees' graphs were let go with their findings moved: every reference finding is final already.
                    // The carried-over trees are attached (or, should a symbol have no counterpart, walked) for this link alone. The
                    // edits are not kept for it (their earlier trees with them), so a lambda they moved is not found: its tree is walked.
                    var resolver = new SymbolResolver(compilation, Array.Empty<Lineage.Edit>(), cancellationToken);
                    var merged = Merged.Of(perTree.Select(t => t.Attach(resolver)
                                                               ?? Walk(SemanticModelOf(compilation, t.Tree), t.Tree, t.Scan, model, relevance, settings, cancellationToken)));
                    merged.Constructors.FoldInto(merged.Facts);
                    return Link(compilation, model, declared, trees, relevance, merged, settings, null, cancellationToken);
                })
            {
                Walked = perTree.Count(t => !t.Reused),
                Reused = perTree.Count(t => t.Reused),
                BodiesCarried = perTree.Where(t => !t.Reused).Sum(t => t.CarriedBodyCount),
                Linked = false,
                Findings = moved.Findings,
                Declared = declared,
                LinkReads = moved.LinkReads,
                WalkedWithCallersLocks = setup.Plan.From!.WalkedWithCallersLocks,
            };
            StepObserver?.Invoke("findings moved");
            new Lineage(compilation, settings, perTree.ToImmutableArray(), candidates, relevance, analysis).Publish(setup.Found);
            return analysis;
        }

        /// <summary>Summaries, events, the order graph and the rules over merged facts.</summary>
        private static RuleContext Link(Compilation compilation, AnnotationModel model, DeclaredOrder declared, IReadOnlyList<SyntaxTree> trees, RelevanceFilter relevance, Merged merged, AnalyzerSettings settings, EarlierImplementations? earlierImplementations, CancellationToken cancellationToken)
        {
            var facts = merged.Facts;
            var summaries = new LockSummaries(model, facts, declared.DirectPairs.SelectMany(p => new[] { p.Outer, p.Inner }), settings.MaxCallDepth, settings.DispatchFrameworkMembers, settings.WholeChainsForEveryClass, cancellationToken, m => merged.MethodGroups.Contains(m) || relevance.IsNamedAsValueOutsideBodies(m.Name),
                callerHeld => WalkAgainWithWhatCallersHold(compilation, model, facts, merged.OwnershipGraphs, callerHeld, merged.WalkedWithCallersLocks, cancellationToken),
                earlierImplementations);
            StepObserver?.Invoke("summaries");
            var events = BuildEvents(facts, summaries, model);
            StepObserver?.Invoke("events");
            var context = new RuleContext(model, declared, facts, summaries, events, settings);

            HeldContractRules.Run(context);
            StepObserver?.Invoke("  held contracts");
            FinalDropRules.Run(context);
            StepObserver?.Invoke("  final drops");
            LockOrderRules.Run(context);
            StepObserver?.Invoke("  lock order");
            CycleRules.Run(context);
            StepObserver?.Invoke("  cycles");
            GuardedByRules.Run(context);
            ThreadAffinityRules.Run(context);
            StepObserver?.Invoke("  guards, affinity");
            HeldRefRules.Run(context, compilation, trees, cancellationToken);
            RefCountRules.Run(context, merged.RefFindings.Values);
            StepObserver?.Invoke("  references");
            StepObserver?.Invoke("rules");
            return context;
        }

        private static Dictionary<SyntaxTree, ImmutableArray<Diagnostic>> ByTree(IEnumerable<Diagnostic> all)
            => all
                .Where(d => d.Location.SourceTree is not null)
                .GroupBy(d => d.Location.SourceTree!)
                .ToDictionary(
                    g => g.Key,
                    g => g.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
                          .ThenBy(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
                          .ToImmutableArray());

        /// <summary>
        /// Records, per walked tree, the <c>[ReturnsRef]</c> its methods were inferred to have and their final reference findings.
        /// False when a tree walked again infers other methods than it did in the analysis the others were carried over from.
        /// </summary>
        private static bool SettleReturnedReferences(AnnotationModel model, Lineage.Plan plan, TreeFacts[] perTree, Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> refFindings)
        {
            var consistent = true;
            var anyCarriedOver = perTree.Any(t => t.Reused || t.CarriedBodyCount > 0);
            foreach (var tree in perTree)
            {
                if (tree.Reused)
                {
                    continue;
                }

                tree.SettleRefFindings(refFindings);

                tree.SettleInferredReturnsRef(tree.Facts.Keys.Where(m => model.ReturnsRef(m) && !model.GetEffectiveContract(m).ReturnsRef)
                    .OrderBy(m => m.ToDisplayString(), StringComparer.Ordinal).ToImmutableArray());
                if (plan.From is { } from && anyCarriedOver
                    && !SameMethods(tree, from.Trees.FirstOrDefault(t => t.Tree.FilePath == tree.Tree.FilePath)))
                {
                    consistent = false;
                }
            }

            return consistent;
        }

        /// <summary>Whether a walked tree inferred the <c>[ReturnsRef]</c> its earlier walk did (by documentation-comment ID).</summary>
        private static bool SameMethods(TreeFacts now, TreeFacts? before)
            => before is null ? now.InferredReturnsRef.IsEmpty
               : now.InferredReturnsRefIds is { } ids && before.InferredReturnsRefIds is { } earlierIds && ids.SetEquals(earlierIds);

        /// <summary>
        /// LD0001/LD0002 found now, with those a carried-over tree's walk found before (its declarations are unchanged, so they
        /// still stand); each tree keeps its own for the next analysis.
        /// </summary>
        private static IEnumerable<Diagnostic> BindingErrorsByTree(AnnotationModel model, TreeFacts[] perTree)
        {
            var errors = new Dictionary<(SyntaxTree?, Microsoft.CodeAnalysis.Text.TextSpan, string, string), Diagnostic>();
            foreach (var diagnostic in model.BindingErrors.Concat(perTree.Where(t => t.Reused).SelectMany(t => t.BindingErrors)))
            {
                var key = (diagnostic.Location.SourceTree, diagnostic.Location.SourceSpan, diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                if (!errors.ContainsKey(key))
                {
                    errors.Add(key, diagnostic);
                }
            }

            var byTree = errors.Values.Where(d => d.Location.SourceTree is not null).ToLookup(d => d.Location.SourceTree!);
            foreach (var tree in perTree)
            {
                tree.BindingErrors = byTree[tree.Tree].ToImmutableArray();
            }

            return errors.Values;
        }

        /// <summary>
        /// Walks again, with the locks every caller holds around every call of them held from entry, the bodies whose facts those
        /// locks can change: a body that takes, releases or leaves held a lock of those classes (a drop-and-retake of the caller's
        /// lock, a re-entry), or reads a guarded member, and that gives the locks back held on every exit. True when any facts
        /// changed.
        /// </summary>
        private static bool WalkAgainWithWhatCallersHold(Compilation compilation, AnnotationModel model, Dictionary<IMethodSymbol, MethodLockFacts> facts, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, IReadOnlyDictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>> callerHeld, HashSet<IMethodSymbol> walked, CancellationToken cancellationToken)
        {
            var walkedBefore = walked.Count;
            foreach (var pair in callerHeld)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var classes = pair.Value.Keys.Select(k => k.Class).ToImmutableHashSet();
                if (!facts.TryGetValue(pair.Key, out var before)
                    || !(before.Acquisitions.Any(a => classes.Contains(a.Key.Class)) || before.UnheldReleases.Any(r => classes.Contains(r.Key.Class))
                         || before.Leaks.Any(l => classes.Contains(l.Held.Key.Class)) || !before.GuardedAccesses.IsEmpty)
                    || GraphOf(compilation, pair.Key, ownershipGraphs, cancellationToken) is not { } cfg)
                {
                    continue;
                }

                // A body that lets go of what its callers hand it (a release helper) is left as it was: its callers still hold the
                // lock after the call as far as they know, so both halves keep their findings and the hint to say [Releases].
                var after = LockFlowWalker.Analyze(model, cfg, pair.Key, cancellationToken, pair.Value.Select(p => (p.Key, p.Value)));
                if (pair.Value.Keys.All(after.EntryLocksHeldAtEveryExit.Contains))
                {
                    facts[pair.Key] = after;
                    walked.Add(pair.Key);
                }
            }

            return walked.Count > walkedBefore;
        }

        private static ControlFlowGraph? GraphOf(Compilation compilation, IMethodSymbol method, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, CancellationToken cancellationToken)
        {
            if (ownershipGraphs.TryGetValue(method, out var kept))
            {
                return kept;
            }

            if ((method.PartialImplementationPart ?? method).DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not BaseMethodDeclarationSyntax syntax)
            {
                return null;
            }

#pragma warning disable RS1030 // A few bodies, bound again only when what their callers hold changes their facts.
            var semanticModel = compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            return semanticModel.GetOperation(syntax, cancellationToken) is IMethodBodyOperation body ? ControlFlowGraph.Create(body, cancellationToken) : null;
        }

        /// <summary>
        /// Binds and walks the tree's bodies, each into facts of its own (<see cref="BodyFacts"/>); a body the edit of this tree
        /// left standing takes its earlier facts from <paramref name="earlier"/> instead of being walked.
        /// </summary>
        private static void AnalyzeTree(SemanticModel semanticModel, AnnotationModel model, RelevanceFilter relevance, AnalyzerSettings settings, TreeFacts into, TreeFacts.CarriedBodies? earlier, CancellationToken cancellationToken)
        {
            var tree = semanticModel.SyntaxTree;
            var bodies = new List<(SyntaxNode Declaration, IMethodSymbol? Method, BodyFacts? Facts)>();
            foreach (var (declaration, method) in BodiesToWalk(semanticModel, model, relevance, cancellationToken))
            {
                bodies.Add((declaration, method, earlier?.Take(declaration.Span)));
            }

            for (var i = 0; i < bodies.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (declaration, method, facts) = bodies[i];
                if (facts is not null)
                {
                    continue;
                }

                facts = new BodyFacts(declaration.Span);
                var outerFloor = SyntaxReads.BeginPart();
                try
                {
                    if (method is null)
                    {
                        AnalyzeInitializerLambdas(semanticModel, (EqualsValueClauseSyntax)declaration, model, settings, facts, into.OwnershipGraphs, cancellationToken);
                    }
                    else
                    {
                        AnalyzeBody(semanticModel, declaration, method, model, settings, facts, into.OwnershipGraphs, cancellationToken);
                    }
                }
                finally
                {
                    facts.ReadIn(SyntaxReads.EndPart(outerFloor, tree));
                }

                bodies[i] = (declaration, method, facts);
            }

            into.AddBodies(bodies.Select(b => b.Facts!));
        }

        /// <summary>
        /// The declarations whose bodies the walk analyses, in the tree's order, each with its method (null for a field's or
        /// property's initializer, whose lambdas are methods of their own); checks the annotations of every member on the way.
        /// </summary>
        private static IEnumerable<(SyntaxNode Declaration, IMethodSymbol? Method)> BodiesToWalk(SemanticModel semanticModel, AnnotationModel model, RelevanceFilter relevance, CancellationToken cancellationToken)
        {
            var root = semanticModel.SyntaxTree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes(n => n is not (ExpressionSyntax or StatementSyntax)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (node)
                {
                    case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    case VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax }:
                    case PropertyDeclarationSyntax or IndexerDeclarationSyntax:
                        if (semanticModel.GetDeclaredSymbol(node, cancellationToken) is { } member)
                        {
                            model.CheckMemberAnnotations(member);
                        }

                        if (((node as VariableDeclaratorSyntax)?.Initializer ?? (node as PropertyDeclarationSyntax)?.Initializer) is { } initializer
                            && InitializerLambdasToWalk(initializer, relevance))
                        {
                            yield return (initializer, null);
                        }

                        if (node is PropertyDeclarationSyntax { ExpressionBody: { } arrow } property
                            && semanticModel.GetDeclaredSymbol(property, cancellationToken) is IPropertySymbol { GetMethod: { } getter }
                            && BodyToWalk(arrow, getter, model, relevance))
                        {
                            yield return (arrow, getter);
                        }

                        break;
                    case BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                        if (semanticModel.GetDeclaredSymbol(node, cancellationToken) is IMethodSymbol method && BodyToWalk(node, method, model, relevance))
                        {
                            yield return (node, method);
                        }

                        break;
                }
            }
        }

        /// <summary>
        /// Whether a declaration's body is walked: it has one, the pre-filter finds it relevant, and it is not a lock primitive's
        /// (binding its contract on the way, which reports a bad annotation whether or not the body is walked).
        /// </summary>
        private static bool BodyToWalk(SyntaxNode declaration, IMethodSymbol method, AnnotationModel model, RelevanceFilter relevance)
        {
            var contract = model.GetContract(method);
            // The members of a [ScopedLock] guard are the primitive too (the contract): `Dispose() => _mu.Unlock()` releases the
            // lock its creator took, which is what the guard is for.
            if (contract.IsLockPrimitive || (method.ContainingType is { } type && model.LockTypes.IsScopedGuard(type)))
            {
                return false;
            }

            var hasBody = declaration switch
            {
                BaseMethodDeclarationSyntax m => m.Body is not null || m.ExpressionBody is not null,
                AccessorDeclarationSyntax a => a.Body is not null || a.ExpressionBody is not null,
                ArrowExpressionClauseSyntax => true,
                _ => false,
            };
            return hasBody && relevance.IsRelevant(declaration);
        }

        private static void AnalyzeBody(SemanticModel semanticModel, SyntaxNode declaration, IMethodSymbol method, AnnotationModel model, AnalyzerSettings settings, BodyFacts into, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, CancellationToken cancellationToken)
        {
            var operation = semanticModel.GetOperation(declaration, cancellationToken);
            var cfg = operation switch
            {
                IMethodBodyOperation body => ControlFlowGraph.Create(body, cancellationToken),
                IConstructorBodyOperation constructor => ControlFlowGraph.Create(constructor, cancellationToken),
                IBlockOperation { Parent: null } block => ControlFlowGraph.Create(block, cancellationToken),
                _ => null,
            };
            if (cfg is null)
            {
                return;
            }

            AnalyzeGraph(cfg, method, model, settings, into, ownershipGraphs, cancellationToken);
        }

        /// <summary>Whether a field's or property's initializer has lambdas that may take a lock.</summary>
        private static bool InitializerLambdasToWalk(EqualsValueClauseSyntax initializer, RelevanceFilter relevance)
            => initializer.Value.DescendantNodes().Any(n => n is AnonymousFunctionExpressionSyntax)
               && (relevance.Mentions(initializer.Value) || initializer.Value.DescendantNodes().Any(n => n is LockStatementSyntax));

        /// <summary>
        /// The lambdas of a field's or property's initializer, as methods of their own (a <c>Lazy</c>'s value factory, a stored
        /// callback); the initializer itself runs in the constructor (<see cref="ConstructorFacts"/>).
        /// </summary>
        private static void AnalyzeInitializerLambdas(SemanticModel semanticModel, EqualsValueClauseSyntax initializer, AnnotationModel model, AnalyzerSettings settings, BodyFacts into, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, CancellationToken cancellationToken)
        {
            var cfg = semanticModel.GetOperation(initializer, cancellationToken) switch
            {
                IFieldInitializerOperation field => ControlFlowGraph.Create(field, cancellationToken),
                IPropertyInitializerOperation property => ControlFlowGraph.Create(property, cancellationToken),
                _ => null,
            };
            foreach (var op in cfg?.Blocks.SelectMany(b => b.Operations.Concat(b.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { b.BranchValue })) ?? Enumerable.Empty<IOperation>())
            {
                foreach (var lambda in ValueResolver.Descendants(op).OfType<IFlowAnonymousFunctionOperation>())
                {
                    AnalyzeGraph(cfg!.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken), lambda.Symbol, model, settings, into, ownershipGraphs, cancellationToken);
                }
            }
        }

        /// <summary>Analyses a graph and, as methods of their own entered with nothing held, its local functions and lambdas.</summary>
        private static void AnalyzeGraph(ControlFlowGraph root, IMethodSymbol rootMethod, AnnotationModel model, AnalyzerSettings settings, BodyFacts into, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, CancellationToken cancellationToken)
        {
            var work = new Stack<(ControlFlowGraph Graph, IMethodSymbol Method)>();
            work.Push((root, rootMethod));
            while (work.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (cfg, method) = work.Pop();
                if (into.Facts.ContainsKey(method))
                {
                    continue;
                }

                var lockFacts = LockFlowWalker.Analyze(model, cfg, method, cancellationToken);
                into.Facts[method] = lockFacts;
                if (NeedsOwnershipAnalysis(model, method, lockFacts))
                {
                    into.RefFindings[method] = RefFlowWalker.Analyze(model, cfg, method, settings.ExceptionsFromCalls, cancellationToken, out var returnsOwned);
                    ownershipGraphs[method] = cfg;
                    if (returnsOwned)
                    {
                        model.InferReturnsRef(method);
                    }
                }
                else if (lockFacts.Calls.Any(c => c.Target.ReturnType.IsReferenceType && c.Target.Locations.Any(l => l.IsInSource)))
                {
                    // Kept in case a callee turns out to return a reference (an inferred [ReturnsRef]).
                    ownershipGraphs[method] = cfg;
                }

                foreach (var local in cfg.LocalFunctions)
                {
                    work.Push((cfg.GetLocalFunctionControlFlowGraph(local, cancellationToken), local));
                }

                foreach (var block in cfg.Blocks)
                {
                    foreach (var op in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }))
                    {
                        foreach (var inner in ValueResolver.Descendants(op))
                        {
                            if (inner is IFlowAnonymousFunctionOperation lambda)
                            {
                                work.Push((cfg.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken), lambda.Symbol));
                            }
                            else if (inner is IMethodReferenceOperation reference)
                            {
                                into.MethodGroups.Add(reference.Method.OriginalDefinition);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// An unannotated method that returns a reference it got is summarised as <c>[ReturnsRef]</c>; its callers' ownership is
        /// then analysed again, to a fixpoint (wrappers of wrappers), bounded by the call depth.
        /// </summary>
        private static void InferReturnedReferences(AnnotationModel model, AnalyzerSettings settings, Dictionary<IMethodSymbol, MethodLockFacts> facts, Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> refFindings, Dictionary<IMethodSymbol, ControlFlowGraph> ownershipGraphs, CancellationToken cancellationToken)
        {
            var changed = ownershipGraphs.Keys.Where(m => model.ReturnsRef(m) && !model.GetEffectiveContract(m).ReturnsRef).ToList();
            if (changed.Count == 0)
            {
                // Nothing inferred to return a reference (code that counts none): no caller to walk again, so no call graph.
                return;
            }

            var callers = facts.Values
                .SelectMany(f => f.Calls.Select(c => (Caller: f.Method, Callee: c.Target.OriginalDefinition)))
                .GroupBy(p => p.Callee, SymbolEqualityComparer.Default)
                .ToDictionary(g => (IMethodSymbol)g.Key!, g => g.Select(p => p.Caller).Distinct(SymbolEqualityComparer.Default).Cast<IMethodSymbol>().ToList(), SymbolEqualityComparer.Default);
            for (var round = 0; round < settings.MaxCallDepth && changed.Count > 0; round++)
            {
                var next = new List<IMethodSymbol>();
                foreach (var caller in changed.SelectMany(m => callers.TryGetValue(m, out var list) ? list : new List<IMethodSymbol>()).Distinct(SymbolEqualityComparer.Default).Cast<IMethodSymbol>()
                             .OrderBy(m => m.ToDisplayString(), StringComparer.Ordinal))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!facts.TryGetValue(caller, out var callerFacts) || model.GetEffectiveContract(caller).IsRefPrimitive)
                    {
                        continue;
                    }

                    if (!ownershipGraphs.TryGetValue(caller, out var cfg))
                    {
                        continue;
                    }

                    refFindings[caller] = RefFlowWalker.Analyze(model, cfg, caller, settings.ExceptionsFromCalls, cancellationToken, out var returnsOwned);
                    if (returnsOwned && model.InferReturnsRef(caller))
                    {
                        next.Add(caller);
                    }
                }

                changed = next;
            }
        }

        /// <summary>Cheap pre-filter: only bodies that call a reference-counting method or own a consumed parameter are walked.</summary>
        private static bool NeedsOwnershipAnalysis(AnnotationModel model, IMethodSymbol method, MethodLockFacts lockFacts)
        {
            var own = model.GetEffectiveContract(method);
            if (own.IsRefPrimitive)
            {
                return false;
            }

            return !own.ConsumesRef.IsEmpty || lockFacts.Calls.Any(c =>
            {
                var contract = model.GetEffectiveContract(c.Target);
                return contract.IsRefPrimitive || contract.ReturnsRef || !contract.ConsumesRef.IsEmpty;
            }) || (lockFacts.Method.ContainingType is { } type && model.TypeHoldsRefs(type));
        }

        /// <summary>
        /// The held locks an acquisition of <paramref name="acquired"/> can wait behind: not a fresh object's, and a type's
        /// initialization only for a lock every thread can reach through a static member (<see cref="SharedWithEveryThread"/>).
        /// </summary>
        private static ImmutableArray<HeldLock> Contended(ImmutableArray<HeldLock> held, LockClass acquired)
            => held.Any(h => h.Fresh || (h.Class.IsTypeInitializer && !SharedWithEveryThread(acquired)))
                ? held.Where(h => !h.Fresh && !(h.Class.IsTypeInitializer && !SharedWithEveryThread(acquired))).ToImmutableArray()
                : held;

        /// <summary>
        /// Whether a lock a static constructor takes can be held by another thread waiting for that type: one in a static member
        /// (or a framework lock), not an instance's lock, which a static constructor reaches mostly on objects it is building for
        /// the type's statics (Npgsql's message buffer, made without a connector). Never another type's initialization: the
        /// runtime breaks such a wait instead of deadlocking.
        /// </summary>
        private static bool SharedWithEveryThread(LockClass lockClass)
            => !lockClass.IsTypeInitializer
               && (lockClass.Symbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } || lockClass.Key == FrameworkModels.TraceLock.Key);

        /// <summary>
        /// A handler stored in a referenced assembly's event or delegate member that the assembly invokes while holding its locks
        /// (its lock summary says so): what the handler takes, it takes under them. The edge is shown where the handler is
        /// subscribed, the one place in this compilation that connects the two.
        /// </summary>
        private static void AddHandlersOfExternalDelegates(MethodLockFacts methodFacts, LockSummaries summaries, AnnotationModel model, List<LockEvent> events)
        {
            if (model.External.IsEmpty)
            {
                return;
            }

            foreach (var flow in methodFacts.DelegateFlows.Where(f => f.Kind == DelegateFlowKind.Store && f.Member is not null && f.Target is not null && f.Site.IsInSource))
            {
                var heldBy = model.External.HeldAroundInvocationsOf(flow.Member!);
                if (heldBy.Count == 0)
                {
                    continue;
                }

                foreach (var path in summaries.Summary(flow.Target!))
                {
                    foreach (var holder in heldBy)
                    {
                        var held = new HeldLock(new HeldKey(holder.Class, null, LockMode.Exclusive), holder.Recursive, flow.Site, 1, true, true);
                        var steps = path.Steps.Insert(0, new ChainStep(LockSummaries.CalleeName(flow.Target!), flow.Site));
                        events.Add(new LockEvent(methodFacts.Method, flow.Site, new AcquisitionPath(path.Class, path.Mode, path.Recursive, steps, path.Dropped), ImmutableArray.Create(held), null, flow.Target)
                        {
                            HeldBy = $" (held by {holder.Assembly}'s {holder.Chain})",
                        });
                    }
                }
            }
        }

        private static List<LockEvent> BuildEvents(Dictionary<IMethodSymbol, MethodLockFacts> facts, LockSummaries summaries, AnnotationModel model)
        {
            var events = new List<LockEvent>();
            var initializerTakesLocks = new Dictionary<LockClass, bool>();
            // Waiting for a type's initialization can only deadlock when its static constructor takes a lock other threads can hold.
            bool Blocks(LockClass lockClass)
            {
                if (!lockClass.IsTypeInitializer)
                {
                    return true;
                }

                if (!initializerTakesLocks.TryGetValue(lockClass, out var blocks))
                {
                    initializerTakesLocks[lockClass] = blocks = lockClass.Symbol is INamedTypeSymbol type
                        && type.StaticConstructors.Any(c => summaries.Summary(c).Any(p => SharedWithEveryThread(p.Class)));
                }

                return blocks;
            }

            foreach (var methodFacts in facts.Values.OrderBy(f => f.Method.Locations.FirstOrDefault()?.SourceTree?.FilePath, StringComparer.Ordinal)
                         .ThenBy(f => f.Method.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0))
            {
                foreach (var acquisition in methodFacts.Acquisitions.Where(a => LockSummaries.TakesPartInOrder(a) && Blocks(a.Key.Class)))
                {
                    events.Add(new LockEvent(methodFacts.Method, acquisition.Site, LockSummaries.PathOf(acquisition), Contended(acquisition.MayHeld, acquisition.Key.Class), null, null) { Owner = LockOwners.OwnerOf(acquisition.Key, model.LockTypes), Instance = acquisition.Key.Instance });
                }

                AddHandlersOfExternalDelegates(methodFacts, summaries, model, events);
                foreach (var call in methodFacts.Calls)
                {
                    // Only what happens under a held lock can break an order, a leaf, a wait or a final drop.
                    if (call.MayHeld.IsEmpty)
                    {
                        continue;
                    }

                    foreach (var (callee, calleePath) in summaries.MayAcquireThrough(call).Where(p => Blocks(p.Path.Class)))
                    {
                        var held = Contended(LockEvent.Effective(call.MayHeld, calleePath.Dropped), calleePath.Class);
                        // Blocking on an async method's task adds only what the call itself, counted on this thread, could not
                        // say: its later part taking a lock the caller holds (the edges into other classes the call has already).
                        if (call.Waits == WaitKind.AsyncCompletion && !held.Any(h => h.Class.Equals(calleePath.Class)))
                        {
                            continue;
                        }

                        if (!held.IsEmpty && LockSummaries.Extend(callee, call, calleePath, model.Construction) is { } path)
                        {
                            events.Add(new LockEvent(methodFacts.Method, call.Site, path, held, call, callee) { Owner = LockOwners.OwnerThrough(call, calleePath) });
                        }
                    }
                }
            }

            return events;
        }
    }
}
