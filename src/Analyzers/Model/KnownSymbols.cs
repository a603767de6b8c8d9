using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// The BCL lock types and our attributes, matched by name. Names, not symbols looked up with <c>GetTypeByMetadataName</c>: such a
    /// lookup searches every referenced assembly, which cost about 5% of a cold analysis, and most compilations use few of them.
    /// </summary>
    internal static class KnownSymbols
    {
        /// <summary>Whether <paramref name="type"/> is <c>System.Threading.</c><paramref name="name"/> (a non-generic type).</summary>
        public static bool IsThreadingType(ITypeSymbol? type, string name)
            => type is INamedTypeSymbol { Arity: 0, ContainingType: null } named
                && named.Name == name
                && named.ContainingNamespace is { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        /// <summary>Whether the compilation declares <paramref name="symbol"/> (its definition, for a constructed generic).</summary>
        public static bool IsInSource(ISymbol symbol) => symbol.OriginalDefinition.Locations.Any(l => l.IsInSource);

        /// <summary>Whether <paramref name="type"/> is <c>System.Threading.Tasks.Task</c> or <c>Task&lt;T&gt;</c>, or <c>TaskFactory</c>'s kin by name.</summary>
        public static bool IsTaskType(ITypeSymbol? type)
            => type?.OriginalDefinition is INamedTypeSymbol { Name: "Task", ContainingType: null } named
                && named.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        /// <summary>Whether <paramref name="type"/> is <c>System.Threading.Tasks.TaskFactory</c> (or <c>TaskFactory&lt;T&gt;</c>).</summary>
        public static bool IsTaskFactory(ITypeSymbol? type)
            => type?.OriginalDefinition is INamedTypeSymbol { Name: "TaskFactory", ContainingType: null } named
                && named.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        /// <summary>
        /// Matches by name in namespace <c>LockDiscipline</c>, not by symbol, so a project's own internal copies of the attributes
        /// count too (and a project that has both still binds: there the metadata name is ambiguous).
        /// </summary>
        public static bool IsAttribute(AttributeData attribute, string simpleName)
            => attribute.AttributeClass?.Name == simpleName && IsOurs(attribute);

        /// <summary>Whether a method or parameter is marked <c>[Unshared]</c>: no other thread waits for that object's locks there.</summary>
        public static bool IsUnshared(ISymbol symbol) => symbol.GetAttributes().Any(a => IsAttribute(a, "UnsharedAttribute"));

        /// <summary>Whether the attribute's class is in namespace <c>LockDiscipline</c> (compared without building the name).</summary>
        public static bool IsOurs(AttributeData attribute)
            => attribute.AttributeClass?.ContainingNamespace is { Name: "LockDiscipline", ContainingNamespace.IsGlobalNamespace: true };
    }
}
