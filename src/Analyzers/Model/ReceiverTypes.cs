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

        private readonly SyntaxNode _body;
        private readonly TypeDeclarationSyntax? _type;
        private readonly HashSet<string> _treeLocalTypeNames;
        private HashSet<string>? _bodyTypeParameters;
        private Dictionary<string, List<string?>>? _locals;
        private Dictionary<string, string?>? _members;

        /// <param name="body">The member declaration whose body is scanned (its parameters are its own).</param>
        /// <param name="treeLocalTypeNames">Names that may denote anything in this tree: type parameters and using aliases.</param>
        public ReceiverTypes(SyntaxNode body, HashSet<string> treeLocalTypeNames)
        {
            _body = body;
            _type = body.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            _treeLocalTypeNames = treeLocalTypeNames;
        }

        /// <summary>The names type parameters and using aliases take in a tree: a type written with one of them is unknown.</summary>
        public static HashSet<string> TreeLocalTypeNames(SyntaxNode root)
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

        /// <summary>What the syntax says of <paramref name="receiver"/>'s type, or null when it says nothing usable.</summary>
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
                    return MemberOfThisType(member.Identifier.ValueText) is { } field ? Single(field) : null;
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
            if (name is "value" or "field" or "dynamic" || _treeLocalTypeNames.Contains(name))
            {
                return null;
            }

            var types = new List<string>();
            if (Locals().TryGetValue(name, out var declared))
            {
                if (declared.Any(t => t is null))
                {
                    return null;
                }

                types.AddRange(declared!);
            }

            var members = Members();
            if (members.TryGetValue(name, out var memberType))
            {
                return memberType is null ? null : new ReceiverTypeGuess(types.Append(memberType).ToArray(), member: null);
            }

            // Not a member of this declaration: the name may still be an inherited member or one of another partial part, or it
            // names a type (a static call). Which, only the whole compilation's declarations can tell.
            return new ReceiverTypeGuess(types.ToArray(), member: name);
        }

        private string? MemberOfThisType(string name) => Members().TryGetValue(name, out var type) ? type : null;

        /// <summary>Every variable the body declares (parameters, locals, pattern and <c>out</c> variables), by name, with its type name or null.</summary>
        private Dictionary<string, List<string?>> Locals()
        {
            if (_locals is not null)
            {
                return _locals;
            }

            // Type names are read once the body's own type parameters (a generic local function's) are known.
            var declared = new List<(SyntaxToken Identifier, Func<string?> Type)>();
            void Add(SyntaxToken identifier, Func<string?> type) => declared.Add((identifier, type));
            _bodyTypeParameters = new HashSet<string>(StringComparer.Ordinal);

            // An accessor's or an expression body's parameters are its property's or indexer's.
            var declaration = _body is ArrowExpressionClauseSyntax or AccessorDeclarationSyntax
                ? _body.FirstAncestorOrSelf<BasePropertyDeclarationSyntax>() ?? _body.Parent ?? _body
                : _body;
            foreach (var node in declaration.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case ParameterSyntax parameter:
                        Add(parameter.Identifier, () => parameter.Type is { } parameterType ? TypeName(parameterType) : null);
                        break;
                    case VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax variables } declarator:
                        Add(declarator.Identifier, () => variables.Type.IsVar ? TypeOfValue(declarator.Initializer?.Value) : TypeName(variables.Type));
                        break;
                    case SingleVariableDesignationSyntax designation:
                        Add(designation.Identifier, () => designation.Parent switch
                        {
                            DeclarationExpressionSyntax { Type: var type } when !type.IsVar => TypeName(type),
                            DeclarationPatternSyntax { Type: var type } => TypeName(type),
                            RecursivePatternSyntax { Type: { } type } => TypeName(type),
                            _ => null,
                        });
                        break;
                    case ForEachStatementSyntax forEach:
                        Add(forEach.Identifier, () => forEach.Type.IsVar ? null : TypeName(forEach.Type));
                        break;
                    case CatchDeclarationSyntax { Identifier.RawKind: not 0 } caught:
                        Add(caught.Identifier, () => TypeName(caught.Type));
                        break;
                    case QueryClauseSyntax or QueryContinuationSyntax or JoinIntoClauseSyntax:
                        foreach (var token in node.ChildTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
                        {
                            Add(token, () => null);
                        }

                        break;
                    case LocalFunctionStatementSyntax local:
                        Add(local.Identifier, () => null);
                        break;
                    case TypeParameterSyntax typeParameter:
                        _bodyTypeParameters.Add(typeParameter.Identifier.ValueText);
                        break;
                }
            }

            var locals = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
            foreach (var (identifier, type) in declared)
            {
                if (!locals.TryGetValue(identifier.ValueText, out var list))
                {
                    locals[identifier.ValueText] = list = new List<string?>();
                }

                list.Add(type());
            }

            return _locals = locals;
        }

        /// <summary>The fields, properties and events this type declaration (this part of it) declares, and its primary constructor's parameters.</summary>
        private Dictionary<string, string?> Members()
        {
            if (_members is not null)
            {
                return _members;
            }

            var members = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (_type is null)
            {
                return _members = members;
            }

            void Add(SyntaxToken identifier, string? type) => members[identifier.ValueText] = members.ContainsKey(identifier.ValueText) ? null : type;
            foreach (var parameter in _type.ParameterList?.Parameters ?? default)
            {
                Add(parameter.Identifier, parameter.Type is { } type ? TypeName(type) : null);
            }

            foreach (var member in _type.Members)
            {
                switch (member)
                {
                    case BaseFieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            Add(variable.Identifier, TypeName(field.Declaration.Type));
                        }

                        break;
                    case PropertyDeclarationSyntax property:
                        Add(property.Identifier, TypeName(property.Type));
                        break;
                    case EventDeclarationSyntax @event:
                        Add(@event.Identifier, TypeName(@event.Type));
                        break;
                    case MethodDeclarationSyntax method:
                        Add(method.Identifier, null);
                        break;
                    case BaseTypeDeclarationSyntax nested:
                        Add(nested.Identifier, null);
                        break;
                }
            }

            return _members = members;
        }

        /// <summary>A name that may stand for any type here: <c>dynamic</c>, a type parameter, a using alias.</summary>
        private bool IsLocalTypeName(string name)
            => name == "dynamic" || _treeLocalTypeNames.Contains(name) || (_bodyTypeParameters?.Contains(name) ?? false);

        /// <summary>The type an initializer of a <c>var</c> gives, when the syntax says: a creation, a cast, an <c>as</c>, a string.</summary>
        private string? TypeOfValue(ExpressionSyntax? value) => value switch
        {
            ObjectCreationExpressionSyntax creation => TypeName(creation.Type),
            CastExpressionSyntax cast => TypeName(cast.Type),
            BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AsExpression, Right: TypeSyntax type } => TypeName(type),
            LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax => Outside,
            _ => null,
        };

        /// <summary>The simple name a type is written with, <see cref="Outside"/> for one no source can declare, null when unknown.</summary>
        private string? TypeName(TypeSyntax type) => type switch
        {
            PredefinedTypeSyntax => Outside,
            ArrayTypeSyntax => Outside,
            NullableTypeSyntax nullable => TypeName(nullable.ElementType),
            IdentifierNameSyntax { IsVar: false, Identifier.ValueText: var name } when !IsLocalTypeName(name) => name,
            GenericNameSyntax generic => generic.Identifier.ValueText,
            QualifiedNameSyntax qualified => TypeName(qualified.Right),
            AliasQualifiedNameSyntax aliased => TypeName(aliased.Name),
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
