using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
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
        [ThreadStatic]
        private static HashSet<SyntaxTree>? _current;

        /// <summary>Starts recording this thread's reads until the returned scope is disposed.</summary>
        public static Recording Record() => new(Swap(new HashSet<SyntaxTree>()));

        public static void Read(SyntaxTree? tree)
        {
            if (tree is not null)
            {
                _current?.Add(tree);
            }
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
        {
            if (!cache.TryGetValue(key, out var tracked))
            {
                var outer = Swap(new HashSet<SyntaxTree>());
                TValue value;
                HashSet<SyntaxTree> reads;
                try
                {
                    value = compute(key);
                }
                finally
                {
                    reads = Swap(outer)!;
                }

                tracked = cache.GetOrAdd(key, new Tracked<TValue>(value, reads));
            }

            if (_current is { } current && tracked.Reads.Count > 0)
            {
                current.UnionWith(tracked.Reads);
            }

            return tracked.Value;
        }

        private static HashSet<SyntaxTree>? Swap(HashSet<SyntaxTree>? next)
        {
            var previous = _current;
            _current = next;
            return previous;
        }

        /// <summary>A cached value with the trees read to compute it.</summary>
        internal sealed class Tracked<TValue>
        {
            public Tracked(TValue value, HashSet<SyntaxTree> reads)
            {
                Value = value;
                Reads = reads;
            }

            public TValue Value { get; }

            public HashSet<SyntaxTree> Reads { get; }
        }

        /// <summary>A recording in progress; disposing it restores the enclosing one (whose reads then include these).</summary>
        internal sealed class Recording : IDisposable
        {
            private readonly HashSet<SyntaxTree>? _outer;
            private HashSet<SyntaxTree>? _reads;

            public Recording(HashSet<SyntaxTree>? outer) => _outer = outer;

            /// <summary>The trees read, once the recording is disposed.</summary>
            public IReadOnlyCollection<SyntaxTree> Trees => (IReadOnlyCollection<SyntaxTree>?)_reads ?? Array.Empty<SyntaxTree>();

            public void Dispose()
            {
                if (_reads is null)
                {
                    _reads = Swap(_outer);
                    _outer?.UnionWith(_reads!);
                }
            }
        }
    }
}
