using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// Which syntax trees a tree's walk read beyond its own declarations' symbols: another method's body for wrapper inference,
    /// a type's assignments for the lock objects it owns, every tree for a back pointer's proof. A tree's facts are reused after an
    /// edit only when none of the trees it read changed. Every read of syntax the model makes goes through here, and so does every
    /// model cache whose values came from such reads (<see cref="Memo{TKey,TValue}"/>), so a cache hit counts the reads that made it.
    /// </summary>
    internal static class SyntaxReads
    {
        // This thread's reads, in order, while a walk or a cached computation records them; null otherwise. A computation's reads
        // are the tail it appended, so nesting needs no set of its own.
        [ThreadStatic]
        private static List<SyntaxTree>? _log;

        // Reused for computations made while no walk records (the link step), so they allocate nothing.
        [ThreadStatic]
        private static List<SyntaxTree>? _scratch;

        /// <summary>Starts recording this thread's reads until the returned recording is disposed.</summary>
        public static Recording Record()
        {
            var outer = _log;
            _log = new List<SyntaxTree>();
            return new Recording(outer, _log);
        }

        public static void Read(SyntaxTree? tree)
        {
            var log = _log;
            if (tree is not null && log is not null && (log.Count == 0 || log[log.Count - 1] != tree))
            {
                log.Add(tree);
            }
        }

        /// <summary>
        /// A declaration's location kept in facts (a partial method's first part may be in another tree): facts that point into a
        /// tree depend on it as much as facts read from it.
        /// </summary>
        public static Location Located(Location? location)
        {
            Read(location?.SourceTree);
            return location ?? Location.None;
        }

        public static SyntaxNode Syntax(SyntaxReference reference, CancellationToken cancellationToken = default)
        {
            Read(reference.SyntaxTree);
            return reference.GetSyntax(cancellationToken);
        }

        public static SyntaxNode Root(SyntaxTree tree, CancellationToken cancellationToken = default)
        {
            Read(tree);
            return tree.GetRoot(cancellationToken);
        }

        /// <summary>
        /// <paramref name="cache"/>'s value for <paramref name="key"/>, computed once; the trees read to compute it count as read
        /// by every caller that gets it.
        /// </summary>
        public static TValue Memo<TKey, TValue>(ConcurrentDictionary<TKey, Tracked<TValue>> cache, TKey key, Func<TKey, TValue> compute)
            where TKey : notnull
            => Memo(cache, key, compute, earlier: null);

        /// <summary>
        /// As <see cref="Memo{TKey,TValue}(ConcurrentDictionary{TKey,Tracked{TValue}},TKey,Func{TKey,TValue})"/>, taking the answer an
        /// earlier compilation's cache gave when <paramref name="earlier"/> has one that still stands.
        /// </summary>
        public static TValue Memo<TKey, TValue>(ConcurrentDictionary<TKey, Tracked<TValue>> cache, TKey key, Func<TKey, TValue> compute, EarlierAnswers<TValue>? earlier)
            where TKey : notnull
        {
            if (cache.TryGetValue(key, out var tracked))
            {
                Replay(tracked.Reads);
                return tracked.Value;
            }

            var owned = _log is null;
            var log = _log ??= _scratch ??= new List<SyntaxTree>();
            var start = log.Count;
            TValue value;
            SyntaxTree[] reads;
            try
            {
                value = earlier is not null && key is ISymbol symbol && earlier.TryGet(symbol, out var taken) ? taken : compute(key);
            }
            finally
            {
                reads = log.Count == start ? Array.Empty<SyntaxTree>() : log.Skip(start).Distinct().ToArray();
                if (owned)
                {
                    log.Clear();
                    _log = null;
                }
            }

            var stored = cache.GetOrAdd(key, new Tracked<TValue>(value, reads));
            if (!ReferenceEquals(stored.Reads, reads))
            {
                // Another thread's value won: count its reads too.
                Replay(stored.Reads);
            }

            return stored.Value;
        }

        /// <summary>Counts <paramref name="reads"/> as read by the computation or walk recording now.</summary>
        public static void Replay(SyntaxTree[] reads)
        {
            foreach (var tree in reads)
            {
                Read(tree);
            }
        }

        /// <summary>A cached value with the trees read to compute it.</summary>
        internal sealed class Tracked<TValue>
        {
            public Tracked(TValue value, SyntaxTree[] reads)
            {
                Value = value;
                Reads = reads;
            }

            public TValue Value { get; }

            public SyntaxTree[] Reads { get; }
        }

        /// <summary>A recording in progress; disposing it restores the enclosing one (whose reads then include these).</summary>
        internal sealed class Recording : IDisposable
        {
            private readonly List<SyntaxTree>? _outer;
            private readonly List<SyntaxTree> _reads;
            private bool _disposed;

            public Recording(List<SyntaxTree>? outer, List<SyntaxTree> reads)
            {
                _outer = outer;
                _reads = reads;
            }

            /// <summary>The trees read, each once.</summary>
            public IEnumerable<SyntaxTree> Trees => _reads.Distinct();

            public void Dispose()
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _log = _outer;
                    _outer?.AddRange(_reads);
                }
            }
        }
    }
}
