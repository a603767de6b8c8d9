using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Flow
{
    internal enum HolderKind
    {
        /// <summary>The member of <c>this</c>.</summary>
        This,

        /// <summary>The member of a parameter's object, or with no member the parameter's value itself.</summary>
        Parameter,

        /// <summary>The member of any object (who, anywhere, drops what the member holds).</summary>
        AnyInstance,
    }

    /// <summary>Which reference a <see cref="HeldRefDrops"/> walk follows: a <c>[HoldsRef]</c> member of a holder, or a parameter's value.</summary>
    internal readonly struct HeldRefRoot
    {
        public HeldRefRoot(HolderKind kind, IParameterSymbol? parameter, ISymbol? member)
        {
            Kind = kind;
            Parameter = parameter;
            Member = member;
        }

        public HolderKind Kind { get; }

        public IParameterSymbol? Parameter { get; }

        /// <summary>The <c>[HoldsRef]</c> member; null when the parameter itself carries the reference.</summary>
        public ISymbol? Member { get; }
    }

    /// <summary>Whether a body drops (or hands on) the reference: on every normal path out, and on some.</summary>
    internal readonly struct DropResult
    {
        public DropResult(bool onEveryPath, bool onSomePath)
        {
            OnEveryPath = onEveryPath;
            OnSomePath = onSomePath;
        }

        public bool OnEveryPath { get; }

        public bool OnSomePath { get; }

        public static DropResult None => new(false, false);
    }

    /// <summary>
    /// LD2006's dataflow: along every path of a teardown, whether the reference a <c>[HoldsRef]</c> member holds is dropped
    /// (<c>[DropsRef]</c>) or handed on (a <c>[ConsumesRef]</c> argument, a store into another <c>[HoldsRef]</c> member, a return),
    /// directly, through locals and <c>?.</c>, or in a helper it calls with the holder or the reference (followed as LD2004 follows
    /// release paths, with constant bool arguments pruning the helper's branches). The side of a null test where the reference is
    /// null has nothing to drop.
    /// </summary>
    internal sealed class HeldRefDrops
    {
        private readonly Compilation _compilation;
        private readonly AnnotationModel _model;
        private readonly int _maxDepth;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<(IMethodSymbol, HolderKind, int, ISymbol?, string), DropResult> _memo = new();
        private readonly HashSet<(IMethodSymbol, HolderKind, int, ISymbol?, string)> _inProgress = new();

        public HeldRefDrops(Compilation compilation, AnnotationModel model, int maxDepth, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _model = model;
            _maxDepth = maxDepth;
            _cancellationToken = cancellationToken;
        }

        /// <summary>What <paramref name="method"/>'s body does with the reference at <paramref name="root"/>; constants: known bool parameters.</summary>
        public DropResult Analyze(IMethodSymbol method, HeldRefRoot root, ImmutableDictionary<int, bool>? constants = null, int depth = 0)
        {
            method = method.OriginalDefinition;
            constants ??= ImmutableDictionary<int, bool>.Empty;
            var key = (method, root.Kind, root.Parameter?.Ordinal ?? -1, root.Member, string.Join(",", constants.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value)));
            if (_memo.TryGetValue(key, out var known))
            {
                return known;
            }

            if (depth > _maxDepth || !_inProgress.Add(key) || Graph(method) is not { } cfg)
            {
                return DropResult.None;
            }

            var walker = new Walker(this, cfg, root, constants, depth, _cancellationToken);
            var result = walker.Run();
            _inProgress.Remove(key);
            _memo[key] = result;
            return result;
        }

        /// <summary>The graph of a source body (a method, an accessor, a local function), or null.</summary>
        public ControlFlowGraph? Graph(IMethodSymbol method)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var syntax = Incremental.SyntaxReads.Syntax(reference, _cancellationToken);
#pragma warning disable RS1030 // Teardowns and the helpers they call, once each per compilation.
                var semanticModel = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                switch (semanticModel.GetOperation(syntax, _cancellationToken))
                {
                    case IMethodBodyOperation body:
                        return ControlFlowGraph.Create(body, _cancellationToken);
                    case IBlockOperation { Parent: null } block:
                        return ControlFlowGraph.Create(block, _cancellationToken);
                }
            }

            return null;
        }

        private sealed class State
        {
            public static readonly State Start = new(false, false, ImmutableHashSet<object>.Empty);

            /// <summary>A branch the known constants rule out: neutral for both joins.</summary>
            public static readonly State Infeasible = new(true, false, ImmutableHashSet<object>.Empty);

            public State(bool dropped, bool droppedSomewhere, ImmutableHashSet<object> aliases)
            {
                Dropped = dropped;
                DroppedSomewhere = droppedSomewhere;
                Aliases = aliases;
            }

            /// <summary>Dropped or handed on on every path here.</summary>
            public bool Dropped { get; }

            /// <summary>Dropped or handed on on some path here.</summary>
            public bool DroppedSomewhere { get; }

            /// <summary>Locals and flow captures that hold the reference.</summary>
            public ImmutableHashSet<object> Aliases { get; }

            public State Drop() => Dropped && DroppedSomewhere ? this : new State(true, true, Aliases);

            public State With(DropResult helper)
                => helper.OnEveryPath || (helper.OnSomePath && !DroppedSomewhere) ? new State(Dropped || helper.OnEveryPath, DroppedSomewhere || helper.OnSomePath, Aliases) : this;

            public State Alias(object local, bool holds)
            {
                var aliases = holds ? Aliases.Add(local) : Aliases.Remove(local);
                return aliases == Aliases ? this : new State(Dropped, DroppedSomewhere, aliases);
            }

            public static State Join(State? a, State b)
                => a is null ? b : new State(a.Dropped && b.Dropped, a.DroppedSomewhere || b.DroppedSomewhere, a.Aliases.Union(b.Aliases));

            public bool SameAs(State other) => Dropped == other.Dropped && DroppedSomewhere == other.DroppedSomewhere && Aliases.SetEquals(other.Aliases);
        }

        private sealed class Walker : ForwardDataflow<State>
        {
            private readonly HeldRefDrops _owner;
            private readonly HeldRefRoot _root;
            private readonly ImmutableDictionary<int, bool> _constants;
            private readonly int _depth;
            private bool _everyExit = true;
            private bool _someExit;
            private bool _anyExit;

            public Walker(HeldRefDrops owner, ControlFlowGraph cfg, HeldRefRoot root, ImmutableDictionary<int, bool> constants, int depth, CancellationToken cancellationToken)
                : base(cfg, cancellationToken)
            {
                _owner = owner;
                _root = root;
                _constants = constants;
                _depth = depth;
            }

            public DropResult Run()
            {
                RunMethod(State.Start);
                return _anyExit ? new DropResult(_everyExit, _someExit) : new DropResult(true, false);
            }

            protected override State Join(State? a, State b) => State.Join(a, b);

            protected override bool Same(State a, State b) => a.SameAs(b);

            protected override void OnExit(State state, ExitPoint exit, BasicBlock from)
            {
                // A teardown that throws has failed; what it owes is judged on the ways it completes.
                if (exit.IsThrow)
                {
                    return;
                }

                _anyExit = true;
                _everyExit &= state.Dropped;
                _someExit |= state.DroppedSomewhere;
            }

            protected override State Transfer(IOperation operation, State state)
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation assignment:
                        if (IsReference(assignment.Value, state))
                        {
                            if (assignment.Target is IMemberReferenceOperation target && _owner._model.HoldsRef(target.Member) && !IsHolderMember(target))
                            {
                                return state.Drop();
                            }

                            return LocalOf(assignment.Target) is { } local ? state.Alias(local, true) : state;
                        }

                        return LocalOf(assignment.Target) is { } other ? state.Alias(other, false) : state;
                    case IFlowCaptureOperation capture:
                        return state.Alias(capture.Id, IsReference(capture.Value, state));
                    case IReturnOperation { Kind: OperationKind.Return, ReturnedValue: { } returned } when IsReference(returned, state):
                        return state.Drop();
                    case IInvocationOperation invocation:
                        return Call(invocation, invocation.TargetMethod, invocation.Instance, state);
                    case IObjectCreationOperation { Constructor: { } constructor } creation:
                        return Call(creation, constructor, null, state);
                    default:
                        return state;
                }
            }

            protected override (State WhenTrue, State WhenFalse) Split(IOperation? condition, State state)
            {
                if (condition is null)
                {
                    return (state, state);
                }

                var value = Strip(condition);
                if (value is IParameterReferenceOperation { Type.SpecialType: SpecialType.System_Boolean } flag && _constants.TryGetValue(flag.Parameter.Ordinal, out var constant))
                {
                    return constant ? (state, State.Infeasible) : (State.Infeasible, state);
                }

                var (tested, trueWhenNull) = value switch
                {
                    IIsNullOperation isNull => (isNull.Operand, true),
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary when IsNull(binary.RightOperand)
                        => (binary.LeftOperand, binary.OperatorKind == BinaryOperatorKind.Equals),
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary when IsNull(binary.LeftOperand)
                        => (binary.RightOperand, binary.OperatorKind == BinaryOperatorKind.Equals),
                    IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var c } } pattern when IsNull(c) => (pattern.Value, true),
                    IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation { Value: var c } } } pattern when IsNull(c) => (pattern.Value, false),
                    _ => ((IOperation?)null, false),
                };
                if (tested is not null && IsReference(tested, state))
                {
                    // Where the reference is null there is nothing to drop.
                    var whereNull = state.Drop();
                    return trueWhenNull ? (whereNull, state) : (state, whereNull);
                }

                return (state, state);
            }

            private State Call(IOperation call, IMethodSymbol target, IOperation? instance, State state)
            {
                var contract = _owner._model.GetEffectiveContract(target);
                if (contract.DropsRef is { } dropped
                    && (dropped.Parameter is null ? instance : ValueResolver.ArgumentFor(call, dropped.Parameter)) is { } operand && IsReference(operand, state))
                {
                    return state.Drop();
                }

                var arguments = target.Parameters.Select(p => (Parameter: p, Value: ValueResolver.ArgumentFor(call, p))).Where(a => a.Value is not null).ToList();
                if (arguments.Any(a => contract.ConsumesRef.Contains(a.Parameter.OriginalDefinition, SymbolEqualityComparer.Default) && IsReference(a.Value!, state)))
                {
                    return state.Drop();
                }

                if (contract.IsRefPrimitive || !target.Locations.Any(l => l.IsInSource))
                {
                    return state;
                }

                var constants = ImmutableDictionary<int, bool>.Empty;
                foreach (var (parameter, value) in arguments)
                {
                    if (parameter.Type.SpecialType == SpecialType.System_Boolean && value!.ConstantValue is { HasValue: true, Value: bool b })
                    {
                        constants = constants.SetItem(parameter.Ordinal, b);
                    }
                }

                // A helper on the same holder, a helper handed the holder, a helper handed the reference itself.
                if (_root.Kind == HolderKind.This && _root.Member is not null && !target.IsStatic && (instance is null || Strip(instance) is IInstanceReferenceOperation))
                {
                    state = state.With(_owner.Analyze(target, new HeldRefRoot(HolderKind.This, null, _root.Member), constants, _depth + 1));
                }

                foreach (var (parameter, value) in arguments)
                {
                    if (_root.Member is not null && IsHolder(value!))
                    {
                        state = state.With(_owner.Analyze(target, new HeldRefRoot(HolderKind.Parameter, parameter, _root.Member), constants, _depth + 1));
                    }
                    else if (IsReference(value!, state))
                    {
                        state = state.With(_owner.Analyze(target, new HeldRefRoot(HolderKind.Parameter, parameter, null), constants, _depth + 1));
                    }
                }

                return state;
            }

            /// <summary>Whether <paramref name="op"/> is the reference: a load of the member from the holder, the parameter, or an alias.</summary>
            private bool IsReference(IOperation op, State state)
            {
                op = Strip(op);
                switch (op)
                {
                    case ILocalReferenceOperation local:
                        return state.Aliases.Contains(local.Local);
                    case IFlowCaptureReferenceOperation capture:
                        return state.Aliases.Contains(capture.Id);
                    case IParameterReferenceOperation parameter when _root.Member is null:
                        return SymbolEqualityComparer.Default.Equals(parameter.Parameter.OriginalDefinition, _root.Parameter?.OriginalDefinition);
                    case IMemberReferenceOperation member when _root.Member is not null:
                        return SymbolEqualityComparer.Default.Equals(member.Member.OriginalDefinition, _root.Member.OriginalDefinition) && IsHolderMember(member);
                    default:
                        return false;
                }
            }

            private bool IsHolderMember(IMemberReferenceOperation member)
                => _root.Member is not null && SymbolEqualityComparer.Default.Equals(member.Member.OriginalDefinition, _root.Member.OriginalDefinition)
                   && (_root.Kind == HolderKind.AnyInstance || (member.Instance is { } instance && IsHolder(instance)));

            private bool IsHolder(IOperation op) => Strip(op) switch
            {
                IInstanceReferenceOperation => _root.Kind == HolderKind.This,
                IParameterReferenceOperation p => _root.Kind == HolderKind.Parameter && SymbolEqualityComparer.Default.Equals(p.Parameter.OriginalDefinition, _root.Parameter?.OriginalDefinition),
                _ => false,
            };

            private static object? LocalOf(IOperation target) => target switch
            {
                ILocalReferenceOperation local => local.Local,
                _ => null,
            };

            private static bool IsNull(IOperation op) => Strip(op).ConstantValue is { HasValue: true, Value: null };

            private static IOperation Strip(IOperation op) => ValueResolver.StripConversions(op);
        }
    }
}
