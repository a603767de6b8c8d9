using System.Collections.Concurrent;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// Why a hold must be released by the thread that took it (LD1010): the primitive, and when an annotated wrapper took it, the
    /// chain from the wrapper to the primitive's call.
    /// </summary>
    internal sealed class ThreadAffinity
    {
        public ThreadAffinity(string primitive, string? chain = null)
        {
            Primitive = primitive;
            Chain = chain;
        }

        /// <summary><c>Monitor</c>, <c>System.Threading.Lock</c>, <c>Mutex</c>, ... or <c>[ThreadAffine] T</c>.</summary>
        public string Primitive { get; }

        /// <summary><c>Lock() -> Monitor.Enter(_gate)</c> when the lock was taken inside a call; null when taken here.</summary>
        public string? Chain { get; }

        public const string Monitor = "Monitor";

        /// <summary>
        /// The thread-affine primitive a BCL acquisition takes, or null (<c>SemaphoreSlim</c>, a <c>SpinLock</c> created with owner
        /// tracking off, anything that is not an acquisition).
        /// </summary>
        public static ThreadAffinity? OfBclAcquisition(IInvocationOperation call, LockTypes lockTypes, ISymbol? lockMember)
        {
            var method = call.TargetMethod;
            var type = method.ContainingType;
            string? primitive = method.Name switch
            {
                "Enter" or "TryEnter" when KnownSymbols.IsThreadingType(type, "Monitor") => Monitor,
                "Enter" or "TryEnter" or "EnterScope" when KnownSymbols.IsThreadingType(type, "Lock") => "System.Threading.Lock",
                "WaitOne" when KnownSymbols.IsThreadingType(call.Instance?.Type, "Mutex") => "Mutex",
                "EnterReadLock" or "EnterUpgradeableReadLock" or "EnterWriteLock" or "TryEnterReadLock" or "TryEnterUpgradeableReadLock" or "TryEnterWriteLock"
                    when KnownSymbols.IsThreadingType(type, "ReaderWriterLockSlim") => "ReaderWriterLockSlim",
                "Enter" or "TryEnter" when KnownSymbols.IsThreadingType(type, "SpinLock") && (lockMember is null || lockTypes.SpinLockTracksOwner(lockMember)) => "SpinLock",
                _ => null,
            };
            return primitive is null ? null : new ThreadAffinity(primitive);
        }
    }

    /// <summary>
    /// The thread affinity of annotated lock primitives: <c>[ThreadAffine]</c> on the lock's type or the primitive's type, else
    /// what the primitive's own body takes (an <c>[Acquires]</c> wrapper around <c>Monitor.Enter</c> is as thread-affine as Monitor).
    /// </summary>
    internal sealed class ThreadAffinities
    {
        private const int MaxWrapperDepth = 4;

        private readonly Compilation _compilation;
        private readonly LockTypes _lockTypes;
        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxReads.Tracked<ThreadAffinity?>> _ofBodies = new(SymbolEqualityComparer.Default);

        public ThreadAffinities(Compilation compilation, LockTypes lockTypes)
        {
            _compilation = compilation;
            _lockTypes = lockTypes;
        }

        /// <summary>The affinity of what <paramref name="primitive"/> acquires as <paramref name="lockClass"/>, or null.</summary>
        public ThreadAffinity? OfContract(IMethodSymbol primitive, LockClass lockClass)
        {
            var lockType = lockClass.Symbol is { } symbol ? PathBinder.MemberType(symbol) ?? symbol as ITypeSymbol : null;
            foreach (var type in new[] { lockType, primitive.ContainingType })
            {
                if (type is not null && _lockTypes.TypeHasAttribute(type, "ThreadAffineAttribute"))
                {
                    return new ThreadAffinity("[ThreadAffine] " + type.Name);
                }
            }

            return OfBody(primitive.OriginalDefinition, 0);
        }

        private ThreadAffinity? OfBody(IMethodSymbol primitive, int depth)
        {
            if (depth > MaxWrapperDepth)
            {
                return null;
            }

            return SyntaxReads.Memo(_ofBodies, primitive, p => ScanBody(p, depth));
        }

        private ThreadAffinity? ScanBody(IMethodSymbol primitive, int depth)
        {
            foreach (var reference in primitive.DeclaringSyntaxReferences)
            {
                var syntax = SyntaxReads.Syntax(reference);
#pragma warning disable RS1030 // Only the bodies of annotated lock primitives, once each, cached.
                var semanticModel = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                if (semanticModel.GetOperation(syntax) is not { } body)
                {
                    continue;
                }

                foreach (var call in ValueResolver.Descendants(body).OfType<IInvocationOperation>())
                {
                    var lockMember = (call.Instance as IMemberReferenceOperation)?.Member
                        ?? (call.Arguments.FirstOrDefault()?.Value as IMemberReferenceOperation)?.Member;
                    if (ThreadAffinity.OfBclAcquisition(call, _lockTypes, lockMember) is { } direct)
                    {
                        return new ThreadAffinity(direct.Primitive, primitive.Name + "() -> " + call.Syntax);
                    }

                    var callee = call.TargetMethod.OriginalDefinition;
                    if (!SymbolEqualityComparer.Default.Equals(callee, primitive) && HasAcquiresAttribute(callee) && OfBody(callee, depth + 1) is { } inner)
                    {
                        return new ThreadAffinity(inner.Primitive, primitive.Name + "() -> " + inner.Chain);
                    }
                }
            }

            return null;
        }

        private static bool HasAcquiresAttribute(IMethodSymbol method)
            => method.GetAttributes().Any(a => a.AttributeClass?.Name is "AcquiresAttribute" or "TryAcquiresAttribute" && KnownSymbols.IsOurs(a));
    }
}
