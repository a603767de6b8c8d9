using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// Which interface and base members the methods of carried-over trees implement or override, as an earlier analysis of a
    /// compilation with the same declarations found them. Asking Roslyn again (<c>FindImplementationForInterfaceMember</c> in a
    /// new compilation, whose symbols nothing has asked about yet) was most of the link step's cost after an edit; with every
    /// declaration unchanged the answer is the same, found again in the new symbols (<see cref="SymbolMap"/>).
    /// </summary>
    internal sealed class EarlierImplementations
    {
        private readonly IReadOnlyDictionary<IMethodSymbol, List<IMethodSymbol>> _index;
        private readonly SymbolMap _symbols;
        private readonly HashSet<SyntaxTree> _carriedTrees;

        public EarlierImplementations(IReadOnlyDictionary<IMethodSymbol, List<IMethodSymbol>> index, SymbolMap symbols, IEnumerable<SyntaxTree> carriedTrees)
        {
            _index = index;
            _symbols = symbols;
            _carriedTrees = new HashSet<SyntaxTree>(carriedTrees);
        }

        /// <summary>
        /// Adds the earlier index's entries for methods of carried-over trees to <paramref name="into"/> and returns those methods
        /// (they need no indexing); null, with nothing added, when some symbol has no counterpart (then everything is indexed).
        /// </summary>
        public HashSet<IMethodSymbol>? Translate(Dictionary<IMethodSymbol, List<IMethodSymbol>> into, IReadOnlyDictionary<IMethodSymbol, MethodLockFacts> facts)
        {
            var entries = new List<(IMethodSymbol Member, IMethodSymbol Implementation)>();
            foreach (var pair in _index)
            {
                var member = _symbols.Map(pair.Key);
                foreach (var implementation in pair.Value.Where(IsCarried))
                {
                    if (member is null || _symbols.Map(implementation) is not { } mapped || !facts.ContainsKey(mapped))
                    {
                        return null;
                    }

                    entries.Add((member, mapped));
                }
            }

            var carried = new HashSet<IMethodSymbol>(facts.Keys.Where(IsCarried), SymbolEqualityComparer.Default);
            foreach (var (member, implementation) in entries)
            {
                if (!into.TryGetValue(member, out var list))
                {
                    into[member] = list = new List<IMethodSymbol>();
                }

                list.Add(implementation);
            }

            return carried;
        }

        /// <summary>Declared in carried-over trees only (the trees are the same objects in both compilations).</summary>
        private bool IsCarried(IMethodSymbol method)
            => method.MethodKind is not (MethodKind.AnonymousFunction or MethodKind.LocalFunction)
               && method.Locations.Length > 0 && method.Locations.All(l => l.SourceTree is { } tree && _carriedTrees.Contains(tree));
    }
}
