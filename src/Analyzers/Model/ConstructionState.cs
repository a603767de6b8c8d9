using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
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
        private readonly ConcurrentDictionary<(IMethodSymbol, IFieldSymbol), SyntaxReads.Tracked<bool>> _leavesDefault = new();

        public ConstructionState(Compilation compilation)
        {
            _compilation = compilation;
            _stores = new BackPointerProof.StoresByName(compilation);
        }

        private readonly BackPointerProof.StoresByName _stores;

        /// <summary>Whether the field is still its default (false, null) when <paramref name="constructor"/> returns.</summary>
        public bool LeavesDefault(IMethodSymbol constructor, IFieldSymbol field)
            => SyntaxReads.Memo(_leavesDefault, (constructor.OriginalDefinition, field.OriginalDefinition), key => Compute(key.Item1, key.Item2));

        private bool Compute(IMethodSymbol constructor, IFieldSymbol field)
        {
            if (field.IsStatic || field.DeclaringSyntaxReferences.Select(r => SyntaxReads.Syntax(r)).OfType<VariableDeclaratorSyntax>().Any(v => v.Initializer is { } i && !IsDefaultLiteral(i.Value)))
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
                    var syntax = SyntaxReads.Syntax(reference);
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
                        if (target is not null && !target.IsStatic && target.ContainingType is { } targetType && BackPointerProof.Derives(constructor.ContainingType, targetType))
                        {
                            work.Push(target);
                        }
                    }
                }

                if (member.MethodKind == MethodKind.Constructor && !member.DeclaringSyntaxReferences.Any(r => SyntaxReads.Syntax(r) is ConstructorDeclarationSyntax { Initializer: not null })
                    && member.ContainingType.BaseType?.InstanceConstructors.FirstOrDefault(c => c.Parameters.IsEmpty) is { } implicitBase)
                {
                    work.Push(implicitBase);
                }
            }

            return true;
        }

        private readonly ConcurrentDictionary<(ISymbol Back, ISymbol Owner), SyntaxReads.Tracked<bool>> _pointsBack = new();
        private readonly ConcurrentDictionary<(ISymbol Copy, ISymbol Back), SyntaxReads.Tracked<ISymbol?>> _ownerOfCopy = new();

        /// <summary>
        /// Whether <c>t.M.G</c> is <c>t</c> for the member <c>G</c> (<paramref name="back"/>) and the member <c>M</c> of G's type named
        /// <paramref name="ownerName"/> (<see cref="BackPointerProof"/>): Npgsql's <c>connector.WriteBuffer.Connector</c> and
        /// <c>connector.CurrentReader.Connector</c> are the connector.
        /// </summary>
        public bool PointsBack(ISymbol back, string ownerName)
        {
            var ownerType = back switch
            {
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (ownerType is not INamedTypeSymbol named || named.GetMembers(ownerName).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is not { } owner)
            {
                return false;
            }

            return PointsBackTo(back, owner);
        }

        /// <summary>Whether <c>t.owner.back</c> is <c>t</c> (<see cref="BackPointerProof.Holds"/>), proved once per pair.</summary>
        private bool PointsBackTo(ISymbol back, ISymbol owner)
            => SyntaxReads.Memo(_pointsBack, (back.OriginalDefinition, owner.OriginalDefinition), key => BackPointerProof.Holds(_compilation, _stores, key.Item1, key.Item2));

        /// <summary>
        /// The member of <paramref name="copy"/>'s type that <c>this.copy.back</c> always is (<see cref="BackPointerProof.OwnerOfCopiedMember"/>):
        /// Npgsql's <c>_buf.Connector</c> is the exporter's <c>_connector</c>. Null when that cannot be shown.
        /// </summary>
        public ISymbol? OwnerOfCopy(ISymbol copy, ISymbol back)
            => SyntaxReads.Memo(_ownerOfCopy, (copy.OriginalDefinition, back.OriginalDefinition), key => BackPointerProof.OwnerOfCopiedMember(_compilation, key.Item1, key.Item2, PointsBackTo));

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
