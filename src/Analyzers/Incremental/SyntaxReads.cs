using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// Which syntax a tree's walk read beyond its own declarations' symbols: another method's body for wrapper inference, a
    /// type's assignments for the lock objects it owns, every tree for a back pointer's proof. Each read is the span of the node
    /// read, so a tree's facts are reused after an edit when no change touched what it read (an edit of one method of a file
    /// leaves the readers of its other methods alone). Every read of syntax the model makes goes through here, and so does every
    /// model cache whose values came from such reads (<see cref="Memo{TKey,TValue}"/>), so a cache hit counts the reads that made it.
    /// </summary>
    internal static class SyntaxReads
    {
        // This thread's reads, in order, while a walk or a cached computation records them; null otherwise. A computation's reads
        // are the tail it appended, so nesting needs no set of its own.
        [ThreadStatic]
        private static List<SpanRead>? _log;

        // Reused for computations made while no walk records (the link step), so they allocate nothing.
        [ThreadStatic]
        private static List<SpanRead>? _scratch;

        // Where the computation recording now began in the log: a read already logged before it is still its own read (a cached
        // value must replay it), so repeats are looked for from here on only.
        [ThreadStatic]
        private static int _floor;

        // How far back a read looks for one that covers it: the same contract's reads replayed call after call, a type read for
        // each of its members, without searching the whole log.
        private const int RepeatWindow = 8;

        /// <summary>A read of a whole tree (its every position), which any change of the tree touches.</summary>
        public static readonly TextSpan WholeTree = new(0, int.MaxValue);

        /// <summary>Starts recording this thread's reads until the returned recording is disposed.</summary>
        public static Recording Record()
        {
            var outer = _log;
            var outerFloor = _floor;
            _log = new List<SpanRead>();
            _floor = 0;
            return new Recording(outer, outerFloor, _log);
        }

        /// <summary>
        /// Starts a part of the recording in progress (one body of a tree's walk) whose reads <see cref="EndPart"/> keeps apart: a
        /// read the part repeats from before it is logged again, as a computation's is, so the part's reads are all its own.
        /// </summary>
        public static int BeginPart()
        {
            var log = _log ?? throw new InvalidOperationException("A part of a recording needs a recording in progress.");
            var outerFloor = _floor;
            _floor = log.Count;
            return outerFloor;
        }

        /// <summary>The part begun when the floor was <paramref name="outerFloor"/>, of <paramref name="tree"/>'s walk; the recording goes on.</summary>
        public static Part EndPart(int outerFloor, SyntaxTree tree)
        {
            var log = _log!;
            var part = new Part(log, _floor, log.Count, tree);
            _floor = outerFloor;
            return part;
        }

        /// <summary>A part of a tree walk's recording (its log is only added to, so the range stays what the part read).</summary>
        internal sealed class Part
        {
            private readonly List<SpanRead> _log;
            private readonly int _start;
            private readonly int _end;

            public Part(List<SpanRead> log, int start, int end, SyntaxTree tree)
            {
                _log = log;
                _start = start;
                _end = end;
                Tree = tree;
            }

            /// <summary>The tree whose walk this is part of.</summary>
            public SyntaxTree Tree { get; }

            public IEnumerable<SpanRead> Reads
            {
                get
                {
                    for (var i = _start; i < _end; i++)
                    {
                        yield return _log[i];
                    }
                }
            }
        }

        /// <summary>A read of the whole of <paramref name="tree"/>.</summary>
        public static void Read(SyntaxTree? tree)
        {
            if (tree is not null)
            {
                Read(new SpanRead(tree, WholeTree));
            }
        }

        private static void Read(SpanRead read)
        {
            var log = _log;
            if (log is null)
            {
                return;
            }

            for (var i = log.Count - 1; i >= Math.Max(_floor, log.Count - RepeatWindow); i--)
            {
                if (log[i].Covers(read))
                {
                    return;
                }
            }

            log.Add(read);
        }

        /// <summary>
        /// A declaration's location kept in facts (a partial method's first part may be in another tree): facts that point into a
        /// tree depend on it as much as facts read from it, and on everything before it, which would move it (a position read:
        /// facts whose locations are moved with the edit, those of a body carried over inside its own edited tree, need only the
        /// span itself untouched).
        /// </summary>
        public static Location Located(Location? location)
        {
            if (location?.SourceTree is { } tree)
            {
                Read(new SpanRead(tree, location.SourceSpan, search: null, position: true));
            }

            return location ?? Location.None;
        }

        /// <summary>
        /// What comes before the first token of <paramref name="tree"/> (its leading trivia): where <c>#define</c> and <c>#undef</c>
        /// may stand, since the compiler allows them nowhere after it. An edit further on leaves it standing.
        /// </summary>
        public static SyntaxTriviaList FileHeader(SyntaxTree tree, CancellationToken cancellationToken = default)
        {
            var first = tree.GetRoot(cancellationToken).GetFirstToken(includeZeroWidth: true);
            Read(new SpanRead(tree, TextSpan.FromBounds(0, first.SpanStart)));
            return first.LeadingTrivia;
        }

        /// <summary>
        /// The root of a tree read to build an index, without counting it as read: every use of the index must record what it
        /// depends on itself (<see cref="SearchWhole"/> for what it looks up). Counted as read whole, the index's first reader
        /// made every cached answer that reads it depend on every file.
        /// </summary>
        public static SyntaxNode RootForAnIndex(SyntaxTree tree, CancellationToken cancellationToken = default) => tree.GetRoot(cancellationToken);

        /// <summary>A whole tree read for what <paramref name="search"/> finds in it (an edit of a member it finds nothing in leaves the answer).</summary>
        public static void SearchWhole(SyntaxTree tree, SyntaxSearch search) => Read(new SpanRead(tree, WholeTree, search));

        public static SyntaxNode Syntax(SyntaxReference reference, CancellationToken cancellationToken = default)
        {
            Read(new SpanRead(reference.SyntaxTree, reference.Span));
            return reference.GetSyntax(cancellationToken);
        }

        /// <summary>
        /// A declaration read for what <paramref name="search"/> finds in it: an edit of one of its members in which the search
        /// finds nothing, before or after, leaves the answer as it was (<see cref="PathRead.TouchedBy"/>).
        /// </summary>
        public static SyntaxNode Search(SyntaxReference reference, SyntaxSearch search, CancellationToken cancellationToken = default)
        {
            Read(new SpanRead(reference.SyntaxTree, reference.Span, search));
            return reference.GetSyntax(cancellationToken);
        }

        public static SyntaxNode Root(SyntaxTree tree, CancellationToken cancellationToken = default)
        {
            Read(tree);
            return tree.GetRoot(cancellationToken);
        }

        /// <summary>
        /// A cache asked about most members of the compilation, from every thread of the analysis, made large at once: grown
        /// from the default size a concurrent dictionary takes all its locks at every doubling while the other threads spin
        /// (measured on the symbol map that restated carried facts, before each thread had its own).
        /// </summary>
        public static ConcurrentDictionary<TKey, TValue> LargeCache<TKey, TValue>(IEqualityComparer<TKey> comparer)
            where TKey : notnull
            => new(concurrencyLevel: 16, capacity: 8192, comparer);

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
            var log = _log ??= _scratch ??= new List<SpanRead>();
            var start = log.Count;
            var outerFloor = _floor;
            _floor = start;
            TValue value;
            SpanRead[] reads;
            try
            {
                value = earlier is not null && key is ISymbol symbol && earlier.TryGet(symbol, out var taken) ? taken : compute(key);
            }
            finally
            {
                _floor = outerFloor;
                reads = log.Count == start ? Array.Empty<SpanRead>() : Compact(log.Skip(start).Distinct().ToArray());
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

        /// <summary>
        /// A cached computation's reads, with a tree read in more than a few places counted as read whole: a computation that
        /// follows a chain of methods (each asking about the next) would otherwise keep, at every level, every read below it.
        /// Searches stay searches, over the whole tree: wrapper inference follows chains of single-call bodies, and counted as
        /// a plain read of the whole file it made every edit there run the link step.
        /// </summary>
        private static SpanRead[] Compact(SpanRead[] reads)
        {
            if (reads.Length <= MaxSpansPerTree)
            {
                return reads;
            }

            return reads.GroupBy(r => (r.Tree, r.Search, r.Position))
                .SelectMany(g => g.Count() <= MaxSpansPerTree ? g.AsEnumerable()
                    : g.Key.Position ? new[] { new SpanRead(g.Key.Tree, TextSpan.FromBounds(0, g.Max(r => r.Span.End))) }
                    : new[] { new SpanRead(g.Key.Tree, WholeTree, g.Key.Search) })
                .ToArray();
        }

        private const int MaxSpansPerTree = 16;

        /// <summary>Counts <paramref name="reads"/> as read by the computation or walk recording now.</summary>
        public static void Replay(SpanRead[] reads)
        {
            foreach (var read in reads)
            {
                Read(read);
            }
        }

        /// <summary>A span of syntax read in a tree.</summary>
        internal readonly struct SpanRead : IEquatable<SpanRead>
        {
            public SpanRead(SyntaxTree tree, TextSpan span, SyntaxSearch? search = null, bool position = false)
            {
                Tree = tree;
                Span = span;
                Search = search;
                Position = position;
            }

            public SyntaxTree Tree { get; }

            public TextSpan Span { get; }

            /// <summary>For a search (<see cref="SyntaxReads.Search"/>), what it looks for; null for a read of every token.</summary>
            public SyntaxSearch? Search { get; }

            /// <summary>
            /// Where a location kept in facts stands (<see cref="Located"/>): read as everything up to its end, unless the facts
            /// are moved with the edit.
            /// </summary>
            public bool Position { get; }

            /// <summary>The read as a plain one: a position counts everything before it.</summary>
            public SpanRead AsRead => Position ? new SpanRead(Tree, TextSpan.FromBounds(0, Span.End)) : this;

            public bool Covers(SpanRead other) => Tree == other.Tree && Position == other.Position && (Search is null && !Position ? Span.Contains(other.Span) : Equals(other));

            public bool Equals(SpanRead other) => Tree == other.Tree && Span == other.Span && Position == other.Position && Equals(Search, other.Search);

            public override bool Equals(object? obj) => obj is SpanRead other && Equals(other);

            public override int GetHashCode() => (System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Tree) * 397) ^ Span.GetHashCode();
        }

        /// <summary>A cached value with the trees read to compute it.</summary>
        internal sealed class Tracked<TValue>
        {
            public Tracked(TValue value, SpanRead[] reads)
            {
                Value = value;
                Reads = reads;
            }

            public TValue Value { get; }

            public SpanRead[] Reads { get; }
        }

        /// <summary>A recording in progress; disposing it restores the enclosing one (whose reads then include these).</summary>
        internal sealed class Recording : IDisposable
        {
            private readonly List<SpanRead>? _outer;
            private readonly int _outerFloor;
            private readonly List<SpanRead> _reads;
            private bool _disposed;

            public Recording(List<SpanRead>? outer, int outerFloor, List<SpanRead> reads)
            {
                _outer = outer;
                _outerFloor = outerFloor;
                _reads = reads;
            }

            /// <summary>What was read, each once.</summary>
            public IEnumerable<SpanRead> Reads => _reads.Distinct();

            public void Dispose()
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _log = _outer;
                    _floor = _outerFloor;
                    _outer?.AddRange(_reads);
                }
            }
        }
    }
}
