using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>Which member an assignment target (or a delegate's receiver) names, from syntax alone.</summary>
    internal static class AssignedMember
    {
        /// <summary><c>_f</c> or <c>x._f</c>: <c>_f</c>; null for anything else.</summary>
        public static string? NameOf(ExpressionSyntax target) => target switch
        {
            IdentifierNameSyntax id => id.Identifier.ValueText,
            MemberAccessExpressionSyntax ma => ma.Name.Identifier.ValueText,
            _ => null,
        };
    }
}
