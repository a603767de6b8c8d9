using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>Which lock, which instance (a path in the method's frame, when known) and how.</summary>
    internal readonly struct HeldKey : IEquatable<HeldKey>, IComparable<HeldKey>
    {
        public HeldKey(LockClass lockClass, string? instance, LockMode mode)
        {
            Class = lockClass;
            Instance = instance;
            Mode = mode;
        }

        public LockClass Class { get; }

        public string? Instance { get; }

        public LockMode Mode { get; }

        public bool Equals(HeldKey other)
            => Class.Equals(other.Class) && string.Equals(Instance, other.Instance, StringComparison.Ordinal) && Mode == other.Mode;

        public override bool Equals(object? obj) => obj is HeldKey other && Equals(other);

        public override int GetHashCode() => (Class.GetHashCode() * 397) ^ (Instance is null ? 0 : StringComparer.Ordinal.GetHashCode(Instance)) ^ (int)Mode;

        public int CompareTo(HeldKey other)
        {
            var c = Class.CompareTo(other.Class);
            if (c == 0)
            {
                c = string.CompareOrdinal(Instance, other.Instance);
            }

            return c != 0 ? c : Mode.CompareTo(other.Mode);
        }

        /// <summary>What a user reads: the instance path when known, else the lock class.</summary>
        public string Display => Instance is null ? Class.Name : Instance.StartsWith("this.", StringComparison.Ordinal) ? Instance.Substring(5) : Instance;
    }

    /// <summary>One held lock at a program point. Immutable.</summary>
    internal sealed class HeldLock
    {
        public HeldLock(HeldKey key, bool recursive, Location acquiredAt, int depth, bool must, bool fromEntry, bool fresh = false, bool reacquired = false, ThreadAffinity? affinity = null)
        {
            Affinity = affinity;
            Fresh = fresh;
            Reacquired = reacquired;
            Key = key;
            Recursive = recursive;
            AcquiredAt = acquiredAt;
            Depth = depth;
            Must = must;
            FromEntry = fromEntry;
        }

        public HeldKey Key { get; }

        public LockClass Class => Key.Class;

        /// <summary>The acquisition is re-entrant (<c>lock</c>, <c>Monitor</c>, <c>Mutex</c>, <c>[Recursive]</c>).</summary>
        public bool Recursive { get; }

        public Location AcquiredAt { get; }

        /// <summary>Nesting depth of a re-entrant hold, saturating at 2 so loops reach a fixpoint.</summary>
        public int Depth { get; }

        /// <summary>Held on every path to this point (Clang's must-held), not only on some.</summary>
        public bool Must { get; }

        /// <summary>Held on entry through <c>[Requires]</c>: not this method's to release.</summary>
        public bool FromEntry { get; }

        /// <summary>
        /// The lock of an object this method created and has not let any other code see (on every path here): no other thread can
        /// hold or wait for it, so it takes part in no lock order.
        /// </summary>
        public bool Fresh { get; }

        /// <summary>A non-recursive lock taken again while held on some path here (LD1003's finding).</summary>
        public bool Reacquired { get; }

        /// <summary>Set when the lock must be released by the thread that took it (LD1010 where the method can suspend).</summary>
        public ThreadAffinity? Affinity { get; }

        public HeldLock With(int? depth = null, bool? must = null, Location? acquiredAt = null, bool? fresh = null, bool? reacquired = null, ThreadAffinity? affinity = null)
            => new HeldLock(Key, Recursive, acquiredAt ?? AcquiredAt, depth ?? Depth, must ?? Must, FromEntry, fresh ?? Fresh, reacquired ?? Reacquired, affinity ?? Affinity);
    }

    internal enum TieKind
    {
        /// <summary>A <c>ref bool lockTaken</c> flag: false means the lock was not taken.</summary>
        TakenFlag,

        /// <summary>A scoped guard: disposing it releases the lock; null means nothing was acquired.</summary>
        Guard,

        /// <summary>A stored try-acquire result: the lock is held where the value equals the success value.</summary>
        TryResult,

        /// <summary>
        /// A <c>lock</c> statement whose graph the compiler left without its <c>try/finally</c> (see
        /// <see cref="LockFlowWalker"/>): the lock is held exactly while control is inside the statement. Keyed by the statement.
        /// </summary>
        StatementScope,
    }

    /// <summary>What a local or flow capture says about a lock.</summary>
    internal sealed class Tie
    {
        public Tie(TieKind kind, HeldKey key, bool recursive, Location site, bool successValue = true, ThreadAffinity? affinity = null)
        {
            Affinity = affinity;
            Kind = kind;
            Key = key;
            Recursive = recursive;
            Site = site;
            SuccessValue = successValue;
        }

        public TieKind Kind { get; }

        public HeldKey Key { get; }

        public bool Recursive { get; }

        public Location Site { get; }

        public bool SuccessValue { get; }

        public ThreadAffinity? Affinity { get; }
    }

    /// <summary>The held-lock state at a program point: held locks plus the values tied to them (taken flags, guards).</summary>
    internal sealed class LockState : IEquatable<LockState>
    {
        public static readonly LockState Empty = new(ImmutableSortedDictionary<HeldKey, HeldLock>.Empty, ImmutableDictionary<object, Tie>.Empty, ImmutableDictionary<object, bool>.Empty, ImmutableHashSet<object>.Empty);

        public LockState(ImmutableSortedDictionary<HeldKey, HeldLock> held, ImmutableDictionary<object, Tie> ties, ImmutableDictionary<object, bool> known, ImmutableHashSet<object> fresh)
        {
            Held = held;
            Ties = ties;
            Known = known;
            Fresh = fresh;
        }

        /// <summary>
        /// The values known on every path here from the branches taken: of bool parameters (keyed by ordinal) and of this object's
        /// bool fields (keyed by the field, until a call may change them).
        /// </summary>
        public ImmutableDictionary<object, bool> Known { get; }

        /// <summary>
        /// The locals (and <see cref="ThisKey"/> in a constructor) that hold an object this method created and has let no other code
        /// see on every path here: not stored, returned or passed on, only used as a receiver or a lock.
        /// </summary>
        public ImmutableHashSet<object> Fresh { get; }

        /// <summary>
        /// In <see cref="Known"/> of an async method: false before any <c>await</c> on every path, true after one on every path,
        /// absent where the paths disagree.
        /// </summary>
        public static readonly object AwaitKey = new();

        /// <summary>
        /// A condition of a fact or summary path (in place of <see cref="AwaitKey"/>): it may happen after the async method's first
        /// <c>await</c>, so not while a caller that does not wait for the task still holds its locks.
        /// </summary>
        public static readonly object AfterAwait = new();

        /// <summary>Stands for <c>this</c> in <see cref="Fresh"/>: the object under construction.</summary>
        public static readonly object ThisKey = new();

        public ImmutableSortedDictionary<HeldKey, HeldLock> Held { get; }

        /// <summary>A local or flow capture (a <c>lockTaken</c> flag, a scoped guard, a stored try-result) mapped to the lock it stands for.</summary>
        public ImmutableDictionary<object, Tie> Ties { get; }

        // Most points of most bodies hold nothing: enumerating an empty dictionary's values still allocates an iterator.
        public IEnumerable<HeldLock> May => Held.IsEmpty ? Array.Empty<HeldLock>() : Held.Values;

        public IEnumerable<HeldLock> Must => Held.IsEmpty ? Array.Empty<HeldLock>() : Held.Values.Where(h => h.Must);

        public LockState WithHeld(ImmutableSortedDictionary<HeldKey, HeldLock> held) => new(held, Ties, Known, Fresh);

        public LockState WithTie(object value, Tie tie) => new(Held, Ties.SetItem(value, tie), Known, Fresh);

        public LockState WithoutTie(object value) => Ties.ContainsKey(value) ? new(Held, Ties.Remove(value), Known, Fresh) : this;

        public LockState WithKnown(object subject, bool? value)
        {
            var known = value is { } v ? Known.SetItem(subject, v) : Known.Remove(subject);
            return known == Known ? this : new(Held, Ties, known, Fresh);
        }

        /// <summary>Forgets what was known of fields (their bool values, which member paths are null): a call may have changed them.</summary>
        public LockState WithoutFieldKnowledge()
        {
            static bool OfAField(object key) => key is IFieldSymbol || (key is KnownNull known && known.Path.IndexOf('.') >= 0);
            if (Known.Count == 0 || !Known.Keys.Any(OfAField))
            {
                return this;
            }

            return new(Held, Ties, Known.RemoveRange(Known.Keys.Where(OfAField).ToList()), Fresh);
        }

        /// <summary>Forgets which values at or under <paramref name="path"/> are null: it was just written.</summary>
        public LockState WithoutNullKnowledgeUnder(string? path)
        {
            if (path is null || Known.Count == 0)
            {
                return this;
            }

            var stale = Known.Keys.OfType<KnownNull>().Where(k => k.Path == path || k.Path.StartsWith(path + ".", StringComparison.Ordinal)).ToList();
            return stale.Count == 0 ? this : new(Held, Ties, Known.RemoveRange(stale), Fresh);
        }

        public LockState WithFresh(object local, bool fresh)
        {
            var set = fresh ? Fresh.Add(local) : Fresh.Remove(local);
            return set == Fresh ? this : new(Held, Ties, Known, set);
        }

        /// <summary>
        /// The holds of the object at <paramref name="fromInstance"/> (of <paramref name="fromClass"/>), now known by the local it was copied into
        /// (<c>lastBox = latestBox</c> in hand-over-hand locking): released through that local from here on.
        /// </summary>
        public LockState MoveHolds(LockClass fromClass, string? fromInstance, LockClass toClass, string toInstance)
        {
            var held = Held;
            foreach (var pair in Held)
            {
                if (pair.Value.FromEntry || pair.Key.Instance != fromInstance || !pair.Key.Class.Equals(fromClass))
                {
                    continue;
                }

                var key = new HeldKey(toClass, toInstance, pair.Key.Mode);
                if (key.Equals(pair.Key))
                {
                    continue;
                }

                var h = pair.Value;
                held = held.Remove(pair.Key);
                if (!held.ContainsKey(key))
                {
                    held = held.Add(key, new HeldLock(key, h.Recursive, h.AcquiredAt, h.Depth, h.Must, h.FromEntry, h.Fresh, h.Reacquired, h.Affinity));
                }
            }

            return ReferenceEquals(held, Held) ? this : WithHeld(held);
        }

        /// <summary>Drops every hold of <paramref name="path"/> or of a member reached through it (not those held from entry).</summary>
        public LockState WithoutLocksOn(string path)
        {
            var prefix = path + ".";
            var held = Held;
            foreach (var pair in Held)
            {
                var instance = pair.Key.Instance;
                if (!pair.Value.FromEntry && instance is not null && (instance == path || instance.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    held = held.Remove(pair.Key);
                }
            }

            return ReferenceEquals(held, Held) ? this : WithHeld(held);
        }

        public LockState Acquire(HeldKey key, bool recursive, Location site, bool fromEntry = false, bool fresh = false, ThreadAffinity? affinity = null)
        {
            if (Held.TryGetValue(key, out var existing))
            {
                // Taking a non-recursive lock again is LD1003's finding: whatever is left held after it is not reported again.
                var reacquired = existing.Reacquired || !(existing.Recursive && recursive);
                return WithHeld(Held.SetItem(key, existing.With(depth: Math.Min(2, existing.Depth + 1), fresh: existing.Fresh && fresh, reacquired: reacquired, affinity: affinity)));
            }

            return WithHeld(Held.SetItem(key, new HeldLock(key, recursive, site, 1, must: true, fromEntry, fresh, affinity: affinity)));
        }

        /// <summary>Releases the best match for <paramref name="key"/>; returns null in <paramref name="released"/> when nothing matching is held.</summary>
        public LockState Release(HeldKey key, out HeldLock? released)
        {
            released = FindForRelease(key);
            if (released is null)
            {
                return this;
            }

            var remaining = released.Depth > 1 ? Held.SetItem(released.Key, released.With(depth: released.Depth - 1)) : Held.Remove(released.Key);
            return WithHeld(remaining);
        }

        public LockState Remove(HeldKey key) => Held.ContainsKey(key) ? WithHeld(Held.Remove(key)) : this;

        public static LockState Join(LockState? a, LockState b)
        {
            if (a is null || ReferenceEquals(a, b))
            {
                return b;
            }

            // The usual case (most points hold nothing, or the same holds on both edges): joining changes nothing, so allocate nothing.
            var known = JoinKnown(a.Known, b.Known);
            var fresh = a.Fresh.Count == 0 || ReferenceEquals(a.Fresh, b.Fresh) || a.Fresh.IsSubsetOf(b.Fresh) ? a.Fresh : a.Fresh.Intersect(b.Fresh);
            if (SameHolds(a, b) && HasTiesOf(a, b) && known == a.Known && fresh.Count == a.Fresh.Count)
            {
                return a;
            }

            var builder = ImmutableSortedDictionary.CreateBuilder<HeldKey, HeldLock>();
            foreach (var pair in a.Held)
            {
                if (b.Held.TryGetValue(pair.Key, out var other))
                {
                    var first = Earlier(pair.Value.AcquiredAt, other.AcquiredAt);
                    builder[pair.Key] = pair.Value.With(depth: Math.Max(pair.Value.Depth, other.Depth), must: pair.Value.Must && other.Must && pair.Value.Depth == other.Depth, acquiredAt: first, fresh: pair.Value.Fresh && other.Fresh, reacquired: pair.Value.Reacquired || other.Reacquired, affinity: pair.Value.Affinity ?? other.Affinity);
                }
                else
                {
                    builder[pair.Key] = pair.Value.With(must: false);
                }
            }

            foreach (var pair in b.Held)
            {
                if (!a.Held.ContainsKey(pair.Key))
                {
                    builder[pair.Key] = pair.Value.With(must: false);
                }
            }

            var ties = a.Ties;
            foreach (var pair in b.Ties)
            {
                if (!ties.ContainsKey(pair.Key))
                {
                    ties = ties.Add(pair.Key, pair.Value);
                }
            }

            return new LockState(builder.ToImmutable(), ties, known, fresh);
        }

        /// <summary>What both paths know: the parameter values they agree on.</summary>
        private static ImmutableDictionary<object, bool> JoinKnown(ImmutableDictionary<object, bool> a, ImmutableDictionary<object, bool> b)
        {
            if (a.Count == 0 || ReferenceEquals(a, b))
            {
                return a;
            }

            var joined = a;
            foreach (var pair in a)
            {
                if (!b.TryGetValue(pair.Key, out var value) || value != pair.Value)
                {
                    joined = joined.Remove(pair.Key);
                }
            }

            return joined;
        }

        /// <summary>Both hold exactly the same <see cref="HeldLock"/> objects, so their join holds them too.</summary>
        private static bool SameHolds(LockState a, LockState b)
        {
            if (a.Held.Count != b.Held.Count)
            {
                return false;
            }

            foreach (var pair in a.Held)
            {
                if (!b.Held.TryGetValue(pair.Key, out var other) || !ReferenceEquals(other, pair.Value))
                {
                    return false;
                }
            }

            return true;
        }

        public bool Equals(LockState? other)
        {
            if (other is null || other.Held.Count != Held.Count || other.Ties.Count != Ties.Count || other.Known.Count != Known.Count || other.Fresh.Count != Fresh.Count)
            {
                return false;
            }

            foreach (var pair in Held)
            {
                if (!other.Held.TryGetValue(pair.Key, out var h) || h.Must != pair.Value.Must || h.Depth != pair.Value.Depth || h.Fresh != pair.Value.Fresh || h.Reacquired != pair.Value.Reacquired || (h.Affinity is null) != (pair.Value.Affinity is null))
                {
                    return false;
                }
            }

            return HasTiesOf(other, this);
        }

        public override bool Equals(object? obj) => Equals(obj as LockState);

        /// <summary>Whether <paramref name="a"/> has a tie for every key <paramref name="b"/> has one for (a join runs per operation: no iterator).</summary>
        private static bool HasTiesOf(LockState a, LockState b)
        {
            foreach (var tie in b.Ties)
            {
                if (!a.Ties.ContainsKey(tie.Key))
                {
                    return false;
                }
            }

            return true;
        }

        public override int GetHashCode() => Held.Count;

        private static Location Earlier(Location a, Location b)
        {
            var c = string.CompareOrdinal(a.SourceTree?.FilePath, b.SourceTree?.FilePath);
            return c < 0 || (c == 0 && a.SourceSpan.Start <= b.SourceSpan.Start) ? a : b;
        }

        private HeldLock? FindForRelease(HeldKey key)
        {
            if (Held.TryGetValue(key, out var exact))
            {
                return exact;
            }

            // An unknown instance on either side matches by lock class; an upgradeable hold is released by its own exit only.
            return Held.Values.FirstOrDefault(h => h.Class.Key == key.Class.Key && h.Key.Mode == key.Mode
                && (h.Key.Instance is null || key.Instance is null || h.Key.Instance == key.Instance));
        }
    }

    /// <summary>
    /// A key of <see cref="LockState.Known"/>: the value at this path (<c>dev.IommuGroup</c>) is null, as a test or an assertion
    /// found it and nothing has written it since. A <c>[Requires]</c> lock reached through it is no lock at all there.
    /// </summary>
    internal sealed class KnownNull : IEquatable<KnownNull>
    {
        public KnownNull(string path) => Path = path;

        public string Path { get; }

        public bool Equals(KnownNull? other) => other is not null && string.Equals(Path, other.Path, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as KnownNull);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path);
    }

    /// <summary>
    /// A key of <see cref="LockState.Known"/>: this object's private <see cref="Field"/> holds the parameter at
    /// <see cref="Ordinal"/>, which this method stored there on every path here (see <see cref="Model.StoredParameters"/>).
    /// </summary>
    internal sealed class StoredParameter : IEquatable<StoredParameter>
    {
        public StoredParameter(IFieldSymbol field, int ordinal)
        {
            Field = field;
            Ordinal = ordinal;
        }

        public IFieldSymbol Field { get; }

        public int Ordinal { get; }

        public bool Equals(StoredParameter? other) => other is not null && SymbolEqualityComparer.Default.Equals(Field, other.Field) && Ordinal == other.Ordinal;

        public override bool Equals(object? obj) => Equals(obj as StoredParameter);

        public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Field) * 397) ^ Ordinal;
    }
}
