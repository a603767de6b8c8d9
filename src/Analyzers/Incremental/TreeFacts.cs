using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

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

        public Dictionary<IMethodSymbol, MethodLockFacts> Facts => Symbols.Facts;

        /// <summary>Reference-count findings by method: the walk's, then the final ones once inferred <c>[ReturnsRef]</c> settled.</summary>
        public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings => Symbols.RefFindings;

        /// <summary>Graphs kept for walking again in this analysis only; never carried over.</summary>
        public Dictionary<IMethodSymbol, ControlFlowGraph> OwnershipGraphs { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Methods the bodies name as method groups (made into delegates, run by callers the call graph does not show).</summary>
        public HashSet<IMethodSymbol> MethodGroups => Symbols.MethodGroups;

        /// <summary>The types declared here and the facts of their instance initializers.</summary>
        public ConstructorFacts Constructors => Symbols.Constructors;

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
        /// These facts written out to be compared with a later walk's (<see cref="FactsFingerprint"/>), made once and kept until the
        /// facts are settled again; null when the facts hold what cannot be written.
        /// </summary>
        public FactsFingerprint? Fingerprint()
        {
            if (_fingerprint is null)
            {
                object made;
                try
                {
                    made = FactsFingerprint.Of(this);
                }
                catch (NotSupportedException)
                {
                    made = NoFingerprint;
                }

                Interlocked.CompareExchange(ref _fingerprint, made, null);
            }

            return _fingerprint as FactsFingerprint;
        }

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
                var symbols = (SymbolFacts)DetachedGraph.Attach(detached.Symbols, resolver)!;
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

        /// <summary>The detached form, made on first use (from any thread: each makes the same, one is kept); null when it cannot be made.</summary>
        private Detached? DetachedIn(IAssemblySymbol sourceAssembly)
        {
            if (_detached is null)
            {
                Detached made;
                try
                {
                    var describer = new SymbolIdentity.Describer(sourceAssembly);
                    var inferred = InferredReturnsRef.Select(m => describer.Of(m) ?? throw new DetachedGraph.CannotCopy("an inferred [ReturnsRef] with no identity")).ToImmutableArray();
                    made = new Detached(DetachedGraph.Detach(Symbols, describer), inferred);
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

        /// <summary>The part of the facts that names symbols: what is detached to carry a tree over.</summary>
        private sealed class SymbolFacts
        {
            public Dictionary<IMethodSymbol, MethodLockFacts> Facts { get; } = new(SymbolEqualityComparer.Default);

            public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings { get; } = new(SymbolEqualityComparer.Default);

            public HashSet<IMethodSymbol> MethodGroups { get; } = new(SymbolEqualityComparer.Default);

            public ConstructorFacts Constructors { get; } = new();
        }

        /// <summary>The symbol facts with every symbol written as its identity, and the inferred <c>[ReturnsRef]</c> likewise.</summary>
        private sealed class Detached
        {
            public static readonly Detached None = new(null, ImmutableArray<SymbolIdentity>.Empty);

            public Detached(object? symbols, ImmutableArray<SymbolIdentity> inferredReturnsRef)
            {
                Symbols = symbols;
                InferredReturnsRef = inferredReturnsRef;
            }

            public object? Symbols { get; }

            public ImmutableArray<SymbolIdentity> InferredReturnsRef { get; }
        }
    }
}
