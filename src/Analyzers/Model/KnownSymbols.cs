using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>The BCL lock types, resolved once per compilation by metadata name; our attributes are matched by name.</summary>
    internal sealed class KnownSymbols
    {
        private KnownSymbols(Compilation compilation)
        {
            Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
            ThreadingLock = compilation.GetTypeByMetadataName("System.Threading.Lock");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
            Mutex = compilation.GetTypeByMetadataName("System.Threading.Mutex");
            SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
        }

        public INamedTypeSymbol? Monitor { get; }

        public INamedTypeSymbol? ThreadingLock { get; }

        public INamedTypeSymbol? SemaphoreSlim { get; }

        public INamedTypeSymbol? ReaderWriterLockSlim { get; }

        public INamedTypeSymbol? Mutex { get; }

        public INamedTypeSymbol? SpinLock { get; }

        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        /// <summary>
        /// Matches by name in namespace <c>LockDiscipline</c>, not by symbol, so a project's own internal copies of the attributes
        /// count too (and a project that has both still binds: there the metadata name is ambiguous).
        /// </summary>
        public static bool IsAttribute(AttributeData attribute, string simpleName)
        {
            var cls = attribute.AttributeClass;
            return cls is not null && cls.Name == simpleName && cls.ContainingNamespace?.ToDisplayString() == "LockDiscipline";
        }
    }
}
