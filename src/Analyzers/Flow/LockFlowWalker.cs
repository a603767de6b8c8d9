using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>
    /// The held-lock dataflow of one method: a forward worklist over Roslyn's <see cref="ControlFlowGraph"/>, may-held (union) and
    /// must-held (intersection) at every point, <c>finally</c> regions run on every branch that leaves through them, catch handlers
    /// entered with what the try held, branches on try-acquire results and taken flags split the state.
    /// Facts are accumulated per operation across visits; the transfer is monotone, so the accumulation is the fixpoint.
    /// </summary>
    internal sealed class LockFlowWalker : ForwardDataflow<LockState>
    {
        private readonly AnnotationModel _model;
        private readonly IMethodSymbol _method;
        private readonly ValueResolver _values;
        private readonly LockState _entry;

        private readonly Dictionary<IOperation, (LockEffect Effect, Location Site)> _pendingTries = new(OperationIdentity.Instance);
        private readonly Dictionary<IOperation, LockEffect> _pendingGuards = new(OperationIdentity.Instance);
        private readonly Dictionary<IOperation, AcquireAccumulator> _initializations = new(OperationIdentity.Instance);
        private bool _sawInvalidCode;

        private readonly Dictionary<IOperation, AcquireAccumulator> _acquisitions = new(OperationIdentity.Instance);
        private readonly Dictionary<IOperation, CallAccumulator> _calls = new(OperationIdentity.Instance);
        private readonly Dictionary<IOperation, (HeldKey Key, Location Site, string Text, bool EverHeld)> _releases = new(OperationIdentity.Instance);
        private readonly Dictionary<(HeldKey, Location), LeakFact> _leaks = new();
        private readonly Dictionary<IOperation, GuardAccumulator> _guarded = new(OperationIdentity.Instance);
        private readonly Dictionary<(DelegateFlowKind, ISymbol?, ISymbol?, ISymbol?, int), DelegateFlow> _delegateFlows = new();
        private readonly Dictionary<IOperation, (Location Site, string What, bool Disposal, HeldAccumulator Held)> _suspensions = new(OperationIdentity.Instance);

        private LockFlowWalker(AnnotationModel model, ControlFlowGraph cfg, IMethodSymbol method, IEnumerable<(HeldKey Key, bool Recursive)>? callerHeld, CancellationToken cancellationToken)
            : base(cfg, cancellationToken)
        {
            _model = model;
            _method = method;
            _values = new ValueResolver(cfg, method, model.LockTypes);
            _entry = EntryState(model, method);
            var location = SyntaxReads.Located(method.Locations.FirstOrDefault());
            foreach (var (key, recursive) in callerHeld ?? Enumerable.Empty<(HeldKey, bool)>())
            {
                if (!_entry.Held.ContainsKey(key))
                {
                    _entry = _entry.Acquire(key, recursive, location, fromEntry: true);
                    _callerHeld.Add(key);
                }
            }
        }

        // Locks held from entry because every caller holds them (not a contract): they decide balance, drops and guarded reads
        // here, but the order they make with what this body takes is its callers' to report, through their chains.
        private readonly HashSet<HeldKey> _callerHeld = new();

        private ImmutableArray<HeldLock> OrderingHeld(ImmutableArray<HeldLock> held)
            => _callerHeld.Count == 0 || !held.Any(h => _callerHeld.Contains(h.Key)) ? held : held.Where(h => !_callerHeld.Contains(h.Key)).ToImmutableArray();

        /// <summary>
        /// The facts of one body. <paramref name="callerHeld"/>: locks every caller holds around every call of it (see
        /// <c>CallerHeldLocks</c>), held from entry as a <c>[Requires]</c> method's are.
        /// </summary>
        public static MethodLockFacts Analyze(AnnotationModel model, ControlFlowGraph cfg, IMethodSymbol method, CancellationToken cancellationToken, IEnumerable<(HeldKey Key, bool Recursive)>? callerHeld = null)
        {
            var walker = new LockFlowWalker(model, cfg, method, callerHeld, cancellationToken);
            walker.Run();
            return walker.Facts();
        }

        /// <summary>A <c>[Requires]</c> method is analysed with its locks held from entry.</summary>
        public static LockState EntryState(AnnotationModel model, IMethodSymbol method)
        {
            var state = LockState.Empty;
            var location = SyntaxReads.Located(method.Locations.FirstOrDefault());
            foreach (var requirement in model.GetEffectiveContract(method).Requires)
            {
                var target = requirement.Target;
                var lockClass = target.FixedClass ?? (target.Root == PathRoot.Parameter
                    ? LockClass.ForLocal(target.Parameter!, method)
                    : LockClass.ForType(method.ContainingType));
                var key = new HeldKey(lockClass, target.OwnFramePath, requirement.Mode);
                state = state.Acquire(key, model.LockTypes.IsReentrantWhenRequired(lockClass), location, fromEntry: true);
            }

            // A TraceListener's output members run under Trace's global lock, which the framework caller holds.
            if (FrameworkModels.RunsUnderTraceLock(method))
            {
                state = state.Acquire(new HeldKey(FrameworkModels.TraceLock, null, LockMode.Exclusive), true, location, fromEntry: true);
            }

            // An implementation of a referenced assembly's interface or virtual member that the assembly calls while holding its locks
            // (its lock summary says so) runs under them.
            foreach (var held in model.External.HeldAroundCallsOf(method))
            {
                state = state.Acquire(new HeldKey(held.Class, null, LockMode.Exclusive), held.Recursive, location, fromEntry: true);
            }

            // A static constructor runs under its type's initialization lock, which first users of the type wait on.
            if (method.MethodKind == MethodKind.StaticConstructor && method.ContainingType is { } initialized && FrameworkModels.HasStaticConstructor(initialized))
            {
                state = state.Acquire(new HeldKey(FrameworkModels.TypeInitializerLock(initialized.OriginalDefinition), null, LockMode.Exclusive), true, location, fromEntry: true);
            }

            // A Lazy<T>'s value factory runs under the Lazy's lock, which the first reader of Value holds.
            if (FrameworkModels.LazyFactoryOwner(method, model.Framework) is { } lazy)
            {
                state = state.Acquire(LazyKey(lazy), false, location, fromEntry: true);
            }

            return state;
        }

        /// <summary>The lock of the <c>Lazy</c> in <paramref name="member"/>, as held by its factory and waited for by <c>Value</c> (this object's, or the static one).</summary>
        private static HeldKey LazyKey(ISymbol member) => new(FrameworkModels.LazyLock(member), member.IsStatic ? null : "this." + member.Name, LockMode.Exclusive);

        // The object under construction is fresh until the constructor lets it out (`this` stored or passed on); an [Unshared]
        // receiver or parameter is so for the whole body, by the user's word.
        private void Run()
        {
            var entry = _method.MethodKind == MethodKind.Constructor || IsUnsharedMethod(_method) ? _entry.WithFresh(LockState.ThisKey, true) : _entry;
            foreach (var parameter in _method.Parameters)
            {
                if (IsUnsharedParameter(parameter))
                {
                    entry = entry.WithFresh(parameter, true);
                }
            }

            RunMethod(_method.IsAsync ? entry.WithKnown(LockState.AwaitKey, false) : entry);
        }

        protected override LockState Join(LockState? a, LockState b) => LockState.Join(a, b);

        protected override bool Same(LockState a, LockState b) => a.Equals(b);

        protected override LockState Transfer(IOperation operation, LockState state)
        {
            state = TransferOne(operation, state);
            if (operation.Parent is null)
            {
                // A block's own operation is done: remember what it acquired, for the flag set right after it.
                _previousRoot = (CurrentBlock, operation, _acquiredInRoot);
                _acquiredInRoot = null;
            }

            return state;
        }

        // The lock the block operation being transferred acquired, and the last finished block operation with what it acquired:
        // `await s.WaitAsync(); acquired = true;` ties the flag to the hold (see FlagSetRightAfterAcquiring).
        private HeldKey? _acquiredInRoot;
        private (BasicBlock? Block, IOperation? Operation, HeldKey? Acquired) _previousRoot;

        protected override (LockState WhenTrue, LockState WhenFalse) Split(IOperation? condition, LockState state) => SplitOnBranch(condition, state);

        protected override void OnExit(LockState state, ExitPoint exit, BasicBlock from) => RecordExit(state, exit);

        private readonly HashSet<LockClass> _triedClasses = new();
        private readonly Dictionary<ILocalSymbol, IMethodSymbol> _creations = new(SymbolEqualityComparer.Default);
        private Dictionary<ILocalSymbol, int>? _receiverUses;
        private readonly HashSet<HeldKey> _guardKeys = new();
        private readonly HashSet<ExitPoint> _exits = new();
        private readonly Dictionary<HeldKey, HashSet<ExitPoint>> _mustHeldAtExits = new();
        private readonly Dictionary<HeldKey, HashSet<ExitPoint>> _mayHeldAtExits = new();

        /// <summary>An exit the dataflow names as a return, not a throw (see <see cref="ForwardDataflow{TState}"/>).</summary>
        private static bool IsReturn(ExitPoint exit) => !exit.IsThrow;

        private void RecordExit(LockState state, ExitPoint exit)
        {
            state = LeaveStatementScopes(null, state);
            _exits.Add(exit);
            foreach (var held in state.Must)
            {
                if (!_mustHeldAtExits.TryGetValue(held.Key, out var exits))
                {
                    _mustHeldAtExits[held.Key] = exits = new HashSet<ExitPoint>();
                }

                exits.Add(exit);
            }

            foreach (var held in state.May)
            {
                if (!_mayHeldAtExits.TryGetValue(held.Key, out var mayExits))
                {
                    _mayHeldAtExits[held.Key] = mayExits = new HashSet<ExitPoint>();
                }

                mayExits.Add(exit);

                // A [Requires] lock re-taken after a drop-and-retake (seed 004's fix) is the caller's again on exit; a non-recursive
                // lock taken twice is LD1003's finding already.
                if (!held.FromEntry && !held.Reacquired && !_entry.Held.ContainsKey(held.Key))
                {
                    var key = (held.Key, held.AcquiredAt);
                    if (!_leaks.ContainsKey(key))
                    {
                        _leaks[key] = new LeakFact(held, exit);
                    }
                }
            }
        }

        private (LockState WhenTrue, LockState WhenFalse) SplitOnBranch(IOperation? condition, LockState state)
        {
            if (condition is null)
            {
                return (state, state);
            }

            var negate = false;
            var value = condition;
            for (var guard = 0; guard < 16; guard++)
            {
                if (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not)
                {
                    negate = !negate;
                    value = not.Operand;
                }
                else if (value is IConversionOperation or IParenthesizedOperation or IAwaitOperation)
                {
                    value = value.ChildOperations.First();
                }
                else
                {
                    break;
                }
            }

            var (whenTrue, whenFalse) = SplitOnValue(value, state);
            return negate ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
        }

        private (LockState WhenTrue, LockState WhenFalse) SplitOnValue(IOperation value, LockState state)
        {
            var unwrapped = Strip(_values.Unwrap(value));
            if (_pendingTries.TryGetValue(unwrapped, out var pending))
            {
                var acquired = AcquireAt(unwrapped, pending.Effect, pending.Site, state);
                return pending.Effect.SuccessValue ? (acquired, state) : (state, acquired);
            }

            if (value is IIsNullOperation isNull && _values.TieKeyOf(isNull.Operand) is { } guardKey
                && state.Ties.TryGetValue(guardKey, out var guardTie) && guardTie.Kind == TieKind.Guard)
            {
                return (state.Remove(guardTie.Key), state);
            }

            if (_values.Unwrap(value) is IParameterReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } flag)
            {
                return (state.WithKnown(flag.Parameter.Ordinal, true), state.WithKnown(flag.Parameter.Ordinal, false));
            }

            // A bool field of this object, until a call or a write may change it.
            if (_values.Unwrap(value) is IFieldReferenceOperation { Field: { IsStatic: false, Type.SpecialType: SpecialType.System_Boolean } field, Instance: IInstanceReferenceOperation })
            {
                return (state.WithKnown(field.OriginalDefinition, true), state.WithKnown(field.OriginalDefinition, false));
            }

            if (NullTest(value) is { } casTest && PublishedByCompareExchange(casTest.Operand) is { } offered)
            {
                // `if (Interlocked.CompareExchange(ref shared, x, null) is null)`: x was published where it won, and is still this
                // method's alone where it lost (NLog disposes such a factory).
                var published = state.WithFresh(offered, false);
                return casTest.TrueWhenNull ? (published, state) : (state, published);
            }

            if (NullTest(value) is { } nullTest && _values.PathOf(nullTest.Operand) is { } testedPath)
            {
                // `x?.Lock()` ... `x?.Unlock()`, `if (x != null) ...`: where x is null, nothing on x can be held, whatever the paths in
                // between joined, so the null side of every test of x forgets x's locks.
                var whereNull = state.WithoutLocksOn(testedPath).WithKnown(new KnownNull(testedPath), true);
                var whereNotNull = state.WithKnown(new KnownNull(testedPath), null);
                return nullTest.TrueWhenNull ? (whereNull, whereNotNull) : (whereNotNull, whereNull);
            }

            if (_values.TieKeyOf(value) is { } tieKey && state.Ties.TryGetValue(tieKey, out var tie))
            {
                switch (tie.Kind)
                {
                    case TieKind.TakenFlag:
                        return (state, state.Remove(tie.Key));
                    case TieKind.TryResult:
                        // Testing the stored result again (`if (taken) ...; finally { if (taken) Exit(); }`) must not take the lock
                        // a second time: where this result already stands for a hold, success keeps it and failure removes it.
                        var fromThisResult = state.Held.TryGetValue(tie.Key, out var existing) && existing.AcquiredAt == tie.Site;
                        var succeeded = fromThisResult ? state : state.Acquire(tie.Key, tie.Recursive, tie.Site, affinity: tie.Affinity);
                        var failed = fromThisResult ? state.Release(tie.Key, out _) : state;
                        return tie.SuccessValue ? (succeeded, failed) : (failed, succeeded);
                }
            }

            // `_rwl.IsReadLockHeld`, `Monitor.IsEntered(o)`: the lock says whether this thread holds it (Clang's ASSERT_CAPABILITY).
            // Where it does, it is held, by this method or by its caller (LiteDB's `if (_transaction.IsReadLockHeld) ExitReadLock()`);
            // where it does not, nothing of it is.
            if (HoldQuery(unwrapped) is { } query)
            {
                var known = state.Held.ContainsKey(query.Key);
                var held = known ? state : state.Acquire(query.Key, query.Recursive, SiteOf(unwrapped), fromEntry: true);
                return (held, known ? state.Remove(query.Key) : state);
            }

            return (state, state);
        }

        /// <summary>The lock a "does this thread hold it" query asks about, with the mode and re-entrancy of that hold.</summary>
        private (HeldKey Key, bool Recursive)? HoldQuery(IOperation value)
        {
            (IOperation? Lock, LockMode Mode, bool Recursive)? query = value switch
            {
                IInvocationOperation { TargetMethod: { Name: "IsEntered", ContainingType: var monitor }, Arguments.Length: 1 } isEntered
                    when KnownSymbols.IsThreadingType(monitor, "Monitor") => (isEntered.Arguments[0].Value, LockMode.Exclusive, true),
                IPropertyReferenceOperation { Property: { Name: "IsHeldByCurrentThread", ContainingType: var type }, Instance: var instance }
                    when KnownSymbols.IsThreadingType(type, "Lock") => (instance, LockMode.Exclusive, true),
                IPropertyReferenceOperation { Property: { Name: var name, ContainingType: var type }, Instance: { } instance }
                    when KnownSymbols.IsThreadingType(type, "ReaderWriterLockSlim") && ReaderWriterQueryMode(name) is { } mode
                    => (instance, mode, _values.ClassOf(instance).Symbol is { } member && _model.LockTypes.IsRecursiveReaderWriterLock(member)),
                _ => null,
            };
            return query is { Lock: { } locked } found ? (new HeldKey(_values.ClassOf(locked), _values.PathOf(locked), found.Mode), found.Recursive) : null;
        }

        private static LockMode? ReaderWriterQueryMode(string property) => property switch
        {
            "IsReadLockHeld" => LockMode.Shared,
            "IsUpgradeableReadLockHeld" => LockMode.Upgradeable,
            "IsWriteLockHeld" => LockMode.Exclusive,
            _ => null,
        };

        /// <summary>The local that <c>Interlocked.CompareExchange(ref f, local, null)</c> offers, when that is the call.</summary>
        private ILocalSymbol? PublishedByCompareExchange(IOperation operand)
            => _values.Unwrap(operand) is IInvocationOperation { TargetMethod.Name: "CompareExchange" } call
               && KnownSymbols.IsThreadingType(call.TargetMethod.ContainingType, "Interlocked")
               && call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 2) is { } comparand && IsNullConstant(comparand.Value)
               && call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 1) is { } offered && _values.Unwrap(offered.Value) is ILocalReferenceOperation local
                ? local.Local
                : null;

        /// <summary>A test of a value against null: <c>x?.</c>'s implicit test, <c>x == null</c>, <c>x != null</c>, <c>x is null</c>, <c>x is not null</c>.</summary>
        private static (IOperation Operand, bool TrueWhenNull)? NullTest(IOperation value)
        {
            switch (value)
            {
                case IIsNullOperation isNull:
                    return (isNull.Operand, true);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var operand = IsNullConstant(binary.RightOperand) ? binary.LeftOperand : IsNullConstant(binary.LeftOperand) ? binary.RightOperand : null;
                    return operand is null ? null : (operand, binary.OperatorKind == BinaryOperatorKind.Equals);
                case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern when IsNullConstant(constant.Value):
                    return (pattern.Value, true);
                case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern when IsNullConstant(constant.Value):
                    return (pattern.Value, false);
                default:
                    return null;
            }
        }

        private static bool IsNullConstant(IOperation op)
        {
            while (op is IConversionOperation conversion)
            {
                op = conversion.Operand;
            }

            return op.ConstantValue is { HasValue: true, Value: null };
        }

        /// <summary>Strips awaits, conversions and <c>.ConfigureAwait(...)</c>: the value is the awaited call's.</summary>
        private static IOperation Strip(IOperation op)
        {
            for (var guard = 0; guard < 16; guard++)
            {
                if (op is IAwaitOperation or IConversionOperation)
                {
                    op = op.ChildOperations.First();
                }
                else if (op is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } awaited })
                {
                    op = awaited;
                }
                else
                {
                    break;
                }
            }

            return op;
        }

        private LockState TransferOne(IOperation op, LockState state)
        {
            state = LeaveStatementScopes(op, state);
            if (FrameworkModels.TypeInitializedBy(op, _method.ContainingType) is { } initialized)
            {
                // The first use of a type waits for its static constructor if another thread is running it; this thread's own
                // first use runs it (re-entrant, as the runtime lets a thread use a type it is initializing).
                if (!_initializations.TryGetValue(op, out var first))
                {
                    var key = new HeldKey(FrameworkModels.TypeInitializerLock(initialized), null, LockMode.Exclusive);
                    _initializations[op] = first = new AcquireAccumulator(key, true, SiteOf(op), "first use of " + initialized.Name, false);
                }

                first.Add(state, EntryLocksReleased(state), ValueRoot.Other);
            }

            if (state.Fresh.Count > 0 && FreshKeyOf(op) is { } freshKey && state.Fresh.Contains(freshKey) && Escapes(op)
                && !(freshKey == LockState.ThisKey && IsUnsharedMethod(_method)))
            {
                state = state.WithFresh(freshKey, false);
            }

            switch (op)
            {
                case IInvocationOperation invocation:
                    return Invocation(invocation, state);
                case IObjectCreationOperation creation when creation.Constructor is { } constructor:
                    return Creation(creation, constructor, state);
                case IPropertyReferenceOperation property:
                    foreach (var accessor in Accessors(property))
                    {
                        RecordCall(property, accessor, state);
                    }

                    if (property.Property.Name == "Result" && KnownSymbols.IsTaskType(property.Property.ContainingType))
                    {
                        RecordWaitFor(property, property.Instance, state);
                    }

                    if (FrameworkModels.IsLazyValue(property.Property) && MemberStorageOf(property.Instance) is { } lazy && _model.Framework.IsSynchronizedLazy(lazy))
                    {
                        // Waits for the factory if another thread is running it: an acquisition released at once.
                        var key = LazyKey(lazy);
                        RecordAcquire(property, new LockEffect(EffectKind.Acquire, new HeldKey(key.Class, ReceiverInstance(property.Instance, lazy), key.Mode), recursive: false), SiteOf(property), state);
                    }

                    RecordGuarded(property, property.Property, property.Instance, state);
                    return state;
                case IFieldReferenceOperation field:
                    RecordGuarded(field, field.Field, field.Instance, state);
                    return state;
                case ISimpleAssignmentOperation assignment:
                    RecordDelegateStore(assignment.Target, assignment.Value);
                    RecordRegistrationStore(assignment.Target, assignment.Value);
                    state = Assign(assignment, TieValue(assignment.Target, assignment.Value, state)).WithoutNullKnowledgeUnder(_values.PathOf(assignment.Target));
                    return FlagSetRightAfterAcquiring(assignment, state) is { } flag && state.Held.TryGetValue(flag.Key, out var flagged)
                        ? state.WithTie(flag.Local, new Tie(TieKind.TakenFlag, flag.Key, flagged.Recursive, flagged.AcquiredAt))
                        : state;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound:
                    RecordDelegateStore(compound.Target, compound.Value);
                    return state;
                case IEventAssignmentOperation { Adds: true } subscription:
                    RecordDelegateStore(subscription.EventReference, subscription.HandlerValue);
                    return state;
                case IFlowCaptureOperation capture:
                    return TieCapture(capture, state);
                case IAwaitOperation await:
                    RecordSuspension(await, state);
                    return AfterAwait(await, state.WithoutFieldKnowledge().WithKnown(LockState.AwaitKey, true));
                case IReturnOperation { Kind: OperationKind.YieldReturn } yieldReturn:
                    RecordSuspension(yieldReturn, state);
                    return state.WithoutFieldKnowledge();
                case IInvalidOperation invalid when LockStatementOnLock(invalid) is { } lockStatement:
                    return EnterLockStatement(invalid, lockStatement, state);
                case IInvalidOperation invalid:
                    // Only code the compiler rejects switches balance off; a shape the compiler accepts but builds no operation
                    // for is still judged, so a lowering we do not know shows up as a finding rather than as silence.
                    _sawInvalidCode |= HasCompilerErrors(invalid);
                    return state;
                default:
                    return state;
            }
        }

        private bool HasCompilerErrors(IInvalidOperation invalid)
            => invalid.Syntax.ContainsDiagnostics
               || invalid.SemanticModel?.GetDiagnostics(invalid.Syntax.Span, CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error) != false;

        /// <summary>
        /// The SDK's compiler builds a <c>lock</c> statement on a <c>System.Threading.Lock</c> as <c>using (x.EnterScope())</c>, but
        /// where nullable annotations are on it fails to match the lock type and leaves an invalid operation in place of the
        /// acquisition, with the body inlined after it and no <c>try/finally</c> (Roslyn's CFG builder compares the annotated type).
        /// The statement still holds the lock for exactly its body, so that is how it is modelled.
        /// </summary>
        private static LockStatementSyntax? LockStatementOnLock(IInvalidOperation invalid)
            => invalid.Syntax.Parent is LockStatementSyntax lockStatement && lockStatement.Expression == invalid.Syntax
               && invalid.ChildOperations.FirstOrDefault() is { } locked && KnownSymbols.IsThreadingType(locked.Type, "Lock")
                ? lockStatement
                : null;

        private LockState EnterLockStatement(IInvalidOperation invalid, LockStatementSyntax lockStatement, LockState state)
        {
            var locked = invalid.ChildOperations.First();
            var key = new HeldKey(_values.ClassOf(locked), _values.PathOf(locked), LockMode.Exclusive);
            var effect = new LockEffect(EffectKind.Acquire, key, recursive: true, affinity: new ThreadAffinity("System.Threading.Lock"));
            var site = locked.Syntax.GetLocation();
            var root = RecordAcquire(invalid, effect, site, state, "lock (" + locked.Syntax + ")");
            return state.Acquire(key, effect.Recursive, site, fresh: root.Kind == RootKind.Fresh, affinity: effect.Affinity).WithTie(lockStatement, new Tie(TieKind.StatementScope, key, recursive: true, site));
        }

        /// <summary>Releases the <c>lock</c> statements (see <see cref="LockStatementOnLock"/>) that <paramref name="op"/> is outside of; all of them when null (the method is left).</summary>
        private static LockState LeaveStatementScopes(IOperation? op, LockState state)
        {
            if (state.Ties.IsEmpty)
            {
                return state;
            }

            foreach (var pair in state.Ties)
            {
                if (pair.Value.Kind == TieKind.StatementScope && pair.Key is LockStatementSyntax statement
                    && (op is null || op.Syntax.SyntaxTree != statement.SyntaxTree || !statement.Span.Contains(op.Syntax.Span)))
                {
                    state = state.Release(pair.Value.Key, out _).WithoutTie(statement);
                }
            }

            return state;
        }

        /// <summary>A lambda, method group or parameter stored in a delegate field, property or event (<c>_onDone = callback</c>, <c>Changed += OnChanged</c>).</summary>
        private void RecordDelegateStore(IOperation target, IOperation value)
        {
            if (DelegateMember(target) is not { } member)
            {
                return;
            }

            var source = _values.Unwrap(value);
            if (Callback(source) is { } callback)
            {
                AddFlow(new DelegateFlow(DelegateFlowKind.Store, member, callback, null, -1) { Site = source.Syntax.GetLocation() });
            }
            else if (source is IParameterReferenceOperation parameter)
            {
                AddFlow(new DelegateFlow(DelegateFlowKind.StoreParameter, member, null, null, parameter.Parameter.Ordinal));
            }
        }

        /// <summary>Lambdas and method groups passed as arguments, so a callee that stores its parameter is known to store them.</summary>
        private void RecordDelegateArguments(IOperation call, IMethodSymbol target)
        {
            var arguments = call switch
            {
                IInvocationOperation i => i.Arguments,
                IObjectCreationOperation o => o.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter && Callback(_values.Unwrap(argument.Value)) is { } callback)
                {
                    AddFlow(new DelegateFlow(DelegateFlowKind.Pass, null, callback, target.OriginalDefinition, parameter.Ordinal));
                }
            }
        }

        private void AddFlow(DelegateFlow flow)
        {
            var key = (flow.Kind, flow.Member?.OriginalDefinition, flow.Target?.OriginalDefinition, flow.Callee?.OriginalDefinition, flow.Ordinal);
            if (!_delegateFlows.ContainsKey(key))
            {
                _delegateFlows[key] = flow;
            }
        }

        /// <summary>The method a delegate value runs: a lambda's, or a method group's.</summary>
        private IMethodSymbol? Callback(IOperation value)
        {
            value = value is IDelegateCreationOperation creation ? _values.Unwrap(creation.Target) : value;
            return value switch
            {
                IFlowAnonymousFunctionOperation lambda => lambda.Symbol,
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                IMethodReferenceOperation method => method.Method.OriginalDefinition,
                _ => null,
            };
        }

        /// <summary>
        /// The delegate member an invocation runs, when it is this object's own (or a static): the callback its owner was given.
        /// Callbacks read from other objects (a registry walked as a list of blocks) are not followed: which of them runs where is
        /// not known.
        /// </summary>
        private ISymbol? OwnDelegateMember(IOperation? receiver)
            => receiver is not null && _values.Unwrap(receiver) is IMemberReferenceOperation reference
               && (reference.Member.IsStatic || (reference.Instance is { } instance && _values.Unwrap(instance) is IInstanceReferenceOperation))
                ? DelegateMember(reference)
                : null;

        private ISymbol? DelegateMember(IOperation? op) => DelegateMemberOf(op is null ? null : _values.Unwrap(op));

        /// <summary>
        /// The field, property or event a delegate is read from or stored into (a field-like event's backing field is the event),
        /// for an operation already unwrapped.
        /// </summary>
        internal static ISymbol? DelegateMemberOf(IOperation? op)
        {
            ISymbol? member = op switch
            {
                IEventReferenceOperation e => e.Event,
                IFieldReferenceOperation { Field.AssociatedSymbol: IEventSymbol e } => e,
                IFieldReferenceOperation f => f.Field,
                IPropertyReferenceOperation { Arguments.Length: 0 } p => p.Property,
                _ => null,
            };
            return member is not null && (member is IEventSymbol || PathBinder.MemberType(member)?.TypeKind == TypeKind.Delegate) ? member.OriginalDefinition : null;
        }

        // What a call does to locks depends on the call alone, not on the state: worked out once per call, however often the
        // dataflow visits it.
        private readonly Dictionary<IInvocationOperation, IReadOnlyList<LockEffect>> _effects = new();

        private LockState Invocation(IInvocationOperation invocation, LockState state)
        {
            if (!_effects.TryGetValue(invocation, out var effects))
            {
                _effects[invocation] = effects = LockEffects.Classify(invocation, _model, _values);
            }

            if (effects.Count == 0)
            {
                if (invocation.TargetMethod.Name is "Dispose" or "DisposeAsync" && invocation.Instance is { } disposed
                    && _values.TieKeyOf(disposed) is { } key && state.Ties.TryGetValue(key, out var tie) && tie.Kind == TieKind.Guard)
                {
                    return ReleaseAt(invocation, tie.Key, state);
                }

                RecordCall(invocation, invocation.TargetMethod, state);
                if (WaitedOn(invocation) is { } waited)
                {
                    RecordWaitFor(invocation, waited, state);
                }

                RecordFrameworkCallbacks(invocation, state);

                return AssumeItReturned(invocation, state.WithoutFieldKnowledge());
            }

            var site = SiteOf(invocation);
            foreach (var effect in effects)
            {
                switch (effect.Kind)
                {
                    case EffectKind.Acquire:
                        state = AcquireAt(invocation, effect, site, state);
                        if (effect.TakenFlag is not null && _values.TieKeyOf(effect.TakenFlag) is { } flag)
                        {
                            state = state.WithTie(flag, new Tie(TieKind.TakenFlag, effect.Key, effect.Recursive, site));
                        }

                        break;
                    case EffectKind.GuardAcquire:
                        state = AcquireAt(invocation, effect, site, state);
                        _pendingGuards[invocation] = effect;
                        _guardKeys.Add(effect.Key);
                        break;
                    case EffectKind.TryAcquire:
                        _pendingTries[invocation] = (effect, site);
                        _triedClasses.Add(effect.Key.Class);
                        break;
                    case EffectKind.Release:
                        state = ReleaseAt(invocation, effect.Key, state);
                        break;
                    case EffectKind.Wait:
                        RecordAcquire(invocation, effect, site, state);
                        break;
                }
            }

            return state;
        }

        /// <summary>
        /// After a call that returns only when an argument has a value (<c>[DoesNotReturnIf(false)]</c>: <c>Debug.Assert(cond)</c>),
        /// that argument has it, as the compiler's nullable analysis takes it.
        /// </summary>
        private LockState AssumeItReturned(IInvocationOperation invocation, LockState state)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "DoesNotReturnIfAttribute") is { ConstructorArguments: { Length: 1 } arguments }
                    && arguments[0].Value is bool stopsWhen)
                {
                    var (whenTrue, whenFalse) = SplitOnBranch(argument.Value, state);
                    state = stopsWhen ? whenFalse : whenTrue;
                }
            }

            return state;
        }

        private LockState Creation(IObjectCreationOperation creation, IMethodSymbol constructor, LockState state)
        {
            var effects = LockEffects.ClassifyCreation(creation, _model, _values);
            if (effects.Count == 0)
            {
                RecordCall(creation, constructor, state);
                return state;
            }

            var site = SiteOf(creation);
            foreach (var effect in effects)
            {
                state = AcquireAt(creation, effect, site, state);
                if (effect.Kind == EffectKind.GuardAcquire)
                {
                    _pendingGuards[creation] = effect;
                    _guardKeys.Add(effect.Key);
                }
            }

            return state;
        }

        /// <summary>A local is fresh from <c>x = new T(...)</c> on; a parameter assigned to is no longer the caller's value.</summary>
        private LockState Assign(ISimpleAssignmentOperation assignment, LockState state)
        {
            switch (assignment.Target)
            {
                case IFieldReferenceOperation field:
                    return StoreInto(field, assignment.Value, state.WithKnown(field.Field.OriginalDefinition, null));
                case ILocalReferenceOperation local:
                    var value = _values.Unwrap(assignment.Value);
                    if (value is IObjectCreationOperation { Constructor: { } constructor })
                    {
                        _creations[local.Local] = constructor;
                    }

                    if (value is ILocalReferenceOperation or IParameterReferenceOperation && state.Held.Count > 0 && _values.PathOf(local) is { } to)
                    {
                        state = state.MoveHolds(_values.ClassOf(value), _values.PathOf(value), _values.ClassOf(local), to);
                    }

                    return state.WithFresh(local.Local, value is IObjectCreationOperation { Type: { } created } && MayMatterFresh(created));
                case IParameterReferenceOperation parameter:
                    return ForgetStores(state.WithKnown(parameter.Parameter.Ordinal, null).WithFresh(parameter.Parameter, false), k => k.Ordinal == parameter.Parameter.Ordinal);
                default:
                    return state;
            }
        }

        /// <summary>A store into one of this object's fields: from here on it holds that parameter, or nothing this method knows.</summary>
        private LockState StoreInto(IFieldReferenceOperation field, IOperation value, LockState state)
        {
            state = ForgetStores(state, k => SymbolEqualityComparer.Default.Equals(k.Field, field.Field.OriginalDefinition));
            return field.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } && _values.Unwrap(value) is IParameterReferenceOperation parameter
                   && _method.MethodKind == MethodKind.Ordinary
                ? state.WithKnown(new StoredParameter(field.Field.OriginalDefinition, parameter.Parameter.Ordinal), true)
                : state;
        }

        private static LockState ForgetStores(LockState state, Func<StoredParameter, bool> stale)
        {
            foreach (var key in state.Known.Keys.OfType<StoredParameter>().Where(stale).ToList())
            {
                state = state.WithKnown(key, null);
            }

            return state;
        }

        /// <summary>The parameter this object's <paramref name="field"/> holds here, when this method stored it and nothing else can have since.</summary>
        private ValueRoot? StoredParameterIn(IFieldReferenceOperation field, LockState state)
        {
            if (state.Known.Count == 0 || field.Instance is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                return null;
            }

            foreach (var stored in state.Known.Keys.OfType<StoredParameter>())
            {
                if (SymbolEqualityComparer.Default.Equals(stored.Field, field.Field.OriginalDefinition) && stored.Ordinal < _method.Parameters.Length
                    && _model.StoredParameters.OnlyStoreAfterConstruction(stored.Field, _method, _method.Parameters[stored.Ordinal]))
                {
                    return ValueRoot.Parameter(stored.Ordinal);
                }
            }

            return null;
        }

        /// <summary>
        /// Only objects whose locks or whose source the analysis sees are worth tracking as fresh: a lock object, or a type with
        /// code in this compilation (a `new StringBuilder()` is neither).
        /// </summary>
        private bool MayMatterFresh(ITypeSymbol created)
            => created.Locations.Any(l => l.IsInSource) || _model.LockTypes.IsLockType(created);

        private static object? FreshKeyOf(IOperation op) => op switch
        {
            ILocalReferenceOperation local => local.Local,
            IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => LockState.ThisKey,
            _ => null,
        };

        /// <summary>
        /// Whether this use of a fresh object lets other code see it: anything but being the receiver of a member, a lock, a null
        /// test or the value a <c>CompareExchange</c> offers (published only where it wins, see <see cref="SplitOnValue"/>).
        /// </summary>
        private static bool Escapes(IOperation op)
        {
            var child = op;
            var parent = op.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                child = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation invocation:
                    return invocation.Instance != child;
                case IMemberReferenceOperation member:
                    return member.Instance != child;
                case IArgumentOperation { Parent: IInvocationOperation call } argument:
                    var type = call.TargetMethod.ContainingType;
                    return !(KnownSymbols.IsThreadingType(type, "Monitor")
                             || (KnownSymbols.IsThreadingType(type, "Interlocked") && call.TargetMethod.Name == "CompareExchange" && argument.Parameter?.Ordinal == 1));
                case ISimpleAssignmentOperation assignment:
                    return assignment.Target != child;
                case IIsNullOperation or IBinaryOperation or IIsPatternOperation or IFlowCaptureOperation or IExpressionStatementOperation or IInvalidOperation:
                    return false;
                default:
                    return true;
            }
        }

        /// <summary>
        /// Whose object <paramref name="value"/> is, in this method's frame: <c>this</c>, a parameter, a fresh object, or another.
        /// With <paramref name="throughOwnedLock"/>, a lock object its owner created for itself (<c>this._gate</c> with
        /// <c>_gate = new object()</c>) counts as the owner's.
        /// </summary>
        private ValueRoot RootOf(IOperation? value, LockState state, bool throughOwnedLock)
        {
            for (var guard = 0; value is not null && guard < 16; guard++)
            {
                value = _values.Unwrap(value);
                switch (value)
                {
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                        return state.Fresh.Contains(LockState.ThisKey) ? ValueRoot.Fresh : ValueRoot.This;
                    case IParameterReferenceOperation parameter:
                        return state.Fresh.Contains(parameter.Parameter) ? ValueRoot.Fresh : ValueRoot.Parameter(parameter.Parameter.Ordinal);
                    case IObjectCreationOperation:
                        return ValueRoot.Fresh;
                    case ILocalReferenceOperation local:
                        return state.Fresh.Contains(local.Local) ? ValueRoot.Fresh : ValueRoot.Other;
                    case IFieldReferenceOperation field when StoredParameterIn(field, state) is { } stored:
                        return stored;
                    case IMemberReferenceOperation { Instance: { } instance } member when throughOwnedLock && !member.Member.IsStatic && _model.LockTypes.IsOwnedLockObject(member.Member):
                        value = instance;
                        throughOwnedLock = false;
                        continue;
                    default:
                        return ValueRoot.Other;
                }
            }

            return ValueRoot.Other;
        }

        /// <summary>Two visits of one operation: fresh only where fresh on both, else whatever is not fresh, else another's.</summary>
        private static ValueRoot Combine(ValueRoot a, ValueRoot b)
            => a.Equals(b) ? a : a.Kind == RootKind.Fresh ? b : b.Kind == RootKind.Fresh ? a : ValueRoot.Other;

        private LockState TieValue(IOperation target, IOperation value, LockState state)
        {
            if (_values.TieKeyOf(target) is not { } key)
            {
                return state;
            }

            var source = Strip(_values.Unwrap(value));
            if (_pendingGuards.TryGetValue(source, out var guard))
            {
                return state.WithTie(key, new Tie(TieKind.Guard, guard.Key, guard.Recursive, SiteOf(source)));
            }

            if (_pendingTries.TryGetValue(source, out var pending))
            {
                return state.WithTie(key, new Tie(TieKind.TryResult, pending.Effect.Key, pending.Effect.Recursive, pending.Site, pending.Effect.SuccessValue, pending.Effect.Affinity));
            }

            if (CopiedTryResult(value, state) is { } copied)
            {
                return state.WithTie(key, copied);
            }

            // Anything else stored in the local ends what it stood for.
            return key is ILocalSymbol ? state.WithoutTie(key) : state;
        }

        /// <summary>
        /// A try-acquire result read from where it was stored, through a conditional (<c>ok = async ? await s.WaitAsync(t) :
        /// s.Wait(t)</c>, whose two calls the graph joins in one capture) or negated (<c>b = !b</c>), as the tie it stands for.
        /// </summary>
        private Tie? CopiedTryResult(IOperation value, LockState state)
        {
            var negated = false;
            for (var guard = 0; guard < 16; guard++)
            {
                switch (value)
                {
                    case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                        negated = !negated;
                        value = not.Operand;
                        continue;
                    case IConversionOperation or IParenthesizedOperation:
                        value = value.ChildOperations.First();
                        continue;
                }

                break;
            }

            if (_values.TieKeyOf(value) is not { } from || !state.Ties.TryGetValue(from, out var tie) || tie.Kind != TieKind.TryResult)
            {
                return null;
            }

            return negated ? new Tie(TieKind.TryResult, tie.Key, tie.Recursive, tie.Site, !tie.SuccessValue, tie.Affinity) : tie;
        }

        private LockState TieCapture(IFlowCaptureOperation capture, LockState state)
        {
            var source = Strip(_values.Unwrap(capture.Value));
            if (_pendingGuards.TryGetValue(source, out var guard))
            {
                return state.WithTie(capture.Id, new Tie(TieKind.Guard, guard.Key, guard.Recursive, SiteOf(source)));
            }

            // Each arm of a conditional is captured on its own path: the capture stands for whichever try-acquire ran there.
            if (_pendingTries.TryGetValue(Strip(capture.Value), out var pending))
            {
                return state.WithTie(capture.Id, new Tie(TieKind.TryResult, pending.Effect.Key, pending.Effect.Recursive, pending.Site, pending.Effect.SuccessValue, pending.Effect.Affinity));
            }

            return CopiedTryResult(capture.Value, state) is { } copied ? state.WithTie(capture.Id, copied) : state;
        }

        /// <summary>
        /// <c>acquired = true</c> as the very next operation after one that acquired a lock (<c>await s.WaitAsync(ct);
        /// acquired = true;</c>, then <c>finally { if (acquired) s.Release(); }</c>): nothing can throw between the two, so wherever
        /// the flag is still false that acquisition did not happen. The flag is tied to the hold as <c>Monitor.Enter(o, ref
        /// taken)</c> ties its own; any later store into it ends the tie.
        /// </summary>
        private (ILocalSymbol Local, HeldKey Key)? FlagSetRightAfterAcquiring(ISimpleAssignmentOperation assignment, LockState state)
        {
            IOperation statement = assignment.Parent is IExpressionStatementOperation wrapper ? wrapper : assignment;
            if (statement.Parent is not null || assignment.Target is not ILocalReferenceOperation { Local.Type.SpecialType: SpecialType.System_Boolean } local
                || assignment.Value.ConstantValue is not { HasValue: true, Value: true }
                || _previousRoot is not { Block: { } block, Operation: { } previous, Acquired: { } key } || block != CurrentBlock)
            {
                return null;
            }

            var operations = block.Operations;
            var index = operations.IndexOf(statement);
            return index > 0 && operations[index - 1] == previous && state.Held.ContainsKey(key) ? (local.Local, key) : null;
        }

        private LockState AcquireAt(IOperation op, LockEffect effect, Location site, LockState state)
        {
            _acquiredInRoot = effect.Key;
            var root = RecordAcquire(op, effect, site, state);
            return state.Acquire(effect.Key, effect.Recursive, site, fresh: root.Kind == RootKind.Fresh, affinity: effect.Affinity);
        }

        /// <summary>Whose lock an acquiring operation takes: the locked value's, or for a lock primitive's call its receiver's.</summary>
        private ValueRoot LockRootOf(IOperation op, LockState state)
        {
            var locked = op switch
            {
                IInvalidOperation invalid => invalid.ChildOperations.FirstOrDefault(),
                IInvocationOperation invocation when LockedByStatement(invocation) is { } statementLock => statementLock,
                IInvocationOperation { TargetMethod.IsStatic: true, Arguments.Length: > 0 } invocation when KnownSymbols.IsThreadingType(invocation.TargetMethod.ContainingType, "Monitor") => invocation.Arguments[0].Value,
                IInvocationOperation { TargetMethod.IsStatic: true } => null,
                IInvocationOperation invocation => invocation.Instance,
                _ => null,
            };
            return RootOf(locked, state, throughOwnedLock: true);
        }

        private LockState ReleaseAt(IOperation op, HeldKey key, LockState state)
        {
            var after = state.Release(key, out var released);
            _releases.TryGetValue(op, out var previous);
            _releases[op] = (key, SiteOf(op), Describe(op), previous.EverHeld || released is not null);
            return after;
        }

        /// <summary>
        /// An <c>await</c> or <c>yield return</c>: the thread-affine locks this method took that may be held there (over every visit),
        /// since the code after it may run on another thread.
        /// </summary>
        private void RecordSuspension(IOperation op, LockState state)
        {
            if (!_suspensions.TryGetValue(op, out var suspension))
            {
                // The implicit DisposeAsync of `await using`/`await foreach` runs in a finally, entered also from every exception in
                // its body: only a lock held there on every visit is held across it in the flow the user reads, so every visit counts.
                var disposal = op is IAwaitOperation { IsImplicit: true, Operation: IInvocationOperation { TargetMethod.Name: "DisposeAsync" } };
                if (!disposal && !state.May.Any(h => h.Affinity is not null && !h.FromEntry))
                {
                    return;
                }

                var (site, what) = SuspensionSite(op);
                _suspensions[op] = suspension = (site, what, disposal, new HeldAccumulator());
            }

            suspension.Held.Add(state, ImmutableHashSet<LockClass>.Empty);
        }

        private static SuspensionFact ToSuspensionFact((Location Site, string What, bool Disposal, HeldAccumulator Held) suspension)
        {
            var mustHeld = suspension.Held.Must.Select(h => h.Key).ToImmutableHashSet();
            var held = suspension.Held.May.Where(h => h.Affinity is not null && !h.FromEntry && (!suspension.Disposal || mustHeld.Contains(h.Key)));
            return new SuspensionFact(suspension.Site, suspension.What, held.ToImmutableArray());
        }

        /// <summary>Where a suspension is reported and what it is called: the <c>await</c>, or the header of <c>await foreach</c>/<c>await using</c>.</summary>
        private static (Location Site, string What) SuspensionSite(IOperation op)
        {
            var tree = op.Syntax.SyntaxTree;
            return op.Syntax switch
            {
                // The loop's MoveNextAsync is the statement's; its DisposeAsync is the collection's.
                _ when op.IsImplicit && op.Syntax.FirstAncestorOrSelf<CommonForEachStatementSyntax>() is { AwaitKeyword.RawKind: not 0 } loop && (op.Syntax == loop || op.Syntax == loop.Expression)
                    => (Location.Create(tree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(loop.AwaitKeyword.SpanStart, loop.CloseParenToken.Span.End)), "await foreach"),
                _ when op.IsImplicit && op.Syntax.FirstAncestorOrSelf<UsingStatementSyntax>() is { AwaitKeyword.RawKind: not 0 } statement
                    => (Location.Create(tree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(statement.AwaitKeyword.SpanStart, statement.CloseParenToken.Span.End)), "await using"),
                _ when op.IsImplicit && op.Syntax.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { AwaitKeyword.RawKind: not 0 } declaration
                    => (declaration.GetLocation(), "await using"),
                _ when op is IReturnOperation => (op.Syntax.GetLocation(), "yield return"),
                _ => (op.Syntax.GetLocation(), "await"),
            };
        }

        /// <summary>Records the acquisition with the locks held at it; returns whose lock it is.</summary>
        private ValueRoot RecordAcquire(IOperation op, LockEffect effect, Location site, LockState state, string? description = null)
        {
            if (!_acquisitions.TryGetValue(op, out var accumulator))
            {
                _acquisitions[op] = accumulator = new AcquireAccumulator(effect.Key, effect.Recursive, site, description ?? Describe(op), effect.IsTry);
            }

            var root = LockRootOf(op, state);
            accumulator.Add(_method.IsAsync && IsAwaited(op) ? AtAnAwait(state) : state, EntryLocksReleased(state), root);
            return root;
        }

        /// <summary>
        /// An acquisition awaited where it is made (<c>await sem.WaitAsync()</c>) happens at that await: when the lock is taken, the
        /// method suspends and its caller, or the completer or canceller running it inline, goes on; it blocks no thread.
        /// </summary>
        private static LockState AtAnAwait(LockState state)
        {
            foreach (var resumed in state.Known.Keys.OfType<AfterAwaitOf>().ToList())
            {
                state = state.WithKnown(resumed, null);
            }

            return state.WithKnown(LockState.AwaitKey, true);
        }

        private static bool IsAwaited(IOperation op)
        {
            var parent = op.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation || parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
            {
                parent = parent.Parent;
            }

            return parent is IAwaitOperation;
        }

        private readonly Dictionary<IOperation, CallAccumulator> _waits = new(OperationIdentity.Instance);

        /// <summary>
        /// The task or thread an untimed blocking wait waits on: <c>t.Wait()</c>, <c>t.Wait(ct)</c>,
        /// <c>t.GetAwaiter().GetResult()</c> (also through <c>ConfigureAwait</c>), <c>thread.Join()</c>.
        /// </summary>
        private static IOperation? WaitedOn(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "Wait" when KnownSymbols.IsTaskType(method.ContainingType) && method.ReturnsVoid && !method.IsStatic:
                case "Join" when KnownSymbols.IsThreadingType(method.ContainingType, "Thread") && method.Parameters.IsEmpty:
                    return invocation.Instance;
                case "GetResult" when method.Parameters.IsEmpty && invocation.Instance is { } awaiter
                                      && ValueResolver.StripConversions(awaiter) is IInvocationOperation { TargetMethod.Name: "GetAwaiter" } getAwaiter:
                    return getAwaiter.Instance;
                default:
                    return null;
            }
        }

        /// <summary>
        /// The caller blocks, holding what it holds, until <paramref name="waited"/>'s work has run: recorded as a call of the work
        /// (a lambda or method handed to <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>new Thread</c> or <c>new Task</c>, or an
        /// async method of the compilation) that runs on another thread.
        /// </summary>
        private void RecordWaitFor(IOperation waitOp, IOperation? waited, LockState state)
        {
            if (WorkOf(waited) is not { } work)
            {
                return;
            }

            RecordWaitForWork(waitOp, work.Method, work.Kind, state);
        }

        private void RecordWaitForWork(IOperation waitOp, IMethodSymbol work, WaitKind kind, LockState state)
        {
            if (!_waits.TryGetValue(waitOp, out var accumulator))
            {
                _waits[waitOp] = accumulator = new CallAccumulator(work, waitOp.Syntax.GetLocation(), ImmutableArray<HeldKey>.Empty, ImmutableArray<HeldKey>.Empty, null, ImmutableArray<bool?>.Empty, null)
                {
                    Caller = _method,
                    Waits = kind,
                };
            }

            accumulator.Add(state, EntryLocksReleased(state), ValueRoot.Other, ImmutableArray<ValueRoot>.Empty);
        }

        private readonly Dictionary<IOperation, CallAccumulator> _callbackRuns = new(OperationIdentity.Instance);

        /// <summary>
        /// Framework calls that run user code the compilation stored with the framework (<see cref="FrameworkModels"/>):
        /// <c>cts.Token.Register(callback)</c> stores the callback with <c>cts</c> and <c>cts.Cancel()</c> runs it inline;
        /// <c>tcs.SetResult(..)</c> runs the code after <c>await tcs.Task</c>; <c>registration.Dispose()</c> waits for the callback
        /// when another thread is running it.
        /// </summary>
        private void RecordFrameworkCallbacks(IInvocationOperation invocation, LockState state)
        {
            var target = invocation.TargetMethod;
            if (FrameworkModels.IsRegister(target))
            {
                if (CancellationSourceOf(invocation.Instance) is { } source && RegisteredCallback(invocation) is { } callback)
                {
                    AddFlow(new DelegateFlow(DelegateFlowKind.Store, source, callback, null, -1));
                }
            }
            else if (FrameworkModels.IsCancel(target) && StorageOf(invocation.Instance) is { } cancellationSource)
            {
                RecordCallbackRun(invocation, cancellationSource, WaitKind.None, resumesAwaitOf: null, state);
            }
            else if (FrameworkModels.IsCompletion(target) && MemberStorageOf(invocation.Instance) is { } completionSource)
            {
                RecordCallbackRun(invocation, completionSource, WaitKind.None, resumesAwaitOf: completionSource, state);
            }
            else if (FrameworkModels.IsRegistrationDispose(target, invocation.Instance is { } disposed ? _values.Unwrap(disposed).Type : null))
            {
                if (RegistrationCallback(invocation.Instance) is { } callback)
                {
                    RecordWaitForWork(invocation, callback, WaitKind.OtherThread, state);
                }
                else if (MemberStorageOf(invocation.Instance) is { } registration)
                {
                    RecordCallbackRun(invocation, registration, WaitKind.OtherThread, resumesAwaitOf: null, state);
                }
            }
        }

        private void RecordCallbackRun(IInvocationOperation invocation, ISymbol source, WaitKind waits, ISymbol? resumesAwaitOf, LockState state)
        {
            if (!_callbackRuns.TryGetValue(invocation, out var accumulator))
            {
                _callbackRuns[invocation] = accumulator = new CallAccumulator(invocation.TargetMethod, invocation.Syntax.GetLocation(), ImmutableArray<HeldKey>.Empty, ImmutableArray<HeldKey>.Empty, null, ImmutableArray<bool?>.Empty, source)
                {
                    Caller = _method,
                    Waits = waits,
                    RunsStoredCallbacks = true,
                    ResumesAwaitOf = resumesAwaitOf,
                };
            }

            accumulator.Add(state, EntryLocksReleased(state), ValueRoot.Other, ImmutableArray<ValueRoot>.Empty);
        }

        /// <summary><c>_registration = token.Register(callback)</c>: disposing the member later waits for that callback.</summary>
        private void RecordRegistrationStore(IOperation target, IOperation value)
        {
            if (_values.Unwrap(value) is IInvocationOperation register && FrameworkModels.IsRegister(register.TargetMethod)
                && RegisteredCallback(register) is { } callback && MemberStorageOf(target) is { } registration)
            {
                AddFlow(new DelegateFlow(DelegateFlowKind.Store, registration, callback, null, -1));
            }
        }

        /// <summary>
        /// After <c>await _tcs.Task</c> (of a source member), until the next <c>await</c>, is what completing <c>_tcs</c> runs inline:
        /// the method is stored with the source, and the facts on the way carry <see cref="AfterAwaitOf"/>.
        /// </summary>
        private LockState AfterAwait(IAwaitOperation await, LockState state)
        {
            foreach (var earlier in state.Known.Keys.OfType<AfterAwaitOf>().ToList())
            {
                state = state.WithKnown(earlier, null);
            }

            if (AwaitedCompletionSource(await.Operation) is not { } source)
            {
                return state;
            }

            AddFlow(new DelegateFlow(DelegateFlowKind.Store, source, _method, null, -1));
            return state.WithKnown(new AfterAwaitOf(source), true);
        }

        private ISymbol? AwaitedCompletionSource(IOperation awaited)
            => ThroughLocals(awaited, throughConfigureAwait: true) is IPropertyReferenceOperation task && FrameworkModels.IsCompletionTask(task.Property)
                ? MemberStorageOf(task.Instance)
                : null;

        /// <summary>
        /// A value with the locals it went through followed back to what was stored in them once (<c>var t = _cts.Token;</c>),
        /// and <c>ConfigureAwait(..)</c> seen through where asked.
        /// </summary>
        private IOperation? ThroughLocals(IOperation? value, bool throughConfigureAwait = false)
        {
            for (var guard = 0; value is not null && guard < 8; guard++)
            {
                value = _values.Unwrap(value);
                if (value is ILocalReferenceOperation local && _values.DefinitionOf(local.Local) is { } definition)
                {
                    value = definition;
                }
                else if (throughConfigureAwait && value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                {
                    value = configured;
                }
                else
                {
                    return value;
                }
            }

            return null;
        }

        /// <summary>The instance path of a member read (<c>this._lazy</c>), null for a static member.</summary>
        private string? ReceiverInstance(IOperation? read, ISymbol member) => member.IsStatic || read is null ? null : _values.PathOf(read);

        /// <summary>The field, property or local a value is read from (what a framework object is known by).</summary>
        /// <summary>The field or property a value is read from (a member, which other methods can name too).</summary>
        private ISymbol? MemberStorageOf(IOperation? op) => StorageOf(op) is { } storage && storage is IFieldSymbol or IPropertySymbol ? storage : null;

        private ISymbol? StorageOf(IOperation? op) => op is null ? null : _values.Unwrap(op) switch
        {
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation { Arguments.Length: 0 } property => property.Property.OriginalDefinition,
            ILocalReferenceOperation local => local.Local,
            _ => null,
        };

        /// <summary>The source a token comes from: <c>_cts.Token</c>, directly or through a local.</summary>
        private ISymbol? CancellationSourceOf(IOperation? token)
            => ThroughLocals(token) is IPropertyReferenceOperation property && FrameworkModels.IsSourceToken(property.Property) ? StorageOf(property.Instance) : null;

        private IMethodSymbol? RegisteredCallback(IInvocationOperation register)
            => register.Arguments.FirstOrDefault(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate) is { } argument ? Callback(_values.Unwrap(argument.Value)) : null;

        /// <summary>The callback of a registration made in this method: <c>var r = token.Register(cb)</c>, <c>using (token.Register(cb))</c>.</summary>
        private IMethodSymbol? RegistrationCallback(IOperation? registration)
            => ThroughLocals(registration) is IInvocationOperation register && FrameworkModels.IsRegister(register.TargetMethod) ? RegisteredCallback(register) : null;

        private (IMethodSymbol Method, WaitKind Kind)? WorkOf(IOperation? task)
        {
            switch (ThroughLocals(task, throughConfigureAwait: true))
            {
                case IInvocationOperation { TargetMethod.Name: "Run" or "StartNew" } start
                    when (KnownSymbols.IsTaskType(start.TargetMethod.ContainingType) || KnownSymbols.IsTaskFactory(start.TargetMethod.ContainingType))
                         && start.Arguments.FirstOrDefault(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate) is { } work:
                    return Callback(_values.Unwrap(work.Value)) is { } run ? (run, WaitKind.OtherThread) : null;
                case IObjectCreationOperation creation when (KnownSymbols.IsThreadingType(creation.Type, "Thread") || KnownSymbols.IsTaskType(creation.Type))
                                                           && creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate) is { } body:
                    return Callback(_values.Unwrap(body.Value)) is { } started ? (started, WaitKind.OtherThread) : null;
                case IInvocationOperation { TargetMethod: { IsAsync: true } asyncMethod } call when KnownSymbols.IsInSource(asyncMethod):
                    // The dual-mode idiom (`Flush(async: false).GetAwaiter().GetResult()`, Npgsql): told not to be asynchronous,
                    // its awaits complete at once and its whole body runs in the call, on this thread.
                    return call.Arguments.Any(IsSynchronousModeArgument) ? null : (asyncMethod.OriginalDefinition, WaitKind.AsyncCompletion);
                default:
                    return null;
            }
        }

        private static bool IsSynchronousModeArgument(IArgumentOperation argument)
            => argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean } parameter
               && parameter.Name.IndexOf("async", StringComparison.OrdinalIgnoreCase) >= 0
               && argument.Value.ConstantValue is { HasValue: true, Value: false };

        private void RecordCall(IOperation op, IMethodSymbol target, LockState state)
        {
            if (!_calls.TryGetValue(op, out var accumulator))
            {
                var contract = _model.GetEffectiveContract(target);
                var required = contract.Requires.Select(r => ResolveKey(r.Target, op, target, r.Mode)).ToImmutableArray();
                var excluded = contract.Excludes.Select(x => ResolveKey(x, op, target, LockMode.Exclusive)).ToImmutableArray();
                var delegateSource = target.MethodKind == MethodKind.DelegateInvoke ? OwnDelegateMember(ValueResolver.ReceiverOf(op)) : null;
                var argumentPaths = target.Parameters.Select(p => ValueResolver.ArgumentFor(op, p) is { } argument ? _values.PathOf(argument) : null).ToImmutableArray();
                var construction = ValueResolver.ReceiverOf(op) is { } receiverOp && _values.Unwrap(receiverOp) is ILocalReferenceOperation receiverLocal
                    && _creations.TryGetValue(receiverLocal.Local, out var madeBy) && ReceiverUses(receiverLocal.Local) == 1 ? madeBy : null;
                _calls[op] = accumulator = new CallAccumulator(target, op.Syntax.GetLocation(), required, excluded, VirtualReceiverOf(op, target), ArgumentConstants(op, target), delegateSource)
                {
                    FireAndForget = IsFireAndForget(op, target),
                    ReceiverDeclaredUnshared = IsUnsharedMethod(target) || ReceiverDeclaredUnshared(ValueResolver.ReceiverOf(op)),
                    Caller = _method,
                    // A local function runs on the caller's `this`.
                    ReceiverPath = op is IObjectCreationOperation ? null : IsLocalFunctionOnThis(target) ? "this" : _values.PathOf(ValueResolver.ReceiverOf(op)),
                    ReceiverConstruction = construction,
                    ReceiverType = ValueResolver.ReceiverOf(op) is { } receiver ? _values.Unwrap(receiver).Type : null,
                    ArgumentPaths = argumentPaths.All(p => p is null) ? ImmutableArray<string?>.Empty : argumentPaths,
                };
                RecordDelegateArguments(op, target);
            }

            var receiverRoot = op is IObjectCreationOperation || IsUnsharedMethod(target) ? ValueRoot.Fresh
                : IsLocalFunctionOnThis(target) ? (state.Fresh.Contains(LockState.ThisKey) ? ValueRoot.Fresh : ValueRoot.This)
                : RootOf(ValueResolver.ReceiverOf(op), state, throughOwnedLock: false);
            accumulator.Add(state, EntryLocksReleased(state), receiverRoot, ArgumentRoots(op, target, state));
        }

        /// <summary>
        /// A call of an async method whose task nobody waits for here: discarded, or handed only to task-returning helpers whose
        /// result is discarded (<c>ReconfigureAsync(...).ObserveErrors();</c>). Only the callee's part before its first await runs
        /// under the locks held here; an awaited, stored, <c>Wait()</c>ed or <c>.Result</c> task is waited for.
        /// </summary>
        private static bool IsFireAndForget(IOperation call, IMethodSymbol target)
        {
            if (!target.IsAsync || call is not IInvocationOperation)
            {
                return false;
            }

            var op = call;
            for (var depth = 0; depth < 4; depth++)
            {
                var parent = op.Parent;
                while (parent is IConversionOperation or IArgumentOperation or IParenthesizedOperation)
                {
                    parent = parent.Parent;
                }

                switch (parent)
                {
                    case IExpressionStatementOperation:
                    case ISimpleAssignmentOperation { Target: IDiscardOperation }:
                        return true;
                    case IInvocationOperation next when next.TargetMethod.Name is not ("Wait" or "WaitAll" or "GetResult" or "RunSynchronously")
                        && (next.TargetMethod.ReturnsVoid || IsTaskLike(next.TargetMethod.ReturnType)):
                        op = next;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        private static bool IsTaskLike(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "Task" or "ValueTask" } named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

        private bool IsLocalFunctionOnThis(IMethodSymbol target) => target.MethodKind == MethodKind.LocalFunction && !target.IsStatic && !_method.IsStatic;

        /// <summary>How many calls and member accesses use the local as their receiver, anywhere in the body.</summary>
        private int ReceiverUses(ILocalSymbol local)
        {
            if (_receiverUses is null)
            {
                _receiverUses = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
                foreach (var block in Cfg.Blocks)
                {
                    foreach (var root in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }))
                    {
                        foreach (var op in ValueResolver.Descendants(root))
                        {
                            var receiver = op switch
                            {
                                IInvocationOperation i => i.Instance,
                                IMemberReferenceOperation m => m.Instance,
                                _ => null,
                            };
                            if (receiver is not null && _values.Unwrap(receiver) is ILocalReferenceOperation used)
                            {
                                _receiverUses.TryGetValue(used.Local, out var count);
                                _receiverUses[used.Local] = count + 1;
                            }
                        }
                    }
                }
            }

            return _receiverUses.TryGetValue(local, out var uses) ? uses : 0;
        }

        /// <summary>The constant bool passed for each parameter (a default value included), by ordinal.</summary>
        private static ImmutableArray<bool?> ArgumentConstants(IOperation call, IMethodSymbol target)
        {
            if (!target.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Boolean))
            {
                return ImmutableArray<bool?>.Empty;
            }

            return target.Parameters.Select(p => p.Type.SpecialType == SpecialType.System_Boolean && ValueResolver.ArgumentFor(call, p) is { ConstantValue: { HasValue: true, Value: bool value } } ? value : (bool?)null).ToImmutableArray();
        }

        private ImmutableArray<ValueRoot> ArgumentRoots(IOperation call, IMethodSymbol target, LockState state)
            => target.Parameters.IsEmpty ? ImmutableArray<ValueRoot>.Empty
                : target.Parameters.Select(p => IsUnsharedParameter(p) ? ValueRoot.Fresh : RootOf(ValueResolver.ArgumentFor(call, p), state, throughOwnedLock: false)).ToImmutableArray();

        /// <summary>An <c>[Unshared]</c> parameter, or <c>this</c> in an <c>[Unshared]</c> method.</summary>
        private bool ReceiverDeclaredUnshared(IOperation? receiver)
            => receiver is not null && _values.Unwrap(receiver) switch
            {
                IParameterReferenceOperation parameter => IsUnsharedParameter(parameter.Parameter),
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => IsUnsharedMethod(_method),
                _ => false,
            };

        /// <summary>A parameter marked <c>[Unshared]</c>, here or on the method this one overrides.</summary>
        private static bool IsUnsharedParameter(IParameterSymbol parameter)
        {
            for (var m = parameter.ContainingSymbol as IMethodSymbol; m is not null; m = m.OverriddenMethod)
            {
                if (parameter.Ordinal < m.Parameters.Length && KnownSymbols.IsUnshared(m.Parameters[parameter.Ordinal]))
                {
                    return true;
                }
            }

            return KnownSymbols.IsUnshared(parameter);
        }

        /// <summary>A method marked <c>[Unshared]</c>, or one overriding such a method: its receiver's locks order nothing there.</summary>
        private static bool IsUnsharedMethod(IMethodSymbol method)
        {
            for (var m = method.OriginalDefinition; m is not null; m = m.OverriddenMethod?.OriginalDefinition)
            {
                if (KnownSymbols.IsUnshared(m))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The receiver's static type when the call dispatches on it (see <see cref="CallFact.VirtualReceiver"/>).</summary>
        private static ITypeSymbol? VirtualReceiverOf(IOperation op, IMethodSymbol target)
        {
            if (target.IsStatic || !(target.IsVirtual || target.IsAbstract || target.IsOverride || target.ContainingType?.TypeKind == TypeKind.Interface))
            {
                return null;
            }

            var (receiver, dispatched) = op switch
            {
                IInvocationOperation invocation => (invocation.Instance, invocation.IsVirtual),
                IPropertyReferenceOperation property => (property.Instance, property.Instance?.Syntax is not Microsoft.CodeAnalysis.CSharp.Syntax.BaseExpressionSyntax),
                _ => (null, false),
            };
            // An implicit conversion only widens the static type (`using (x)` calls Dispose on x converted to IDisposable): the
            // operand's type is the more precise bound on what the receiver can be.
            while (receiver is IConversionOperation { IsImplicit: true } conversion)
            {
                receiver = conversion.Operand;
            }

            return dispatched ? receiver?.Type ?? target.ContainingType : null;
        }

        private HeldKey ResolveKey(BoundLock target, IOperation call, IMethodSymbol callee, LockMode mode)
        {
            var (lockClass, instance) = LockEffects.Resolve(target, call, _values, callee);
            return new HeldKey(lockClass, instance, mode);
        }

        private ImmutableHashSet<LockClass> EntryLocksReleased(LockState state)
        {
            var released = ImmutableHashSet<LockClass>.Empty;
            foreach (var entry in _entry.Held.Values)
            {
                if (!state.Held.TryGetValue(entry.Key, out var now) || !now.Must)
                {
                    released = released.Add(entry.Class);
                }
            }

            return released;
        }

        private void RecordGuarded(IOperation access, ISymbol member, IOperation? instance, LockState state)
        {
            var guard = _model.GetGuard(member);
            if (guard is null)
            {
                return;
            }

            // The object under construction is not yet shared: its constructors are exempt, and so are initialisers of fresh objects.
            var receiver = instance is null ? null : _values.Unwrap(instance);
            if (receiver is IInstanceReferenceOperation && _method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor
                && SymbolEqualityComparer.Default.Equals(_method.ContainingType, member.ContainingType))
            {
                return;
            }

            if (instance is null && member.IsStatic && _method.MethodKind == MethodKind.StaticConstructor)
            {
                return;
            }

            if (receiver is IObjectCreationOperation or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
            {
                return;
            }

            var rootPath = guard.Root == PathRoot.Static ? null : instance is null ? null : _values.PathOf(instance);
            var required = guard.Rebase(rootPath);
            if (!_guarded.TryGetValue(access, out var accumulator))
            {
                _guarded[access] = accumulator = new GuardAccumulator(member, guard, required, IsWrite(access), access.Syntax.GetLocation());
            }

            accumulator.Add(state);
        }

        private static bool IsWrite(IOperation access)
        {
            var parent = access.Parent;
            return parent switch
            {
                ISimpleAssignmentOperation a => a.Target == access,
                ICompoundAssignmentOperation a => a.Target == access,
                ICoalesceAssignmentOperation a => a.Target == access,
                IIncrementOrDecrementOperation => true,
                IArgumentOperation arg => arg.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
                IDeconstructionAssignmentOperation => true,
                _ => false,
            };
        }

        private static IEnumerable<IMethodSymbol> Accessors(IPropertyReferenceOperation property)
        {
            var symbol = property.Property;
            var parent = property.Parent;
            var isWrite = parent is ISimpleAssignmentOperation a && a.Target == property;
            var isCompound = parent is ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ICoalesceAssignmentOperation;
            if ((!isWrite || isCompound) && symbol.GetMethod is { } getter)
            {
                yield return getter;
            }

            if ((isWrite || isCompound) && symbol.SetMethod is { } setter)
            {
                yield return setter;
            }
        }

        /// <summary>Where an acquisition is reported: the call, or for a lowered <c>lock</c> statement its expression.</summary>
        private Location SiteOf(IOperation op)
            => LockedByStatement(op) is { } locked ? locked.Syntax.GetLocation() : WholeExpression(op.Syntax).GetLocation();

        private string Describe(IOperation op)
            => LockedByStatement(op) is { } locked ? "lock (" + locked.Syntax + ")" : WholeExpression(op.Syntax).ToString();

        /// <summary><c>_m?.WaitOne()</c> rather than its <c>.WaitOne()</c> part.</summary>
        private static SyntaxNode WholeExpression(SyntaxNode syntax)
        {
            while (syntax.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == syntax)
            {
                syntax = access;
            }

            return syntax;
        }

        /// <summary>
        /// The locked value of a call the compiler inserted for a <c>lock</c> statement: <c>Monitor.Enter(x, ref taken)</c> for an
        /// object, <c>x.EnterScope()</c> for a <c>System.Threading.Lock</c>.
        /// </summary>
        private IOperation? LockedByStatement(IOperation op)
        {
            if (!op.IsImplicit || op is not IInvocationOperation invocation)
            {
                return null;
            }

            if (invocation.Arguments.Length > 0)
            {
                return _values.Unwrap(invocation.Arguments[0].Value);
            }

            return invocation.Instance is { } instance && invocation.TargetMethod.Name == "EnterScope" ? _values.Unwrap(instance) : null;
        }

        private MethodLockFacts Facts()
        {
            static IEnumerable<KeyValuePair<IOperation, T>> Ordered<T>(Dictionary<IOperation, T> map)
                => map.Count switch
                {
                    0 => Array.Empty<KeyValuePair<IOperation, T>>(),
                    1 => map,
                    _ => map.OrderBy(p => p.Key.Syntax.SpanStart).ThenBy(p => p.Key.Syntax.Span.Length),
                };

            // A body with code that does not bind may hide the acquisition or release that balances another (Orleans'
            // `await sem.WaitAsync(unresolvedToken)`): balance is not judged there, as the compiler's errors come first.
            var judgeBalance = !_sawInvalidCode;
            Func<ImmutableArray<HeldLock>, ImmutableArray<HeldLock>> ordering = OrderingHeld;
            return new MethodLockFacts(
                _method,
                Ordered(_acquisitions).Concat(Ordered(_initializations)).Select(p => p.Value.ToFact(_method.IsAsync, ordering)).ToImmutableArray(),
                Ordered(_calls).Concat(Ordered(_waits)).Concat(Ordered(_callbackRuns)).Select(p => p.Value.ToFact(_method.IsAsync, ordering)).ToImmutableArray(),
                Ordered(_releases).Where(p => judgeBalance && !p.Value.EverHeld).Select(p => new UnheldReleaseFact(p.Value.Key, p.Value.Site, p.Value.Text)).ToImmutableArray(),
                _leaks.Values.Where(_ => judgeBalance).OrderBy(l => l.Held.AcquiredAt.SourceSpan.Start).ThenBy(l => l.Held.Key)
                    .Select(l => new LeakFact(l.Held, l.Exit, heldOnEveryExit: !_guardKeys.Contains(l.Held.Key) && _mustHeldAtExits.TryGetValue(l.Held.Key, out var exits) && exits.SetEquals(_exits))
                    {
                        HeldOnEveryReturn = !_guardKeys.Contains(l.Held.Key) && _exits.Any(IsReturn) && _mustHeldAtExits.TryGetValue(l.Held.Key, out var must) && _exits.Where(IsReturn).All(must.Contains),
                        FreeOnSomeReturn = _exits.Where(IsReturn).Any(e => !_mayHeldAtExits.TryGetValue(l.Held.Key, out var may) || !may.Contains(e)),
                    })
                    .ToImmutableArray(),
                Ordered(_guarded).Select(p => p.Value.ToFact()).ToImmutableArray())
            {
                DelegateFlows = _delegateFlows.Values.ToImmutableArray(),
                EntryLocksHeldAtEveryExit = _entry.Held.Keys.Where(k => _mustHeldAtExits.TryGetValue(k, out var exits) && exits.SetEquals(_exits)).ToImmutableHashSet(),
                Suspensions = _suspensions.Values.Select(ToSuspensionFact).Where(s => !s.Held.IsEmpty).OrderBy(s => s.Site.SourceSpan.Start).ToImmutableArray(),
                TriedClasses = _triedClasses.ToImmutableHashSet(),
            };
        }

        /// <summary>
        /// The locks held at one operation over every visit of the fixpoint: may-held is the union and must-held the intersection,
        /// which (the transfer being monotone) is the fixpoint's state there.
        /// </summary>
        private sealed class HeldAccumulator
        {
            // Shared by every accumulator whose last visit held nothing (the usual case); never written to.
            private static readonly SortedDictionary<HeldKey, HeldLock> NothingHeld = new();

            private SortedDictionary<HeldKey, HeldLock>? _may;
            private SortedDictionary<HeldKey, HeldLock>? _must;

            public ImmutableHashSet<LockClass> EntryReleased { get; private set; } = ImmutableHashSet<LockClass>.Empty;

            /// <summary>The parameter values known on every visit.</summary>
            public ImmutableDictionary<object, bool>? Known { get; private set; }

            public ImmutableArray<HeldLock> May => _may is null ? ImmutableArray<HeldLock>.Empty : _may.Values.ToImmutableArray();

            /// <summary>
            /// <see cref="Known"/> as the conditions of a fact: for an async method, <see cref="LockState.AfterAwait"/> unless
            /// every visit was before any await.
            /// </summary>
            public ImmutableDictionary<object, bool> Conditions(bool asyncMethod)
            {
                var known = Known ?? ImmutableDictionary<object, bool>.Empty;
                if (known.IsEmpty)
                {
                    return asyncMethod ? known.SetItem(LockState.AfterAwait, true) : known;
                }

                known = known.Keys.Any(k => k is KnownNull || k is StoredParameter) ? known.RemoveRange(known.Keys.Where(k => k is KnownNull || k is StoredParameter).ToList()) : known;
                if (!asyncMethod)
                {
                    return known;
                }

                var beforeAnyAwait = known.TryGetValue(LockState.AwaitKey, out var awaited) && !awaited;
                known = known.Remove(LockState.AwaitKey);
                return beforeAnyAwait ? known : known.SetItem(LockState.AfterAwait, true);
            }

            public ImmutableArray<HeldLock> Must => _must is not { Count: > 0 } must ? ImmutableArray<HeldLock>.Empty : must.Values.ToImmutableArray();

            /// <summary>The paths known null on every visit (<see cref="KnownNull"/>).</summary>
            public ImmutableHashSet<string> KnownNull
                => Known is not { IsEmpty: false } known ? NoPaths : known.Keys.OfType<KnownNull>().Select(k => k.Path).ToImmutableHashSet(StringComparer.Ordinal);

            private static readonly ImmutableHashSet<string> NoPaths = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

            public void Add(LockState state, ImmutableHashSet<LockClass> entryReleased)
            {
                if (state.Held.IsEmpty)
                {
                    _must = NothingHeld;
                }
                else
                {
                    _may ??= new SortedDictionary<HeldKey, HeldLock>();
                    var must = new SortedDictionary<HeldKey, HeldLock>();
                    foreach (var pair in state.Held)
                    {
                        var held = pair.Value;
                        if (!_may.ContainsKey(held.Key))
                        {
                            _may[held.Key] = held;
                        }

                        if (held.Must && (_must is null || _must.ContainsKey(held.Key)))
                        {
                            must[held.Key] = held;
                        }
                    }

                    _must = must;
                }

                EntryReleased = entryReleased.IsEmpty ? EntryReleased : EntryReleased.Union(entryReleased);
                Known = Known is null || ReferenceEquals(Known, state.Known) ? state.Known
                    : Known.Count == 0 ? Known
                    : Known.All(p => state.Known.TryGetValue(p.Key, out var v) && v == p.Value) ? Known
                    : Known.Where(p => state.Known.TryGetValue(p.Key, out var v) && v == p.Value).ToImmutableDictionary();
            }
        }

        private sealed class AcquireAccumulator
        {
            private readonly HeldKey _key;
            private readonly bool _recursive;
            private readonly Location _site;
            private readonly string _text;
            private readonly bool _isTry;
            private readonly HeldAccumulator _held = new();

            public AcquireAccumulator(HeldKey key, bool recursive, Location site, string text, bool isTry)
            {
                _key = key;
                _recursive = recursive;
                _site = site;
                _text = text;
                _isTry = isTry;
            }

            private ValueRoot? _root;

            public void Add(LockState state, ImmutableHashSet<LockClass> entryReleased, ValueRoot root)
            {
                _held.Add(state, entryReleased);
                _root = _root is { } previous ? Combine(previous, root) : root;
            }

            public AcquireFact ToFact(bool asyncMethod, Func<ImmutableArray<HeldLock>, ImmutableArray<HeldLock>> ordering)
                => new(_key, _recursive, _site, _text, ordering(_held.May), _held.EntryReleased, _isTry, _root ?? ValueRoot.Other, _held.Conditions(asyncMethod));
        }

        private sealed class CallAccumulator
        {
            private readonly IMethodSymbol _target;
            private readonly Location _site;
            private readonly ImmutableArray<HeldKey> _required;
            private readonly ImmutableArray<HeldKey> _excluded;
            private readonly ITypeSymbol? _virtualReceiver;
            private readonly HeldAccumulator _held = new();

            private readonly ImmutableArray<bool?> _constants;
            private readonly ISymbol? _delegateSource;

            public string? ReceiverPath { get; init; }

            public IMethodSymbol? ReceiverConstruction { get; init; }

            public ITypeSymbol? ReceiverType { get; init; }

            public ImmutableArray<string?> ArgumentPaths { get; init; }
            private ValueRoot? _receiver;
            private ImmutableArray<ValueRoot> _arguments;

            public CallAccumulator(IMethodSymbol target, Location site, ImmutableArray<HeldKey> required, ImmutableArray<HeldKey> excluded, ITypeSymbol? virtualReceiver, ImmutableArray<bool?> constants, ISymbol? delegateSource)
            {
                _constants = constants;
                _delegateSource = delegateSource;
                _virtualReceiver = virtualReceiver;
                _target = target;
                _site = site;
                _required = required;
                _excluded = excluded;
            }

            public void Add(LockState state, ImmutableHashSet<LockClass> entryReleased, ValueRoot receiver, ImmutableArray<ValueRoot> arguments)
            {
                _held.Add(state, entryReleased);
                _receiver = _receiver is { } previous ? Combine(previous, receiver) : receiver;
                _arguments = _arguments.IsDefault ? arguments : _arguments.SequenceEqual(arguments) ? _arguments : _arguments.Zip(arguments, Combine).ToImmutableArray();
            }

            public bool FireAndForget { get; init; }

            public bool ReceiverDeclaredUnshared { get; init; }

            public WaitKind Waits { get; init; }

            public bool RunsStoredCallbacks { get; init; }

            public ISymbol? ResumesAwaitOf { get; init; }

            public IMethodSymbol? Caller { get; init; }

            public CallFact ToFact(bool asyncMethod, Func<ImmutableArray<HeldLock>, ImmutableArray<HeldLock>> ordering)
                => new(_target, _site, ordering(_held.May), _held.Must, _held.EntryReleased, _required, _excluded, _virtualReceiver,
                    _receiver ?? ValueRoot.Other, _arguments.IsDefault ? ImmutableArray<ValueRoot>.Empty : _arguments, _constants, _held.Conditions(asyncMethod))
                {
                    FireAndForget = FireAndForget,
                    ReceiverUnshared = ReceiverDeclaredUnshared && _receiver?.Kind == RootKind.Fresh,
                    Waits = Waits,
                    KnownNull = _held.KnownNull,
                    RunsStoredCallbacks = RunsStoredCallbacks,
                    ResumesAwaitOf = ResumesAwaitOf,
                    Caller = Caller,
                    DelegateSource = _delegateSource,
                    ReceiverPath = ReceiverPath,
                    ReceiverType = ReceiverType,
                    ArgumentPaths = ArgumentPaths,
                    ReceiverConstruction = _receiver?.Kind == RootKind.Fresh ? ReceiverConstruction : null,
                };
        }

        private sealed class GuardAccumulator
        {
            private readonly ISymbol _member;
            private readonly BoundLock _guard;
            private readonly string? _required;
            private readonly bool _isWrite;
            private readonly Location _site;
            private readonly HeldAccumulator _held = new();

            public GuardAccumulator(ISymbol member, BoundLock guard, string? required, bool isWrite, Location site)
            {
                _member = member;
                _guard = guard;
                _required = required;
                _isWrite = isWrite;
                _site = site;
            }

            public void Add(LockState state) => _held.Add(state, ImmutableHashSet<LockClass>.Empty);

            public GuardedAccessFact ToFact() => new(_member, _guard, _required, _isWrite, _site, _held.Must);
        }
    }
}
