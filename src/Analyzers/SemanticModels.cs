using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// The semantic model the walk binds bodies with. Binding a body for its operations also runs the compiler's nullable analysis
    /// on it when the project enables nullable reference types, which the lock analysis never reads (it compares symbols, not
    /// their annotations) and which was about half the cost of binding on lock-dense code. Roslyn 4.9 and later can skip it
    /// (<c>SemanticModelOptions.DisableNullableAnalysis</c>); the analyzer is built against 4.8 so that every current host loads
    /// it, so that overload is looked up once and used where the host has it.
    /// </summary>
    internal static class SemanticModels
    {
        private static readonly Func<Compilation, SyntaxTree, SemanticModel>? WithoutNullableAnalysis = Find();

        public static SemanticModel For(Compilation compilation, SyntaxTree tree)
#pragma warning disable RS1030 // The analysis is interprocedural: every body in the compilation is read once, and cached per compilation.
            => WithoutNullableAnalysis?.Invoke(compilation, tree) ?? compilation.GetSemanticModel(tree);
#pragma warning restore RS1030

        private static Func<Compilation, SyntaxTree, SemanticModel>? Find()
        {
            var optionsType = typeof(Compilation).Assembly.GetType("Microsoft.CodeAnalysis.SemanticModelOptions", throwOnError: false);
            if (optionsType is not { IsEnum: true } || !Enum.GetNames(optionsType).Contains("DisableNullableAnalysis"))
            {
                return null;
            }

            var method = typeof(Compilation).GetMethod("GetSemanticModel", BindingFlags.Public | BindingFlags.Instance, null, new[] { typeof(SyntaxTree), optionsType }, null);
            if (method is null || method.ReturnType != typeof(SemanticModel))
            {
                return null;
            }

            var options = Enum.Parse(optionsType, "DisableNullableAnalysis");
            return (compilation, tree) => (SemanticModel)method.Invoke(compilation, new[] { tree, options })!;
        }
    }
}
