using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// A symbol written so that it names no compilation, found again (<see cref="SymbolResolver"/>) in any later compilation with
    /// the same declarations: a source definition by its container, kind and name (and its documentation-comment ID when the
    /// name alone is ambiguous), never by position, so an edit that moves declarations leaves it standing; a parameter or type
    /// parameter by its owner and ordinal; a constructed type or method by its definition and type arguments; a symbol of a
    /// referenced assembly as itself (compilations with the same references share those). A lambda, local function or local has
    /// no name outside its body: it is found again where it is written, in the very tree it was written in (held weakly) or
    /// where an edit of that tree moved it. Anonymous types and error types have no identity.
    /// </summary>
    internal abstract class SymbolIdentity
    {
        private SymbolIdentity()
        {
        }

        /// <summary>The symbol in the resolver's compilation; null when it has no counterpart there.</summary>
        internal abstract ISymbol? Find(SymbolResolver resolver);

        /// <summary>Describes symbols of one compilation, each once.</summary>
        internal sealed class Describer
        {
            private readonly IAssemblySymbol _sourceAssembly;
            private readonly Dictionary<ISymbol, SymbolIdentity?> _described = new(SymbolEqualityComparer.IncludeNullability);

            // One weak reference per tree for everything written in it (each holds a handle of the runtime's).
            private readonly Dictionary<SyntaxTree, WeakReference<SyntaxTree>> _trees = new();

            public Describer(IAssemblySymbol sourceAssembly) => _sourceAssembly = sourceAssembly;

            /// <summary>The identity of <paramref name="symbol"/>; null when it has none (its facts cannot outlive the compilation).</summary>
            public SymbolIdentity? Of(ISymbol symbol)
            {
                if (!_described.TryGetValue(symbol, out var identity))
                {
                    identity = Describe(symbol);
                    _described[symbol] = identity;
                }

                return identity;
            }

            private SymbolIdentity? Describe(ISymbol symbol)
            {
                if (!IsFromSource(symbol))
                {
                    return symbol is IErrorTypeSymbol ? null : new Shared(symbol);
                }

                switch (symbol)
                {
                    case IArrayTypeSymbol array:
                        return Of(array.ElementType) is { } element ? new ArrayOf(element, array.Rank) : null;
                    case ITypeParameterSymbol typeParameter:
                        return Of((ISymbol?)typeParameter.DeclaringMethod ?? typeParameter.DeclaringType!) is { } typeParameterOwner ? new Ordinal(typeParameterOwner, SymbolKind.TypeParameter, typeParameter.Ordinal) : null;
                    case IParameterSymbol parameter:
                        return parameter.ContainingSymbol is IMethodSymbol or IPropertySymbol && Of(parameter.ContainingSymbol) is { } parameterOwner ? new Ordinal(parameterOwner, SymbolKind.Parameter, parameter.Ordinal) : null;
                    case INamedTypeSymbol { IsTupleType: true, TupleUnderlyingType: { } underlying } tuple:
                        return Of(underlying) is { } underlyingIdentity ? new Tuple(underlyingIdentity, tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToImmutableArray()) : null;
                    case INamedTypeSymbol type when type.IsAnonymousType || type is IErrorTypeSymbol:
                        return null;
                    case INamedTypeSymbol type when !IsDefinition(type):
                        return Constructed(type.OriginalDefinition, type.ContainingType, type.TypeArguments, typeArgumentsOwnedBy: true);
                    case IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } or IMethodSymbol { MethodKind: MethodKind.LocalFunction } or ILocalSymbol:
                        return Written.Of(symbol, WeakTree);
                    case IMethodSymbol { MethodKind: MethodKind.ReducedExtension, ReducedFrom: { IsGenericMethod: false } unreduced, ReceiverType: { } receiver }:
                        return Of(unreduced) is { } unreducedIdentity && Of(receiver) is { } receiverIdentity ? new Reduced(unreducedIdentity, receiverIdentity) : null;
                    case IMethodSymbol { MethodKind: MethodKind.ReducedExtension }:
                        return null;
                    case IMethodSymbol { PartialDefinitionPart: { } definition }:
                        return Of(definition) is { } definitionIdentity ? new PartialImplementation(definitionIdentity) : null;
                    case IMethodSymbol method when !IsDefinition(method):
                        return Constructed(method.OriginalDefinition, method.ContainingType, method.TypeArguments, typeArgumentsOwnedBy: method.IsGenericMethod && !SymbolEqualityComparer.Default.Equals(method.ConstructedFrom, method));
                    case IFieldSymbol or IPropertySymbol or IEventSymbol when !IsDefinition(symbol):
                        return Constructed(symbol.OriginalDefinition, symbol.ContainingType, ImmutableArray<ITypeSymbol>.Empty, typeArgumentsOwnedBy: false);
                    case INamespaceSymbol { IsGlobalNamespace: true }:
                        return GlobalNamespace.Instance;
                    case INamespaceSymbol space:
                        return Of(space.ContainingNamespace) is { } outer ? new Namespace(outer, space.Name) : null;
                    case IMethodSymbol { IsImplicitlyDeclared: true, MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor:
                        return Of(constructor.ContainingType) is { } constructed ? new ImplicitConstructor(constructed, constructor.MethodKind == MethodKind.StaticConstructor, constructor.Parameters.Length) : null;
                    case INamedTypeSymbol or IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol:
                        return DeclaredMember(symbol);
                    default:
                        return null;
                }
            }

            private SymbolIdentity? Constructed(ISymbol definition, INamedTypeSymbol? containingType, ImmutableArray<ITypeSymbol> typeArguments, bool typeArgumentsOwnedBy)
            {
                if (Of(definition) is not { } definitionIdentity)
                {
                    return null;
                }

                SymbolIdentity? container = null;
                if (containingType is not null && !IsDefinition(containingType) && (container = Of(containingType)) is null)
                {
                    return null;
                }

                var arguments = ImmutableArray.CreateBuilder<SymbolIdentity>(typeArgumentsOwnedBy ? typeArguments.Length : 0);
                foreach (var argument in typeArgumentsOwnedBy ? typeArguments : ImmutableArray<ITypeSymbol>.Empty)
                {
                    if (Of(argument) is not { } argumentIdentity)
                    {
                        return null;
                    }

                    arguments.Add(argumentIdentity);
                }

                return new ConstructedFrom(definitionIdentity, container, arguments.MoveToImmutable());
            }

            /// <summary>
            /// A definition by its container, kind and name; with its documentation-comment ID when another member of its container
            /// has the same name and kind (overloads, indexers), since building and comparing IDs costs more than names.
            /// </summary>
            private SymbolIdentity? DeclaredMember(ISymbol symbol)
            {
                var container = symbol is INamedTypeSymbol type ? (ISymbol?)type.ContainingType ?? type.ContainingNamespace : symbol.ContainingType;
                if (container is not INamespaceOrTypeSymbol containerSymbol || Of(container) is not { } containerIdentity)
                {
                    return null;
                }

                var arity = (symbol as INamedTypeSymbol)?.Arity ?? 0;
                var same = Declared.Candidates(containerSymbol, symbol.Kind, symbol.Name, arity, symbol.IsImplicitlyDeclared).Count();
                string? id = null;
                if (same != 1 && (id = DocumentationCommentId.CreateDeclarationId(symbol)) is null)
                {
                    return null;
                }

                return new Declared(containerIdentity, symbol.Kind, symbol.Name, arity, symbol.IsImplicitlyDeclared, id);
            }

            private WeakReference<SyntaxTree> WeakTree(SyntaxTree tree)
            {
                if (!_trees.TryGetValue(tree, out var weak))
                {
                    _trees[tree] = weak = new WeakReference<SyntaxTree>(tree);
                }

                return weak;
            }

            /// <summary>Declared in the compilation's own trees (or its assembly), not in a referenced assembly.</summary>
            private bool IsFromSource(ISymbol symbol)
                => symbol switch
                {
                    IArrayTypeSymbol or ITypeParameterSymbol or IParameterSymbol or ILocalSymbol => true,
                    INamedTypeSymbol or IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol when !IsDefinition(symbol) => true,
                    _ => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _sourceAssembly) || symbol.Locations.Any(l => l.IsInSource),
                };
        }

        /// <summary>Not constructed from a generic definition (a nullable annotation alone makes another object, not another symbol).</summary>
        internal static bool IsDefinition(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol, symbol.OriginalDefinition);

        /// <summary>A symbol of a referenced assembly, which every compilation with the same references shares.</summary>
        private sealed class Shared : SymbolIdentity
        {
            private readonly ISymbol _symbol;

            public Shared(ISymbol symbol) => _symbol = symbol;

            internal override ISymbol? Find(SymbolResolver resolver) => _symbol;
        }

        private sealed class GlobalNamespace : SymbolIdentity
        {
            public static readonly GlobalNamespace Instance = new();

            internal override ISymbol? Find(SymbolResolver resolver) => resolver.Compilation.Assembly.GlobalNamespace;
        }

        private sealed class Namespace : SymbolIdentity
        {
            private readonly SymbolIdentity _outer;
            private readonly string _name;

            public Namespace(SymbolIdentity outer, string name)
            {
                _outer = outer;
                _name = name;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
                => (resolver.Find(_outer) as INamespaceSymbol)?.GetNamespaceMembers().FirstOrDefault(n => n.Name == _name);
        }

        /// <summary>A definition written out in source, by container, kind and name (and ID, when the name is ambiguous).</summary>
        private sealed class Declared : SymbolIdentity
        {
            private readonly SymbolIdentity _container;
            private readonly SymbolKind _kind;
            private readonly string _name;
            private readonly int _arity;
            private readonly bool _implicit;
            private readonly string? _id;

            public Declared(SymbolIdentity container, SymbolKind kind, string name, int arity, bool isImplicit, string? id)
            {
                _container = container;
                _kind = kind;
                _name = name;
                _arity = arity;
                _implicit = isImplicit;
                _id = id;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
            {
                if (resolver.Find(_container) is not INamespaceOrTypeSymbol container)
                {
                    return null;
                }

                ISymbol? found = null;
                foreach (var candidate in Candidates(container, _kind, _name, _arity, _implicit))
                {
                    if (_id is null || DocumentationCommentId.CreateDeclarationId(candidate) == _id)
                    {
                        if (found is not null)
                        {
                            return null;
                        }

                        found = candidate;
                    }
                }

                return found;
            }

            /// <summary>The members of <paramref name="container"/> a declaration of that kind and name may be.</summary>
            public static IEnumerable<ISymbol> Candidates(INamespaceOrTypeSymbol container, SymbolKind kind, string name, int arity, bool isImplicit)
            {
                var members = kind == SymbolKind.NamedType ? container.GetTypeMembers(name, arity).CastArray<ISymbol>() : container.GetMembers(name);
                foreach (var member in members)
                {
                    if (member.Kind == kind && member.IsImplicitlyDeclared == isImplicit)
                    {
                        yield return member;
                    }
                }
            }
        }

        /// <summary>
        /// A constructor the compiler declares (a class's parameterless one, a static one for field initializers, a record's copy
        /// constructor): the one of its type with the same kind and parameter count, when there is one only.
        /// </summary>
        private sealed class ImplicitConstructor : SymbolIdentity
        {
            private readonly SymbolIdentity _type;
            private readonly bool _static;
            private readonly int _parameters;

            public ImplicitConstructor(SymbolIdentity type, bool isStatic, int parameters)
            {
                _type = type;
                _static = isStatic;
                _parameters = parameters;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
            {
                if (resolver.Find(_type) is not INamedTypeSymbol type)
                {
                    return null;
                }

                IMethodSymbol? found = null;
                foreach (var candidate in _static ? type.StaticConstructors : type.InstanceConstructors)
                {
                    if (candidate.IsImplicitlyDeclared && candidate.Parameters.Length == _parameters)
                    {
                        if (found is not null)
                        {
                            return null;
                        }

                        found = candidate;
                    }
                }

                return found;
            }
        }

        /// <summary>A parameter or type parameter, by its owner and ordinal.</summary>
        private sealed class Ordinal : SymbolIdentity
        {
            private readonly SymbolIdentity _owner;
            private readonly SymbolKind _kind;
            private readonly int _ordinal;

            public Ordinal(SymbolIdentity owner, SymbolKind kind, int ordinal)
            {
                _owner = owner;
                _kind = kind;
                _ordinal = ordinal;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
            {
                var all = (_kind, resolver.Find(_owner)) switch
                {
                    (SymbolKind.Parameter, IMethodSymbol method) => method.Parameters.CastArray<ISymbol>(),
                    (SymbolKind.Parameter, IPropertySymbol property) => property.Parameters.CastArray<ISymbol>(),
                    (SymbolKind.TypeParameter, IMethodSymbol method) => method.TypeParameters.CastArray<ISymbol>(),
                    (SymbolKind.TypeParameter, INamedTypeSymbol type) => type.TypeParameters.CastArray<ISymbol>(),
                    _ => ImmutableArray<ISymbol>.Empty,
                };
                return _ordinal < all.Length ? all[_ordinal] : null;
            }
        }

        private sealed class ArrayOf : SymbolIdentity
        {
            private readonly SymbolIdentity _element;
            private readonly int _rank;

            public ArrayOf(SymbolIdentity element, int rank)
            {
                _element = element;
                _rank = rank;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
                => resolver.Find(_element) is ITypeSymbol element ? resolver.Compilation.CreateArrayTypeSymbol(element, _rank) : null;
        }

        /// <summary>
        /// A type or method constructed from a definition, or a member of a constructed type: the definition, in the constructed
        /// container when there is one, with its own type arguments when it has them.
        /// </summary>
        private sealed class ConstructedFrom : SymbolIdentity
        {
            private readonly SymbolIdentity _definition;
            private readonly SymbolIdentity? _container;
            private readonly ImmutableArray<SymbolIdentity> _typeArguments;

            public ConstructedFrom(SymbolIdentity definition, SymbolIdentity? container, ImmutableArray<SymbolIdentity> typeArguments)
            {
                _definition = definition;
                _container = container;
                _typeArguments = typeArguments;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
            {
                var member = resolver.Find(_definition);
                if (member is null)
                {
                    return null;
                }

                if (_container is not null)
                {
                    // A member of a constructed type (List<T>.Enumerator, Box<Gate>.Value): the container's member of that definition.
                    var definition = member;
                    member = resolver.Find(_container) is INamedTypeSymbol container
                        ? (definition is INamedTypeSymbol ? container.GetTypeMembers(definition.Name).CastArray<ISymbol>() : container.GetMembers(definition.Name))
                            .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, definition))
                        : null;
                }

                if (member is null || _typeArguments.IsEmpty)
                {
                    return member;
                }

                var arguments = new ITypeSymbol[_typeArguments.Length];
                for (var i = 0; i < arguments.Length; i++)
                {
                    if (resolver.Find(_typeArguments[i]) is not ITypeSymbol argument)
                    {
                        return null;
                    }

                    arguments[i] = argument;
                }

                return member switch
                {
                    INamedTypeSymbol { IsGenericType: true } type when type.Arity == arguments.Length => type.Construct(arguments),
                    IMethodSymbol { IsGenericMethod: true } method when method.Arity == arguments.Length => method.Construct(arguments),
                    _ => null,
                };
            }
        }

        /// <summary>A tuple with element names: its underlying <c>ValueTuple</c> and the names.</summary>
        private sealed class Tuple : SymbolIdentity
        {
            private readonly SymbolIdentity _underlying;
            private readonly ImmutableArray<string?> _names;

            public Tuple(SymbolIdentity underlying, ImmutableArray<string?> names)
            {
                _underlying = underlying;
                _names = names;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
                => resolver.Find(_underlying) is INamedTypeSymbol underlying ? resolver.Compilation.CreateTupleTypeSymbol(underlying, _names) : null;
        }

        private sealed class Reduced : SymbolIdentity
        {
            private readonly SymbolIdentity _unreduced;
            private readonly SymbolIdentity _receiver;

            public Reduced(SymbolIdentity unreduced, SymbolIdentity receiver)
            {
                _unreduced = unreduced;
                _receiver = receiver;
            }

            internal override ISymbol? Find(SymbolResolver resolver)
                => resolver.Find(_unreduced) is IMethodSymbol unreduced && resolver.Find(_receiver) is ITypeSymbol receiver ? unreduced.ReduceExtensionMethod(receiver) : null;
        }

        private sealed class PartialImplementation : SymbolIdentity
        {
            private readonly SymbolIdentity _definition;

            public PartialImplementation(SymbolIdentity definition) => _definition = definition;

            internal override ISymbol? Find(SymbolResolver resolver) => (resolver.Find(_definition) as IMethodSymbol)?.PartialImplementationPart;
        }

        /// <summary>A lambda, local function or local: where it is written, in the tree it was written in.</summary>
        private sealed class Written : SymbolIdentity
        {
            private readonly WeakReference<SyntaxTree> _tree;
            private readonly string _path;
            private readonly TextSpan _span;
            private readonly int _syntaxKind;
            private readonly SymbolKind _kind;
            private readonly bool _lambda;

            private Written(WeakReference<SyntaxTree> tree, string path, TextSpan span, int syntaxKind, ISymbol symbol)
            {
                _tree = tree;
                _path = path;
                _span = span;
                _syntaxKind = syntaxKind;
                _kind = symbol.Kind;
                _lambda = symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction };
            }

            public static SymbolIdentity? Of(ISymbol symbol, Func<SyntaxTree, WeakReference<SyntaxTree>> weakTree)
                => symbol.DeclaringSyntaxReferences is { Length: 1 } references
                    ? new Written(weakTree(references[0].SyntaxTree), references[0].SyntaxTree.FilePath, references[0].Span, references[0].GetSyntax().RawKind, symbol)
                    : null;

            internal override ISymbol? Find(SymbolResolver resolver)
            {
                if (!_tree.TryGetTarget(out var written) || resolver.WhereNow(written, _path, _span) is not (var tree, var span))
                {
                    return null;
                }

                var node = tree.GetRoot(resolver.CancellationToken).FindNode(span, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().FirstOrDefault(n => n.Span == span && n.RawKind == _syntaxKind);
                if (node is null)
                {
                    return null;
                }

                var model = resolver.ModelOf(tree);
                var found = _lambda ? model.GetSymbolInfo(node, resolver.CancellationToken).Symbol : model.GetDeclaredSymbol(node, resolver.CancellationToken);
                return found?.Kind == _kind ? found : null;
            }
        }
    }
}
