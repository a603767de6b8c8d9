using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>Where a call adds or drops a reference: <c>this</c> or one parameter.</summary>
    internal sealed class RefTarget
    {
        public RefTarget(IParameterSymbol? parameter) => Parameter = parameter;

        /// <summary>The parameter, or <see langword="null"/> for the receiver.</summary>
        public IParameterSymbol? Parameter { get; }
    }

    /// <summary>Everything the annotations say about one method, bound once per compilation.</summary>
    internal sealed class MethodContract
    {
        public static readonly MethodContract Empty = new();

        public ImmutableArray<LockContractEntry> Acquires { get; init; } = ImmutableArray<LockContractEntry>.Empty;

        public ImmutableArray<LockContractEntry> Releases { get; init; } = ImmutableArray<LockContractEntry>.Empty;

        public ImmutableArray<LockContractEntry> TryAcquires { get; init; } = ImmutableArray<LockContractEntry>.Empty;

        public ImmutableArray<LockContractEntry> Waits { get; init; } = ImmutableArray<LockContractEntry>.Empty;

        public ImmutableArray<LockContractEntry> Requires { get; init; } = ImmutableArray<LockContractEntry>.Empty;

        public ImmutableArray<BoundLock> Excludes { get; init; } = ImmutableArray<BoundLock>.Empty;

        /// <summary><c>[MayAcquire]</c> entries, resolved to lock classes, or paths resolved at the call.</summary>
        public ImmutableArray<LockClass> MayAcquireClasses { get; init; } = ImmutableArray<LockClass>.Empty;

        public ImmutableArray<BoundLock> MayAcquirePaths { get; init; } = ImmutableArray<BoundLock>.Empty;

        public RefTarget? TakesRef { get; init; }

        /// <summary>For a conditional get: the bool result that means the reference was taken.</summary>
        public bool? TakesRefWhenReturns { get; init; }

        public RefTarget? DropsRef { get; init; }

        public bool DropsRefNotFinal { get; init; }

        public bool ReturnsRef { get; init; }

        public ImmutableArray<IParameterSymbol> ConsumesRef { get; init; } = ImmutableArray<IParameterSymbol>.Empty;

        /// <summary>
        /// The <c>ref bool</c> parameter the acquisition sets when it takes the lock, as <c>Monitor.Enter(o, ref taken)</c> does
        /// (an inferred wrapper of that call); the caller releases only where it is true.
        /// </summary>
        public IParameterSymbol? TakenFlag { get; init; }

        /// <summary>With <see cref="TakenFlag"/>: the acquisition may give up (<c>Monitor.TryEnter(o, timeout, ref taken)</c>), so it never waits.</summary>
        public bool TakenFlagIsTry { get; init; }

        /// <summary>The body implements a lock primitive: it is not checked and calls to it do exactly what the contract says.</summary>
        public bool IsLockPrimitive => !Acquires.IsEmpty || !Releases.IsEmpty || !TryAcquires.IsEmpty || !Waits.IsEmpty;

        public bool HasLockEffect => IsLockPrimitive || !MayAcquireClasses.IsEmpty || !MayAcquirePaths.IsEmpty;

        public bool IsRefPrimitive => TakesRef is not null || DropsRef is not null;
    }
}
