using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>Which member an assignment target (or a delegate's receiver) names, and what is stored in a member, from syntax alone.</summary>
    internal static class AssignedMember
    {
        /// <summary><c>_f</c> or <c>x._f</c>: <c>_f</c>; null for anything else.</summary>
        public static string? NameOf(ExpressionSyntax target) => target switch
        {
            IdentifierNameSyntax id => id.Identifier.ValueText,
            MemberAccessExpressionSyntax ma => ma.Name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// Every value stored in a field or property within its type: its initializer and each assignment to a member of that name;
        /// null for each place it is passed by reference (<c>Interlocked.Exchange(ref _f, ...)</c>), where what is stored is not seen.
        /// </summary>
        public static IEnumerable<ExpressionSyntax?> ValuesOf(ISymbol member)
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = SyntaxReads.Syntax(reference) switch
                {
                    VariableDeclaratorSyntax v => v.Initializer?.Value,
                    PropertyDeclarationSyntax p => p.Initializer?.Value,
                    _ => null,
                };
                if (initializer is not null)
                {
                    yield return initializer;
                }
            }

            var name = SyntaxSearch.Mentioning(member.Name);
            foreach (var typeReference in member.ContainingType?.DeclaringSyntaxReferences ?? Enumerable.Empty<SyntaxReference>())
            {
                foreach (var node in SyntaxReads.Search(typeReference, name).DescendantNodes())
                {
                    var (target, value) = node switch
                    {
                        AssignmentExpressionSyntax a => (a.Left, (ExpressionSyntax?)a.Right),
                        ArgumentSyntax { RefKindKeyword.RawKind: not 0 } arg => (arg.Expression, null),
                        _ => (null, null),
                    };
                    if (target is not null && NameOf(target) == member.Name)
                    {
                        yield return value;
                    }
                }
            }
        }
    }
}
