using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// Whether <c>t.M.G</c> is <c>t</c> (or null) for every object <c>t</c> whose member <c>M</c> is not null: the object an owner
    /// stores in <c>M</c> keeps, in its member <c>G</c> (a readonly field, a get-only auto-property or a private field only cleared
    /// after construction, which its constructors set from a parameter), a pointer back to that owner. It is so when every store into <c>M</c>, anywhere in the compilation, through a
    /// receiver <c>r</c> (<c>r.M = v</c>, or <c>M = v</c> inside the owner) stores null, <c>new X(r, ...)</c> with <c>r</c> for
    /// that parameter, another such member of the same receiver (<c>r.N</c>, directly, through a local, a pattern variable or a
    /// method of <c>X</c> called on it), or, inside <c>X</c>, <c>this</c> into its own back pointer's <c>M</c>
    /// (<c>G.M = this</c>); an object of a class outside <c>X</c>'s line (another implementation of <c>M</c>'s interface) has no
    /// <c>G</c> and does not matter. Npgsql: a connector's <c>CurrentReader</c> is its <c>DataReader</c> or its unbound reader,
    /// whose <c>Connector</c> is that connector; its <c>CurrentCopyOperation</c> is whichever copy operation stored itself there. Members whose stores cannot all be read (an object initializer, a <c>ref</c>, a tuple
    /// deconstruction) are not proved.
    /// </summary>
    internal sealed class BackPointerProof
    {
        private readonly Compilation _compilation;
        private readonly StoresByName _stores;
        private readonly ISymbol _back;
        private readonly INamedTypeSymbol _pointingType;
        private readonly Dictionary<IMethodSymbol, int> _parameterByConstructor;
        private readonly HashSet<ISymbol> _assumed = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

        private BackPointerProof(Compilation compilation, StoresByName stores, ISymbol back, INamedTypeSymbol pointingType, Dictionary<IMethodSymbol, int> parameterByConstructor)
        {
            _compilation = compilation;
            _stores = stores;
            _back = back;
            _pointingType = pointingType;
            _parameterByConstructor = parameterByConstructor;
        }

        /// <summary>Whether <paramref name="owner"/>'s value always points back through <paramref name="back"/>; false when that cannot be shown.</summary>
        public static bool Holds(Compilation compilation, StoresByName stores, ISymbol back, ISymbol owner)
        {
            if (back.ContainingType is not { } pointingType || back.IsStatic || !(IsReadOnlyStorage(back) || OnlyClearedAfterConstruction(back, pointingType)) || !IsStorage(owner) || owner.IsStatic
                || SetFromConstructorParameter(back, pointingType) is not { Count: > 0 } parameters)
            {
                return false;
            }

            return new BackPointerProof(compilation, stores, back, pointingType, parameters).Holds(owner);
        }

        /// <summary>
        /// The member <c>F</c> of <paramref name="copy"/>'s type for which <c>this.copy.G</c> is <c>this.F</c>, <c>G</c> being the back
        /// pointer <paramref name="back"/>: every constructor that sets <paramref name="copy"/> sets it to <c>p.M</c> and <c>F</c> to
        /// <c>p</c> for one of its parameters <c>p</c>, where <c>p.M.G</c> is <c>p</c> (<see cref="Holds"/>), and neither member
        /// holds anything else after construction (Npgsql's binary exporter: <c>_connector = connector; _buf = connector.ReadBuffer;</c>,
        /// so <c>_buf.Connector</c> is <c>_connector</c>). Null when that cannot be shown.
        /// </summary>
        public static ISymbol? OwnerOfCopiedMember(Compilation compilation, ISymbol copy, ISymbol back, System.Func<ISymbol, ISymbol, bool> pointsBack)
        {
            if (copy.ContainingType is not { } type || copy.IsStatic || !KeepsConstructorValue(copy, type))
            {
                return null;
            }

            ISymbol? owner = null;
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var syntax in constructor.DeclaringSyntaxReferences.Select(r => SyntaxReads.Syntax(r)))
                {
                    var assignments = syntax.DescendantNodes().OfType<AssignmentExpressionSyntax>().ToList();
                    foreach (var store in assignments.Where(a => AssignedMember.NameOf(a.Left) == copy.Name))
                    {
                        if (Unwrap(store.Right) is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax from } access
                            || constructor.Parameters.FirstOrDefault(p => p.Name == from.Identifier.ValueText) is not { } parameter
                            || parameter.Type.GetMembers(access.Name.Identifier.ValueText).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is not { } member
                            || !pointsBack(back, member))
                        {
                            return null;
                        }

                        var kept = assignments.Where(a => Unwrap(a.Right) is IdentifierNameSyntax id && id.Identifier.ValueText == parameter.Name)
                            .Select(a => AssignedMember.NameOf(a.Left) is { } name ? type.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) : null)
                            .FirstOrDefault(m => m is not null && !m.IsStatic && KeepsConstructorValue(m, type));
                        if (kept is null || (owner is not null && !SymbolEqualityComparer.Default.Equals(owner, kept)))
                        {
                            return null;
                        }

                        owner = kept;
                    }
                }
            }

            return owner;
        }

        /// <summary>What the constructors stored stays, or is cleared: a readonly member, or a private field only set to null afterwards.</summary>
        private static bool KeepsConstructorValue(ISymbol member, INamedTypeSymbol type) => IsReadOnlyStorage(member) || OnlyClearedAfterConstruction(member, type);

        /// <summary>A field, or a property whose accessors have no bodies (an auto-property): what is stored is what is read.</summary>
        public static bool IsStorage(ISymbol member) => member switch
        {
            IFieldSymbol => true,
            IPropertySymbol property => property.DeclaringSyntaxReferences.Select(r => SyntaxReads.Syntax(r)).OfType<PropertyDeclarationSyntax>()
                .Any(p => p.ExpressionBody is null && p.AccessorList is { } accessors && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null)),
            _ => false,
        };

        private static bool IsReadOnlyStorage(ISymbol member) => member switch
        {
            IFieldSymbol field => field.IsReadOnly,
            IPropertySymbol property => property.SetMethod is null && IsStorage(property),
            _ => false,
        };

        /// <summary>
        /// A private field that only its type's constructors set to something other than null (Npgsql's copy operations clear
        /// <c>_connector</c> when disposed): it points back or nowhere, and nothing is reached through nowhere.
        /// </summary>
        private static bool OnlyClearedAfterConstruction(ISymbol back, INamedTypeSymbol type)
            => back is IFieldSymbol { DeclaredAccessibility: Accessibility.Private }
               && type.DeclaringSyntaxReferences.Select(r => SyntaxReads.Search(r, AssignedMember.StoresTo(back.Name))).SelectMany(t => t.DescendantNodes()).OfType<AssignmentExpressionSyntax>()
                   .Where(a => AssignedMember.NameOf(a.Left) == back.Name && a.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is null)
                   .All(a => IsNull(a.Right));

        private static bool IsNull(ExpressionSyntax value)
            => Unwrap(value) is LiteralExpressionSyntax literal && (literal.IsKind(SyntaxKind.NullLiteralExpression) || literal.IsKind(SyntaxKind.DefaultLiteralExpression));

        /// <summary>The constructor parameter each constructor stores into the back pointer; null when anything else is stored.</summary>
        private static Dictionary<IMethodSymbol, int>? SetFromConstructorParameter(ISymbol back, INamedTypeSymbol type)
        {
            var result = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var syntax in constructor.DeclaringSyntaxReferences.Select(r => SyntaxReads.Syntax(r)))
                {
                    foreach (var assignment in syntax.DescendantNodes().OfType<AssignmentExpressionSyntax>().Where(a => AssignedMember.NameOf(a.Left) == back.Name))
                    {
                        var value = Unwrap(assignment.Right);
                        var parameter = value is IdentifierNameSyntax id ? constructor.Parameters.FirstOrDefault(p => p.Name == id.Identifier.ValueText) : null;
                        if (parameter is null)
                        {
                            return null;
                        }

                        result[constructor.OriginalDefinition] = parameter.Ordinal;
                    }
                }
            }

            return result;
        }

        private bool Holds(ISymbol owner)
        {
            if (!_assumed.Add(owner.OriginalDefinition))
            {
                // On a cycle of members copying each other: the greatest fixpoint, each is proved if every other store is.
                return true;
            }

            // Every tree counts as searched for stores to the member: no store elsewhere is part of the proof, and an edit of a
            // member with none, before and after, leaves it standing.
            var stores = AssignedMember.StoresTo(owner.Name);
            foreach (var tree in _compilation.SyntaxTrees)
            {
                SyntaxReads.SearchWhole(tree, stores);
            }

            foreach (var (tree, node) in _stores.Of(owner.Name))
            {
                switch (node)
                {
                    case AssignmentExpressionSyntax { Left: TupleExpressionSyntax tuple } when tuple.Arguments.Any(a => Names(a.Expression, owner, tree)):
                    case ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument when Names(argument.Expression, owner, tree):
                        return false;
                    case AssignmentExpressionSyntax assignment when Names(assignment.Left, owner, tree):
                        if (assignment.Parent is InitializerExpressionSyntax || !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                            || !PointsBack(assignment.Right, ReceiverOf(assignment.Left), assignment, tree))
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }

        /// <summary>
        /// Every store a proof must read, by the name of the member it stores into: assignments (a tuple's by each of its elements)
        /// and <c>ref</c> or <c>out</c> arguments, in tree and position order. Built once per compilation: a proof used to read every
        /// tree's syntax for each pair of members it was asked about (a third of Npgsql's analysis in the compiler).
        /// </summary>
        internal sealed class StoresByName
        {
            private readonly System.Lazy<Dictionary<string, List<(SyntaxTree Tree, SyntaxNode Node)>>> _byName;

            public StoresByName(Compilation compilation)
                => _byName = new System.Lazy<Dictionary<string, List<(SyntaxTree, SyntaxNode)>>>(() => Index(compilation));

            public IReadOnlyList<(SyntaxTree Tree, SyntaxNode Node)> Of(string name)
                => _byName.Value.TryGetValue(name, out var stores) ? stores : System.Array.Empty<(SyntaxTree, SyntaxNode)>();

            private static Dictionary<string, List<(SyntaxTree, SyntaxNode)>> Index(Compilation compilation)
            {
                var byName = new Dictionary<string, List<(SyntaxTree, SyntaxNode)>>(System.StringComparer.Ordinal);
                void Add(string? name, SyntaxTree tree, SyntaxNode node)
                {
                    if (name is null)
                    {
                        return;
                    }

                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<(SyntaxTree, SyntaxNode)>();
                    }

                    list.Add((tree, node));
                }

                foreach (var tree in compilation.SyntaxTrees)
                {
                    // Holds records the trees searched for the stores it looks up.
                    foreach (var node in SyntaxReads.RootForAnIndex(tree).DescendantNodes())
                    {
                        switch (node)
                        {
                            case AssignmentExpressionSyntax { Left: TupleExpressionSyntax tuple } assignment:
                                foreach (var name in tuple.Arguments.Select(a => AssignedMember.NameOf(a.Expression)).Distinct())
                                {
                                    Add(name, tree, assignment);
                                }

                                break;
                            case AssignmentExpressionSyntax assignment:
                                Add(AssignedMember.NameOf(assignment.Left), tree, assignment);
                                break;
                            case ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument:
                                Add(AssignedMember.NameOf(argument.Expression), tree, argument);
                                break;
                        }
                    }
                }

                return byName;
            }
        }

        /// <summary>Whether <paramref name="value"/>, stored into a member of the object named <paramref name="receiver"/>, points back to that object.</summary>
        private bool PointsBack(ExpressionSyntax value, string receiver, SyntaxNode at, SyntaxTree tree)
        {
            value = Unwrap(value);
            if (Model(tree).GetTypeInfo(value).Type is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } valueType
                && !Derives(valueType, _pointingType) && !Derives(_pointingType, valueType))
            {
                // An object of a class outside the pointing type's line (another implementation of the owner member's interface)
                // has no such back pointer: a path through that member into the pointing type never runs on it.
                return true;
            }

            switch (value)
            {
                case LiteralExpressionSyntax when IsNull(value):
                    return true;
                case ConditionalExpressionSyntax conditional:
                    return PointsBack(conditional.WhenTrue, receiver, at, tree) && PointsBack(conditional.WhenFalse, receiver, at, tree);
                case BaseObjectCreationExpressionSyntax creation:
                    return Model(tree).GetSymbolInfo(creation).Symbol is IMethodSymbol constructor
                        && _parameterByConstructor.TryGetValue(constructor.OriginalDefinition, out var ordinal)
                        && creation.ArgumentList is { } arguments && arguments.Arguments.Count > ordinal
                        && arguments.Arguments[ordinal].NameColon is null
                        && Text(arguments.Arguments[ordinal].Expression) == receiver;
                case ThisExpressionSyntax:
                    // Inside the pointing type, `G.M = this`: this object's back pointer is that receiver.
                    return receiver == _back.Name && IsInside(at, tree, _pointingType);
                case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                    return CopyPointsBack(value, receiver, at, tree);
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var target, Name: var method } }:
                    // A copy the pointing type makes of itself (`ReadBuffer.AllocateOversize(len)`), from a value that points back.
                    return _pointingType.GetMembers(method.Identifier.ValueText).OfType<IMethodSymbol>().Any(m => SymbolEqualityComparer.Default.Equals(m.ReturnType.OriginalDefinition, _pointingType.OriginalDefinition))
                        && CopyPointsBack(target, receiver, at, tree);
                default:
                    return false;
            }
        }

        /// <summary>Another member of the same receiver that points back, or a local or pattern variable holding one.</summary>
        private bool CopyPointsBack(ExpressionSyntax value, string receiver, SyntaxNode at, SyntaxTree tree)
        {
            var symbol = Model(tree).GetSymbolInfo(value).Symbol;
            switch (symbol)
            {
                case IFieldSymbol or IPropertySymbol when symbol.ContainingType is { } type && IsStorage(symbol):
                    // A member of the owner's type, read through the same receiver.
                    return ReceiverOf(value) == receiver && SymbolEqualityComparer.Default.Equals(MemberType(_back)?.OriginalDefinition, type.OriginalDefinition) && Holds(symbol);
                case ILocalSymbol local when local.DeclaringSyntaxReferences.Length == 1:
                    var declaration = SyntaxReads.Syntax(local.DeclaringSyntaxReferences[0]);
                    var body = declaration.FirstAncestorOrSelf<MemberDeclarationSyntax>();
                    if (body is null || body.DescendantNodes().Any(n => n is AssignmentExpressionSyntax { Left: IdentifierNameSyntax assigned } && assigned.Identifier.ValueText == local.Name
                            || n is ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax passed } && passed.Identifier.ValueText == local.Name))
                    {
                        return false;
                    }

                    // The variable of `e is T v` or `e is { ... } v` is e itself; one nested in a sub-pattern is some member of it.
                    return declaration switch
                    {
                        VariableDeclaratorSyntax { Initializer.Value: var initializer } => PointsBack(initializer, receiver, at, tree),
                        SingleVariableDesignationSyntax { Parent: DeclarationPatternSyntax or RecursivePatternSyntax } designation
                            when designation.Parent?.Parent is IsPatternExpressionSyntax test && test.Pattern == designation.Parent => PointsBack(test.Expression, receiver, at, tree),
                        _ => false,
                    };
                default:
                    return false;
            }
        }

        private static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };

        private bool Names(ExpressionSyntax target, ISymbol member, SyntaxTree tree)
            => AssignedMember.NameOf(target) == member.Name
               && SymbolEqualityComparer.Default.Equals(Model(tree).GetSymbolInfo(target).Symbol?.OriginalDefinition, member.OriginalDefinition);

        /// <summary>The receiver of a member access as text (<c>connector</c>, <c>Connector</c>), <c>this</c> for a bare member name.</summary>
        private static string ReceiverOf(ExpressionSyntax target)
            => Unwrap(target) is MemberAccessExpressionSyntax access ? Text(access.Expression) : "this";

        /// <summary>An expression as text without trivia, <c>this.</c> dropped: <c>this.Connector</c> and <c>Connector</c> are one receiver.</summary>
        private static string Text(ExpressionSyntax expression)
        {
            var text = Unwrap(expression).WithoutTrivia().ToString();
            return text.StartsWith("this.", System.StringComparison.Ordinal) ? text.Substring(5) : text;
        }

        private static ExpressionSyntax Unwrap(ExpressionSyntax expression) => expression switch
        {
            ParenthesizedExpressionSyntax parenthesized => Unwrap(parenthesized.Expression),
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed => Unwrap(suppressed.Operand),
            _ => expression,
        };

        private bool IsInside(SyntaxNode at, SyntaxTree tree, INamedTypeSymbol type)
            => Model(tree).GetEnclosingSymbol(at.SpanStart)?.ContainingType is { } enclosing && Derives(enclosing, type);

        /// <summary>Whether <paramref name="type"/> is <paramref name="ancestor"/> or a class derived from it.</summary>
        internal static bool Derives(INamedTypeSymbol type, INamedTypeSymbol ancestor)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, ancestor.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private SemanticModel Model(SyntaxTree tree)
        {
            if (!_models.TryGetValue(tree, out var model))
            {
#pragma warning disable RS1030 // Only for a back pointer reached from a fresh object, once per (back pointer, owner) pair, and cached.
                _models[tree] = model = _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
            }

            return model;
        }
    }
}
