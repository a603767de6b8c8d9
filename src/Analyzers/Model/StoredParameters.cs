using System.Collections.Concurrent;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// Whether a private field of <c>this</c> still holds the parameter a method stored in it, for the rest of that method: it does
    /// when, outside the type's constructors and initializers, every store into the field anywhere is that method storing that
    /// parameter (RabbitMQ.Client's channel runs <c>_connection = conn;</c> and then <c>_connection.RecoverConsumersAsync(...)</c>,
    /// a call on <c>conn</c>, the connection that called it). Calls in between cannot store anything else there; a second
    /// concurrent call of the same method with another argument is not considered.
    /// </summary>
    internal sealed class StoredParameters
    {
        private readonly ConcurrentDictionary<(IFieldSymbol, IMethodSymbol, int), SyntaxReads.Tracked<bool>> _onlyStores = new();

        /// <summary>Whether the stores of <paramref name="parameter"/> in <paramref name="method"/> are the only stores into <paramref name="field"/> after construction.</summary>
        public bool OnlyStoreAfterConstruction(IFieldSymbol field, IMethodSymbol method, IParameterSymbol parameter)
            => SyntaxReads.Memo(_onlyStores, (field.OriginalDefinition, method.OriginalDefinition, parameter.Ordinal), key => Compute(key.Item1, key.Item2, parameter.Name));

        private static bool Compute(IFieldSymbol field, IMethodSymbol method, string parameterName)
        {
            if (field.IsStatic || field.DeclaredAccessibility != Accessibility.Private || method.MethodKind != MethodKind.Ordinary)
            {
                return false;
            }

            // A deconstruction (`(_connection, x) = ...`) stores what this reading of assignments does not see.
            if (field.ContainingType.DeclaringSyntaxReferences.Select(r => SyntaxReads.Search(r, AssignedMember.StoresTo(field.Name))).SelectMany(t => t.DescendantNodes()).OfType<AssignmentExpressionSyntax>()
                .Any(a => a.Left is TupleExpressionSyntax tuple && tuple.Arguments.Any(t => t.Expression is ExpressionSyntax e && AssignedMember.NameOf(e) == field.Name)))
            {
                return false;
            }

            var bodies = method.DeclaringSyntaxReferences;
            foreach (var value in AssignedMember.ValuesOf(field))
            {
                if (value is null)
                {
                    // Passed by reference somewhere: what is stored there is not seen.
                    return false;
                }

                if (value.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is not null || value.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax })
                {
                    continue;
                }

                var inMethod = bodies.Any(b => b.SyntaxTree == value.SyntaxTree && b.Span.Contains(value.Span));
                if (!inMethod || value is not IdentifierNameSyntax { Identifier.ValueText: var name } || name != parameterName)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
