using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// What a field holds right after a constructor ran: its default, when nothing on the way assigns it (the field's initializer,
    /// the constructor, the constructors it chains to, and the members of its type those call). A method called on an object just
    /// created, before anything else touched it, sees those defaults (NLog disposes such a factory, whose `_configLoaded` is still
    /// false, so its `CloseOldConfig` branch cannot run).
    /// </summary>
    internal sealed class ConstructionState
    {
        private const int MaxMembers = 64;

        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<(IMethodSymbol, IFieldSymbol), bool> _leavesDefault = new();

        public ConstructionState(Compilation compilation) => _compilation = compilation;

        /// <summary>Whether the field is still its default (false, null) when <paramref name="constructor"/> returns.</summary>
        public bool LeavesDefault(IMethodSymbol constructor, IFieldSymbol field)
            => _leavesDefault.GetOrAdd((constructor.OriginalDefinition, field.OriginalDefinition), key => Compute(key.Item1, key.Item2));

        private bool Compute(IMethodSymbol constructor, IFieldSymbol field)
        {
            if (field.IsStatic || field.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<VariableDeclaratorSyntax>().Any(v => v.Initializer is { } i && !IsDefaultLiteral(i.Value)))
            {
                return false;
            }

            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var work = new Stack<IMethodSymbol>();
            work.Push(constructor);
            while (work.Count > 0)
            {
                var member = work.Pop();
                if (seen.Count >= MaxMembers)
                {
                    return false;
                }

                if (!seen.Add(member.OriginalDefinition))
                {
                    continue;
                }

                foreach (var reference in member.OriginalDefinition.DeclaringSyntaxReferences)
                {
                    var syntax = reference.GetSyntax();
                    if (AssignsIn(syntax, field.Name))
                    {
                        return false;
                    }

#pragma warning disable RS1030 // Read once per (constructor, field) pair a condition asks about, and cached.
                    var semanticModel = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                    // What runs: invoked methods, chained constructors, property accessors; a method group handed on (an event
                    // subscription) does not run here.
                    foreach (var called in syntax.DescendantNodesAndSelf().Where(n => n is InvocationExpressionSyntax or ConstructorInitializerSyntax or IdentifierNameSyntax))
                    {
                        var symbol = semanticModel.GetSymbolInfo(called).Symbol;
                        var target = symbol switch
                        {
                            IMethodSymbol m when called is not IdentifierNameSyntax => m,
                            IPropertySymbol p when called.Parent is AssignmentExpressionSyntax a && a.Left == called => p.SetMethod,
                            IPropertySymbol p => p.GetMethod,
                            _ => null,
                        };
                        if (target is not null && !target.IsStatic && IsSameOrBase(target.ContainingType, constructor.ContainingType))
                        {
                            work.Push(target);
                        }
                    }
                }

                if (member.MethodKind == MethodKind.Constructor && !member.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is ConstructorDeclarationSyntax { Initializer: not null })
                    && member.ContainingType.BaseType?.InstanceConstructors.FirstOrDefault(c => c.Parameters.IsEmpty) is { } implicitBase)
                {
                    work.Push(implicitBase);
                }
            }

            return true;
        }

        private readonly ConcurrentDictionary<IFieldSymbol, ISymbol?> _backPointerOwners = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// For a readonly field G of a type X that X's constructor sets from a parameter: the field F of the one type T that creates
        /// every X, as <c>F = new X(this, ...)</c> passing itself for that parameter, and stores nothing else but null in F. Then
        /// <c>t.F.G</c> is <c>t</c> (Npgsql: <c>connector.WriteBuffer.Connector</c> is the connector). Null when that is not so.
        /// </summary>
        public ISymbol? BackPointerOwner(IFieldSymbol backField)
            => _backPointerOwners.GetOrAdd(backField.OriginalDefinition, f => ComputeBackPointerOwner((IFieldSymbol)f));

        private ISymbol? ComputeBackPointerOwner(IFieldSymbol backField)
        {
            if (!backField.IsReadOnly || backField.IsStatic || backField.ContainingType is not { } type || type.DeclaringSyntaxReferences.IsEmpty)
            {
                return null;
            }

            // The constructor parameter each constructor stores into the field; any other store disqualifies it.
            var ordinalByConstructor = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>().Where(a => AssignedMember.NameOf(a.Left) == backField.Name))
                    {
                        var parameter = constructor.Parameters.FirstOrDefault(p => assignment.Right is IdentifierNameSyntax id && id.Identifier.ValueText == p.Name
                            || assignment.Right is PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax bang } && bang.Identifier.ValueText == p.Name);
                        if (parameter is null)
                        {
                            return null;
                        }

                        ordinalByConstructor[constructor.OriginalDefinition] = parameter.Ordinal;
                    }
                }
            }

            if (ordinalByConstructor.Count == 0)
            {
                return null;
            }

            ISymbol? owner = null;
            foreach (var tree in _compilation.SyntaxTrees)
            {
                var creations = tree.GetRoot().DescendantNodes().OfType<ObjectCreationExpressionSyntax>()
                    .Where(c => c.Type is SimpleNameSyntax { Identifier.ValueText: var n } && n == type.Name || c.Type is QualifiedNameSyntax { Right.Identifier.ValueText: var q } && q == type.Name)
                    .ToList();
                if (creations.Count == 0)
                {
                    continue;
                }

#pragma warning disable RS1030 // Only for a back-pointer candidate reached from a fresh object, once per field.
                var model = _compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                foreach (var creation in creations)
                {
                    if (model.GetSymbolInfo(creation).Symbol is not IMethodSymbol constructor
                        || !SymbolEqualityComparer.Default.Equals(constructor.ContainingType.OriginalDefinition, type.OriginalDefinition))
                    {
                        continue;
                    }

                    // A copy the type makes of itself with its own back pointer (`new NpgsqlReadBuffer(Connector, ...)` in
                    // AllocateOversize) points where the original does.
                    if (ordinalByConstructor.TryGetValue(constructor.OriginalDefinition, out var copyOrdinal) && creation.ArgumentList is { } copyArguments
                        && copyArguments.Arguments.Count > copyOrdinal && IsOwnBackPointer(copyArguments.Arguments[copyOrdinal].Expression, backField, creation, model))
                    {
                        continue;
                    }

                    // One made with no owner (`new NpgsqlWriteBuffer(null, ...)`) points nowhere: nothing is reached through it.
                    if (ordinalByConstructor.TryGetValue(constructor.OriginalDefinition, out var nullOrdinal) && creation.ArgumentList is { } nullArguments
                        && nullArguments.Arguments.Count > nullOrdinal && IsNullValue(nullArguments.Arguments[nullOrdinal].Expression))
                    {
                        continue;
                    }

                    if (!ordinalByConstructor.TryGetValue(constructor.OriginalDefinition, out var ordinal)
                        || creation.ArgumentList is not { } arguments || arguments.Arguments.Count <= ordinal
                        || arguments.Arguments[ordinal].Expression is not ThisExpressionSyntax
                        || creation.Parent is not AssignmentExpressionSyntax { Left: var left } assignment || assignment.Right != creation
                        || model.GetSymbolInfo(left).Symbol is not { } stored || stored is not (IFieldSymbol or IPropertySymbol { IsAbstract: false })
                        || (owner is not null && !SymbolEqualityComparer.Default.Equals(owner, stored.OriginalDefinition)))
                    {
                        return null;
                    }

                    owner = stored.OriginalDefinition;
                }
            }

            // The owner field holds nothing but those creations and null.
            if (owner is null || owner.IsStatic || owner.DeclaringSyntaxReferences.Length == 0 || owner.ContainingType is null)
            {
                return null;
            }

            var ownerSyntax = owner.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).ToList();
            foreach (var assignment in Assignments(ownerSyntax, owner.Name))
            {
                var value = assignment.Right is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed ? suppressed.Operand : assignment.Right;
                if (value is not ObjectCreationExpressionSyntax && !IsNullValue(value) && !IsCopyOfOwner(value, owner, type, ownerSyntax))
                {
                    return null;
                }
            }

            return owner;
        }

        private static IEnumerable<AssignmentExpressionSyntax> Assignments(IEnumerable<SyntaxNode> scope, string name)
            => scope.SelectMany(n => n.DescendantNodes().OfType<AssignmentExpressionSyntax>()).Where(a => AssignedMember.NameOf(a.Left) == name);

        /// <summary>The creation's argument is the created type's own back pointer (<c>Connector</c>, <c>this.Connector</c>), read inside that type.</summary>
        private static bool IsOwnBackPointer(ExpressionSyntax argument, IFieldSymbol backField, SyntaxNode at, SemanticModel model)
        {
            var inner = argument is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed ? suppressed.Operand : argument;
            return inner is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(inner).Symbol?.OriginalDefinition, backField)
                && SymbolEqualityComparer.Default.Equals(model.GetEnclosingSymbol(at.SpanStart)?.ContainingType?.OriginalDefinition, backField.ContainingType.OriginalDefinition);
        }

        /// <summary>
        /// A value that is the owner's object again, or a copy that keeps its back pointer: another member of the owner's type that
        /// only ever holds the owner's value or null (<c>_origReadBuffer = ReadBuffer</c>), or a local made by a method of the
        /// object's type called on the owner's value (<c>var oversize = ReadBuffer.AllocateOversize(len)</c>).
        /// </summary>
        private static bool IsCopyOfOwner(ExpressionSyntax value, ISymbol owner, INamedTypeSymbol type, List<SyntaxNode> ownerSyntax)
        {
            var name = AssignedMember.NameOf(value);
            if (name is null || name == owner.Name)
            {
                return name == owner.Name;
            }

            var local = value.FirstAncestorOrSelf<BlockSyntax>()?.DescendantNodes().OfType<VariableDeclaratorSyntax>().FirstOrDefault(v => v.Identifier.ValueText == name);
            if (local is not null)
            {
                return local.Initializer?.Value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var receiver, Name: var method } }
                    && AssignedMember.NameOf(receiver) == owner.Name
                    && type.GetMembers(method.Identifier.ValueText).OfType<IMethodSymbol>().Any(m => SymbolEqualityComparer.Default.Equals(m.ReturnType.OriginalDefinition, type.OriginalDefinition));
            }

            var stores = Assignments(ownerSyntax, name).ToList();
            return owner.ContainingType!.GetMembers(name).Any(m => m is IFieldSymbol or IPropertySymbol) && stores.Count > 0
                && stores.All(a => AssignedMember.NameOf(a.Right) == owner.Name || IsNullValue(a.Right));
        }

        private static bool IsNullValue(ExpressionSyntax value)
        {
            var inner = value is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } suppressed ? suppressed.Operand : value;
            return inner.IsKind(SyntaxKind.NullLiteralExpression) || inner.IsKind(SyntaxKind.DefaultLiteralExpression);
        }

        private static bool IsSameOrBase(INamedTypeSymbol? type, INamedTypeSymbol? derived)
        {
            for (var t = derived; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, type?.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Any write to a member of that name: assignment, compound assignment, increment, or a <c>ref</c>/<c>out</c> argument.</summary>
        private static bool AssignsIn(SyntaxNode syntax, string name)
            => syntax.DescendantNodesAndSelf().Any(n => n switch
            {
                AssignmentExpressionSyntax a => AssignedMember.NameOf(a.Left) == name,
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } u => AssignedMember.NameOf(u.Operand) == name,
                PostfixUnaryExpressionSyntax u => AssignedMember.NameOf(u.Operand) == name,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } a => AssignedMember.NameOf(a.Expression) == name,
                _ => false,
            });

        private static bool IsDefaultLiteral(ExpressionSyntax value)
            => value.IsKind(SyntaxKind.FalseLiteralExpression) || value.IsKind(SyntaxKind.NullLiteralExpression) || value.IsKind(SyntaxKind.DefaultLiteralExpression);
    }
}
