using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>One step of a call chain: the callee's name (or the acquiring expression) and where it happens.</summary>
    internal sealed class ChainStep
    {
        public ChainStep(string name, Location site)
        {
            Name = name;
            Site = site;
        }

        public string Name { get; }

        public Location Site { get; }
    }

    /// <summary>A lock a method may acquire, with the chain from the method's body down to the acquisition.</summary>
    internal sealed class AcquisitionPath
    {
        public AcquisitionPath(LockClass lockClass, LockMode mode, bool recursive, ImmutableArray<ChainStep> steps, ImmutableHashSet<LockClass> dropped)
            : this(lockClass, mode, recursive, steps, dropped, ValueRoot.Other, ImmutableDictionary<object, bool>.Empty)
        {
        }

        public AcquisitionPath(LockClass lockClass, LockMode mode, bool recursive, ImmutableArray<ChainStep> steps, ImmutableHashSet<LockClass> dropped, ValueRoot root, ImmutableDictionary<object, bool> conditions, string suffix = "")
        {
            Suffix = suffix;
            Root = root;
            Conditions = conditions;
            Class = lockClass;
            Mode = mode;
            Recursive = recursive;
            Steps = steps;
            Dropped = dropped;
        }

        public LockClass Class { get; }

        public LockMode Mode { get; }

        public bool Recursive { get; }

        public ImmutableArray<ChainStep> Steps { get; }

        /// <summary>Locks held by callers that the chain releases before this acquisition (drop-and-retake, seed 004's fix).</summary>
        public ImmutableHashSet<LockClass> Dropped { get; }

        public string Chain => string.Join(" -> ", Steps.Select(s => s.Name));

        /// <summary>Whose lock it is, in the frame of the method this path summarises (see <see cref="ValueRoot"/>).</summary>
        public ValueRoot Root { get; }

        /// <summary>
        /// The fields from <see cref="Root"/> to the object whose lock it is (<c>.WrappedTarget</c> for a wrapper's call into what it
        /// wraps); empty when it is the root's own.
        /// </summary>
        public string Suffix { get; }

        /// <summary>The values the summarised method's bool parameters must have for the acquisition to happen.</summary>
        public ImmutableDictionary<object, bool> Conditions { get; }

        /// <summary>
        /// Taken while the summarised method (or a callee on the way) holds a lock of its own: lockdep's indirect dependency, which
        /// that lock's own edge already carries. Such a path is summarised only for the classes that need whole chains.
        /// </summary>
        public bool UnderOwnLock { get; init; }

        /// <summary>
        /// Whether this path happens whenever <paramref name="other"/> does: its root cannot be dropped where the other's can, and it
        /// asks for no condition the other does not.
        /// </summary>
        public bool Covers(AcquisitionPath other)
            => (Root.Kind == RootKind.Other || (Root.Equals(other.Root) && Suffix == other.Suffix && SymbolEqualityComparer.Default.Equals(SuffixFrame, other.SuffixFrame)))
               && Conditions.All(c => other.Conditions.TryGetValue(c.Key, out var v) && v == c.Value)
               // Being in the continuation of an await is what a completion runs, not a restriction: a path that is not does not cover one that is.
               && other.Conditions.Keys.OfType<AfterAwaitOf>().All(Conditions.ContainsKey);

        /// <summary>Taken on another thread that a caller on the way blocks on (<see cref="WaitKind"/>), not on the caller's own.</summary>
        public bool OnAnotherThread { get; init; }

        /// <summary>
        /// The type whose member <see cref="Suffix"/> starts with, when it is not the summarised method's own: the implementation
        /// a virtual or interface dispatch reached (<c>ICancelable.Dispose</c> running <c>NpgsqlBinaryImporter.Dispose</c>, whose
        /// <c>._connector</c> is the importer's).
        /// </summary>
        public INamedTypeSymbol? SuffixFrame { get; init; }
    }

    /// <summary>
    /// Per-method may-acquire summaries over the compilation's call graph, computed once by a worklist fixpoint (recursion in the
    /// call graph converges; chains are bounded by <see cref="MaxDepth"/>). Virtual and interface calls reach every implementation.
    /// </summary>
    internal sealed class LockSummaries
    {
        private readonly Dictionary<IMethodSymbol, MethodLockFacts> _facts;
        private readonly AnnotationModel _model;
        private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> _implementations = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<SummaryNode, Dictionary<(LockClass, LockMode), List<AcquisitionPath>>> _summaries = new();

        /// <summary>At most this many variants of one lock per summary: a path that cannot be dropped, and a few that can.</summary>
        private const int MaxVariants = 4;

        private readonly bool _dispatchFrameworkMembers;

        public LockSummaries(AnnotationModel model, Dictionary<IMethodSymbol, MethodLockFacts> facts, IEnumerable<LockClass> declaredClasses, int maxDepth, bool dispatchFrameworkMembers, bool wholeChainsForEveryClass, CancellationToken cancellationToken, Func<IMethodSymbol, bool>? usedAsValue = null, Func<IReadOnlyDictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>>, bool>? walkAgain = null, EarlierImplementations? earlier = null)
        {
            _dispatchFrameworkMembers = dispatchFrameworkMembers;
            _model = model;
            _facts = facts;
            MaxDepth = maxDepth;
            // Sub-steps for benchmarks/Steps: each names the time since the step before.
            static void T(string step) => CompilationAnalysis.StepObserver?.Invoke("  " + step);
            IndexImplementations(earlier);
            T("implementations");
            IndexCallbacks();
            T("callbacks");
            IndexThisSensitive();
            T("this-sensitive");
            var calls = CallGraph.Build(this, cancellationToken);
            T("call graph");
            _callerHeld = CallerHeldLocks.Infer(calls, usedAsValue ?? (_ => true), cancellationToken);
            T("callers' locks");
            // Bodies walked again with what their callers hold (facts replaced in place) have new call facts.
            if (walkAgain is not null && _callerHeld.Count > 0 && walkAgain(_callerHeld))
            {
                calls = CallGraph.Build(this, cancellationToken);
            }

            T("walked again");
            _topClasses = OrderLink.TopClasses(calls, cancellationToken);
            T("top classes");
            _fullChainClasses = wholeChainsForEveryClass ? null : OrderLink.ClassesNeedingChains(calls, _topClasses, model.LockTypes, declaredClasses, cancellationToken);
            T("chain classes");
            Compute(calls, cancellationToken);
            T("fixpoint");
        }

        private readonly Dictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>> _callerHeld;

        /// <summary>
        /// Whether every caller of <paramref name="method"/> holds, around every call of it, the re-entrant lock that
        /// <paramref name="path"/> takes (<see cref="CallerHeldLocks"/>): taking it inside the method is then always a re-entry.
        /// </summary>
        public bool CallersHold(IMethodSymbol method, AcquisitionPath path)
            => _callerHeld.TryGetValue(method, out var held) && held.Any(h => h.Value && h.Key.Class.Equals(path.Class) && CallerHeldLocks.SameInstance(h.Key, path));

        /// <summary>
        /// The classes whose summaries carry every path, not only those taken while holding nothing of the method's own: the ones
        /// any rule can report on (see <see cref="OrderLink"/>); the rest are summarised as lockdep records them. Null when every
        /// class gets whole chains (<see cref="Rules.AnalyzerSettings.WholeChainsForEveryClass"/>).
        /// </summary>
        private readonly HashSet<LockClass>? _fullChainClasses;

        /// <summary>What each summary node takes while holding nothing of its own, as classes, unpruned (<see cref="OrderLink.TopClasses"/>).</summary>
        private readonly Dictionary<SummaryNode, HashSet<LockClass>> _topClasses;

        /// <summary>
        /// Whether <paramref name="call"/> may take any lock at all, whatever this call site rules out: a code fix that moves a
        /// lock over the call must not rely on the summaries, which keep only the chains the rules report on.
        /// </summary>
        public bool MayAcquireAnyLock(CallFact call)
            => DeclaredMayAcquire(call.Target.OriginalDefinition, call.Site).Any()
               || (NodeFor(call) is { } node && _topClasses.TryGetValue(node, out var classes) && classes.Count > 0);

        /// <summary>Whether a summary keeps <paramref name="path"/>: a path taken holding nothing of the method's own, or one of a class that needs every chain.</summary>
        private bool Keeps(AcquisitionPath path) => !path.UnderOwnLock || _fullChainClasses is null || _fullChainClasses.Contains(path.Class);

        /// <summary>
        /// Whether a method holds a lock of its own there on every path: not one its caller holds for it, not one nobody else can
        /// see. A lock held on some paths only does not count: the first acquisition along any path is then taken holding nothing,
        /// which is what keeps the class-level link (<see cref="OrderLink"/>) reaching all that whole chains reach.
        /// </summary>
        public static bool HoldsOwnLock(ImmutableArray<HeldLock> mayHeld) => mayHeld.Any(h => h.Must && !h.FromEntry && !h.Fresh);

        public int MaxDepth { get; }

        /// <summary>
        /// The summary node a call to <paramref name="target"/> reads: for a virtual or interface member with implementations in the
        /// compilation, one dispatch node that joins them all (so N call sites and M implementations cost N + M, not N * M);
        /// otherwise the method's own body.
        /// </summary>
        private SummaryNode? NodeFor(CallFact call, INamedTypeSymbol? thisType = null)
        {
            var target = call.Target.OriginalDefinition;
            // A callback is followed where its invoker holds a lock around the invocation (the deadlock shape: a handler run under
            // the owner's lock). One invoked with nothing held is an unknown call, as before: followed from every caller up the
            // stack, stored callbacks made most of a configuration system's code reachable from every lock (NLog: 83 -> 241 LD1002).
            if (call.DelegateSource is { } source && _callbacks.ContainsKey(source))
            {
                // A completion source made with RunContinuationsAsynchronously (or not known not to be) runs no awaiter inline.
                var runsInline = call.ResumesAwaitOf is not { } completionSource || _model.Framework.ContinuesInline(completionSource);
                return call.MayHeld.IsEmpty || !runsInline ? null : new SummaryNode(target, dispatch: true, source: source);
            }

            if (call.RunsStoredCallbacks)
            {
                return null;
            }

            if (call.VirtualReceiver is { } receiver && _implementations.ContainsKey(target))
            {
                // `o.ToString()`, `disposable.Dispose()`, `enumerator.MoveNext()` on a framework-typed receiver could reach every
                // implementation in the compilation; following them all makes most inferred cycles false, so by default they are not.
                if (!_dispatchFrameworkMembers && !KnownSymbols.IsInSource(target) && !KnownSymbols.IsInSource(receiver))
                {
                    return null;
                }

                // In a body summarised for a subtype's receiver, `this.Hook()` runs that subtype's hook.
                return new SummaryNode(target, dispatch: true, DispatchReceiver(call.ReceiverPath == "this" && thisType is not null ? thisType : receiver, target));
            }

            if (!_facts.ContainsKey(target))
            {
                return null;
            }

            var receiverType = call.ReceiverPath == "this" ? thisType ?? call.Caller?.ContainingType : call.ReceiverType as INamedTypeSymbol;
            return Body(target, receiverType);
        }

        /// <summary>
        /// The summary node of a body run on a receiver of static type <paramref name="receiverType"/>: of its own when the method is
        /// inherited from a base type and its calls on <c>this</c> dispatch to virtual members (the dispose pattern's
        /// <c>Dispose() =&gt; Dispose(true)</c>, a base sink's <c>ForwardOnError</c> calling <c>Dispose</c>): there they reach only
        /// the overrides a receiver of that type can have, not every subtype's.
        /// </summary>
        private SummaryNode Body(IMethodSymbol method, INamedTypeSymbol? receiverType)
            => receiverType is not null && !method.IsStatic && _thisSensitive.Contains(method) && method.ContainingType is { } declaring
               && !SymbolEqualityComparer.Default.Equals(receiverType.OriginalDefinition, declaring.OriginalDefinition) && IsSameOrSubtype(receiverType, declaring.OriginalDefinition)
                ? new SummaryNode(method, dispatch: false, receiverType.OriginalDefinition)
                : new SummaryNode(method, dispatch: false);

        private readonly HashSet<IMethodSymbol> _thisSensitive = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// Instance methods whose calls on <c>this</c> reach a virtual member with implementations here, directly or through other
        /// such methods: their summaries depend on the receiver's type (<see cref="Body"/>).
        /// </summary>
        private void IndexThisSensitive()
        {
            var callersOnThis = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(SymbolEqualityComparer.Default);
            var work = new Queue<IMethodSymbol>();
            foreach (var pair in _facts)
            {
                if (pair.Key.IsStatic)
                {
                    continue;
                }

                foreach (var call in pair.Value.Calls.Where(c => c.ReceiverPath == "this" && c.Waits == WaitKind.None && !c.RunsStoredCallbacks))
                {
                    var target = call.Target.OriginalDefinition;
                    if (call.VirtualReceiver is not null && _implementations.ContainsKey(target))
                    {
                        if (_thisSensitive.Add(pair.Key))
                        {
                            work.Enqueue(pair.Key);
                        }
                    }
                    else if (_facts.ContainsKey(target))
                    {
                        if (!callersOnThis.TryGetValue(target, out var callers))
                        {
                            callersOnThis[target] = callers = new List<IMethodSymbol>();
                        }

                        callers.Add(pair.Key);
                    }
                }
            }

            while (work.Count > 0)
            {
                if (callersOnThis.TryGetValue(work.Dequeue(), out var callers))
                {
                    foreach (var caller in callers.Where(_thisSensitive.Add))
                    {
                        work.Enqueue(caller);
                    }
                }
            }
        }

        /// <summary>
        /// The receiver type a dispatch node is keyed by, or null when every implementation is reachable (the receiver is the
        /// member's own type, or not a named type).
        /// </summary>
        private static INamedTypeSymbol? DispatchReceiver(ITypeSymbol receiver, IMethodSymbol target)
            => receiver.OriginalDefinition is INamedTypeSymbol named && !SymbolEqualityComparer.Default.Equals(named, target.ContainingType?.OriginalDefinition)
                ? named
                : null;

        /// <summary>
        /// The bodies a call on a receiver of static type <paramref name="receiver"/> can run: implementations in that type or its
        /// subtypes, and the one that type itself inherits from a base class.
        /// </summary>
        private IEnumerable<IMethodSymbol> Reachable(IMethodSymbol target, INamedTypeSymbol? receiver)
        {
            var candidates = _implementations[target].Append(target).Where(_facts.ContainsKey).ToList();
            if (receiver is null)
            {
                return candidates;
            }

            var reachable = candidates.Where(m => IsSameOrSubtype(m.ContainingType, receiver)).ToList();
            for (var type = receiver.TypeKind == TypeKind.Interface ? null : receiver; type is not null; type = type.BaseType)
            {
                var inherited = candidates.FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.ContainingType.OriginalDefinition, type.OriginalDefinition));
                if (inherited is not null)
                {
                    if (!reachable.Contains(inherited, SymbolEqualityComparer.Default))
                    {
                        reachable.Add(inherited);
                    }

                    break;
                }
            }

            return reachable;
        }

        private static bool IsSameOrSubtype(INamedTypeSymbol type, INamedTypeSymbol ancestor)
        {
            if (ancestor.TypeKind == TypeKind.Interface)
            {
                return SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, ancestor)
                    || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, ancestor));
            }

            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>What <paramref name="call"/> may acquire: the summaries of the bodies it can run plus its target's <c>[MayAcquire]</c>.</summary>
        public IEnumerable<(IMethodSymbol Callee, AcquisitionPath Path)> MayAcquireThrough(CallFact call)
        {
            var target = call.Target;
            var seen = new HashSet<(LockClass, LockMode)>();
            if (NodeFor(call) is { } node && _summaries.TryGetValue(node, out var map))
            {
                foreach (var pair in map.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2))
                {
                    // The first variant that this call site can run: not on an object the caller just created, and not ruled out
                    // by a constant argument.
                    if (pair.Value.FirstOrDefault(p => TryMap(target.OriginalDefinition, call, p, _model.Construction, out _, out _, out _)) is { } path)
                    {
                        seen.Add((path.Class, path.Mode));
                        yield return (target.OriginalDefinition, path);
                    }
                }
            }

            foreach (var path in DeclaredMayAcquire(target.OriginalDefinition, call.Site))
            {
                if (seen.Add((path.Class, path.Mode)))
                {
                    yield return (target.OriginalDefinition, path);
                }
            }
        }

        public IEnumerable<AcquisitionPath> Summary(IMethodSymbol method)
            => _summaries.TryGetValue(new SummaryNode(method.OriginalDefinition, dispatch: false), out var map)
                ? map.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2).Select(p => p.Value[0])
                : Enumerable.Empty<AcquisitionPath>();

        /// <summary>Adds <paramref name="path"/> to a summary unless a variant there already covers it; true when it was added.</summary>
        private static bool AddVariant(Dictionary<(LockClass, LockMode), List<AcquisitionPath>> map, AcquisitionPath path)
        {
            var key = (path.Class, path.Mode);
            if (!map.TryGetValue(key, out var variants))
            {
                map[key] = new List<AcquisitionPath> { path };
                return true;
            }

            // The first variant (usually the shortest chain, found first) stays first: it is the one messages name.
            if (variants.Count >= MaxVariants || variants.Any(v => v.Covers(path)))
            {
                return false;
            }

            variants.Add(path);
            return true;
        }

        /// <summary>
        /// What a bodiless callee is declared to take: its <c>[MayAcquire]</c>, or a framework model's lock (the global trace lock of
        /// <c>Trace.WriteLine</c>, in a file that defines <c>TRACE</c>).
        /// </summary>
        private IEnumerable<AcquisitionPath> DeclaredMayAcquire(IMethodSymbol method, Location callSite)
        {
            if (FrameworkModels.TakesTraceLock(method, callSite))
            {
                // A monitor: a listener that traces re-enters it.
                yield return new AcquisitionPath(FrameworkModels.TraceLock, LockMode.Exclusive, true, ImmutableArray.Create(new ChainStep("lock (" + FrameworkModels.TraceLock.Name + ")", Location.None)), ImmutableHashSet<LockClass>.Empty);
                yield break;
            }

            // A member of a referenced project or package whose lock summary says what it takes.
            foreach (var path in _model.External.AcquisitionsOf(method))
            {
                yield return path;
            }

            var contract = _model.GetEffectiveContract(method);
            var site = DeclarationSite(method);
            foreach (var lockClass in contract.MayAcquireClasses)
            {
                yield return new AcquisitionPath(lockClass, LockMode.Exclusive, false, ImmutableArray.Create(new ChainStep(lockClass.Name + " [MayAcquire]", site)), ImmutableHashSet<LockClass>.Empty);
            }

            foreach (var path in contract.MayAcquirePaths)
            {
                if (path.FixedClass is { } lockClass)
                {
                    yield return new AcquisitionPath(lockClass, LockMode.Exclusive, false, ImmutableArray.Create(new ChainStep(lockClass.Name + " [MayAcquire]", site)), ImmutableHashSet<LockClass>.Empty);
                }
            }
        }

        private readonly Dictionary<ISymbol, List<IMethodSymbol>> _callbacks = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// What each delegate field, property and event may run: the lambdas and method groups stored in it or subscribed to it,
        /// directly or through a parameter its storing method (a constructor, typically) was passed.
        /// </summary>
        private void IndexCallbacks()
        {
            var flows = _facts.Values.SelectMany(f => f.DelegateFlows.Select(d => (Method: f.Method, Flow: d))).ToList();
            if (flows.Count == 0)
            {
                return;
            }

            var passed = flows.Where(p => p.Flow.Kind == DelegateFlowKind.Pass)
                .ToLookup(p => (SymbolKey(p.Flow.Callee!), p.Flow.Ordinal), p => p.Flow.Target!);
            foreach (var (method, flow) in flows)
            {
                var targets = flow.Kind switch
                {
                    DelegateFlowKind.Store => new[] { flow.Target! },
                    DelegateFlowKind.StoreParameter => passed[(SymbolKey(method.OriginalDefinition), flow.Ordinal)],
                    _ => Enumerable.Empty<IMethodSymbol>(),
                };
                foreach (var target in targets.Where(_facts.ContainsKey))
                {
                    if (!_callbacks.TryGetValue(flow.Member!, out var list))
                    {
                        _callbacks[flow.Member!] = list = new List<IMethodSymbol>();
                    }

                    if (!list.Contains(target, SymbolEqualityComparer.Default))
                    {
                        list.Add(target);
                    }
                }
            }

            foreach (var list in _callbacks.Values)
            {
                list.Sort((a, b) => string.CompareOrdinal(SortKey(a), SortKey(b)));
            }

            static string SymbolKey(IMethodSymbol method) => method.OriginalDefinition.GetDocumentationCommentId() ?? method.ToDisplayString();
        }

        private void IndexImplementations(EarlierImplementations? earlier)
        {
            var carried = earlier?.Translate(_implementations, _facts);
            foreach (var method in _facts.Keys)
            {
                if (carried?.Contains(method) == true)
                {
                    continue;
                }

                for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    Add(overridden.OriginalDefinition, method);
                }

                var type = method.ContainingType;
                if (type is null || method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction)
                {
                    continue;
                }

                foreach (var iface in type.AllInterfaces)
                {
                    foreach (var member in iface.GetMembers(method.Name).OfType<IMethodSymbol>())
                    {
                        var implementation = type.FindImplementationForInterfaceMember(member) as IMethodSymbol;
                        if (SymbolEqualityComparer.Default.Equals(implementation?.OriginalDefinition, method))
                        {
                            Add(member.OriginalDefinition, method);
                        }
                    }
                }
            }

            foreach (var list in _implementations.Values)
            {
                if (list.Count > 1)
                {
                    var sorted = list.Select(m => (Method: m, Name: m.ToDisplayString())).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Method).ToList();
                    list.Clear();
                    list.AddRange(sorted);
                }
            }

            void Add(IMethodSymbol member, IMethodSymbol implementation)
            {
                if (!_implementations.TryGetValue(member, out var list))
                {
                    _implementations[member] = list = new List<IMethodSymbol>();
                }

                if (!list.Contains(implementation, SymbolEqualityComparer.Default))
                {
                    list.Add(implementation);
                }
            }
        }

        /// <summary>The implementations index of this analysis, for the next compilation to take over (<see cref="EarlierImplementations"/>).</summary>
        internal IReadOnlyDictionary<IMethodSymbol, List<IMethodSymbol>> Implementations => _implementations;

        /// <summary>
        /// The summary nodes and who reads whom, built once for the class-level link (<see cref="OrderLink"/>) and the summaries.
        /// </summary>
        internal sealed class CallGraph
        {
            private CallGraph(List<MethodNode> methods, OrderedNodes dispatch, Dictionary<SummaryNode, List<(SummaryNode Reader, CallFact? Call)>> readers)
            {
                Methods = methods;
                Dispatch = dispatch;
                Readers = readers;
            }

            /// <summary>Method bodies, in file and position order.</summary>
            public List<MethodNode> Methods { get; }

            /// <summary>Dispatch nodes with the bodies they join, in the order the calls first asked for them (deterministic).</summary>
            public OrderedNodes Dispatch { get; }

            /// <summary>Who reads each node's summary: a caller through a call site (adds a step), or a dispatch node (adds none).</summary>
            public Dictionary<SummaryNode, List<(SummaryNode Reader, CallFact? Call)>> Readers { get; }

            public static CallGraph Build(LockSummaries summaries, CancellationToken cancellationToken)
            {
                var readers = new Dictionary<SummaryNode, List<(SummaryNode Reader, CallFact? Call)>>();
                var dispatch = new OrderedNodes();
                var methods = new List<MethodNode>();
                var built = new HashSet<SummaryNode>();
                var variants = new Queue<SummaryNode>();
                foreach (var method in summaries._facts.Keys.OrderBy(SortKey, System.StringComparer.Ordinal))
                {
                    BuildBody(new SummaryNode(method, dispatch: false));
                }

                // Bodies summarised for a subtype's receiver, in the order calls first asked for them (deterministic).
                while (variants.Count > 0)
                {
                    BuildBody(variants.Dequeue());
                }

                foreach (var pair in dispatch)
                {
                    foreach (var implementation in pair.Value)
                    {
                        AddReader(summaries.Body(implementation, pair.Key.Receiver), pair.Key, null);
                    }
                }

                return new CallGraph(methods, dispatch, readers);

                void BuildBody(SummaryNode node)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!built.Add(node))
                    {
                        return;
                    }

                    var facts = summaries._facts[node.Method];
                    var calls = new List<CallEdge>();
                    foreach (var call in facts.Calls)
                    {
                        var declared = summaries.DeclaredMayAcquire(call.Target.OriginalDefinition, call.Site)
                            .Select(path => Extend(call.Target.OriginalDefinition, call, path, summaries._model.Construction))
                            .Where(path => path is not null).Select(path => path!).ToList();
                        var callee = summaries.NodeFor(call, node.Receiver);
                        if (callee is { } target)
                        {
                            if (target.Dispatch && !dispatch.ContainsKey(target))
                            {
                                var reachable = target.Source is { } source ? summaries._callbacks[source] : summaries.Reachable(target.Method, target.Receiver).ToList();
                                dispatch[target] = reachable;
                                foreach (var implementation in reachable)
                                {
                                    Enqueue(summaries.Body(implementation, target.Receiver));
                                }
                            }

                            Enqueue(target);
                            AddReader(target, node, call);
                        }

                        calls.Add(new CallEdge(call, callee, declared));
                    }

                    methods.Add(new MethodNode(node, facts, calls));
                }

                void Enqueue(SummaryNode target)
                {
                    if (!target.Dispatch && target.Receiver is not null && !built.Contains(target))
                    {
                        variants.Enqueue(target);
                    }
                }

                void AddReader(SummaryNode node, SummaryNode reader, CallFact? call)
                {
                    if (!readers.TryGetValue(node, out var list))
                    {
                        readers[node] = list = new List<(SummaryNode, CallFact?)>();
                    }

                    list.Add((reader, call));
                }
            }

            private Dictionary<IMethodSymbol, List<SummaryNode>>? _bodies;

            /// <summary>Who reads a method's body, through its own node and the nodes that summarise it for subtypes' receivers.</summary>
            public IEnumerable<(SummaryNode Reader, CallFact? Call)> ReadersOfBody(IMethodSymbol method)
            {
                if (_bodies is null)
                {
                    _bodies = new Dictionary<IMethodSymbol, List<SummaryNode>>(SymbolEqualityComparer.Default);
                    foreach (var node in Methods.Select(m => m.Node))
                    {
                        if (!_bodies.TryGetValue(node.Method, out var list))
                        {
                            _bodies[node.Method] = list = new List<SummaryNode>();
                        }

                        list.Add(node);
                    }
                }

                return _bodies.TryGetValue(method, out var nodes)
                    ? nodes.SelectMany(n => Readers.TryGetValue(n, out var list) ? list : Enumerable.Empty<(SummaryNode, CallFact?)>())
                    : Enumerable.Empty<(SummaryNode, CallFact?)>();
            }
        }

        /// <summary>One body's node, facts and calls.</summary>
        internal sealed class MethodNode
        {
            public MethodNode(SummaryNode node, MethodLockFacts facts, List<CallEdge> calls)
            {
                Node = node;
                Facts = facts;
                Calls = calls;
            }

            public SummaryNode Node { get; }

            public MethodLockFacts Facts { get; }

            public List<CallEdge> Calls { get; }
        }

        /// <summary>A call site: the summary node it reads (null for an unknown callee) and its target's <c>[MayAcquire]</c> paths, as the caller sees them.</summary>
        internal sealed class CallEdge
        {
            public CallEdge(CallFact call, SummaryNode? callee, List<AcquisitionPath> declared)
            {
                Call = call;
                Callee = callee;
                Declared = declared;
            }

            public CallFact Call { get; }

            public SummaryNode? Callee { get; }

            public List<AcquisitionPath> Declared { get; }
        }

        /// <summary>
        /// Whether a direct acquisition takes part in any order: a try-acquisition never waits (like lockdep, it adds no dependency
        /// and cannot deadlock on itself), and a fresh object's lock is one nobody else can hold or wait for.
        /// </summary>
        internal static bool TakesPartInOrder(AcquireFact acquisition) => !acquisition.IsTry && acquisition.Root.Kind != RootKind.Fresh;

        /// <summary>A direct acquisition as a one-step path in the frame of the method that makes it.</summary>
        internal static AcquisitionPath PathOf(AcquireFact acquisition)
            => new(acquisition.Key.Class, acquisition.Key.Mode, acquisition.Recursive, ImmutableArray.Create(new ChainStep(acquisition.Description, acquisition.Site)),
                acquisition.EntryLocksReleased, acquisition.Root, acquisition.Conditions)
            {
                UnderOwnLock = HoldsOwnLock(acquisition.MayHeld),
            };

        /// <summary>The direct acquisitions of a body that take part in order, as summary paths.</summary>
        internal static IEnumerable<AcquisitionPath> OwnAcquisitions(MethodLockFacts facts) => facts.Acquisitions.Where(TakesPartInOrder).Select(PathOf);

        /// <summary>
        /// The fixpoint, in rounds: each round hands every node's new paths (those its summary gained in the round before) to its
        /// readers, nodes in file and position order. A path of one lock class then reaches a summary in the same round and order
        /// whatever paths of other classes do, so which variant comes first (the chain messages name) depends on that class alone:
        /// the summaries the link step restricts to a few classes name the same chains as summaries of every class would.
        /// </summary>
        private void Compute(CallGraph graph, CancellationToken cancellationToken)
        {
            var nodes = graph.Methods.Select(m => m.Node).Concat(graph.Dispatch.Select(d => d.Key)).ToList();
            var fresh = new Dictionary<SummaryNode, List<AcquisitionPath>>();
            foreach (var method in graph.Methods)
            {
                var map = new Dictionary<(LockClass, LockMode), List<AcquisitionPath>>();
                var added = new List<AcquisitionPath>();
                foreach (var path in OwnAcquisitions(method.Facts).Concat(method.Calls.SelectMany(c => c.Declared)).Where(Keeps))
                {
                    if (AddVariant(map, path))
                    {
                        added.Add(path);
                    }
                }

                _summaries[method.Node] = map;
                fresh[method.Node] = added;
            }

            foreach (var pair in graph.Dispatch)
            {
                _summaries[pair.Key] = new Dictionary<(LockClass, LockMode), List<AcquisitionPath>>();
            }

            while (fresh.Count > 0)
            {
                var next = new Dictionary<SummaryNode, List<AcquisitionPath>>();
                foreach (var node in nodes)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!fresh.TryGetValue(node, out var paths) || paths.Count == 0 || !graph.Readers.TryGetValue(node, out var nodeReaders))
                    {
                        continue;
                    }

                    foreach (var (reader, call) in nodeReaders)
                    {
                        var readerSummary = _summaries[reader];
                        foreach (var path in paths)
                        {
                            if (call is not null && path.Steps.Length >= MaxDepth)
                            {
                                continue;
                            }

                            if ((call is null ? ThroughDispatch(reader, node.Method, path) : Extend(node.Method, call, path, _model.Construction)) is { } extended
                                && Keeps(extended) && AddVariant(readerSummary, extended))
                            {
                                if (!next.TryGetValue(reader, out var gained))
                                {
                                    next[reader] = gained = new List<AcquisitionPath>();
                                }

                                gained.Add(extended);
                            }
                        }
                    }
                }

                fresh = next;
            }
        }

        /// <summary>
        /// A method body, or the dispatch of a virtual or interface member to the implementations a receiver of
        /// <see cref="Receiver"/>'s static type can reach (all of them when null).
        /// </summary>
        internal readonly struct SummaryNode : System.IEquatable<SummaryNode>
        {
            public SummaryNode(IMethodSymbol method, bool dispatch, INamedTypeSymbol? receiver = null, ISymbol? source = null)
            {
                Method = method;
                Dispatch = dispatch;
                Receiver = receiver;
                Source = source;
            }

            /// <summary>For the invocation of a delegate member: the member, whose stored callbacks are what the node joins.</summary>
            public ISymbol? Source { get; }

            public IMethodSymbol Method { get; }

            public bool Dispatch { get; }

            public INamedTypeSymbol? Receiver { get; }

            public bool Equals(SummaryNode other)
                => Dispatch == other.Dispatch && SymbolEqualityComparer.Default.Equals(Method, other.Method) && SymbolEqualityComparer.Default.Equals(Receiver, other.Receiver)
                   && SymbolEqualityComparer.Default.Equals(Source, other.Source);

            public override bool Equals(object? obj) => obj is SummaryNode other && Equals(other);

            public override int GetHashCode()
                => ((SymbolEqualityComparer.Default.GetHashCode(Method) * 31 + (Receiver is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Receiver))) * 31
                    + (Source is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Source))) * 2 + (Dispatch ? 1 : 0);
        }

        /// <summary>Dispatch nodes with their reachable bodies, enumerated in the order they were first asked for.</summary>
        internal sealed class OrderedNodes : IEnumerable<KeyValuePair<SummaryNode, List<IMethodSymbol>>>
        {
            private readonly Dictionary<SummaryNode, List<IMethodSymbol>> _map = new();
            private readonly List<SummaryNode> _order = new();

            public bool ContainsKey(SummaryNode node) => _map.ContainsKey(node);

            public List<IMethodSymbol> this[SummaryNode node]
            {
                set
                {
                    if (!_map.ContainsKey(node))
                    {
                        _order.Add(node);
                    }

                    _map[node] = value;
                }
            }

            public IEnumerator<KeyValuePair<SummaryNode, List<IMethodSymbol>>> GetEnumerator()
                => _order.Select(n => new KeyValuePair<SummaryNode, List<IMethodSymbol>>(n, _map[n])).GetEnumerator();

            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }

        /// <summary>
        /// A path as a dispatch node joins it: an implementation keeps its own steps (its name is the member's), a callback run
        /// through a delegate is named (<c>EventHandler -> OnChanged -> ...</c>).
        /// </summary>
        private static AcquisitionPath ThroughDispatch(SummaryNode dispatch, IMethodSymbol target, AcquisitionPath path)
        {
            if (dispatch.Source is null)
            {
                return path.Root.Kind == RootKind.This && path.Suffix.Length > 0 && path.SuffixFrame is null && target.ContainingType is { } implementation
                    ? new AcquisitionPath(path.Class, path.Mode, path.Recursive, path.Steps, path.Dropped, path.Root, path.Conditions, path.Suffix) { UnderOwnLock = path.UnderOwnLock, SuffixFrame = implementation, OnAnotherThread = path.OnAnotherThread }
                    : path;
            }

            var name = target.MethodKind == MethodKind.AnonymousFunction && target.ContainingSymbol is IMethodSymbol owner
                ? "lambda in " + CalleeName(owner)
                : CalleeName(target);
            if (FrameworkModels.IsCompletionSource(PathBinder.MemberType(dispatch.Source)))
            {
                name += " after await " + dispatch.Source.Name + ".Task";
            }

            var step = new ChainStep(name, target.Locations.FirstOrDefault() ?? Location.None);
            return new AcquisitionPath(path.Class, path.Mode, path.Recursive, path.Steps.Insert(0, step), path.Dropped, path.Root, path.Conditions, path.Suffix) { UnderOwnLock = path.UnderOwnLock, OnAnotherThread = path.OnAnotherThread };
        }

        /// <summary>
        /// The path as seen from the caller, through <paramref name="call"/>; null when this call cannot take it: the lock is on an
        /// object the caller just created (no other thread can hold it), or a constant argument rules out the branch it is on.
        /// </summary>
        public static AcquisitionPath? Extend(IMethodSymbol callee, CallFact call, AcquisitionPath path, ConstructionState? construction = null)
            => TryMap(callee, call, path, construction, out var root, out var suffix, out var conditions)
                // Work waited for on another thread takes its locks there: one the caller holds is no re-entry however re-entrant.
                ? new(path.Class, path.Mode, path.Recursive && call.Waits == WaitKind.None, path.Steps.Insert(0, new ChainStep(StepName(callee, call.Waits), call.Site)), path.Dropped.Union(call.EntryLocksReleased), root, conditions, suffix)
                {
                    UnderOwnLock = path.UnderOwnLock || HoldsOwnLock(call.MayHeld),
                    OnAnotherThread = path.OnAnotherThread || call.Waits != WaitKind.None,
                }
                : null;

        /// <summary>Whose lock a callee's path is, seen from the caller: through the call's receiver or argument.</summary>
        private static (ValueRoot Root, string Suffix) MapRoot(IMethodSymbol callee, CallFact call, AcquisitionPath path, ConstructionState? construction)
            => path.Root.Kind switch
            {
                // A callback run by the framework has its own frame: neither the source it was stored with nor the call's arguments.
                _ when call.RunsStoredCallbacks => (ValueRoot.Other, string.Empty),
                // A callback's `this` is whatever it captured or was bound to, not the delegate it was called through.
                RootKind.This when callee.MethodKind == MethodKind.DelegateInvoke => (ValueRoot.Other, string.Empty),
                RootKind.This => Rebase(call.ReceiverRoot, call.ReceiverPath, BackPointerFree(path.SuffixFrame ?? callee.ContainingType, call.ReceiverPath, path.Suffix, construction, call.Caller?.ContainingType), call.Caller),
                RootKind.Parameter when path.Root.Ordinal < call.ArgumentRoots.Length
                    => Rebase(call.ArgumentRoots[path.Root.Ordinal], path.Root.Ordinal < call.ArgumentPaths.Length ? call.ArgumentPaths[path.Root.Ordinal] : null, path.Suffix, call.Caller),
                _ => (ValueRoot.Other, string.Empty),
            };

        /// <summary>Whether <paramref name="call"/> can take <paramref name="path"/>, and whose lock and under which conditions it is then.</summary>
        private static bool TryMap(IMethodSymbol callee, CallFact call, AcquisitionPath path, ConstructionState? construction, out ValueRoot root, out string suffix, out ImmutableDictionary<object, bool> conditions)
        {
            conditions = ImmutableDictionary<object, bool>.Empty;
            if (call.Waits != WaitKind.None)
            {
                // Blocking on an async method's task waits for its part after the first await (the part before ran in the call);
                // the work's own frame is another thread's.
                (root, suffix) = (ValueRoot.Other, string.Empty);
                if (call.Waits == WaitKind.AsyncCompletion && !path.Conditions.ContainsKey(LockState.AfterAwait))
                {
                    return false;
                }
            }
            else
            {
                (root, suffix) = MapRoot(callee, call, path, construction);
            }

            // A task nobody waits for runs the callee past its first await later, after the caller has let its locks go.
            if (call.FireAndForget && path.Conditions.ContainsKey(LockState.AfterAwait))
            {
                return false;
            }

            // Completing a source runs only what follows an await of its task; a callback run inline (an async lambda registered on a
            // token) runs only its part before its first await, as a task nobody waits for does.
            if (call.ResumesAwaitOf is { } completionSource
                    ? !path.Conditions.ContainsKey(new AfterAwaitOf(completionSource))
                    : call.RunsStoredCallbacks && call.Waits == WaitKind.None && path.Conditions.ContainsKey(LockState.AfterAwait))
            {
                return false;
            }

            // The user's word for an [Unshared] receiver covers every lock of its own class the call reaches (a teardown that comes
            // back to the object through its readers and streams), as lockdep's subclass keeps a dead object's locks apart.
            if (call.ReceiverUnshared && IsOwnLockOf(callee.ContainingType, path.Class))
            {
                return false;
            }

            // Only the fresh object's own locks are unseen: what its fields point to may be shared.
            if (root.Kind == RootKind.Fresh && suffix.Length == 0)
            {
                return false;
            }

            if (root.Kind == RootKind.Fresh)
            {
                root = ValueRoot.Other;
                suffix = string.Empty;
            }

            // A callback the framework runs has conditions on its own parameters, which the framework passes, not this call.
            foreach (var condition in call.RunsStoredCallbacks ? ImmutableDictionary<object, bool>.Empty : path.Conditions)
            {
                switch (condition.Key)
                {
                    case int ordinal:
                        var constant = ordinal < call.ArgumentConstants.Length ? call.ArgumentConstants[ordinal] : null;
                        if (constant is { } value)
                        {
                            if (value != condition.Value)
                            {
                                return false;
                            }
                        }
                        else if (ordinal < call.ArgumentRoots.Length && call.ArgumentRoots[ordinal] is { Kind: RootKind.Parameter } forwarded)
                        {
                            conditions = conditions.SetItem(forwarded.Ordinal, condition.Value);
                        }

                        break;
                    case IFieldSymbol field when call.ReceiverPath == "this" && callee.MethodKind != MethodKind.DelegateInvoke:
                        conditions = conditions.SetItem(field, condition.Value);
                        break;
                    case IFieldSymbol field when call.ReceiverConstruction is { } constructor && condition.Value && construction?.LeavesDefault(constructor, field) == true:
                        // Called on an object just made, before anything else touched it: the field is still false.
                        return false;
                }
            }

            // The branches the caller took on its own parameters to reach the call are conditions of the path too (the call to
            // CreateBridge sits under `create ?`), and one that contradicts a forwarded condition rules the path out.
            foreach (var known in call.Conditions)
            {
                if (conditions.TryGetValue(known.Key, out var required) && required != known.Value)
                {
                    return false;
                }

                conditions = conditions.SetItem(known.Key, known.Value);
            }

            return true;
        }

        /// <summary>Whether <paramref name="lockClass"/> is a lock member of <paramref name="type"/> (or of a base type), or the type itself.</summary>
        private static bool IsOwnLockOf(INamedTypeSymbol? type, LockClass lockClass)
        {
            var owner = lockClass.Symbol is INamedTypeSymbol named ? named : lockClass.Symbol?.ContainingType;
            for (var t = type; t is not null && owner is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, owner.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The callee's suffix without a first step back to the caller's object: a call through <c>this.WriteBuffer</c> whose
        /// path goes on through the buffer's <c>Connector</c> field, which the connector's own <c>new NpgsqlWriteBuffer(this, ...)</c>
        /// set, comes back to the connector (<see cref="ConstructionState.PointsBack"/>); the receiver path loses its last step.
        /// </summary>
        private static string BackPointerFree(INamedTypeSymbol? calleeType, string? receiverPath, string suffix, ConstructionState? construction, INamedTypeSymbol? callerType)
        {
            if (construction is null || receiverPath is null || suffix.Length < 2 || calleeType is null)
            {
                return suffix;
            }

            var first = suffix.Substring(1).Split('.')[0];
            var dot = receiverPath.LastIndexOf('.');
            if (dot <= 0 || calleeType.GetMembers(first).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is not { } back)
            {
                return suffix;
            }

            if (construction.PointsBack(back, receiverPath.Substring(dot + 1)))
            {
                // Marks that the receiver's last step is undone too; see Rebase.
                return BackStep + suffix.Substring(1 + first.Length);
            }

            // A copy the caller keeps of its owner's member (`_buf = connector.ReadBuffer`): its back pointer is the caller's own
            // pointer to that owner (`_connector`), so the receiver's last step becomes that member.
            if (receiverPath == "this" + receiverPath.Substring(dot) && callerType?.GetMembers(receiverPath.Substring(dot + 1)).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is { } copy
                && construction.OwnerOfCopy(copy, back) is { } owner)
            {
                return BackStep + "." + owner.Name + suffix.Substring(1 + first.Length);
            }

            return suffix;
        }

        /// <summary>Prefix of a suffix whose receiver path loses its last member (a back pointer undid it).</summary>
        private const string BackStep = "\u0001";

        /// <summary>
        /// A lock of the callee's receiver (or parameter) object, plus <paramref name="suffix"/>, as the caller sees it: through its
        /// own <c>this</c> or a parameter (<c>this.WrappedTarget</c> adds <c>.WrappedTarget</c>), else another object's.
        /// </summary>
        private static (ValueRoot Root, string Suffix) Rebase(ValueRoot root, string? path, string suffix, IMethodSymbol? caller)
        {
            if (suffix.StartsWith(BackStep, System.StringComparison.Ordinal) && path is not null && path.LastIndexOf('.') is var dot and > 0)
            {
                // The back pointer returns to the object the receiver path's last member hangs off.
                var owner = path.Substring(0, dot);
                suffix = suffix.Substring(BackStep.Length);
                return owner == "this" ? (root.Kind == RootKind.Fresh ? root : ValueRoot.This, suffix) : RebaseOnto(ValueRoot.Other, owner, suffix, caller);
            }

            suffix = suffix.Replace(BackStep, string.Empty);
            return RebaseOnto(root, path, suffix, caller);
        }

        private static (ValueRoot Root, string Suffix) RebaseOnto(ValueRoot root, string? path, string suffix, IMethodSymbol? caller)
        {
            if (root.Kind is RootKind.This or RootKind.Parameter or RootKind.Fresh)
            {
                return (root, suffix);
            }

            if (path is not null && path.StartsWith("this.", System.StringComparison.Ordinal))
            {
                return (ValueRoot.This, path.Substring(4) + suffix);
            }

            // A member reached from one of the caller's parameters (`buffer.Connector` in a static helper handed the buffer).
            if (path is not null && caller is not null)
            {
                var dot = path.IndexOf('.');
                var head = dot < 0 ? path : path.Substring(0, dot);
                if (caller.Parameters.FirstOrDefault(p => p.Name == head) is { } parameter)
                {
                    return (ValueRoot.Parameter(parameter.Ordinal), (dot < 0 ? string.Empty : path.Substring(dot)) + suffix);
                }
            }

            return (ValueRoot.Other, string.Empty);
        }

        /// <summary>A chain's step into <paramref name="callee"/>: its name, and for a wait, that it runs on another thread.</summary>
        private static string StepName(IMethodSymbol callee, WaitKind waits) => waits switch
        {
            WaitKind.OtherThread => CalleeName(callee) + ", waited for on another thread",
            WaitKind.AsyncCompletion => CalleeName(callee) + " after its first await, waited for on another thread",
            _ => CalleeName(callee),
        };

        /// <summary>How a method is named in messages and chains: <c>new T</c>, the property, the delegate type, else its name.</summary>
        public static string CalleeName(IMethodSymbol method) => method.MethodKind switch
        {
            MethodKind.Constructor => "new " + method.ContainingType.Name,
            MethodKind.StaticConstructor => "static " + method.ContainingType.Name,
            MethodKind.PropertyGet or MethodKind.PropertySet => method.AssociatedSymbol?.Name ?? method.Name,
            MethodKind.DelegateInvoke => method.ContainingType.Name,
            MethodKind.AnonymousFunction => "lambda in " + (method.ContainingSymbol is IMethodSymbol owner ? CalleeName(owner) : method.ContainingSymbol?.Name ?? "?"),
            _ => method.Name,
        };

        /// <summary>Where a bodiless member's <c>[MayAcquire]</c> step points: the property or delegate it is declared on.</summary>
        private static Location DeclarationSite(IMethodSymbol method)
        {
            ISymbol owner = method.MethodKind switch
            {
                MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is { } property => property,
                MethodKind.DelegateInvoke => method.ContainingType,
                _ => method,
            };
            return owner.Locations.FirstOrDefault() ?? Location.None;
        }

        private static string SortKey(IMethodSymbol method)
        {
            var location = method.Locations.FirstOrDefault();
            return (location?.SourceTree?.FilePath ?? string.Empty) + ":" + (location?.SourceSpan.Start ?? 0).ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + ":" + method.ToDisplayString();
        }
    }
}
