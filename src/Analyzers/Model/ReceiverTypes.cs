using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// What the syntax says about the type of a member access's receiver, for the pre-filter: <c>sb.Append(x)</c> with
    /// <c>StringBuilder sb</c> cannot reach a source method named <c>Append</c> unless <c>StringBuilder</c> is a type declared in
    /// the compilation. The verdict is only a candidate: whether a type name is one of the compilation's is decided over every
    /// tree (<see cref="ReceiverTypeGuess.IsOutsideSource"/>). Anything the syntax does not settle is unknown (null), and then the
    /// name counts as it always did.
    /// </summary>
    internal sealed class ReceiverTypes
    {
        // The type names a declaration can give: a name, or Outside for a type no compilation can declare (a keyword type, an array).
        private const string Outside = "";

        private readonly Tree _tree;
        private readonly TypeDeclarationSyntax? _type;
        private readonly List<(string Name, SyntaxNode Declaration)> _declared = new();
        private HashSet<string>? _bodyTypeParameters;
        private Dictionary<string, string[]?>? _locals;

        /// <summary>What a tree's bodies share: the names that may stand for any type there, and each type declaration's members.</summary>
        internal sealed class Tree
        {
            private readonly Dictionary<TypeDeclarationSyntax, Dictionary<string, string?>> _members = new();

            public Tree(SyntaxNode root) => LocalTypeNames = TreeLocalTypeNames(root);

            /// <summary>Names that may denote anything in this tree: type parameters and using aliases.</summary>
            public HashSet<string> LocalTypeNames { get; }

            /// <summary>The fields, properties and events a type declaration (this part of it) declares, with its primary constructor's parameters.</summary>
            public Dictionary<string, string?> MembersOf(TypeDeclarationSyntax type)
            {
                if (!_members.TryGetValue(type, out var members))
                {
                    _members[type] = members = DeclaredMembers(type, this);
                }

                return members;
            }
        }

        /// <param name="body">The member declaration whose body is scanned; its own parameters are declared here.</param>
        public ReceiverTypes(SyntaxNode body, Tree tree)
        {
            _tree = tree;
            _type = body.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            var parameters = body switch
            {
                BaseMethodDeclarationSyntax method => method.ParameterList.Parameters,
                AccessorDeclarationSyntax { Parent.Parent: IndexerDeclarationSyntax indexer } => indexer.ParameterList.Parameters,
                ArrowExpressionClauseSyntax { Parent: IndexerDeclarationSyntax indexer } => indexer.ParameterList.Parameters,
                _ => default,
            };
            foreach (var parameter in parameters)
            {
                Declare(parameter);
            }
        }

        private static HashSet<string> TreeLocalTypeNames(SyntaxNode root)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in root.DescendantNodes(n => n is not (ExpressionSyntax or StatementSyntax)))
            {
                switch (node)
                {
                    case TypeParameterSyntax parameter:
                        names.Add(parameter.Identifier.ValueText);
                        break;
                    case UsingDirectiveSyntax { Alias.Name: var alias }:
                        names.Add(alias.Identifier.ValueText);
                        break;
                }
            }

            return names;
        }

        /// <summary>Records what <paramref name="node"/>, a node of the body, declares: a variable or a type parameter.</summary>
        public void Declare(SyntaxNode node)
        {
            switch (node)
            {
                case ParameterSyntax parameter:
                    _declared.Add((parameter.Identifier.ValueText, parameter));
                    break;
                case VariableDeclaratorSyntax declarator:
                    _declared.Add((declarator.Identifier.ValueText, declarator));
                    break;
                case SingleVariableDesignationSyntax designation:
                    _declared.Add((designation.Identifier.ValueText, designation));
                    break;
                case ForEachStatementSyntax forEach:
                    _declared.Add((forEach.Identifier.ValueText, forEach));
                    break;
                case CatchDeclarationSyntax { Identifier.RawKind: not 0 } caught:
                    _declared.Add((caught.Identifier.ValueText, caught));
                    break;
                case QueryClauseSyntax or QueryContinuationSyntax or JoinIntoClauseSyntax:
                    foreach (var token in node.ChildTokens())
                    {
                        if (token.IsKind(SyntaxKind.IdentifierToken))
                        {
                            _declared.Add((token.ValueText, node));
                        }
                    }

                    break;
                case LocalFunctionStatementSyntax local:
                    _declared.Add((local.Identifier.ValueText, local));
                    break;
                case TypeParameterSyntax typeParameter:
                    (_bodyTypeParameters ??= new HashSet<string>(StringComparer.Ordinal)).Add(typeParameter.Identifier.ValueText);
                    break;
            }
        }

        /// <summary>The receiver of <paramref name="name"/> when it is the member of a member access (<c>r.Name</c>, <c>r?.Name</c>); else null.</summary>
        public static ExpressionSyntax? ReceiverOf(SimpleNameSyntax name)
        {
            switch (name.Parent)
            {
                case MemberAccessExpressionSyntax access when access.Name == name && access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    return access.Expression;
                case MemberBindingExpressionSyntax binding when binding.Name == name:
                    for (SyntaxNode? node = binding; node is not null; node = node.Parent)
                    {
                        if (node.Parent is ConditionalAccessExpressionSyntax conditional && conditional.WhenNotNull == node)
                        {
                            return conditional.Expression;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        /// <summary>
        /// What the syntax says of <paramref name="receiver"/>'s type, or null when it says nothing usable. Asked once every node
        /// of the body has been declared (<see cref="Declare"/>).
        /// </summary>
        public ReceiverTypeGuess? Guess(ExpressionSyntax receiver)
        {
            switch (receiver)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return Guess(parenthesized.Expression);
                case PredefinedTypeSyntax:
                case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression }:
                case InterpolatedStringExpressionSyntax:
                    return new ReceiverTypeGuess(new[] { Outside }, member: null);
                case ObjectCreationExpressionSyntax creation:
                    return Single(TypeName(creation.Type));
                case GenericNameSyntax generic:
                    return Single(TypeName(generic));
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax member }:
                    return _type is not null && _tree.MembersOf(_type).TryGetValue(member.Identifier.ValueText, out var field) ? Single(field) : null;
                case IdentifierNameSyntax identifier:
                    return GuessIdentifier(identifier.Identifier.ValueText);
                default:
                    return null;
            }
        }

        private static ReceiverTypeGuess? Single(string? typeName) => typeName is null ? null : new ReceiverTypeGuess(new[] { typeName }, member: null);

        private ReceiverTypeGuess? GuessIdentifier(string name)
        {
            // The implicit parameter of a setter or an event accessor has the member's type, which the syntax here does not give.
            if (name is "value" or "field" or "dynamic" || _tree.LocalTypeNames.Contains(name))
            {
                return null;
            }

            var types = Array.Empty<string>();
            if (Locals().TryGetValue(name, out var declared))
            {
                if (declared is null)
                {
                    return null;
                }

                types = declared;
            }

            if (_type is not null && _tree.MembersOf(_type).TryGetValue(name, out var memberType))
            {
                return memberType is null ? null : new ReceiverTypeGuess(types.Append(memberType).ToArray(), member: null);
            }

            // Not a member of this declaration: the name may still be an inherited member or one of another partial part, or it
            // names a type (a static call). Which, only the whole compilation's declarations can tell.
            return new ReceiverTypeGuess(types, member: name);
        }

        /// <summary>Every variable the body declares, by name, with the type names it is declared with; null for a name with an unknown one.</summary>
        private Dictionary<string, string[]?> Locals()
        {
            if (_locals is not null)
            {
                return _locals;
            }

            var locals = new Dictionary<string, string[]?>(StringComparer.Ordinal);
            foreach (var (name, declaration) in _declared)
            {
                var type = DeclaredType(declaration);
                locals[name] = type is null || (locals.TryGetValue(name, out var earlier) && earlier is null) ? null
                    : earlier is null ? new[] { type }
                    : earlier.Append(type).ToArray();
            }

            return _locals = locals;
        }

        /// <summary>The type name a variable's declaration gives it (a <c>var</c>'s from its initializer where the syntax says), or null.</summary>
        private string? DeclaredType(SyntaxNode declaration) => declaration switch
        {
            ParameterSyntax { Type: { } type } => TypeName(type),
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: var type } } declarator => type.IsVar ? TypeOfValue(declarator.Initializer?.Value) : TypeName(type),
            SingleVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Type: var type } } when !type.IsVar => TypeName(type),
            SingleVariableDesignationSyntax { Parent: DeclarationPatternSyntax { Type: var type } } => TypeName(type),
            SingleVariableDesignationSyntax { Parent: RecursivePatternSyntax { Type: { } type } } => TypeName(type),
            ForEachStatementSyntax { Type: var type } when !type.IsVar => TypeName(type),
            CatchDeclarationSyntax { Type: var type } => TypeName(type),
            _ => null,
        };

        private static Dictionary<string, string?> DeclaredMembers(TypeDeclarationSyntax type, Tree tree)
        {
            var members = new Dictionary<string, string?>(StringComparer.Ordinal);
            void Add(SyntaxToken identifier, TypeSyntax? declared)
                => members[identifier.ValueText] = members.ContainsKey(identifier.ValueText) || declared is null ? null : TypeName(declared, tree.LocalTypeNames, null);
            foreach (var parameter in type.ParameterList?.Parameters ?? default)
            {
                Add(parameter.Identifier, parameter.Type);
            }

            foreach (var member in type.Members)
            {
                switch (member)
                {
                    case BaseFieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            Add(variable.Identifier, field.Declaration.Type);
                        }

                        break;
                    case PropertyDeclarationSyntax property:
                        Add(property.Identifier, property.Type);
                        break;
                    case EventDeclarationSyntax @event:
                        Add(@event.Identifier, @event.Type);
                        break;
                    case MethodDeclarationSyntax method:
                        Add(method.Identifier, null);
                        break;
                    case BaseTypeDeclarationSyntax nested:
                        Add(nested.Identifier, null);
                        break;
                }
            }

            return members;
        }

        /// <summary>The type an initializer of a <c>var</c> gives, when the syntax says: a creation, a cast, an <c>as</c>, a string.</summary>
        private string? TypeOfValue(ExpressionSyntax? value) => value switch
        {
            ObjectCreationExpressionSyntax creation => TypeName(creation.Type),
            CastExpressionSyntax cast => TypeName(cast.Type),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression, Right: TypeSyntax type } => TypeName(type),
            LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax => Outside,
            _ => null,
        };

        private string? TypeName(TypeSyntax type) => TypeName(type, _tree.LocalTypeNames, _bodyTypeParameters);

        /// <summary>
        /// The simple name a type is written with, <see cref="Outside"/> for one no source can declare, null when unknown (a name
        /// that may stand for any type here: <c>dynamic</c>, a type parameter, a using alias).
        /// </summary>
        private static string? TypeName(TypeSyntax type, HashSet<string> treeLocal, HashSet<string>? bodyLocal) => type switch
        {
            PredefinedTypeSyntax => Outside,
            ArrayTypeSyntax => Outside,
            NullableTypeSyntax nullable => TypeName(nullable.ElementType, treeLocal, bodyLocal),
            IdentifierNameSyntax { IsVar: false, Identifier.ValueText: var name } when name != "dynamic" && !treeLocal.Contains(name) && !(bodyLocal?.Contains(name) ?? false) => name,
            GenericNameSyntax generic => generic.Identifier.ValueText,
            QualifiedNameSyntax qualified => TypeName(qualified.Right, treeLocal, bodyLocal),
            AliasQualifiedNameSyntax aliased => TypeName(aliased.Name, treeLocal, bodyLocal),
            _ => null,
        };
    }

    /// <summary>
    /// A receiver's possible types by their simple names, and, for a bare identifier this declaration does not declare, that
    /// identifier (it may be an inherited member, or a type's name in a static call).
    /// </summary>
    internal sealed class ReceiverTypeGuess
    {
        public ReceiverTypeGuess(string[] types, string? member)
        {
            Types = types;
            Member = member;
        }

        public string[] Types { get; }

        public string? Member { get; }

        /// <summary>
        /// Whether the receiver is surely of a type declared outside the compilation: no candidate type is a source type's name, and a
        /// bare identifier names neither a source type nor a source member.
        /// </summary>
        public bool IsOutsideSource(ISet<string> sourceTypeNames, ISet<string> sourceMemberNames)
            => Types.All(t => !sourceTypeNames.Contains(t))
               && (Member is null || (!sourceTypeNames.Contains(Member) && !sourceMemberNames.Contains(Member)));
    }
}
