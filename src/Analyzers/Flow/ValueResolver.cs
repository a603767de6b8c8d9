using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>
    /// Sees through the CFG's flow captures and single-assignment locals to the expression a value came from, and names that
    /// value as an instance path (<c>this.Lock</c>, <c>group.GroupLock</c>, <c>Ns.MatrixDev.Lock</c>) and as a lock class.
    /// </summary>
    internal sealed class ValueResolver
    {
        private readonly Dictionary<CaptureId, IOperation> _captures = new();
        private readonly Dictionary<ILocalSymbol, IOperation?> _localDefinitions = new(SymbolEqualityComparer.Default);

        // For a local whose one definition takes a value out of a collection: that taking (`Current` of a foreach, the call with the
        // `out` argument).
        private readonly Dictionary<ILocalSymbol, IOperation?> _elementSources = new(SymbolEqualityComparer.Default);
        private readonly ISymbol _owner;
        private readonly LockTypes? _lockTypes;

        public ValueResolver(ControlFlowGraph cfg, ISymbol owner, LockTypes? lockTypes = null)
        {
            _owner = owner;
            _lockTypes = lockTypes;
            // Every body the walk binds is read here once, so one stack serves all its operations (in the order of
            // Descendants: the first capture of an id and the first definition of a local win).
            var stack = new Stack<IOperation>();
            foreach (var block in cfg.Blocks)
            {
                for (var i = 0; i <= block.Operations.Length; i++)
                {
                    var root = i < block.Operations.Length ? block.Operations[i] : block.BranchValue;
                    if (root is null)
                    {
                        continue;
                    }

                    stack.Push(root);
                    while (stack.Count > 0)
                    {
                        var op = stack.Pop();
                        if (op is not (IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation))
                        {
                            foreach (var child in op.ChildOperations.Reverse())
                            {
                                stack.Push(child);
                            }
                        }

                        switch (op)
                        {
                            case IFlowCaptureOperation capture when !_captures.ContainsKey(capture.Id):
                                _captures[capture.Id] = capture.Value;
                                break;
                            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                                // A foreach variable is each element in turn, not the enumerator's `Current` as one lock.
                                var isElement = StripConversions(assignment.Value) is IPropertyReferenceOperation { IsImplicit: true, Property.Name: "Current" };
                                Define(local.Local, isElement ? null : assignment.Value, isElement ? assignment.Value : null);
                                break;
                            case ICompoundAssignmentOperation { Target: ILocalReferenceOperation local }:
                                Define(local.Local, null, null);
                                break;
                            case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref } argument
                                when OutLocal(argument.Value) is { } written:
                                // `_byId.TryGetValue(id, out var c)`: the value is one of the collection's, when the callee is the collection's.
                                Define(written, null, argument.Parent is IInvocationOperation { Instance: { } receiver } call && IsCollection(receiver.Type) ? call : null);
                                break;
                        }
                    }
                }
            }
        }

        private void Define(ILocalSymbol local, IOperation? value, IOperation? elementSource)
        {
            var first = !_localDefinitions.ContainsKey(local);
            _localDefinitions[local] = first ? value : null;
            _elementSources[local] = first ? elementSource : null;
        }

        private static ILocalSymbol? OutLocal(IOperation value) => value switch
        {
            ILocalReferenceOperation local => local.Local,
            IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local } => local.Local,
            _ => null,
        };

        private static bool IsCollection(ITypeSymbol? type)
            => type is IArrayTypeSymbol
               || (type is not null && (type.SpecialType == SpecialType.System_Collections_IEnumerable
                   || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable)));

        /// <summary>The value a local holds when one assignment (a declaration's included) is all that ever stores into it.</summary>
        public IOperation? DefinitionOf(ILocalSymbol local) => _localDefinitions.TryGetValue(local, out var definition) ? definition : null;

        /// <summary>Pre-order descendants, not entering lambdas (their bodies run later, as their own methods).</summary>
        public static IEnumerable<IOperation> Descendants(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var op = stack.Pop();
                yield return op;
                if (op is IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation)
                {
                    continue;
                }

                foreach (var child in op.ChildOperations.Reverse())
                {
                    stack.Push(child);
                }
            }
        }

        /// <summary>Strips conversions and parentheses (no flow captures: for operations read outside a graph, or across methods).</summary>
        public static IOperation StripConversions(IOperation op)
        {
            while (true)
            {
                switch (op)
                {
                    case IConversionOperation conversion:
                        op = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        op = parenthesized.Operand;
                        continue;
                    default:
                        return op;
                }
            }
        }

        /// <summary>Strips conversions, parentheses and flow captures.</summary>
        public IOperation Unwrap(IOperation op)
        {
            for (var guard = 0; guard < 64; guard++)
            {
                op = StripConversions(op);
                if (op is not IFlowCaptureReferenceOperation reference || !_captures.TryGetValue(reference.Id, out var value))
                {
                    return op;
                }

                op = value;
            }

            return op;
        }

        /// <summary>The tie key of a value: its local, or its flow capture.</summary>
        public object? TieKeyOf(IOperation op)
        {
            while (op is IConversionOperation or IParenthesizedOperation)
            {
                op = op is IConversionOperation c ? c.Operand : ((IParenthesizedOperation)op).Operand;
            }

            return op switch
            {
                ILocalReferenceOperation local => local.Local,
                IFlowCaptureReferenceOperation capture => capture.Id,
                _ => null,
            };
        }

        /// <summary>The value as a path in this method's frame, or null when it cannot be named.</summary>
        public string? PathOf(IOperation? op)
        {
            for (var guard = 0; op is not null && guard < 32; guard++)
            {
                op = Unwrap(op);
                switch (op)
                {
                    case IInstanceReferenceOperation:
                        return "this";
                    case IParameterReferenceOperation p:
                        return p.Parameter.Name;
                    case ILocalReferenceOperation l:
                        // An indexer's result (`var gate = _locks[key]`) has no path of its own: the local names it.
                        if (_localDefinitions.TryGetValue(l.Local, out var definition) && definition is not null
                            && Unwrap(definition) is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 } or IParameterReferenceOperation)
                        {
                            op = definition;
                            continue;
                        }

                        return l.Local.Name;
                    case IMemberReferenceOperation member when member is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 }:
                        if (member.Member.IsStatic)
                        {
                            return member.Member.ContainingType.ToDisplayString() + "." + member.Member.Name;
                        }

                        var inner = PathOf(member.Instance);
                        return inner is null ? null : inner + "." + member.Member.Name;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The lock class of a locked value: the member it reads, the enclosing type for <c>this</c>, else the variable.</summary>
        public LockClass ClassOf(IOperation op)
        {
            op = Unwrap(op);
            // A type whose own code locks `this` makes its instances the lock: `lock (child)` anywhere else takes the lock
            // `lock (this)` takes inside Child, whatever field, local or parameter names it. Not for a lock primitive (a type with
            // [Acquires] members): its fields keep their own classes, as its body is not followed.
            if (op is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                && op.Type is INamedTypeSymbol { TypeKind: TypeKind.Class } lockedType && _lockTypes is { } lockTypes
                && lockTypes.LocksThis(lockedType) && !lockTypes.IsLockType(lockedType))
            {
                return LockClass.ForType(lockedType.OriginalDefinition);
            }

            switch (op)
            {
                case IFieldReferenceOperation f:
                    return LockClass.ForMember(f.Field.OriginalDefinition);
                case IPropertyReferenceOperation { Arguments.Length: > 0 } indexer:
                    return ElementClassOf(indexer, indexer.Type) ?? ExpressionClass(op);
                case IPropertyReferenceOperation { Instance: ILocalReferenceOperation pair } p when !KnownSymbols.IsInSource(p.Property)
                                                                                                 && ElementsHeldIn(pair.Local, p.Type) is { } pairElements:
                    // `foreach (var kv in _byId) lock (kv.Value)`: a part of an element (the framework's pair) is the collection's too.
                    return pairElements;
                case IPropertyReferenceOperation p:
                    return LockClass.ForMember(p.Property.OriginalDefinition);
                case IInstanceReferenceOperation instance when instance.Type is INamedTypeSymbol type:
                    return LockClass.ForType(type.OriginalDefinition);
                case ILocalReferenceOperation l:
                    if (_localDefinitions.TryGetValue(l.Local, out var definition) && definition is not null
                        && Unwrap(definition) is IFieldReferenceOperation or IPropertyReferenceOperation)
                    {
                        return ClassOf(definition);
                    }

                    if (ElementsHeldIn(l.Local, l.Local.Type) is { } elements)
                    {
                        return elements;
                    }

                    if (definition is not null && ElementClassOf(definition, l.Local.Type) is { } selected)
                    {
                        return selected;
                    }

                    return LockClass.ForLocal(l.Local, _owner);
                case IParameterReferenceOperation p:
                    return LockClass.ForLocal(p.Parameter, _owner);
                case IInvocationOperation call:
                    return ElementClassOf(call, call.Type)
                           ?? new LockClass("call:" + call.TargetMethod.OriginalDefinition.ToDisplayString(), call.TargetMethod.Name + "()", call.TargetMethod.OriginalDefinition);
                default:
                    return op.Type is INamedTypeSymbol named ? LockClass.ForType(named.OriginalDefinition) : ExpressionClass(op);
            }
        }

        /// <summary>The class of a collection's elements, when <paramref name="local"/>'s one definition took a value out of it.</summary>
        private LockClass? ElementsHeldIn(ILocalSymbol local, ITypeSymbol? elementType)
            => _elementSources.TryGetValue(local, out var taking) && taking is not null ? ElementClassOf(taking, elementType) : null;

        private static LockClass ExpressionClass(IOperation op) => new("expr:" + op.Syntax, op.Syntax.ToString(), null);

        /// <summary>
        /// The class of a value taken out of a collection member: the element of a foreach over it, the result of its indexer, of
        /// a <c>TryGetValue</c>-style call on it, or of <c>First()</c> and its kin. Null when the collection is no member (a method's
        /// result, a parameter), so the lock keeps a class of its own rather than one shared by unrelated collections.
        /// </summary>
        private LockClass? ElementClassOf(IOperation taking, ITypeSymbol? elementType)
        {
            var collection = Unwrap(taking) switch
            {
                IPropertyReferenceOperation { Property.Name: "Current", Instance: { } enumerator }
                    => Unwrap(enumerator) is IInvocationOperation { TargetMethod.Name: "GetEnumerator" } getEnumerator
                        ? getEnumerator.Instance ?? (getEnumerator.Arguments.Length == 1 ? getEnumerator.Arguments[0].Value : null)
                        : null,
                IPropertyReferenceOperation { Arguments.Length: > 0, Instance: { } receiver } when IsCollection(receiver.Type) => receiver,
                IInvocationOperation { Instance: { } receiver } call when IsCollection(receiver.Type) && !KnownSymbols.IsInSource(call.TargetMethod)
                                                                          && (call.Arguments.Any(a => a.Parameter?.RefKind == RefKind.Out) || !IsCollection(call.Type)) => receiver,
                IInvocationOperation call when IsElementSelection(call) => call.Arguments[0].Value,
                _ => null,
            };
            return collection is not null && CollectionMember(collection, 0) is { } member ? LockClass.ForElementsOf(member, elementType) : null;
        }

        /// <summary>
        /// The field or property a collection value is, seeing through single-definition locals and through the framework's views
        /// and copies of a collection (<c>_byId.Values</c>, <c>_conns.ToArray()</c>, <c>_conns.Where(...)</c>), whose elements are
        /// the collection's own.
        /// </summary>
        private ISymbol? CollectionMember(IOperation collection, int depth)
        {
            if (depth > 8)
            {
                return null;
            }

            switch (Unwrap(collection))
            {
                case IFieldReferenceOperation field when KnownSymbols.IsInSource(field.Field):
                    return field.Field.OriginalDefinition;
                case IPropertyReferenceOperation { Arguments.Length: 0 } property when KnownSymbols.IsInSource(property.Property):
                    return property.Property.OriginalDefinition;
                case IPropertyReferenceOperation { Instance: { } owner } property when IsCollection(owner.Type) && IsCollection(property.Type):
                    return CollectionMember(owner, depth + 1);
                case IInvocationOperation { Instance: { } owner } call when !KnownSymbols.IsInSource(call.TargetMethod) && IsCollection(owner.Type) && IsCollection(call.Type):
                    return CollectionMember(owner, depth + 1);
                case IInvocationOperation { Instance: null, Arguments.Length: > 0 } call when call.TargetMethod.IsExtensionMethod && !KnownSymbols.IsInSource(call.TargetMethod)
                                                                                          && IsCollection(call.Arguments[0].Value.Type) && IsCollection(call.Type):
                    return CollectionMember(call.Arguments[0].Value, depth + 1);
                case ILocalReferenceOperation local when _localDefinitions.TryGetValue(local.Local, out var definition) && definition is not null:
                    return CollectionMember(definition, depth + 1);
                default:
                    return null;
            }
        }

        private static bool IsElementSelection(IInvocationOperation call)
            => call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 && !KnownSymbols.IsInSource(call.TargetMethod)
               && call.TargetMethod.ContainingType.ToDisplayString() == "System.Linq.Enumerable"
               && call.TargetMethod.Name is "First" or "FirstOrDefault" or "Last" or "LastOrDefault" or "Single" or "SingleOrDefault" or "ElementAt" or "ElementAtOrDefault";

        /// <summary>The receiver, or the argument bound to <paramref name="parameter"/>, of a call.</summary>
        public static IOperation? ArgumentFor(IOperation call, IParameterSymbol parameter)
        {
            var arguments = call switch
            {
                IInvocationOperation i => i.Arguments,
                IObjectCreationOperation o => o.Arguments,
                IPropertyReferenceOperation p => p.Arguments,
                _ => default,
            };
            if (arguments.IsDefault)
            {
                return null;
            }

            foreach (var argument in arguments)
            {
                if (argument.Parameter is not null && argument.Parameter.Ordinal == parameter.Ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        public static IOperation? ReceiverOf(IOperation call) => call switch
        {
            IInvocationOperation i => i.Instance,
            IPropertyReferenceOperation p => p.Instance,
            _ => null,
        };
    }
}
