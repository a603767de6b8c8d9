using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// The symbol of one compilation that stands for a symbol of an earlier one with the same declarations: its identity in the
    /// earlier compilation (<see cref="SymbolIdentity"/>) found again in the later (<see cref="SymbolResolver"/>). Not safe to use
    /// from several threads.
    /// </summary>
    internal sealed class SymbolMap
    {
        private readonly SymbolIdentity.Describer _describer;
        private readonly SymbolResolver _resolver;

        /// <param name="edits">The edits that made <paramref name="to"/>'s trees from <paramref name="from"/>'s, when no declaration changed.</param>
        public SymbolMap(Compilation from, Compilation to, System.Threading.CancellationToken cancellationToken, IEnumerable<Lineage.Edit>? edits = null)
        {
            _describer = new SymbolIdentity.Describer(from.Assembly);
            _resolver = new SymbolResolver(to, edits ?? System.Array.Empty<Lineage.Edit>(), cancellationToken);
        }

        /// <summary>The counterpart of <paramref name="symbol"/>, or null when it has none.</summary>
        public T? Map<T>(T? symbol)
            where T : class, ISymbol
            => symbol is not null && _describer.Of(symbol) is { } identity && _resolver.Find(identity) is { } found && found.Kind == symbol.Kind ? found as T : null;

        /// <summary>Both compilations see the very same assembly symbols for every reference (Roslyn shares them when only trees changed).</summary>
        internal static bool ReferencesShared(Compilation from, Compilation to)
        {
            if (!System.Linq.Enumerable.SequenceEqual(from.References, to.References))
            {
                return false;
            }

            foreach (var reference in to.References)
            {
                if (!ReferenceEquals(from.GetAssemblyOrModuleSymbol(reference), to.GetAssemblyOrModuleSymbol(reference)))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
