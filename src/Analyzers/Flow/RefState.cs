using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    [Flags]
    internal enum RefStatus
    {
        None = 0,

        /// <summary>This method owns the reference on some path.</summary>
        Owned = 1,

        /// <summary>This method dropped the reference on some path.</summary>
        Dropped = 2,

        /// <summary>Loaded from a <c>[HoldsRef]</c> member: may be dropped, need not be.</summary>
        Droppable = 4,
    }

    /// <summary>One reference this method knows of: where it was taken and what may have happened to it.</summary>
    internal sealed class RefInfo
    {
        public RefInfo(int id, RefStatus status, Location takenAt, string takenBy, Location? droppedAt, bool mayBeNull, bool stacked = false, bool aliveAfterDrop = false)
        {
            Stacked = stacked;
            AliveAfterDrop = aliveAfterDrop;
            Id = id;
            Status = status;
            TakenAt = takenAt;
            TakenBy = takenBy;
            DroppedAt = droppedAt;
            MayBeNull = mayBeNull;
        }

        public int Id { get; }

        public RefStatus Status { get; }

        public Location TakenAt { get; }

        public string TakenBy { get; }

        public Location? DroppedAt { get; }

        /// <summary>From a <c>[ReturnsRef]</c> get that returns null for "no reference".</summary>
        public bool MayBeNull { get; }

        /// <summary>Taken on an object this method already held a reference to, on the same path (two gets, two puts).</summary>
        public bool Stacked { get; }

        /// <summary>Dropped with <c>NotFinal</c>: the object is guaranteed alive, so later uses are fine.</summary>
        public bool AliveAfterDrop { get; }

        public RefInfo With(RefStatus status, Location? droppedAt = null, bool? aliveAfterDrop = null)
            => new(Id, status, TakenAt, TakenBy, droppedAt ?? DroppedAt, MayBeNull, Stacked, aliveAfterDrop ?? AliveAfterDrop);
    }

    /// <summary>Ownership state: the references and which variables (locals, parameters, captures, member paths) hold them. Copies alias.</summary>
    internal sealed class RefState
    {
        public static readonly RefState Empty = new(ImmutableSortedDictionary<int, RefInfo>.Empty, ImmutableDictionary<object, ImmutableSortedSet<int>>.Empty);

        public RefState(ImmutableSortedDictionary<int, RefInfo> refs, ImmutableDictionary<object, ImmutableSortedSet<int>> vars)
        {
            Refs = refs;
            Vars = vars;
        }

        public ImmutableSortedDictionary<int, RefInfo> Refs { get; }

        public ImmutableDictionary<object, ImmutableSortedSet<int>> Vars { get; }

        public ImmutableSortedSet<int> IdsOf(object key) => Vars.TryGetValue(key, out var ids) ? ids : ImmutableSortedSet<int>.Empty;

        public RefState Bind(object key, ImmutableSortedSet<int> ids) => new(Refs, ids.IsEmpty ? Vars.Remove(key) : Vars.SetItem(key, ids));

        public RefState Add(RefInfo info, object key) => new(Refs.SetItem(info.Id, info), Vars.SetItem(key, IdsOf(key).Add(info.Id)));

        public RefState Set(RefInfo info) => new(Refs.SetItem(info.Id, info), Vars);

        public RefState Forget(int id) => new(Refs.Remove(id), Vars.ToImmutableDictionary(p => p.Key, p => p.Value.Remove(id)));

        public static RefState Join(RefState? a, RefState b)
        {
            if (a is null || ReferenceEquals(a, b))
            {
                return b;
            }

            if (b.Refs.IsEmpty && b.Vars.IsEmpty)
            {
                return a;
            }

            var refs = a.Refs;
            foreach (var pair in b.Refs)
            {
                refs = refs.TryGetValue(pair.Key, out var mine)
                    ? refs.SetItem(pair.Key, mine.With(mine.Status | pair.Value.Status, mine.DroppedAt ?? pair.Value.DroppedAt))
                    : refs.Add(pair.Key, pair.Value);
            }

            var vars = a.Vars;
            foreach (var pair in b.Vars)
            {
                vars = vars.SetItem(pair.Key, vars.TryGetValue(pair.Key, out var mine) ? mine.Union(pair.Value) : pair.Value);
            }

            return new RefState(refs, vars);
        }

        public bool Same(RefState other)
            => other.Refs.Count == Refs.Count && other.Vars.Count == Vars.Count
               && Refs.All(p => other.Refs.TryGetValue(p.Key, out var o) && o.Status == p.Value.Status)
               && Vars.All(p => other.Vars.TryGetValue(p.Key, out var o) && o.SetEquals(p.Value));
    }
}
