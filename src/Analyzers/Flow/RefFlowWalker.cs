using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>A reference-count finding of one method, ready to report.</summary>
    internal sealed class RefFinding
    {
        public RefFinding(DiagnosticDescriptor descriptor, Location site, ImmutableArray<Location> related, params object[] arguments)
            : this(descriptor, site, related, null, arguments)
        {
        }

        public RefFinding(DiagnosticDescriptor descriptor, Location site, ImmutableArray<Location> related, ImmutableDictionary<string, string?>? properties, params object[] arguments)
        {
            Properties = properties;
            Descriptor = descriptor;
            Site = site;
            Related = related;
            Arguments = arguments;
        }

        public DiagnosticDescriptor Descriptor { get; }

        public Location Site { get; }

        public ImmutableArray<Location> Related { get; }

        public object[] Arguments { get; }

        /// <summary>What a code fix needs (<see cref="LeakFixProperties"/>) but for where the leaking return stands, or null.</summary>
        public ImmutableDictionary<string, string?>? Properties { get; }

        /// <summary>The <c>return</c> statement a reference leaks through, for the fix (kept as a location, so it moves with an edit).</summary>
        public Location? ReturnAt { get; init; }

        /// <summary>The diagnostic's properties: <see cref="Properties"/> with the span of <see cref="ReturnAt"/>.</summary>
        public ImmutableDictionary<string, string?>? DiagnosticProperties()
            => ReturnAt is null ? Properties : (Properties ?? ImmutableDictionary<string, string?>.Empty).Add(LeakFixProperties.ReturnAt, Rules.FixProperties.FormatSpan(ReturnAt.SourceSpan));
    }

    /// <summary>Diagnostic property keys of LD2001, shared with the fix that drops the reference on the leaking return.</summary>
    public static class LeakFixProperties
    {
        /// <summary>Span (<c>start,length</c>) of the <c>return</c> statement the reference leaks through.</summary>
        public const string ReturnAt = "ReturnAt";

        /// <summary>The local or parameter that holds the reference there.</summary>
        public const string Holder = "Holder";
    }

    /// <summary>
    /// Path-sensitive ownership of counted references over the CFG. Sources: <c>[TakesRef]</c> (conditional on the bool result with
    /// <c>WhenReturns</c>), <c>[ReturnsRef]</c> (null means no reference), <c>[ConsumesRef]</c> parameters, loads from <c>[HoldsRef]</c>
    /// members (droppable, not owed). Sinks: <c>[DropsRef]</c>, <c>return</c>, a store into a <c>[HoldsRef]</c> member, a
    /// <c>[ConsumesRef]</c> argument. An explicit <c>throw</c> is a path; an exception from a call is not.
    /// </summary>
    internal sealed class RefFlowWalker : ForwardDataflow<RefState>
    {
        private readonly AnnotationModel _model;
        private readonly IMethodSymbol _method;
        private readonly ValueResolver _values;
        private readonly Dictionary<IOperation, int> _ids = new(OperationIdentity.Instance);
        private readonly Dictionary<IOperation, (IInvocationOperation Call, object Key, bool WhenReturns)> _pendingConditionalGets = new(OperationIdentity.Instance);
        private readonly Dictionary<(string, Location), RefFinding> _findings = new();
        private readonly HashSet<int> _leakReported = new();
        private readonly HashSet<int> _useReported = new();

        private readonly bool _exceptionsFromCalls;

        /// <summary>Some path returns a reference this method owned: callers own it now (an inferred <c>[ReturnsRef]</c>).</summary>
        private bool ReturnsOwnedReference { get; set; }

        private RefFlowWalker(AnnotationModel model, ControlFlowGraph cfg, IMethodSymbol method, bool exceptionsFromCalls, CancellationToken cancellationToken)
            : base(cfg, cancellationToken)
        {
            _exceptionsFromCalls = exceptionsFromCalls;
            _model = model;
            _method = method;
            _values = new ValueResolver(cfg, method);
        }

        public static ImmutableArray<RefFinding> Analyze(AnnotationModel model, ControlFlowGraph cfg, IMethodSymbol method, bool exceptionsFromCalls, CancellationToken cancellationToken)
            => Analyze(model, cfg, method, exceptionsFromCalls, cancellationToken, out _);

        public static ImmutableArray<RefFinding> Analyze(AnnotationModel model, ControlFlowGraph cfg, IMethodSymbol method, bool exceptionsFromCalls, CancellationToken cancellationToken, out bool returnsOwnedReference)
        {
            var walker = new RefFlowWalker(model, cfg, method, exceptionsFromCalls, cancellationToken);
            var entry = RefState.Empty;
            foreach (var parameter in model.GetEffectiveContract(method).ConsumesRef)
            {
                var own = method.Parameters[parameter.Ordinal];
                entry = entry.Add(new RefInfo(-1 - parameter.Ordinal, RefStatus.Owned, SyntaxReads.Located(own.Locations.FirstOrDefault()), "[ConsumesRef] " + own.Name, null, false), own);
            }

            walker.RunMethod(entry);
            returnsOwnedReference = walker.ReturnsOwnedReference;
            return walker._findings.Values.OrderBy(f => f.Site.SourceSpan.Start).ThenBy(f => f.Descriptor.Id, System.StringComparer.Ordinal).ToImmutableArray();
        }

        protected override RefState Join(RefState? a, RefState b) => RefState.Join(a, b);

        protected override bool Same(RefState a, RefState b) => a.Same(b);

        protected override void OnExit(RefState state, ExitPoint exit, BasicBlock from)
        {
            // The CFG carries `return value;` as the block's branch value: returning a reference hands it on.
            if (from.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return && from.BranchValue is { } returned)
            {
                var ownsReturned = KeyOf(returned) is { } key && state.IdsOf(key).Any(id => state.Refs.TryGetValue(id, out var info) && (info.Status & RefStatus.Owned) != 0);
                if (ownsReturned || (_values.Unwrap(returned) is IInvocationOperation get && _model.ReturnsRef(get.TargetMethod)))
                {
                    ReturnsOwnedReference = true;
                }

                state = HandOn(returned, state);
            }

            foreach (var info in state.Refs.Values)
            {
                if ((info.Status & RefStatus.Owned) != 0 && _leakReported.Add(info.Id))
                {
                    var key = (Descriptors.LD2001_ReferenceLeak.Id, info.TakenAt);
                    if (!_findings.ContainsKey(key))
                    {
                        var (properties, returnAt) = LeakProperties(state, info, from);
                        _findings[key] = new RefFinding(Descriptors.LD2001_ReferenceLeak, info.TakenAt, ImmutableArray<Location>.Empty, properties,
                            info.TakenBy, new PathOutOf(Summaries.LockSummaries.CalleeName(_method), exit)) { ReturnAt = returnAt };
                    }
                }
            }
        }

        /// <summary>The leaking <c>return</c> and the variable holding the reference there, when both are in the source.</summary>
        private static (ImmutableDictionary<string, string?>? Properties, Location? ReturnAt) LeakProperties(RefState state, RefInfo info, BasicBlock from)
        {
            var holder = state.Vars.Where(v => v.Value.Contains(info.Id)).Select(v => v.Key).OfType<ISymbol>()
                .Where(s => s is ILocalSymbol or IParameterSymbol).Select(s => s.Name).OrderBy(n => n, System.StringComparer.Ordinal).FirstOrDefault();
            if (holder is null || ReturnStatementOf(from) is not { } returnStatement || returnStatement.SyntaxTree != info.TakenAt.SourceTree)
            {
                return (null, null);
            }

            return (ImmutableDictionary<string, string?>.Empty.Add(LeakFixProperties.Holder, holder), returnStatement.GetLocation());
        }

        protected override RefState Transfer(IOperation operation, RefState state)
        {
            switch (operation)
            {
                case IInvocationOperation call:
                    return Invocation(call, state);
                case ISimpleAssignmentOperation assignment:
                    return Assign(assignment.Target, assignment.Value, state);
                case IFlowCaptureOperation capture:
                    return Bind(capture.Id, capture.Value, state);
                case IReturnOperation { ReturnedValue: { } returned }:
                    return HandOn(returned, state);
                case ILocalReferenceOperation or IParameterReferenceOperation:
                    CheckUse(operation, state);
                    return state;
                default:
                    return state;
            }
        }

        protected override (RefState WhenTrue, RefState WhenFalse) Split(IOperation? condition, RefState state)
        {
            if (condition is null)
            {
                return (state, state);
            }

            var negate = false;
            var value = condition;
            while (value is IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } or IConversionOperation or IParenthesizedOperation)
            {
                negate ^= value is IUnaryOperation;
                value = value.ChildOperations.First();
            }

            var (whenTrue, whenFalse) = SplitOn(value, state);
            return negate ? (whenFalse, whenTrue) : (whenTrue, whenFalse);
        }

        private (RefState WhenTrue, RefState WhenFalse) SplitOn(IOperation value, RefState state)
        {
            // A conditional get: the reference exists only on the edge where the result equals WhenReturns.
            if (_pendingConditionalGets.TryGetValue(_values.Unwrap(value), out var pending))
            {
                var taken = Take(pending.Call, pending.Key, state, mayBeNull: false);
                return pending.WhenReturns ? (taken, state) : (state, taken);
            }

            // A null test of a nullable get: on the null edge there is no reference.
            if (NullTest(value) is { } test && KeyOf(test.Operand) is { } key)
            {
                var withoutNull = state;
                foreach (var id in state.IdsOf(key))
                {
                    if (state.Refs.TryGetValue(id, out var info) && info.MayBeNull)
                    {
                        withoutNull = withoutNull.Forget(id);
                    }
                }

                return test.TrueMeansNull ? (withoutNull, state) : (state, withoutNull);
            }

            return (state, state);
        }

        private static (IOperation Operand, bool TrueMeansNull)? NullTest(IOperation value)
        {
            switch (value)
            {
                case IIsNullOperation isNull:
                    return (isNull.Operand, true);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                    var equals = binary.OperatorKind == BinaryOperatorKind.Equals;
                    if (IsNull(binary.RightOperand))
                    {
                        return (binary.LeftOperand, equals);
                    }

                    if (IsNull(binary.LeftOperand))
                    {
                        return (binary.RightOperand, equals);
                    }

                    return null;
                case IIsPatternOperation { Pattern: IConstantPatternOperation constant } pattern when IsNull(constant.Value):
                    return (pattern.Value, true);
                case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } pattern when IsNull(constant.Value):
                    return (pattern.Value, false);
                case IIsPatternOperation { Pattern: IRecursivePatternOperation or ITypePatternOperation or IDeclarationPatternOperation } pattern:
                    return (pattern.Value, false);
                default:
                    return null;
            }

            static bool IsNull(IOperation op) => op.ConstantValue.HasValue && op.ConstantValue.Value is null;
        }

        private RefState Invocation(IInvocationOperation call, RefState state)
        {
            var contract = _model.GetEffectiveContract(call.TargetMethod);

            // Opt-in (lockdiscipline.exceptions_from_calls): any other call may throw, and the references owned before it leak then.
            if (_exceptionsFromCalls && !contract.IsRefPrimitive && !_model.ReturnsRef(call.TargetMethod))
            {
                ThrowFromCurrentBlock(state, new ExitPoint("if '" + Summaries.LockSummaries.CalleeName(call.TargetMethod) + "' throws at line", call.Syntax.GetLocation()));
            }

            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is { } parameter && contract.ConsumesRef.Any(p => p.Ordinal == parameter.Ordinal))
                {
                    state = HandOn(argument.Value, state);
                }
            }

            if (contract.TakesRef is { } takes)
            {
                var target = TargetOf(call, takes);
                if (target is not null && KeyOf(target) is { } key)
                {
                    if (contract.TakesRefWhenReturns is { } whenReturns)
                    {
                        _pendingConditionalGets[call] = (call, key, whenReturns);
                    }
                    else
                    {
                        state = Take(call, key, state, mayBeNull: false);
                    }
                }
            }

            if (contract.DropsRef is { } drops && TargetOf(call, drops) is { } dropped)
            {
                state = Drop(call, dropped, state, contract.DropsRefNotFinal);
            }

            if (_model.ReturnsRef(call.TargetMethod) && !IsHandedOn(call))
            {
                // The result is bound when it is stored; one that is never stored is leaked here and now.
                if (!IsStored(call))
                {
                    Add(Descriptors.LD2001_ReferenceLeak, call.Syntax.GetLocation(), ImmutableArray<Location>.Empty, call.TargetMethod.Name, "(its result is discarded)");
                }
            }

            return state;
        }

        private static IOperation? TargetOf(IInvocationOperation call, RefTarget target)
            => target.Parameter is null ? call.Instance : ValueResolver.ArgumentFor(call, target.Parameter);

        private RefState Take(IInvocationOperation call, object key, RefState state, bool mayBeNull)
        {
            var id = IdOf(call);
            var stacked = state.IdsOf(key).Any(other => other != id && state.Refs.TryGetValue(other, out var info) && (info.Status & RefStatus.Owned) != 0);
            // A reference taken on a value that a [HoldsRef] member already points at belongs to that holder (the vCPU's fd owns
            // the VM reference through vcpu->kvm, set before the reference existed): droppable here, not owed.
            var status = AdoptedByHolders().Contains(key) ? RefStatus.Droppable : RefStatus.Owned;
            return state.Add(new RefInfo(id, status, call.Syntax.GetLocation(), call.TargetMethod.Name, null, mayBeNull, stacked), key);
        }

        private HashSet<object>? _adopted;

        /// <summary>
        /// The locals and parameters whose values this body (lambdas included) stores into a <c>[HoldsRef]</c> member, directly or
        /// as the argument of a source method or constructor that stores that parameter so.
        /// </summary>
        private HashSet<object> AdoptedByHolders()
        {
            if (_adopted is not null)
            {
                return _adopted;
            }

            _adopted = new HashSet<object>();
            foreach (var op in Cfg.OriginalOperation.Descendants())
            {
                switch (op)
                {
                    case ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } assignment when _model.HoldsRef(target.Member):
                        AddAdopted(assignment.Value);
                        break;
                    case IObjectCreationOperation { Constructor: { } constructor } creation when constructor.Locations.Any(l => l.IsInSource):
                        AddStoredArguments(creation.Arguments, constructor);
                        break;
                    case IInvocationOperation invocation when invocation.TargetMethod.Locations.Any(l => l.IsInSource):
                        AddStoredArguments(invocation.Arguments, invocation.TargetMethod);
                        break;
                }
            }

            return _adopted;

            void AddStoredArguments(ImmutableArray<IArgumentOperation> arguments, IMethodSymbol target)
            {
                var stored = _model.ParametersStoredIntoHeldMembers(target);
                foreach (var argument in arguments)
                {
                    if (argument.Parameter is { } parameter && stored.Contains(parameter.Ordinal))
                    {
                        AddAdopted(argument.Value);
                    }
                }
            }

            void AddAdopted(IOperation value)
            {
                switch (ValueResolver.StripConversions(value))
                {
                    case ILocalReferenceOperation local:
                        _adopted!.Add(local.Local);
                        break;
                    case IParameterReferenceOperation parameter:
                        _adopted!.Add(parameter.Parameter);
                        break;
                }
            }
        }

        private RefState Drop(IInvocationOperation call, IOperation target, RefState state, bool notFinal)
        {
            var key = KeyOf(target);
            var name = call.TargetMethod.Name;
            var display = target.Syntax.ToString();
            var ids = key is null ? ImmutableSortedSet<int>.Empty : state.IdsOf(key);
            var infos = ids.Select(id => state.Refs.TryGetValue(id, out var info) ? info : null).Where(i => i is not null).Select(i => i!).ToList();

            var owned = infos.LastOrDefault(i => (i.Status & (RefStatus.Owned | RefStatus.Droppable)) != 0);
            if (owned is not null)
            {
                if ((owned.Status & RefStatus.Dropped) != 0 && owned.DroppedAt is { } earlier)
                {
                    Add(Descriptors.LD2002_DoubleDrop, call.Syntax.GetLocation(), ImmutableArray.Create(earlier), name, display, RuleWhere(earlier));
                }

                var site = call.Syntax.GetLocation();
                state = state.Set(owned.With(RefStatus.Dropped, site, notFinal));

                // References the variable holds on other paths (get-or-create) are the same reference seen from another branch.
                if (!owned.Stacked)
                {
                    foreach (var alternative in infos.Where(i => i.Id != owned.Id && !i.Stacked && (i.Status & RefStatus.Owned) != 0))
                    {
                        state = state.Set(alternative.With(RefStatus.Dropped, site, notFinal));
                    }
                }

                return state;
            }

            var dropped = infos.FirstOrDefault(i => (i.Status & RefStatus.Dropped) != 0);
            if (dropped?.DroppedAt is { } first)
            {
                Add(Descriptors.LD2002_DoubleDrop, call.Syntax.GetLocation(), ImmutableArray.Create(first), name, display, RuleWhere(first));
                return state;
            }

            if (IsUnowned(target))
            {
                Add(Descriptors.LD2005_DropOfUnownedReference, call.Syntax.GetLocation(), ImmutableArray<Location>.Empty, name, display);
            }

            return state;
        }

        /// <summary>A plain parameter, or a member that does not hold a reference: this method has nothing to drop there.</summary>
        private bool IsUnowned(IOperation target)
        {
            var value = _values.Unwrap(target);
            return value switch
            {
                IParameterReferenceOperation p => !_model.GetEffectiveContract(_method).ConsumesRef.Any(c => c.Ordinal == p.Parameter.Ordinal)
                                                  && p.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) },
                IFieldReferenceOperation f => !_model.HoldsRef(f.Field),
                IPropertyReferenceOperation p => !_model.HoldsRef(p.Property),
                _ => false,
            };
        }

        private RefState HandOn(IOperation value, RefState state)
        {
            if (KeyOf(value) is not { } key)
            {
                return state;
            }

            foreach (var id in state.IdsOf(key))
            {
                state = state.Forget(id);
            }

            return state;
        }

        private RefState Assign(IOperation target, IOperation value, RefState state)
        {
            if (target is IMemberReferenceOperation member && _model.HoldsRef(member.Member))
            {
                return HandOn(value, state);
            }

            return Bind(KeyOf(target), value, state);
        }

        private RefState Bind(object? key, IOperation value, RefState state)
        {
            if (key is null)
            {
                return state;
            }

            var source = _values.Unwrap(value);
            if (source is IInvocationOperation call && _model.ReturnsRef(call.TargetMethod))
            {
                var id = IdOf(call);
                var info = new RefInfo(id, RefStatus.Owned, call.Syntax.GetLocation(), call.TargetMethod.Name, null, mayBeNull: true);
                return new RefState(state.Refs.SetItem(id, info), state.Vars).Bind(key, ImmutableSortedSet.Create(id));
            }

            if (source is IMemberReferenceOperation member && _model.HoldsRef(member.Member))
            {
                var id = IdOf(source);
                var info = new RefInfo(id, RefStatus.Droppable, source.Syntax.GetLocation(), member.Member.Name, null, mayBeNull: true);
                return new RefState(state.Refs.SetItem(id, info), state.Vars).Bind(key, ImmutableSortedSet.Create(id));
            }

            // Copies alias: both names now hold the same references.
            var copied = KeyOf(value) is { } from ? state.IdsOf(from) : ImmutableSortedSet<int>.Empty;
            return state.Bind(key, copied);
        }

        private void CheckUse(IOperation reference, RefState state)
        {
            var parent = reference.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            var call = parent is IArgumentOperation argument ? argument.Parent : parent;
            if (parent is ISimpleAssignmentOperation assignment && assignment.Target == reference
                || parent is IBinaryOperation or IIsNullOperation or IIsPatternOperation
                || call is IInvocationOperation invocation && _model.GetEffectiveContract(invocation.TargetMethod) is { } contract
                   && (contract.DropsRef is not null || contract.TakesRef is not null)
                || KeyOf(reference) is not { } key)
            {
                return;
            }

            foreach (var id in state.IdsOf(key))
            {
                if (state.Refs.TryGetValue(id, out var info) && info.Status == RefStatus.Dropped && !info.AliveAfterDrop && info.DroppedAt is { } droppedAt
                    && !droppedAt.SourceSpan.Contains(reference.Syntax.Span) && _useReported.Add(id))
                {
                    Add(Descriptors.LD2003_UseAfterDrop, reference.Syntax.GetLocation(), ImmutableArray.Create(droppedAt), reference.Syntax.ToString(), RuleWhere(droppedAt));
                }
            }
        }

        private object? KeyOf(IOperation op)
        {
            var stripped = op;
            while (stripped is IConversionOperation or IParenthesizedOperation)
            {
                stripped = stripped.ChildOperations.First();
            }

            switch (stripped)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFlowCaptureReferenceOperation capture:
                    var value = _values.Unwrap(capture);
                    return value is ILocalReferenceOperation or IParameterReferenceOperation or IMemberReferenceOperation or IInstanceReferenceOperation
                        ? KeyOf(value)
                        : capture.Id;
                case IInstanceReferenceOperation:
                    return "this";
                case IMemberReferenceOperation:
                    return _values.PathOf(stripped);
                default:
                    return null;
            }
        }

        private static bool IsHandedOn(IOperation call)
        {
            var parent = call.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            return parent is IReturnOperation;
        }

        private static bool IsStored(IOperation call)
        {
            // The CFG carries `return Get();` as a parentless branch value: it is returned, not discarded.
            if (call.Parent is null)
            {
                var syntax = call.Syntax.Parent;
                while (syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ParenthesizedExpressionSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.CastExpressionSyntax)
                {
                    syntax = syntax.Parent;
                }

                return syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ReturnStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax;
            }

            var parent = call.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation)
            {
                parent = parent.Parent;
            }

            return parent is ISimpleAssignmentOperation or IFlowCaptureOperation or IVariableInitializerOperation or IArgumentOperation
                or IInvocationOperation or IMemberReferenceOperation or IConditionalAccessOperation or IReturnOperation or ICoalesceOperation;
        }

        private int IdOf(IOperation op)
        {
            if (!_ids.TryGetValue(op, out var id))
            {
                _ids[op] = id = _ids.Count;
            }

            return id;
        }

        private void Add(DiagnosticDescriptor descriptor, Location site, ImmutableArray<Location> related, params object[] arguments)
        {
            var key = (descriptor.Id, site);
            if (!_findings.ContainsKey(key))
            {
                _findings[key] = new RefFinding(descriptor, site, related, arguments);
            }
        }

        private static SourceLine RuleWhere(Location location) => new(location);
    }
}
