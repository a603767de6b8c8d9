using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    internal enum RootKind
    {
        /// <summary>Anything else: a static, a field of another object, a value a call returned. Never dropped.</summary>
        Other,

        /// <summary>The method's receiver.</summary>
        This,

        /// <summary>One of the method's parameters.</summary>
        Parameter,

        /// <summary>An object this method created and has let no other code see.</summary>
        Fresh,
    }

    /// <summary>Where the object behind a lock (or a call's receiver or argument) comes from, in the method's own frame.</summary>
    internal readonly struct ValueRoot : System.IEquatable<ValueRoot>
    {
        public static readonly ValueRoot Other = new(RootKind.Other, -1);
        public static readonly ValueRoot This = new(RootKind.This, -1);
        public static readonly ValueRoot Fresh = new(RootKind.Fresh, -1);

        private ValueRoot(RootKind kind, int ordinal)
        {
            Kind = kind;
            Ordinal = ordinal;
        }

        public RootKind Kind { get; }

        /// <summary>The parameter's ordinal for <see cref="RootKind.Parameter"/>.</summary>
        public int Ordinal { get; }

        public static ValueRoot Parameter(int ordinal) => new(RootKind.Parameter, ordinal);

        public bool Equals(ValueRoot other) => Kind == other.Kind && Ordinal == other.Ordinal;

        public override bool Equals(object? obj) => obj is ValueRoot other && Equals(other);

        public override int GetHashCode() => ((int)Kind * 397) ^ Ordinal;
    }

    /// <summary>A lock acquired (or waited for) directly in the method body.</summary>
    internal sealed class AcquireFact
    {
        public AcquireFact(HeldKey key, bool recursive, Location site, string description, ImmutableArray<HeldLock> mayHeld, ImmutableHashSet<LockClass> entryLocksReleased, bool isTry, ValueRoot root, ImmutableDictionary<object, bool> conditions)
        {
            Root = root;
            Conditions = conditions;
            IsTry = isTry;
            EntryLocksReleased = entryLocksReleased;
            Key = key;
            Recursive = recursive;
            Site = site;
            Description = description;
            MayHeld = mayHeld;
        }

        public HeldKey Key { get; }

        public bool Recursive { get; }

        public Location Site { get; }

        /// <summary>The acquiring expression as written, e.g. <c>kvm.Lock.Lock()</c>.</summary>
        public string Description { get; }

        public ImmutableArray<HeldLock> MayHeld { get; }

        /// <summary>Entry locks (<c>[Requires]</c>) released before this acquisition.</summary>
        public ImmutableHashSet<LockClass> EntryLocksReleased { get; }

        /// <summary>A try-acquisition: it never waits.</summary>
        public bool IsTry { get; }

        /// <summary>Whose lock it is: the method's receiver's, a parameter's, a fresh object's, or another's.</summary>
        public ValueRoot Root { get; }

        /// <summary>The values of bool parameters on every path to the acquisition (<c>if (create) Lock();</c>).</summary>
        public ImmutableDictionary<object, bool> Conditions { get; }
    }

    /// <summary>A call to another method, with the locks held around it.</summary>
    internal sealed class CallFact
    {
        public CallFact(IMethodSymbol target, Location site, ImmutableArray<HeldLock> mayHeld, ImmutableArray<HeldLock> mustHeld, ImmutableHashSet<LockClass> entryLocksReleased, ImmutableArray<HeldKey> required, ImmutableArray<HeldKey> excluded, ITypeSymbol? virtualReceiver = null)
            : this(target, site, mayHeld, mustHeld, entryLocksReleased, required, excluded, virtualReceiver, ValueRoot.Other, ImmutableArray<ValueRoot>.Empty, ImmutableArray<bool?>.Empty, ImmutableDictionary<object, bool>.Empty)
        {
        }

        public CallFact(IMethodSymbol target, Location site, ImmutableArray<HeldLock> mayHeld, ImmutableArray<HeldLock> mustHeld, ImmutableHashSet<LockClass> entryLocksReleased, ImmutableArray<HeldKey> required, ImmutableArray<HeldKey> excluded, ITypeSymbol? virtualReceiver, ValueRoot receiverRoot, ImmutableArray<ValueRoot> argumentRoots, ImmutableArray<bool?> argumentConstants, ImmutableDictionary<object, bool> conditions)
        {
            ReceiverRoot = receiverRoot;
            ArgumentRoots = argumentRoots;
            ArgumentConstants = argumentConstants;
            Conditions = conditions;
            VirtualReceiver = virtualReceiver;
            Required = required;
            Excluded = excluded;
            Target = target;
            Site = site;
            MayHeld = mayHeld;
            MustHeld = mustHeld;
            EntryLocksReleased = entryLocksReleased;
        }

        public IMethodSymbol Target { get; }

        /// <summary>
        /// For a virtual or interface call, the static type of the receiver: only implementations a receiver of that type can reach
        /// are followed (<c>endpoint.ToString()</c> is not every <c>ToString</c> in the compilation). Null for a call that is not
        /// dispatched (static, non-virtual, <c>base.M()</c>, constructors).
        /// </summary>
        public ITypeSymbol? VirtualReceiver { get; }

        public Location Site { get; }

        public ImmutableArray<HeldLock> MayHeld { get; }

        public ImmutableArray<HeldLock> MustHeld { get; }

        /// <summary>Locks this method held on entry (<c>[Requires]</c>) but has released before this call: callers' holds of them do not reach the callee.</summary>
        public ImmutableHashSet<LockClass> EntryLocksReleased { get; }

        /// <summary>The callee's <c>[Requires]</c> locks, resolved in this method's frame.</summary>
        public ImmutableArray<HeldKey> Required { get; }

        /// <summary>The callee's <c>[Excludes]</c> locks, resolved in this method's frame.</summary>
        public ImmutableArray<HeldKey> Excluded { get; }

        /// <summary>Whose object the callee runs on (a constructor's is always fresh).</summary>
        public ValueRoot ReceiverRoot { get; }

        /// <summary>Where each argument comes from, by the callee's parameter ordinal (empty when unknown).</summary>
        public ImmutableArray<ValueRoot> ArgumentRoots { get; }

        /// <summary>The constant bool value of each argument, by the callee's parameter ordinal (null where not a constant).</summary>
        public ImmutableArray<bool?> ArgumentConstants { get; }

        /// <summary>The values of this method's bool parameters on every path to the call.</summary>
        public ImmutableDictionary<object, bool> Conditions { get; }

        /// <summary>
        /// The constructor that made the receiver, when the receiver is an object this method just created and this call is the
        /// only one made on it: its fields are what that constructor left.
        /// </summary>
        public IMethodSymbol? ReceiverConstruction { get; init; }

        /// <summary>The receiver's static type, for an instance call (its inherited bodies' calls on <c>this</c> dispatch by it).</summary>
        public ITypeSymbol? ReceiverType { get; init; }

        /// <summary>The receiver as a path in this method's frame (<c>this.WrappedTarget</c>), when it can be named.</summary>
        public string? ReceiverPath { get; init; }

        /// <summary>Each argument as a path in this method's frame, by the callee's parameter ordinal (empty when none can be named).</summary>
        public ImmutableArray<string?> ArgumentPaths { get; init; } = ImmutableArray<string?>.Empty;

        /// <summary>The method that makes the call (its parameters name the roots of receiver and argument paths).</summary>
        public IMethodSymbol? Caller { get; init; }

        /// <summary>A call of an async method whose task this method does not wait for (see the walker's <c>IsFireAndForget</c>).</summary>
        public bool FireAndForget { get; init; }

        /// <summary>
        /// The receiver is <c>[Unshared]</c> by the user's word (the callee, the caller's parameter, or the caller's <c>this</c> in an
        /// <c>[Unshared]</c> method): the locks of the receiver's own class reached anywhere in the call take part in no order.
        /// </summary>
        public bool ReceiverUnshared { get; init; }

        /// <summary>For an invocation of a delegate read from a field, property or event: that member (what was stored there runs).</summary>
        public ISymbol? DelegateSource { get; init; }

        /// <summary>Paths in this method's frame known null on every path to the call (a test, <c>Debug.Assert(x is null)</c>).</summary>
        public ImmutableHashSet<string> KnownNull { get; init; } = ImmutableHashSet<string>.Empty;

        /// <summary>Not a call but a wait for <see cref="Target"/> running elsewhere (see <see cref="WaitKind"/>).</summary>
        public WaitKind Waits { get; init; }

        /// <summary>
        /// A framework call that runs (or waits for) the callbacks stored with <see cref="DelegateSource"/> (<c>cts.Cancel()</c>,
        /// <c>tcs.SetResult(..)</c>, <c>registration.Dispose()</c>): their frames are their own, not the call's receiver or arguments.
        /// </summary>
        public bool RunsStoredCallbacks { get; init; }

        /// <summary>For a completion of a <c>TaskCompletionSource</c> member: the member; only code after awaiting its task runs.</summary>
        public ISymbol? ResumesAwaitOf { get; init; }
    }

    /// <summary>What a call fact stands for when it is not a call: the caller blocking until other code has run.</summary>
    internal enum WaitKind
    {
        /// <summary>A plain call.</summary>
        None,

        /// <summary>
        /// <c>Task.Run(work).Wait()</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>, <c>thread.Join()</c>: the work runs on
        /// another thread while the caller blocks with what it holds, so a re-entrant lock the caller holds is no re-entry there.
        /// </summary>
        OtherThread,

        /// <summary>
        /// An async method's task blocked on (<c>Compute().Result</c>): its part after the first await runs on another thread
        /// while the caller blocks; its part before ran in the call itself.
        /// </summary>
        AsyncCompletion,
    }

    internal enum DelegateFlowKind
    {
        /// <summary>A lambda or method group is stored in (or subscribed to) a member.</summary>
        Store,

        /// <summary>One of this method's parameters is stored in a member.</summary>
        StoreParameter,

        /// <summary>A lambda or method group is passed as an argument.</summary>
        Pass,
    }

    /// <summary>How a callback reaches a delegate member, so that invoking the member runs it (the callback's locks count there).</summary>
    internal sealed class DelegateFlow
    {
        public DelegateFlow(DelegateFlowKind kind, ISymbol? member, IMethodSymbol? target, IMethodSymbol? callee, int ordinal)
        {
            Kind = kind;
            Member = member;
            Target = target;
            Callee = callee;
            Ordinal = ordinal;
        }

        public DelegateFlowKind Kind { get; }

        /// <summary>The field, property or event stored into (<see cref="DelegateFlowKind.Store"/>, <see cref="DelegateFlowKind.StoreParameter"/>).</summary>
        public ISymbol? Member { get; }

        /// <summary>The lambda or method (<see cref="DelegateFlowKind.Store"/>, <see cref="DelegateFlowKind.Pass"/>).</summary>
        public IMethodSymbol? Target { get; }

        /// <summary>The method the argument is passed to (<see cref="DelegateFlowKind.Pass"/>).</summary>
        public IMethodSymbol? Callee { get; }

        /// <summary>The parameter's ordinal (<see cref="DelegateFlowKind.StoreParameter"/>, <see cref="DelegateFlowKind.Pass"/>).</summary>
        public int Ordinal { get; }

        /// <summary>Where the delegate is stored or passed: the lambda or method group (<see cref="Location.None"/> when not kept).</summary>
        public Location Site { get; init; } = Location.None;
    }

    /// <summary>A release of a lock that is held on no path to it.</summary>
    internal sealed class UnheldReleaseFact
    {
        public UnheldReleaseFact(HeldKey key, Location site, string description)
        {
            Key = key;
            Site = site;
            Description = description;
        }

        public HeldKey Key { get; }

        public Location Site { get; }

        public string Description { get; }
    }

    /// <summary>A lock still held when the method returns or throws.</summary>
    internal sealed class LeakFact
    {
        public LeakFact(HeldLock held, ExitPoint exit, bool heldOnEveryExit = false)
        {
            Held = held;
            Exit = exit;
            HeldOnEveryExit = heldOnEveryExit;
        }

        public HeldLock Held { get; }

        public ExitPoint Exit { get; }

        /// <summary>Held on every path out of the method: the method takes the lock for its caller, or forgets it everywhere.</summary>
        public bool HeldOnEveryExit { get; }

        /// <summary>Held on every path to every return (a path out through a <c>throw</c> may give it back): it takes the lock for its caller.</summary>
        public bool HeldOnEveryReturn { get; init; }

        /// <summary>
        /// Some return leaves without it on every path there: a bool method that keeps it on the other returns may be a
        /// try-acquisition for its caller.
        /// </summary>
        public bool FreeOnSomeReturn { get; init; }
    }

    /// <summary>A read or write of a <c>[GuardedBy]</c> member with the locks held on every path to it.</summary>
    internal sealed class GuardedAccessFact
    {
        public GuardedAccessFact(ISymbol member, BoundLock guard, string? requiredInstance, bool isWrite, Location site, ImmutableArray<HeldLock> mustHeld)
        {
            Member = member;
            Guard = guard;
            RequiredInstance = requiredInstance;
            IsWrite = isWrite;
            Site = site;
            MustHeld = mustHeld;
        }

        public ISymbol Member { get; }

        public BoundLock Guard { get; }

        public string? RequiredInstance { get; }

        public bool IsWrite { get; }

        public Location Site { get; }

        public ImmutableArray<HeldLock> MustHeld { get; }
    }

    /// <summary>An <c>await</c> (or <c>yield return</c>) with the thread-affine locks that may be held across it.</summary>
    internal sealed class SuspensionFact
    {
        public SuspensionFact(Location site, string what, ImmutableArray<HeldLock> held)
        {
            Site = site;
            What = what;
            Held = held;
        }

        public Location Site { get; }

        /// <summary><c>await</c>, <c>await foreach</c>, <c>await using</c> or <c>yield return</c>.</summary>
        public string What { get; }

        /// <summary>The thread-affine locks this method took that are held here: on some path, or for a disposal on every visit.</summary>
        public ImmutableArray<HeldLock> Held { get; }
    }

    /// <summary>Everything the held-lock dataflow learned about one method body.</summary>
    internal sealed class MethodLockFacts
    {
        public MethodLockFacts(
            IMethodSymbol method,
            ImmutableArray<AcquireFact> acquisitions,
            ImmutableArray<CallFact> calls,
            ImmutableArray<UnheldReleaseFact> unheldReleases,
            ImmutableArray<LeakFact> leaks,
            ImmutableArray<GuardedAccessFact> guardedAccesses)
        {
            Method = method;
            Acquisitions = acquisitions;
            Calls = calls;
            UnheldReleases = unheldReleases;
            Leaks = leaks;
            GuardedAccesses = guardedAccesses;
        }

        public IMethodSymbol Method { get; }

        public ImmutableArray<AcquireFact> Acquisitions { get; }

        public ImmutableArray<CallFact> Calls { get; }

        public ImmutableArray<UnheldReleaseFact> UnheldReleases { get; }

        public ImmutableArray<LeakFact> Leaks { get; }

        public ImmutableArray<GuardedAccessFact> GuardedAccesses { get; }

        /// <summary>The lock classes this body tries to acquire (whether or not the result is tested).</summary>
        public ImmutableHashSet<LockClass> TriedClasses { get; init; } = ImmutableHashSet<LockClass>.Empty;

        /// <summary>The awaits and yield returns where a thread-affine lock this body took may be held.</summary>
        public ImmutableArray<SuspensionFact> Suspensions { get; init; } = ImmutableArray<SuspensionFact>.Empty;

        /// <summary>The locks held from entry that are still held, on every path, wherever the body returns or throws.</summary>
        public ImmutableHashSet<HeldKey> EntryLocksHeldAtEveryExit { get; init; } = ImmutableHashSet<HeldKey>.Empty;

        /// <summary>Callbacks this body stores in delegate members or passes on.</summary>
        public ImmutableArray<DelegateFlow> DelegateFlows { get; init; } = ImmutableArray<DelegateFlow>.Empty;

        /// <summary>The facts of code that runs as one method: a constructor's body with the initializers it runs.</summary>
        public static MethodLockFacts Combine(IMethodSymbol method, IReadOnlyList<MethodLockFacts> parts)
            => new(
                method,
                parts.SelectMany(p => p.Acquisitions).ToImmutableArray(),
                parts.SelectMany(p => p.Calls).ToImmutableArray(),
                parts.SelectMany(p => p.UnheldReleases).ToImmutableArray(),
                parts.SelectMany(p => p.Leaks).ToImmutableArray(),
                parts.SelectMany(p => p.GuardedAccesses).ToImmutableArray())
            {
                DelegateFlows = parts.SelectMany(p => p.DelegateFlows).ToImmutableArray(),
                TriedClasses = parts.SelectMany(p => p.TriedClasses).ToImmutableHashSet(),
            };
    }
}
