using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// What one tree's bodies gave: the per-document step of the analysis. Kept after the analysis (without the graphs) so the
    /// next compilation can reuse it when the tree and everything its walk read are unchanged (<see cref="Lineage"/>).
    /// </summary>
    internal sealed class TreeFacts
    {
        public TreeFacts(SyntaxTree tree, RelevanceFilter.TreeScan scan)
        {
            Tree = tree;
            Scan = scan;
        }

        public SyntaxTree Tree { get; }

        /// <summary>The syntax pre-filter's scan of the tree (syntax only, so it carries over with the tree).</summary>
        public RelevanceFilter.TreeScan Scan { get; }

        public Dictionary<IMethodSymbol, MethodLockFacts> Facts { get; private set; } = new(SymbolEqualityComparer.Default);

        /// <summary>Reference-count findings by method: the walk's, then the final ones once inferred <c>[ReturnsRef]</c> settled.</summary>
        public Dictionary<IMethodSymbol, ImmutableArray<RefFinding>> RefFindings { get; private set; } = new(SymbolEqualityComparer.Default);

        /// <summary>Graphs kept for walking again in this analysis only; never carried over.</summary>
        public Dictionary<IMethodSymbol, ControlFlowGraph> OwnershipGraphs { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Methods the bodies name as method groups (made into delegates, run by callers the call graph does not show).</summary>
        public HashSet<IMethodSymbol> MethodGroups { get; private set; } = new(SymbolEqualityComparer.Default);

        /// <summary>The types declared here and the facts of their instance initializers.</summary>
        public ConstructorFacts Constructors { get; private set; } = new();

        /// <summary>Methods of this tree inferred to be <c>[ReturnsRef]</c>, once the analysis settled.</summary>
        public ImmutableArray<IMethodSymbol> InferredReturnsRef { get; set; } = ImmutableArray<IMethodSymbol>.Empty;

        /// <summary>LD0001/LD0002 located in this tree.</summary>
        public ImmutableArray<Diagnostic> BindingErrors { get; set; } = ImmutableArray<Diagnostic>.Empty;

        /// <summary>The syntax of other trees the walk read (by path and span).</summary>
        public ImmutableArray<PathRead> Reads { get; set; } = ImmutableArray<PathRead>.Empty;

        /// <summary>The tree's candidate bodies bound for the relevance filter (carried over with the tree while no declaration changes).</summary>
        public TreeBinding? Binding { get; set; }

        /// <summary>Carried over from an earlier compilation rather than walked.</summary>
        public bool Reused { get; private set; }

        /// <summary>
        /// These facts in the symbols of a later compilation that shares the tree, with what the walk read where it stands there,
        /// or null when some symbol has no counterpart there (such trees are walked again).
        /// </summary>
        public TreeFacts? TranslateTo(SymbolMap symbols, ImmutableArray<PathRead> reads)
        {
            var translator = new FactTranslator(symbols);
            var translated = new TreeFacts(Tree, Scan)
            {
                Reused = true,
                Reads = reads,
                BindingErrors = BindingErrors,
                Facts = Facts.ToDictionary(p => translator.Symbol(p.Key), p => translator.Facts(p.Value), (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default),
                RefFindings = RefFindings.ToDictionary(p => translator.Symbol(p.Key), p => p.Value, (IEqualityComparer<IMethodSymbol>)SymbolEqualityComparer.Default),
                MethodGroups = new HashSet<IMethodSymbol>(MethodGroups.Select(translator.Symbol), SymbolEqualityComparer.Default),
                Constructors = Constructors.Translate(translator),
                InferredReturnsRef = InferredReturnsRef.Select(translator.Symbol).ToImmutableArray(),
            };
            return translator.Failed ? null : translated;
        }
    }
}
