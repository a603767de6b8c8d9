using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Flow
{
    internal enum EffectKind
    {
        Acquire,
        Release,

        /// <summary>Acquires only where the call's bool result equals the success value.</summary>
        TryAcquire,

        /// <summary>Acquires now and returns a guard whose disposal releases.</summary>
        GuardAcquire,

        /// <summary>Waits for the readers of the lock (SRCU synchronize).</summary>
        Wait,
    }

    /// <summary>What one call does to one lock.</summary>
    internal sealed class LockEffect
    {
        public LockEffect(EffectKind kind, HeldKey key, bool recursive, IOperation? takenFlag = null, bool successValue = true, bool isTry = false, ThreadAffinity? affinity = null, bool waitsForever = false)
        {
            Affinity = affinity;
            // A try told to wait forever still waits: it orders like any acquisition, though its result says whether it holds.
            IsTry = !waitsForever && (isTry || kind == EffectKind.TryAcquire);
            Kind = kind;
            Key = key;
            Recursive = recursive;
            TakenFlag = takenFlag;
            SuccessValue = successValue;
        }

        public EffectKind Kind { get; }

        public HeldKey Key { get; }

        public bool Recursive { get; }

        /// <summary>The <c>ref bool</c> argument that records whether the lock was taken.</summary>
        public IOperation? TakenFlag { get; }

        public bool SuccessValue { get; }

        /// <summary>For an acquisition: why the thread that takes the lock must be the one that releases it (null when it need not).</summary>
        public ThreadAffinity? Affinity { get; }

        public LockEffect WithAffinity(ThreadAffinity? affinity)
            => affinity is null ? this : new LockEffect(Kind, Key, Recursive, TakenFlag, SuccessValue, IsTry, affinity, waitsForever: !IsTry);

        /// <summary>A try-acquisition never waits, so (as in lockdep) it adds no order dependency and cannot self-deadlock.</summary>
        public bool IsTry { get; }
    }

    /// <summary>Classifies calls into lock effects: annotated primitives first, then the BCL locks with their real re-entrancy.</summary>
    internal static class LockEffects
    {
        public static IReadOnlyList<LockEffect> Classify(IInvocationOperation call, AnnotationModel model, ValueResolver values)
        {
            var method = call.TargetMethod;
            var contract = model.GetEffectiveContract(method);
            if (contract.IsLockPrimitive)
            {
                return FromContract(call, contract, model, values);
            }

            var effects = FromBcl(call, model, values);
            if (effects.Count == 0 || effects.All(e => e.Kind == EffectKind.Release))
            {
                return effects;
            }

            var lockMember = (call.Instance ?? call.Arguments.FirstOrDefault()?.Value) is { } locked ? (values.Unwrap(locked) as IMemberReferenceOperation)?.Member : null;
            var affinity = ThreadAffinity.OfBclAcquisition(call, model.LockTypes, lockMember);
            return affinity is null ? effects : effects.Select(e => e.Kind == EffectKind.Release ? e : e.WithAffinity(affinity)).ToList();
        }

        /// <summary>Resolves a contract path against a call site: the lock class and the instance in the caller's frame.</summary>
        public static (LockClass Class, string? Instance) Resolve(BoundLock target, IOperation call, ValueResolver values, IMethodSymbol callee)
        {
            IOperation? root = target.Root switch
            {
                PathRoot.This => ValueResolver.ReceiverOf(call),
                PathRoot.Parameter => ValueResolver.ArgumentFor(call, target.Parameter!),
                PathRoot.Return => call,
                _ => null,
            };

            var fixedClass = target.FixedClass;
            if (target.Root == PathRoot.Static)
            {
                return (fixedClass!, target.OwnFramePath);
            }

            if (target.Root == PathRoot.Return)
            {
                return (fixedClass ?? values.ClassOf(call), null);
            }

            var rootPath = root is null ? null : values.PathOf(root);
            var lockClass = fixedClass ?? (root is not null ? values.ClassOf(root) : LockClass.ForType(callee.ContainingType));
            return (lockClass, target.Rebase(rootPath));
        }

        /// <summary>
        /// A constructor annotated <c>[Acquires]</c>: creating the object takes the lock, and for a <c>[ScopedLock]</c> type the new
        /// object is the guard whose disposal releases it (<c>using (new Guard(mu))</c>).
        /// </summary>
        public static IReadOnlyList<LockEffect> ClassifyCreation(IObjectCreationOperation creation, AnnotationModel model, ValueResolver values)
        {
            if (creation.Constructor is not { } constructor || model.GetEffectiveContract(constructor) is not { Acquires.IsEmpty: false } contract)
            {
                return System.Array.Empty<LockEffect>();
            }

            var guard = model.LockTypes.IsScopedGuard(creation.Type);
            return contract.Acquires
                .Select(entry => KeyOf(entry, creation, constructor, values))
                .Select(key => new LockEffect(guard ? EffectKind.GuardAcquire : EffectKind.Acquire, key, model.LockTypes.IsRecursiveThroughContract(key.Class), affinity: model.ThreadAffinities.OfContract(constructor, key.Class)))
                .ToList();
        }

        private static IReadOnlyList<LockEffect> FromContract(IInvocationOperation call, MethodContract contract, AnnotationModel model, ValueResolver values)
        {
            var effects = new List<LockEffect>();
            var guard = model.LockTypes.IsScopedGuard(call.TargetMethod.ReturnType);
            var takenFlag = contract.TakenFlag is { } flag ? ValueResolver.ArgumentFor(call, flag) : null;
            foreach (var entry in contract.Acquires)
            {
                var key = KeyOf(entry, call, values);
                effects.Add(new LockEffect(guard ? EffectKind.GuardAcquire : EffectKind.Acquire, key, entry.Recursive ?? model.LockTypes.IsRecursiveThroughContract(key.Class), takenFlag,
                    isTry: takenFlag is not null && contract.TakenFlagIsTry, affinity: model.ThreadAffinities.OfContract(call.TargetMethod, key.Class)));
            }

            foreach (var entry in contract.TryAcquires)
            {
                var key = KeyOf(entry, call, values);
                effects.Add(new LockEffect(EffectKind.TryAcquire, key, model.LockTypes.IsRecursiveThroughContract(key.Class), successValue: entry.SuccessValue ?? true, affinity: model.ThreadAffinities.OfContract(call.TargetMethod, key.Class)));
            }

            foreach (var entry in contract.Releases)
            {
                effects.Add(new LockEffect(EffectKind.Release, KeyOf(entry, call, values), recursive: false));
            }

            foreach (var entry in contract.Waits)
            {
                var key = KeyOf(entry, call, values);
                effects.Add(new LockEffect(EffectKind.Wait, new HeldKey(key.Class, key.Instance, LockMode.Wait), recursive: false));
            }

            return effects;
        }

        private static HeldKey KeyOf(LockContractEntry entry, IInvocationOperation call, ValueResolver values)
            => KeyOf(entry, call, call.TargetMethod, values);

        private static HeldKey KeyOf(LockContractEntry entry, IOperation call, IMethodSymbol callee, ValueResolver values)
        {
            var (lockClass, instance) = Resolve(entry.Target, call, values, callee);
            return new HeldKey(lockClass.WithSubclass(entry.Subclass), instance, entry.Mode);
        }

        private static IReadOnlyList<LockEffect> FromBcl(IInvocationOperation call, AnnotationModel model, ValueResolver values)
        {
            var method = call.TargetMethod;
            var type = method.ContainingType;
            var none = System.Array.Empty<LockEffect>();

            // Most calls are of no lock type: they are told apart before their receivers' lock classes are worked out (which was
            // an eighth of the held-lock walk on NLog).
            if (!IsBclLockType(type) && !KnownSymbols.IsThreadingType(call.Instance?.Type, "Mutex"))
            {
                return none;
            }

            var returnsBool = method.ReturnType.SpecialType == SpecialType.System_Boolean
                || (method.ReturnType is INamedTypeSymbol { Name: "Task", TypeArguments.Length: 1 } task && task.TypeArguments[0].SpecialType == SpecialType.System_Boolean);
            // A try-acquisition told to wait forever returns true whenever it returns: an acquisition that waits. Where its result
            // is tested, it is still followed as a try (through the locals and conditionals the result goes through); where it is
            // ignored, it holds the lock.
            var untimed = WaitsForever(call);
            var tryKind = untimed && IsResultIgnored(call) ? EffectKind.Acquire : EffectKind.TryAcquire;

            if (KnownSymbols.IsThreadingType(type, "Monitor"))
            {
                if (call.Arguments.Length == 0)
                {
                    return none;
                }

                var target = call.Arguments.First(a => a.Parameter?.Ordinal == 0).Value;
                var key = new HeldKey(values.ClassOf(target), values.PathOf(target), LockMode.Exclusive);
                var flag = call.Arguments.FirstOrDefault(a => a.Parameter?.RefKind == RefKind.Ref)?.Value;
                return method.Name switch
                {
                    "Enter" => new[] { new LockEffect(EffectKind.Acquire, key, recursive: true, flag) },
                    "TryEnter" when flag is not null => new[] { new LockEffect(EffectKind.Acquire, key, recursive: true, flag, isTry: !untimed) },
                    "TryEnter" => new[] { new LockEffect(tryKind, key, recursive: true, waitsForever: untimed) },
                    "Exit" => new[] { new LockEffect(EffectKind.Release, key, recursive: true) },
                    _ => none,
                };
            }

            var receiver = call.Instance;
            if (receiver is null)
            {
                return none;
            }

            var receiverKey = new HeldKey(values.ClassOf(receiver), values.PathOf(receiver), LockMode.Exclusive);
            // The lock's class names the field or property behind it, through a local it was read into (`var l = d.Lock;`).
            var member = receiverKey.Class.Symbol is IFieldSymbol or IPropertySymbol or ILocalSymbol
                ? receiverKey.Class.Symbol
                : (values.Unwrap(receiver) as IMemberReferenceOperation)?.Member;

            if (KnownSymbols.IsThreadingType(type, "Lock"))
            {
                return method.Name switch
                {
                    "Enter" => new[] { new LockEffect(EffectKind.Acquire, receiverKey, recursive: true) },
                    "TryEnter" => new[] { new LockEffect(tryKind, receiverKey, recursive: true, waitsForever: untimed) },
                    "EnterScope" => new[] { new LockEffect(EffectKind.GuardAcquire, receiverKey, recursive: true) },
                    "Exit" => new[] { new LockEffect(EffectKind.Release, receiverKey, recursive: true) },
                    _ => none,
                };
            }

            if (KnownSymbols.IsThreadingType(type, "SemaphoreSlim"))
            {
                if (member is null || !model.LockTypes.IsMutexSemaphore(member))
                {
                    return none;
                }

                return method.Name switch
                {
                    "Wait" or "WaitAsync" when returnsBool => new[] { new LockEffect(tryKind, receiverKey, recursive: false, waitsForever: untimed) },
                    "Wait" or "WaitAsync" => new[] { new LockEffect(EffectKind.Acquire, receiverKey, recursive: false) },
                    "Release" => new[] { new LockEffect(EffectKind.Release, receiverKey, recursive: false) },
                    _ => none,
                };
            }

            if (KnownSymbols.IsThreadingType(type, "ReaderWriterLockSlim"))
            {
                var recursive = member is not null && model.LockTypes.IsRecursiveReaderWriterLock(member);
                LockEffect Effect(EffectKind kind, LockMode mode) => new(kind, new HeldKey(receiverKey.Class, receiverKey.Instance, mode), recursive, waitsForever: untimed);
                return method.Name switch
                {
                    "EnterReadLock" => new[] { Effect(EffectKind.Acquire, LockMode.Shared) },
                    "EnterUpgradeableReadLock" => new[] { Effect(EffectKind.Acquire, LockMode.Upgradeable) },
                    "EnterWriteLock" => new[] { Effect(EffectKind.Acquire, LockMode.Exclusive) },
                    "TryEnterReadLock" => new[] { Effect(tryKind, LockMode.Shared) },
                    "TryEnterUpgradeableReadLock" => new[] { Effect(tryKind, LockMode.Upgradeable) },
                    "TryEnterWriteLock" => new[] { Effect(tryKind, LockMode.Exclusive) },
                    "ExitReadLock" => new[] { Effect(EffectKind.Release, LockMode.Shared) },
                    "ExitUpgradeableReadLock" => new[] { Effect(EffectKind.Release, LockMode.Upgradeable) },
                    "ExitWriteLock" => new[] { Effect(EffectKind.Release, LockMode.Exclusive) },
                    _ => none,
                };
            }

            if (KnownSymbols.IsThreadingType(receiver.Type, "Mutex") || (KnownSymbols.IsThreadingType(type, "Mutex") && method.Name == "ReleaseMutex"))
            {
                return method.Name switch
                {
                    "WaitOne" when call.Arguments.Length == 0 => new[] { new LockEffect(EffectKind.Acquire, receiverKey, recursive: true) },
                    "WaitOne" => new[] { new LockEffect(tryKind, receiverKey, recursive: true, waitsForever: untimed) },
                    "ReleaseMutex" => new[] { new LockEffect(EffectKind.Release, receiverKey, recursive: true) },
                    _ => none,
                };
            }

            if (KnownSymbols.IsThreadingType(type, "SpinLock"))
            {
                var flag = call.Arguments.FirstOrDefault(a => a.Parameter?.RefKind == RefKind.Ref)?.Value;
                return method.Name switch
                {
                    "Enter" => new[] { new LockEffect(EffectKind.Acquire, receiverKey, recursive: false, flag) },
                    "TryEnter" => new[] { new LockEffect(EffectKind.Acquire, receiverKey, recursive: false, flag, isTry: !untimed) },
                    "Exit" => new[] { new LockEffect(EffectKind.Release, receiverKey, recursive: false) },
                    _ => none,
                };
            }

            return none;
        }

        private static bool IsBclLockType(INamedTypeSymbol? type)
            => type is { Arity: 0, ContainingType: null, Name: "Monitor" or "Lock" or "SemaphoreSlim" or "ReaderWriterLockSlim" or "Mutex" or "SpinLock" }
               && KnownSymbols.IsThreadingType(type, type.Name);

        /// <summary>
        /// A timeout argument that means "wait forever": <c>-1</c> (<c>Timeout.Infinite</c>) milliseconds, or
        /// <c>Timeout.InfiniteTimeSpan</c> (LiteDB's <c>_indexLock.TryEnterReadLock(-1)</c>).
        /// </summary>
        /// <summary>A call made as a statement (or awaited as one): nothing reads its result.</summary>
        private static bool IsResultIgnored(IOperation call)
        {
            // By syntax: in a control flow graph a statement's call and a branch's condition both stand without a parent.
            var node = call.Syntax;
            while (true)
            {
                switch (node.Parent)
                {
                    case AwaitExpressionSyntax or ParenthesizedExpressionSyntax:
                        node = node.Parent;
                        continue;
                    case MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Parent: InvocationExpressionSyntax configured } access when access.Expression == node:
                        node = configured;
                        continue;
                    default:
                        return node.Parent is ExpressionStatementSyntax;
                }
            }
        }

        private static bool WaitsForever(IInvocationOperation call)
            => call.Arguments.Any(a => a.Parameter is { } parameter && (parameter.Type.SpecialType == SpecialType.System_Int32 || parameter.Type.Name == "TimeSpan")
                && parameter.Name.IndexOf("timeout", System.StringComparison.OrdinalIgnoreCase) >= 0
                && ValueResolver.StripConversions(a.Value) switch
                {
                    { ConstantValue: { HasValue: true, Value: -1 } } => true,
                    IFieldReferenceOperation { Field: { Name: "InfiniteTimeSpan", ContainingType: var owner } } => KnownSymbols.IsThreadingType(owner, "Timeout"),
                    _ => false,
                });
    }
}
