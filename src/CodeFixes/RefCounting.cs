using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.CodeFixes
{
    /// <summary>Recognises the reference-count primitives the fixes write calls to, as the analyzer's contracts read them.</summary>
    internal static class RefCounting
    {
        /// <summary>An unconditional get of <c>this</c>, or of a static method's only parameter.</summary>
        public static bool IsGet(IMethodSymbol method)
            => method.GetAttributes().Any(a => a.AttributeClass?.Name == "TakesRefAttribute" && OnItsTarget(a, method) && a.NamedArguments.IsEmpty);

        /// <summary>A drop that may be the last one (not <c>NotFinal</c>), of <c>this</c> or of a static method's only parameter.</summary>
        public static bool IsPut(IMethodSymbol method)
            => method.GetAttributes().Any(a => a.AttributeClass?.Name == "DropsRefAttribute" && OnItsTarget(a, method)
                && !a.NamedArguments.Any(n => n.Key == "NotFinal" && n.Value.Value is true));

        private static bool OnItsTarget(AttributeData attribute, IMethodSymbol method)
            => attribute.ConstructorArguments.IsEmpty
                || (method.IsStatic && method.Parameters.Length == 1 && attribute.ConstructorArguments[0].Value as string == method.Parameters[0].Name);
    }
}
