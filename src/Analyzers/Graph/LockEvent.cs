using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>
    /// One acquisition (or wait) as seen from a method body: directly, or through a call and the callee's summary. The held set is
    /// what this method may hold there, less what the chain releases first.
    /// </summary>
    internal sealed class LockEvent
    {
        public LockEvent(IMethodSymbol method, Location site, AcquisitionPath path, ImmutableArray<HeldLock> held, CallFact? call, IMethodSymbol? callee)
        {
            Method = method;
            Site = site;
            Path = path;
            Held = held;
            Call = call;
            Callee = callee;
        }

        public IMethodSymbol Method { get; }

        public Location Site { get; }

        public AcquisitionPath Path { get; }

        public LockClass Class => Path.Class;

        public LockMode Mode => Path.Mode;

        public ImmutableArray<HeldLock> Held { get; }

        public CallFact? Call { get; }

        public IMethodSymbol? Callee { get; }

        /// <summary>
        /// The object whose lock this is, as a path in the method's frame (<c>this</c>, <c>this.WrappedTarget</c>), when known:
        /// the owner of a lock object that belongs to its instance, the receiver a callee locks its own object through.
        /// </summary>
        public string? Owner { get; init; }

        /// <summary>For an acquisition in the method's own body: the instance path it takes, when it can be named.</summary>
        public string? Instance { get; init; }

        /// <summary>
        /// Who holds the held lock when that is another assembly running this code under it (<c> (held by B's Raise -> Changed)</c>):
        /// a handler stored in its event. Null otherwise.
        /// </summary>
        public string? HeldBy { get; init; }

        /// <summary>" (via A -> B -> x.Lock())" when the acquisition happens inside calls; empty when it is direct.</summary>
        public string ChainSuffix => Path.Steps.Length > 1 ? " (via " + Path.Chain + ")" : string.Empty;

        /// <summary>The chain's later steps, as additional locations.</summary>
        public ImmutableArray<Location> ChainLocations => Path.Steps.Skip(1).Select(s => s.Site).Where(l => l.IsInSource).ToImmutableArray();

        public static ImmutableArray<HeldLock> Effective(ImmutableArray<HeldLock> held, ImmutableHashSet<LockClass> dropped)
            => dropped.IsEmpty ? held : held.Where(h => !dropped.Contains(h.Class)).ToImmutableArray();
    }

    /// <summary>How the two locks of an edge relate as objects, when known.</summary>
    internal enum Ownership
    {
        Unknown,

        /// <summary>Both belong to one object (<c>this.SyncRoot</c> then <c>this._lockObject</c>).</summary>
        Same,

        /// <summary>
        /// The acquired lock belongs to an object the held lock's owner reaches through its fields (a wrapper's lock, then the
        /// wrapped object's): taken only downwards, such edges cannot close a cycle of instances on their own.
        /// </summary>
        Down,
    }

    internal enum EdgeKind
    {
        Plain,

        /// <summary>Inverts a declared <c>[LockOrder]</c> (LD1001).</summary>
        Inversion,

        /// <summary>Taken under a <c>[LeafLock]</c> (LD1004).</summary>
        UnderLeaf,

        /// <summary>A <c>[WaitsForReaders]</c> wait while holding the source lock.</summary>
        Wait,
    }

    /// <summary>Why and where one order edge exists: held -> acquired at a site, with the chain.</summary>
    internal sealed class EdgeWitness
    {
        public EdgeWitness(LockEvent @event, HeldLock held, EdgeKind kind, Ownership ownership = Ownership.Unknown)
        {
            Event = @event;
            Held = held;
            Kind = kind;
            Ownership = ownership;
        }

        public Ownership Ownership { get; }

        public LockEvent Event { get; }

        public HeldLock Held { get; }

        public EdgeKind Kind { get; }

        public bool FromShared => Held.Key.Mode == LockMode.Shared;
    }
}
