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
        /// A search of a type for what stores into a member of the name: an assignment to it (in a deconstruction too) or a
        /// <c>ref</c> or <c>out</c> argument of it. Every reading of stores here looks at such nodes only, so an edit of a member
        /// with none, before and after, leaves its answers as they were.
        /// </summary>
        public static SyntaxSearch StoresTo(string name)
            => new("stores to " + name, member => member.DescendantNodes().Any(node => node switch
            {
                AssignmentExpressionSyntax assignment => Names(assignment.Left, name),
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => Names(argument.Expression, name),
                _ => false,
            }));

        private static bool Names(ExpressionSyntax target, string name)
            => target is TupleExpressionSyntax tuple ? tuple.Arguments.Any(a => Names(a.Expression, name)) : NameOf(target) == name;

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

            var name = StoresTo(member.Name);
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
