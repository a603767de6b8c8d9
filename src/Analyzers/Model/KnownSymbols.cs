using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>The attribute and BCL lock types, resolved once per compilation by metadata name.</summary>
    internal sealed class KnownSymbols
    {
        public const string Namespace = "LockDiscipline.";

        private KnownSymbols(Compilation compilation)
        {
            Acquires = Get(compilation, "AcquiresAttribute");
            Releases = Get(compilation, "ReleasesAttribute");
            TryAcquires = Get(compilation, "TryAcquiresAttribute");
            WaitsForReaders = Get(compilation, "WaitsForReadersAttribute");
            ReaderNeverBlocks = Get(compilation, "ReaderNeverBlocksAttribute");
            Recursive = Get(compilation, "RecursiveAttribute");
            ScopedLock = Get(compilation, "ScopedLockAttribute");
            LockOrder = Get(compilation, "LockOrderAttribute");
            LeafLock = Get(compilation, "LeafLockAttribute");
            Requires = Get(compilation, "RequiresAttribute");
            Excludes = Get(compilation, "ExcludesAttribute");
            MayAcquire = Get(compilation, "MayAcquireAttribute");
            GuardedBy = Get(compilation, "GuardedByAttribute");
            TakesRef = Get(compilation, "TakesRefAttribute");
            DropsRef = Get(compilation, "DropsRefAttribute");
            ReturnsRef = Get(compilation, "ReturnsRefAttribute");
            ConsumesRef = Get(compilation, "ConsumesRefAttribute");
            HoldsRef = Get(compilation, "HoldsRefAttribute");

            Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
            ThreadingLock = compilation.GetTypeByMetadataName("System.Threading.Lock");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            ReaderWriterLockSlim = compilation.GetTypeByMetadataName("System.Threading.ReaderWriterLockSlim");
            Mutex = compilation.GetTypeByMetadataName("System.Threading.Mutex");
            WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
            SpinLock = compilation.GetTypeByMetadataName("System.Threading.SpinLock");
            LockRecursionPolicy = compilation.GetTypeByMetadataName("System.Threading.LockRecursionPolicy");
        }

        public INamedTypeSymbol? Acquires { get; }
        public INamedTypeSymbol? Releases { get; }
        public INamedTypeSymbol? TryAcquires { get; }
        public INamedTypeSymbol? WaitsForReaders { get; }
        public INamedTypeSymbol? ReaderNeverBlocks { get; }
        public INamedTypeSymbol? Recursive { get; }
        public INamedTypeSymbol? ScopedLock { get; }
        public INamedTypeSymbol? LockOrder { get; }
        public INamedTypeSymbol? LeafLock { get; }
        public INamedTypeSymbol? Requires { get; }
        public INamedTypeSymbol? Excludes { get; }
        public INamedTypeSymbol? MayAcquire { get; }
        public INamedTypeSymbol? GuardedBy { get; }
        public INamedTypeSymbol? TakesRef { get; }
        public INamedTypeSymbol? DropsRef { get; }
        public INamedTypeSymbol? ReturnsRef { get; }
        public INamedTypeSymbol? ConsumesRef { get; }
        public INamedTypeSymbol? HoldsRef { get; }

        public INamedTypeSymbol? Monitor { get; }
        public INamedTypeSymbol? ThreadingLock { get; }
        public INamedTypeSymbol? SemaphoreSlim { get; }
        public INamedTypeSymbol? ReaderWriterLockSlim { get; }
        public INamedTypeSymbol? Mutex { get; }
        public INamedTypeSymbol? WaitHandle { get; }
        public INamedTypeSymbol? SpinLock { get; }
        public INamedTypeSymbol? LockRecursionPolicy { get; }

        public static KnownSymbols Create(Compilation compilation) => new KnownSymbols(compilation);

        /// <summary>Matches by full metadata name so a project's own internal copies of the attributes count too.</summary>
        public static bool IsAttribute(AttributeData attribute, INamedTypeSymbol? known, string simpleName)
        {
            var cls = attribute.AttributeClass;
            if (cls is null)
            {
                return false;
            }

            if (known is not null && SymbolEqualityComparer.Default.Equals(cls, known))
            {
                return true;
            }

            return cls.Name == simpleName && cls.ContainingNamespace?.ToDisplayString() == "LockDiscipline";
        }

        private static INamedTypeSymbol? Get(Compilation compilation, string name)
            => compilation.GetTypeByMetadataName(Namespace + name);
    }
}
