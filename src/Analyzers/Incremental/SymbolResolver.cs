using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// Finds symbol identities (<see cref="SymbolIdentity"/>) again in one compilation. Not safe to use from several threads:
    /// each takes its own (<see cref="ForOneThread"/>), with a cache of its own; a cache shared by the threads took a lock on every
    /// symbol added, and the other thread spun on it (a third of restating's thread time in a profile), while asking Roslyn
    /// again is cheap, as it keeps the members it made.
    /// </summary>
    internal sealed class SymbolResolver
    {
        private readonly Target _target;
        private readonly Dictionary<SymbolIdentity, ISymbol?> _found = new(SameObject.Instance);

        /// <param name="edits">The edits that made the compilation's trees from those the identities were written in, when no declaration changed.</param>
        public SymbolResolver(Compilation compilation, IEnumerable<Lineage.Edit> edits, CancellationToken cancellationToken)
            : this(new Target(compilation, edits, cancellationToken))
        {
        }

        private SymbolResolver(Target target) => _target = target;

        public Compilation Compilation => _target.Compilation;

        public CancellationToken CancellationToken => _target.CancellationToken;

        /// <summary>A resolver for the same compilation with a cache of its own, for one thread while others use theirs.</summary>
        public SymbolResolver ForOneThread() => new(_target);

        /// <summary>The symbol <paramref name="identity"/> stands for here; null when it has no counterpart.</summary>
        public ISymbol? Find(SymbolIdentity identity)
        {
            if (!_found.TryGetValue(identity, out var symbol))
            {
                symbol = identity.Find(this);
                _found[identity] = symbol;
            }

            return symbol;
        }

        /// <summary>
        /// Where a span of <paramref name="written"/> stands in this compilation: the same span when the tree is still the one at
        /// its path, the span an edit moved it to when an edit made the tree at its path from that one; null when neither holds
        /// or the edit changed the span.
        /// </summary>
        internal (SyntaxTree Tree, TextSpan Span)? WhereNow(SyntaxTree written, string path, TextSpan span)
        {
            if (!_target.TreesByPath.TryGetValue(path, out var tree))
            {
                return null;
            }

            if (ReferenceEquals(tree, written))
            {
                return (tree, span);
            }

            return _target.Edits.TryGetValue(path, out var edit) && ReferenceEquals(edit.Before, written) && ReferenceEquals(edit.After, tree) && edit.Moved(span) is { } moved
                ? (tree, moved)
                : null;
        }

        /// <summary>The compilation's semantic model of a tree, to bind a lambda or local again where it is written.</summary>
        internal SemanticModel ModelOf(SyntaxTree tree)
#pragma warning disable RS1030 // Only for the lambdas and locals that carried-over facts name, instead of walking their trees again.
            => _target.Models.GetOrAdd(tree, t => _target.Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

        /// <summary>What every resolver for one compilation shares: read only, except the semantic models made for lambdas.</summary>
        private sealed class Target
        {
            public Target(Compilation compilation, IEnumerable<Lineage.Edit> edits, CancellationToken cancellationToken)
            {
                Compilation = compilation;
                CancellationToken = cancellationToken;
                foreach (var tree in compilation.SyntaxTrees)
                {
                    TreesByPath[tree.FilePath] = tree;
                }

                foreach (var edit in edits)
                {
                    Edits[edit.After.FilePath] = edit;
                }
            }

            public Compilation Compilation { get; }

            public CancellationToken CancellationToken { get; }

            public Dictionary<string, SyntaxTree> TreesByPath { get; } = new(System.StringComparer.Ordinal);

            /// <summary>The edits since the identities were written, by path.</summary>
            public Dictionary<string, Lineage.Edit> Edits { get; } = new(System.StringComparer.Ordinal);

            public ConcurrentDictionary<SyntaxTree, SemanticModel> Models { get; } = new();
        }
    }
}
