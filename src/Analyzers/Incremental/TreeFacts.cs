using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// What one tree's bodies gave: the per-document step of the analysis. Kept after the analysis (without the graphs) so the
    /// next compilation can reuse it when the tree and everything its walk read are unchanged (<see cref="Lineage"/>). Facts are
    /// attached (in the symbols of the compilation they belong to) or, when carried over to a later compilation, detached (every
    /// symbol written as its identity, <see cref="DetachedGraph"/>): a detached tree's symbol facts are read only once attached
    /// (<see cref="Attach"/>), which the link step needs and an edit whose findings only move does not.
    /// </summary>
    internal sealed class TreeFacts
    {
        private static readonly object NoFingerprint = new();

        private readonly SymbolFacts? _symbols;
        private Detached? _detached;
        private object? _fingerprint;
        private IReadOnlyDictionary<BodyFacts, bool>? _carried;

        public TreeFacts(SyntaxTree tree, RelevanceFilter.TreeScan scan)
        {
            Tree = tree;
            Scan = scan;
            _symbols = new SymbolFacts();
        }

        private TreeFacts(TreeFacts earlier, ImmutableArray<PathRead> reads, Detached detached, SymbolFacts? symbols, ImmutableArray<IMethodSymbol> inferredReturnsRef)
        {
            Tree = earlier.Tree;
            Scan = earlier.Scan;
            Binding = earlier.Binding;
            BindingErrors = earlier.BindingErrors;
            InferredReturnsRefIds = earlier.InferredReturnsRefIds;
            Reused = true;
            Reads = reads;
            _detached = detached;
            _symbols = symbols;
            InferredReturnsRef = inferredReturnsRef;
        }

        public SyntaxTree Tree { get; }

        /// <summary>The syntax pre-filter's scan of the tree (syntax only, so it carries over with the tree).</summary>
        public RelevanceFilter.TreeScan Scan { get; }

        /// <summary>Whether the symbol facts are at hand; a tree carried over detached has only its identities until attached.</summary>
        public bool IsAttached => _symbols is not null;

        /// <summary>Every method's facts (the bodies' merged in the tree's order, the first to give a method's facts winning).</summary>
        public Dictionary<IMethodSymbol, MethodLockFacts> Facts => Symbols.Facts;

        /// <summary>Reference-count findings by method: the walk's, then the final ones once inferred <c>[ReturnsRef]</c> settled.</summary>
        public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings => Symbols.RefFindings;

        /// <summary>Graphs kept for walking again in this analysis only; never carried over.</summary>
        public Dictionary<IMethodSymbol, ControlFlowGraph> OwnershipGraphs { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Methods the bodies name as method groups (made into delegates, run by callers the call graph does not show).</summary>
        public HashSet<IMethodSymbol> MethodGroups => Symbols.MethodGroups;

        /// <summary>The types declared here and the facts of their instance initializers.</summary>
        public ConstructorFacts Constructors => Symbols.Constructors;

        /// <summary>Each declaration's share of the facts, in the tree's order (what an edit of one body leaves standing).</summary>
        public IReadOnlyList<BodyFacts> Bodies => Symbols.Bodies;

        /// <summary>Adds the facts of the tree's declarations, in the tree's order (a tree is given its bodies once, after its walk).</summary>
        public void AddBodies(IEnumerable<BodyFacts> bodies) => Symbols.Add(bodies);

        /// <summary>
        /// Sets each method's reference findings to its final ones (after the returned-reference fixpoint), those of a method the
        /// fixpoint walked for the first time included: a caller that counts references only through a method inferred to return
        /// one has none until then, and without them its leak was lost once its tree was carried over.
        /// </summary>
        public void SettleRefFindings(IReadOnlyDictionary<IMethodSymbol, ImmutableArray<RefFinding>> final)
        {
            foreach (var body in Symbols.Bodies)
            {
                foreach (var method in body.Facts.Keys)
                {
                    if (final.TryGetValue(method, out var findings))
                    {
                        body.RefFindings[method] = findings;
                    }
                }
            }

            foreach (var method in Facts.Keys)
            {
                if (final.TryGetValue(method, out var findings))
                {
                    RefFindings[method] = findings;
                }
            }
        }

        /// <summary>Methods of this tree inferred to be <c>[ReturnsRef]</c>, once the analysis settled (empty while detached).</summary>
        public ImmutableArray<IMethodSymbol> InferredReturnsRef { get; private set; } = ImmutableArray<IMethodSymbol>.Empty;

        /// <summary>The documentation-comment IDs of <see cref="InferredReturnsRef"/>; null when one has none (a lambda, a local function).</summary>
        public ImmutableHashSet<string>? InferredReturnsRefIds { get; private set; } = ImmutableHashSet<string>.Empty;

        /// <summary>LD0001/LD0002 located in this tree.</summary>
        public ImmutableArray<Diagnostic> BindingErrors { get; set; } = ImmutableArray<Diagnostic>.Empty;

        /// <summary>The syntax of other trees the walk read (by path and span).</summary>
        public ImmutableArray<PathRead> Reads { get; set; } = ImmutableArray<PathRead>.Empty;

        /// <summary>The tree's candidate bodies bound for the relevance filter (carried over with the tree while no declaration changes).</summary>
        public TreeBinding? Binding { get; set; }

        /// <summary>Carried over from an earlier compilation rather than walked.</summary>
        public bool Reused { get; }

        private SymbolFacts Symbols => _symbols ?? throw new InvalidOperationException("The facts of " + Tree.FilePath + " were carried over detached: attach them before reading them.");

        /// <summary>
        /// What these facts hold beside their bodies' (constructors, inferred <c>[ReturnsRef]</c>) written out to be compared with a
        /// later walk's (<see cref="FactsFingerprint"/>), made once and kept until the facts are settled again; null when the facts
        /// hold what cannot be written.
        /// </summary>
        public FactsFingerprint? TreeLevelFingerprint()
        {
            if (_fingerprint is null)
            {
                Interlocked.CompareExchange(ref _fingerprint, FingerprintOrNone(() => FactsFingerprint.OfTreeLevel(this)), null);
            }

            return _fingerprint as FactsFingerprint;
        }

        /// <summary>A fingerprint, or a marker that the facts hold what cannot be written.</summary>
        internal static object FingerprintOrNone(Func<FactsFingerprint> make)
        {
            try
            {
                return make();
            }
            catch (NotSupportedException)
            {
                return NoFingerprint;
            }
        }

        /// <summary>
        /// Whether <paramref name="body"/> was carried over from the analysis before (an edit of this tree left it standing) rather
        /// than walked; <paramref name="namesALine"/> when its facts name a line the edit may have renumbered.
        /// </summary>
        public bool WasCarried(BodyFacts body, out bool namesALine)
        {
            namesALine = false;
            return _carried is not null && _carried.TryGetValue(body, out namesALine);
        }

        /// <summary>How many of the bodies were carried over rather than walked.</summary>
        public int CarriedBodyCount => _carried?.Count ?? 0;

        /// <summary>Records the bodies this walk carried over (<see cref="WasCarried"/>).</summary>
        public void Carried(IReadOnlyDictionary<BodyFacts, bool> bodies) => _carried = bodies.Count == 0 ? null : bodies;

        /// <summary>Records what the analysis settled this tree's methods to return (<c>[ReturnsRef]</c> it inferred).</summary>
        public void SettleInferredReturnsRef(ImmutableArray<IMethodSymbol> methods)
        {
            // The reference findings were settled just before: a fingerprint made earlier may not write them.
            _fingerprint = null;
            InferredReturnsRef = methods;
            var ids = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var method in methods)
            {
                if (method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LocalFunction || DocumentationCommentId.CreateDeclarationId(method) is not { } id)
                {
                    InferredReturnsRefIds = null;
                    return;
                }

                ids.Add(id);
            }

            InferredReturnsRefIds = ids.ToImmutable();
        }

        /// <summary>
        /// These facts carried over to a later compilation that shares the tree, detached, with what the walk read where it stands
        /// there; null when some symbol has no identity (such trees are walked again). <paramref name="sourceAssembly"/> is the
        /// assembly of the compilation these facts are attached in (detaching is done once, and kept).
        /// </summary>
        public TreeFacts? CarryOver(IAssemblySymbol sourceAssembly, ImmutableArray<PathRead> reads)
            => DetachedIn(sourceAssembly) is { } detached ? new TreeFacts(this, reads, detached, symbols: null, ImmutableArray<IMethodSymbol>.Empty) : null;

        /// <summary>
        /// The methods this tree inferred to be <c>[ReturnsRef]</c>, in <paramref name="resolver"/>'s compilation (for the model
        /// of a compilation that carries these facts over); null when one has no counterpart.
        /// </summary>
        public IReadOnlyList<IMethodSymbol>? InferredReturnsRefIn(SymbolResolver resolver, IAssemblySymbol sourceAssembly)
        {
            if (IsAttached && InferredReturnsRef.IsEmpty)
            {
                return InferredReturnsRef;
            }

            if (DetachedIn(sourceAssembly) is not { } detached)
            {
                return null;
            }

            var methods = new List<IMethodSymbol>();
            foreach (var identity in detached.InferredReturnsRef)
            {
                if (resolver.Find(identity) is not IMethodSymbol method)
                {
                    return null;
                }

                methods.Add(method);
            }

            return methods;
        }

        /// <summary>
        /// Detached facts attached in <paramref name="resolver"/>'s compilation (kept with their detached form, for the next
        /// compilation); these facts when they are attached; null when some symbol has no counterpart.
        /// </summary>
        public TreeFacts? Attach(SymbolResolver resolver)
        {
            if (IsAttached)
            {
                return this;
            }

            var detached = _detached!;
            try
            {
                var attaching = new DetachedGraph.Attaching(resolver);
                var symbols = new SymbolFacts((ConstructorFacts)attaching.Copy(detached.Constructors)!);
                symbols.Add(detached.Bodies.Select(b => (BodyFacts)attaching.Copy(b.Facts)!));
                var inferred = detached.InferredReturnsRef.Select(i => (IMethodSymbol?)resolver.Find(i) ?? throw new DetachedGraph.CannotCopy("an inferred [ReturnsRef] with no counterpart")).ToImmutableArray();
                return new TreeFacts(this, Reads, detached, symbols, inferred);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Carrying over only saves time: a symbol with no counterpart, or one Roslyn refuses to rebuild (a construction
                // it rejects), means the tree is walked, as if it had changed, rather than the analysis failing.
                return null;
            }
        }

        /// <summary>Adds to <paramref name="into"/> the methods of <paramref name="from"/> it does not have (facts merged in order, the first giving a method's winning).</summary>
        internal static void MergeFirstWins<TValue>(Dictionary<IMethodSymbol, TValue> into, Dictionary<IMethodSymbol, TValue> from)
        {
            foreach (var pair in from)
            {
                if (!into.ContainsKey(pair.Key))
                {
                    into.Add(pair.Key, pair.Value);
                }
            }
        }

        /// <summary>The detached form, made on first use (from any thread: each makes the same, one is kept); null when it cannot be made.</summary>
        private Detached? DetachedIn(IAssemblySymbol sourceAssembly)
        {
            if (_detached is null)
            {
                Detached made;
                try
                {
                    var describer = new SymbolIdentity.Describer(sourceAssembly);
                    var detaching = new DetachedGraph.Detaching(describer);
                    var inferred = InferredReturnsRef.Select(m => describer.Of(m) ?? throw new DetachedGraph.CannotCopy("an inferred [ReturnsRef] with no identity")).ToImmutableArray();
                    var bodies = ImmutableArray.CreateBuilder<DetachedBody>(Symbols.Bodies.Count);
                    foreach (var body in Symbols.Bodies)
                    {
                        // The reads first: working them out lets go of the walk's recording (which holds trees), and the copy would keep it.
                        var reads = body.Reads;
                        bodies.Add(new DetachedBody(body.Span, reads, detaching.Copy(body), inferred.Where((_, i) => body.Facts.ContainsKey(InferredReturnsRef[i])).ToImmutableArray()));
                    }

                    made = new Detached(bodies.MoveToImmutable(), detaching.Copy(Symbols.Constructors), inferred);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // What cannot be detached (a symbol with no identity, a value that must not outlive its compilation) is walked.
                    made = Detached.None;
                }

                Interlocked.CompareExchange(ref _detached, made, null);
            }

            return _detached == Detached.None ? null : _detached;
        }

        /// <summary>
        /// The earlier facts of the bodies an edit of this tree left standing, for the walk of the edited tree to take over instead
        /// of walking them: by their span in the edited tree, attached in <paramref name="resolver"/>'s compilation with every
        /// location moved by <paramref name="edits"/>. A body is left standing when the edit touched neither it nor any syntax
        /// its walk read (its own tree's included); one whose facts cannot be attached or moved is walked. The <c>[ReturnsRef]</c>
        /// inferred for their methods are given to <paramref name="inferReturnsRef"/> here, before any tree is walked, as those of
        /// the trees carried over are. Null when these facts cannot be detached.
        /// </summary>
        public CarriedBodies? BodiesLeftBy(Lineage.Edit edit, IReadOnlyDictionary<string, Lineage.Edit> edits, IAssemblySymbol sourceAssembly, SymbolResolver resolver, Action<IMethodSymbol> inferReturnsRef, CancellationToken cancellationToken)
        {
            if (DetachedIn(sourceAssembly) is not { } detached)
            {
                return null;
            }

            var standing = new Dictionary<TextSpan, (DetachedBody Body, ImmutableArray<PathRead> Reads)>();
            foreach (var body in detached.Bodies)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (edit.Moved(body.Span) is not { } span)
                {
                    continue;
                }

                var reads = Lineage.ReadsAfter(body.Reads, edits, cancellationToken, out var touched);
                var inferred = body.InferredReturnsRef.Select(i => resolver.Find(i) as IMethodSymbol).ToList();
                if (!touched && !inferred.Contains(null))
                {
                    standing[span] = (body, reads);
                    inferred.ForEach(m => inferReturnsRef(m!));
                }
            }

            return new CarriedBodies(standing, edits, resolver);
        }

        /// <summary>The part of the facts that names symbols: what is detached to carry a tree over.</summary>
        private sealed class SymbolFacts
        {
            public SymbolFacts()
                : this(new ConstructorFacts())
            {
            }

            public SymbolFacts(ConstructorFacts constructors) => Constructors = constructors;

            public List<BodyFacts> Bodies { get; } = new();

            public Dictionary<IMethodSymbol, MethodLockFacts> Facts { get; } = new(SymbolEqualityComparer.Default);

            public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings { get; } = new(SymbolEqualityComparer.Default);

            public HashSet<IMethodSymbol> MethodGroups { get; } = new(SymbolEqualityComparer.Default);

            public ConstructorFacts Constructors { get; }

            public void Add(IEnumerable<BodyFacts> bodies)
            {
                foreach (var body in bodies)
                {
                    Bodies.Add(body);
                    MethodGroups.UnionWith(body.MethodGroups);
                    MergeFirstWins(Facts, body.Facts);
                    MergeFirstWins(RefFindings, body.RefFindings);
                }
            }
        }

        /// <summary>A body's facts detached, with where it stands and what its walk read (to tell whether an edit left it standing).</summary>
        internal sealed class DetachedBody
        {
            public DetachedBody(TextSpan span, ImmutableArray<PathRead> reads, object? facts, ImmutableArray<SymbolIdentity> inferredReturnsRef)
            {
                Span = span;
                Reads = reads;
                Facts = facts;
                InferredReturnsRef = inferredReturnsRef;
            }

            public TextSpan Span { get; }

            public ImmutableArray<PathRead> Reads { get; }

            public object? Facts { get; }

            /// <summary>Its methods the analysis inferred to be <c>[ReturnsRef]</c>.</summary>
            public ImmutableArray<SymbolIdentity> InferredReturnsRef { get; }
        }

        /// <summary>The symbol facts with every symbol written as its identity, and the inferred <c>[ReturnsRef]</c> likewise.</summary>
        private sealed class Detached
        {
            public static readonly Detached None = new(ImmutableArray<DetachedBody>.Empty, null, ImmutableArray<SymbolIdentity>.Empty);

            public Detached(ImmutableArray<DetachedBody> bodies, object? constructors, ImmutableArray<SymbolIdentity> inferredReturnsRef)
            {
                Bodies = bodies;
                Constructors = constructors;
                InferredReturnsRef = inferredReturnsRef;
            }

            public ImmutableArray<DetachedBody> Bodies { get; }

            public object? Constructors { get; }

            public ImmutableArray<SymbolIdentity> InferredReturnsRef { get; }
        }

        /// <summary>The bodies of an edited tree whose earlier facts an edit left standing (<see cref="BodiesLeftBy"/>).</summary>
        internal sealed class CarriedBodies
        {
            private readonly Dictionary<TextSpan, (DetachedBody Body, ImmutableArray<PathRead> Reads)> _standing;
            private readonly Dictionary<SyntaxTree, Lineage.Edit> _byEarlierTree;
            private readonly DetachedGraph.Attaching _attaching;
            private readonly Dictionary<Location, Location> _moved = new();
            private readonly Dictionary<BodyFacts, bool> _taken = new();

            internal CarriedBodies(Dictionary<TextSpan, (DetachedBody Body, ImmutableArray<PathRead> Reads)> standing, IReadOnlyDictionary<string, Lineage.Edit> edits, SymbolResolver resolver)
            {
                _standing = standing;
                _byEarlierTree = edits.Values.ToDictionary(e => e.Before, e => e);
                _attaching = new DetachedGraph.Attaching(resolver);
            }

            /// <summary>
            /// The earlier facts of the declaration at <paramref name="span"/> of the edited tree, attached and moved; null when the
            /// edit did not leave it standing, or its facts cannot be attached or moved.
            /// </summary>
            public BodyFacts? Take(TextSpan span)
            {
                if (!_standing.TryGetValue(span, out var standing))
                {
                    return null;
                }

                try
                {
                    var attached = (BodyFacts)_attaching.Copy(standing.Body.Facts)!;
                    var taken = BodyFacts.MovedTo(span, standing.Reads, (BodyFacts)DetachedGraph.Moved(attached, Move, out var namesALine)!);
                    _taken.Add(taken, namesALine);
                    return taken;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // As for a whole tree: what cannot be carried over is walked.
                    return null;
                }
            }

            /// <summary>The bodies taken, each with whether its facts name a line (<see cref="INamesALine"/>).</summary>
            public IReadOnlyDictionary<BodyFacts, bool> Taken => _taken;

            private Location Move(Location location)
            {
                if (location.SourceTree is not { } tree || !_byEarlierTree.TryGetValue(tree, out var edit))
                {
                    return location;
                }

                if (!_moved.TryGetValue(location, out var moved))
                {
                    _moved[location] = moved = edit.Moved(location) ?? throw new DetachedGraph.CannotCopy("a location the edit changed");
                }

                return moved;
            }
        }
    }

    /// <summary>
    /// One declaration's share of a tree's facts: a method's, accessor's or expression-bodied property's body with its lambdas and
    /// local functions, or the lambdas of a field's or property's initializer. Kept apart so that an edit of one body of a tree
    /// walks that body alone (<see cref="TreeFacts.BodiesLeftBy"/>).
    /// </summary>
    internal sealed class BodyFacts
    {
        public BodyFacts(TextSpan span) => Span = span;

        /// <summary>The declaration's span in its tree.</summary>
        public TextSpan Span { get; }

        public Dictionary<IMethodSymbol, MethodLockFacts> Facts { get; } = new(SymbolEqualityComparer.Default);

        public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings { get; } = new(SymbolEqualityComparer.Default);

        public HashSet<IMethodSymbol> MethodGroups { get; } = new(SymbolEqualityComparer.Default);

        private ImmutableArray<PathRead> _reads = ImmutableArray<PathRead>.Empty;
        private SyntaxReads.Part? _unsorted;

        /// <summary>
        /// The syntax the body's walk read in every tree, its own included (but for its own locations, which move with it). Worked
        /// out from the walk's recording on first use: only a later compilation asks, and one compilation (a build) never does.
        /// </summary>
        public ImmutableArray<PathRead> Reads
        {
            get
            {
                if (Volatile.Read(ref _unsorted) is { } part)
                {
                    // Threads that race here work out the same reads; the recording (which holds trees) is let go once they are known.
                    _reads = PathRead.OfBody(part.Reads, part.Tree);
                    Volatile.Write(ref _unsorted, null);
                }

                return _reads;
            }

            set
            {
                _reads = value;
                _unsorted = null;
            }
        }

        /// <summary>Records where in its tree's recording the body's walk logged its reads (<see cref="Reads"/> sorts them out later).</summary>
        public void ReadIn(SyntaxReads.Part part) => _unsorted = part;

        private static readonly ConditionalWeakTable<BodyFacts, object> Fingerprints = new();

        /// <summary>These facts written out to be compared with a later walk's, made once; null when they hold what cannot be written.</summary>
        public FactsFingerprint? Fingerprint() => Fingerprints.GetValue(this, b => TreeFacts.FingerprintOrNone(() => FactsFingerprint.Of(b))) as FactsFingerprint;

        /// <summary>Another body's facts at <paramref name="span"/>, with <paramref name="reads"/>.</summary>
        public static BodyFacts MovedTo(TextSpan span, ImmutableArray<PathRead> reads, BodyFacts facts)
        {
            var moved = new BodyFacts(span) { Reads = reads };
            foreach (var pair in facts.Facts)
            {
                moved.Facts.Add(pair.Key, pair.Value);
            }

            foreach (var pair in facts.RefFindings)
            {
                moved.RefFindings.Add(pair.Key, pair.Value);
            }

            moved.MethodGroups.UnionWith(facts.MethodGroups);
            return moved;
        }
    }
}
