using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// The symbol of one compilation that stands for a symbol of an earlier one with the same declarations: a source member by
    /// its declaration (where it is declared in a tree both share, or, in a tree an edit replaced, where the edit moved its name),
    /// else by its documentation-comment ID; a parameter or type parameter by its owner and ordinal, a constructed type or method by its
    /// definition and type arguments. Symbols of referenced assemblies are shared when the references are. A lambda, a local
    /// function or a local has no name outside its body: in a tree both compilations share, it is found again at its own syntax
    /// (which binds that member's body, but walks nothing). An anonymous type or a tuple does not map: the facts that mention it
    /// are walked again. Not safe to use from several threads: each takes its own (<see cref="ForOneThread"/>).
    /// </summary>
    internal sealed class SymbolMap
    {
        private readonly Counterparts _shared;

        // The map's own answers. Each tree restated at once has its own map (ForOneThread): a cache shared by the threads took a
        // lock on every symbol added, and the other thread spun on it (a third of restating's thread time in a profile); asking
        // Roslyn again in each map is cheap, as it keeps the members it made.
        private readonly Dictionary<ISymbol, ISymbol?> _mapped = new(SymbolEqualityComparer.IncludeNullability);

        /// <param name="edits">The edits that made <paramref name="to"/>'s trees from <paramref name="from"/>'s, when no declaration changed.</param>
        public SymbolMap(Compilation from, Compilation to, System.Threading.CancellationToken cancellationToken, IEnumerable<Lineage.Edit>? edits = null)
            : this(new Counterparts(from, to, cancellationToken, edits))
        {
        }

        private SymbolMap(Counterparts shared)
        {
            _shared = shared;
        }

        /// <summary>A map between the same compilations with a cache of its own, for use on one thread while others use theirs.</summary>
        public SymbolMap ForOneThread() => new(_shared);

        /// <summary>What every map between two compilations shares: read only, except the semantic models made for lambdas.</summary>
        private sealed class Counterparts
        {
            public Counterparts(Compilation from, Compilation to, System.Threading.CancellationToken cancellationToken, IEnumerable<Lineage.Edit>? edits)
            {
                foreach (var edit in edits ?? Enumerable.Empty<Lineage.Edit>())
                {
                    Edited[edit.Before] = edit;
                }

                CancellationToken = cancellationToken;
                From = from;
                To = to;
                ReferencesShared = SymbolMap.ReferencesShared(from, to);
                SharedTrees = new HashSet<SyntaxTree>(to.SyntaxTrees.Intersect(from.SyntaxTrees));
            }

            public Compilation From { get; }

            public Compilation To { get; }

            public bool ReferencesShared { get; }

            public HashSet<SyntaxTree> SharedTrees { get; }

            public System.Threading.CancellationToken CancellationToken { get; }

            /// <summary>The trees an edit replaced, by their earlier version: their declarations are where they were, moved by the edit.</summary>
            public Dictionary<SyntaxTree, Lineage.Edit> Edited { get; } = new();

            public ConcurrentDictionary<SyntaxTree, SemanticModel> Models { get; } = new();
        }

        /// <summary>The counterpart of <paramref name="symbol"/>, or null when it has none.</summary>
        public T? Map<T>(T? symbol)
            where T : class, ISymbol
        {
            if (symbol is null)
            {
                return null;
            }

            if (!_mapped.TryGetValue(symbol, out var mapped))
            {
                mapped = Translate(symbol);
                if (mapped is not null && mapped.Kind != symbol.Kind)
                {
                    mapped = null;
                }

                _mapped[symbol] = mapped;
            }

            return mapped as T;
        }

        private ISymbol? Translate(ISymbol symbol)
        {
            if (!IsFromSource(symbol))
            {
                return _shared.ReferencesShared ? symbol : null;
            }

            switch (symbol)
            {
                case IArrayTypeSymbol array:
                    return Map(array.ElementType) is { } element ? _shared.To.CreateArrayTypeSymbol(element, array.Rank) : null;
                case ITypeParameterSymbol typeParameter:
                    if (typeParameter.DeclaringMethod is { } declaringMethod)
                    {
                        return Map(declaringMethod) is { } mappedMethod && typeParameter.Ordinal < mappedMethod.TypeParameters.Length ? mappedMethod.TypeParameters[typeParameter.Ordinal] : null;
                    }

                    return Map(typeParameter.DeclaringType) is { } mappedType && typeParameter.Ordinal < mappedType.TypeParameters.Length ? mappedType.TypeParameters[typeParameter.Ordinal] : null;
                case IParameterSymbol parameter:
                    return parameter.ContainingSymbol switch
                    {
                        IMethodSymbol owner => Map(owner) is { } m && parameter.Ordinal < m.Parameters.Length ? m.Parameters[parameter.Ordinal] : null,
                        IPropertySymbol property => Map(property) is { } p && parameter.Ordinal < p.Parameters.Length ? p.Parameters[parameter.Ordinal] : null,
                        _ => null,
                    };
                case INamedTypeSymbol type when type.IsTupleType || type.IsAnonymousType:
                    return null;
                case INamedTypeSymbol type when !IsDefinition(type):
                    return ConstructType(type);
                case IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } or IMethodSymbol { MethodKind: MethodKind.LocalFunction } or ILocalSymbol:
                    return AtItsSyntax(symbol);
                case IMethodSymbol { MethodKind: MethodKind.ReducedExtension, ReducedFrom: { IsGenericMethod: false } unreduced, ReceiverType: { } receiver }:
                    return Map(unreduced) is { } mappedUnreduced && Map(receiver) is { } mappedReceiver ? mappedUnreduced.ReduceExtensionMethod(mappedReceiver) : null;
                case IMethodSymbol { MethodKind: MethodKind.ReducedExtension }:
                    return null;
                case IMethodSymbol { PartialDefinitionPart: { } definition }:
                    return Map(definition)?.PartialImplementationPart;
                case IMethodSymbol constructed when !IsDefinition(constructed):
                    return ConstructMethod(constructed);
                case IFieldSymbol or IPropertySymbol or IEventSymbol when !IsDefinition(symbol):
                    return Map(symbol.OriginalDefinition) is { } memberDefinition && Map(symbol.ContainingType) is { } containing ? MemberOf(containing, memberDefinition) : null;
                case INamespaceSymbol { IsGlobalNamespace: true }:
                    return _shared.To.Assembly.GlobalNamespace;
                case INamespaceSymbol space:
                    return Map(space.ContainingNamespace)?.GetNamespaceMembers().FirstOrDefault(n => n.Name == space.Name);
                case IMethodSymbol { IsImplicitlyDeclared: true, MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } constructor:
                    return ImplicitConstructor(constructor);
                case INamedTypeSymbol or IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol:
                    return AtTheSameDeclaration(symbol)
                           ?? (DocumentationCommentId.CreateDeclarationId(symbol) is not { } id ? null
                               : DocumentationCommentId.GetFirstSymbolForDeclarationId(id, _shared.To) ?? ByIdAmongMembers(symbol, id));
                default:
                    return null;
            }
        }

        /// <summary>
        /// A definition written in a tree both compilations share: the one member of its container's counterpart with its name
        /// declared at the very same syntax. Parsing a documentation-comment ID binds every parameter type it names, which was
        /// two thirds of restating a tree's facts; a lookup by name needs only the container's members. Null for what is not
        /// written out (an implicit constructor, a record's members share the type's syntax), which goes by ID.
        /// </summary>
        private ISymbol? AtTheSameDeclaration(ISymbol symbol)
        {
            if (symbol.IsImplicitlyDeclared || symbol.DeclaringSyntaxReferences is not { Length: > 0 } references)
            {
                return null;
            }

            var declaration = references[0];
            Func<ISymbol, bool> declaredThere;
            if (_shared.SharedTrees.Contains(declaration.SyntaxTree))
            {
                declaredThere = candidate => DeclaredAt(candidate, declaration);
            }
            else if (_shared.Edited.TryGetValue(declaration.SyntaxTree, out var edit))
            {
                // An edited tree with the same declarations: a declaration's span takes in a body the edit may have changed, but
                // the name lies outside every body, moved by the edit.
                if (symbol.Locations.FirstOrDefault(l => l.SourceTree == edit.Before) is not { } name || edit.Moved(name.SourceSpan) is not { } moved)
                {
                    return null;
                }

                declaredThere = candidate => candidate.Locations.Any(l => l.SourceTree == edit.After && l.SourceSpan == moved);
            }
            else
            {
                return null;
            }

            var candidates = symbol switch
            {
                INamedTypeSymbol type when type.ContainingType is { } outer => Map(outer)?.GetTypeMembers(type.Name, type.Arity).CastArray<ISymbol>(),
                INamedTypeSymbol type => Map(type.ContainingNamespace)?.GetTypeMembers(type.Name, type.Arity).CastArray<ISymbol>(),
                _ => Map(symbol.ContainingType)?.GetMembers(symbol.Name),
            };

            ISymbol? found = null;
            foreach (var candidate in candidates ?? ImmutableArray<ISymbol>.Empty)
            {
                if (candidate.Kind == symbol.Kind && !candidate.IsImplicitlyDeclared && declaredThere(candidate))
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

        private static bool DeclaredAt(ISymbol symbol, SyntaxReference declaration)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == declaration.SyntaxTree && reference.Span == declaration.Span)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A constructor the compiler declares (a class's parameterless one, a static one for field initializers, a record's copy
        /// constructor): the one of the counterpart of its type with the same kind and parameter count, when there is one only.
        /// Parsing its documentation-comment ID instead was most of restating on a corpus whose calls create such objects.
        /// </summary>
        private ISymbol? ImplicitConstructor(IMethodSymbol constructor)
        {
            if (Map(constructor.ContainingType) is not { } type)
            {
                return null;
            }

            var candidates = constructor.MethodKind == MethodKind.StaticConstructor ? type.StaticConstructors : type.InstanceConstructors;
            IMethodSymbol? found = null;
            foreach (var candidate in candidates)
            {
                if (candidate.IsImplicitlyDeclared && candidate.Parameters.Length == constructor.Parameters.Length)
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

        /// <summary>
        /// A member the ID lookup does not find (an indexer, whose ID says <c>Item</c> where its name is <c>this[]</c>): the
        /// member of the counterpart of its type with the same ID.
        /// </summary>
        private ISymbol? ByIdAmongMembers(ISymbol symbol, string id)
            => symbol.ContainingType is { } type && Map(type) is { } mappedType
                ? mappedType.GetMembers().FirstOrDefault(m => DocumentationCommentId.CreateDeclarationId(m) == id)
                : null;

        /// <summary>A lambda, local function or local of a shared tree, bound again where it is written.</summary>
        private ISymbol? AtItsSyntax(ISymbol symbol)
        {
            if (symbol.DeclaringSyntaxReferences.Length != 1 || symbol.DeclaringSyntaxReferences[0] is not { } reference || !_shared.SharedTrees.Contains(reference.SyntaxTree))
            {
                return null;
            }

#pragma warning disable RS1030 // Only the members of unchanged trees whose carried-over facts mention a lambda or local, instead of walking them again.
            var model = _shared.Models.GetOrAdd(reference.SyntaxTree, tree => _shared.To.GetSemanticModel(tree));
#pragma warning restore RS1030
            var node = reference.GetSyntax(_shared.CancellationToken);
            return symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } ? model.GetSymbolInfo(node, _shared.CancellationToken).Symbol : model.GetDeclaredSymbol(node, _shared.CancellationToken);
        }

        private ISymbol? ConstructType(INamedTypeSymbol type)
        {
            var definition = Map(type.OriginalDefinition);
            if (type.ContainingType is { } outer && !IsDefinition(outer))
            {
                // A type nested in a constructed one (List<T>.Enumerator): the container's member of that definition.
                definition = definition is not null && Map(outer) is { } container
                    ? container.GetTypeMembers(type.Name, type.Arity).FirstOrDefault(t => SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, definition))
                    : null;
                if (definition is null || type.Arity == 0)
                {
                    return definition;
                }
            }

            var arguments = type.TypeArguments.Select(a => Map(a)).ToArray();
            return definition is null || arguments.Any(a => a is null) || !definition.IsGenericType || definition.Arity != arguments.Length
                ? null
                : definition.Construct(arguments!);
        }

        private ISymbol? ConstructMethod(IMethodSymbol method)
        {
            var definition = Map(method.OriginalDefinition);
            if (definition is null)
            {
                return null;
            }

            IMethodSymbol? member = definition;
            if (!IsDefinition(method.ContainingType))
            {
                member = Map(method.ContainingType) is { } containing ? MemberOf(containing, definition) as IMethodSymbol : null;
            }

            if (member is null || !method.IsGenericMethod || SymbolEqualityComparer.Default.Equals(method.ConstructedFrom, method))
            {
                return member;
            }

            var arguments = method.TypeArguments.Select(a => Map(a)).ToArray();
            return arguments.Any(a => a is null) || !member.IsGenericMethod || member.Arity != arguments.Length ? null : member.Construct(arguments!);
        }

        /// <summary>Not constructed from a generic definition (a nullable annotation alone makes another object, not another symbol).</summary>
        private static bool IsDefinition(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol, symbol.OriginalDefinition);

        private static ISymbol? MemberOf(INamedTypeSymbol containing, ISymbol definition)
            => containing.GetMembers(definition.Name).FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, definition));

        /// <summary>Declared in one of the compilation's own trees (or its assembly), not in a referenced assembly.</summary>
        private bool IsFromSource(ISymbol symbol)
            => symbol switch
            {
                IArrayTypeSymbol or ITypeParameterSymbol or IParameterSymbol or ILocalSymbol => true,
                INamedTypeSymbol or IMethodSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol when !IsDefinition(symbol) => true,
                _ => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _shared.From.Assembly) || symbol.Locations.Any(l => l.IsInSource),
            };

        /// <summary>Both compilations see the very same assembly symbols for every reference (Roslyn shares them when only trees changed).</summary>
        internal static bool ReferencesShared(Compilation from, Compilation to)
        {
            if (!from.References.SequenceEqual(to.References))
            {
                return false;
            }

            foreach (var reference in to.References)
            {
                if (!ReferenceEquals(from.GetAssemblyOrModuleSymbol(reference), to.GetAssemblyOrModuleSymbol(reference)))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
