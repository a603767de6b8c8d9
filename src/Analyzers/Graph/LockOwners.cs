using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>
    /// Which object a lock belongs to, as a path in a method's frame, and how the two locks of an order edge relate: the same
    /// object, or an object the held lock's owner reaches through its fields. A wrapper that holds its own lock while calling the
    /// object it wraps orders the two instances by ownership (lockdep needs a subclass annotation for it; the path says it).
    /// </summary>
    internal static class LockOwners
    {
        /// <summary>
        /// The owner of a held or acquired lock: for a lock object its instance created for itself (<c>this._gate</c>) the
        /// instance (<c>this</c>); for an object locked as itself (<c>lock (this)</c>) the object; null when not known.
        /// </summary>
        public static string? OwnerOf(HeldKey key, LockTypes lockTypes)
        {
            if (key.Instance is not { } instance)
            {
                return null;
            }

            return key.Class.Symbol switch
            {
                INamedTypeSymbol => instance,
                IFieldSymbol or IPropertySymbol when lockTypes.IsOwnedLockObject(key.Class.Symbol) && instance.EndsWith("." + key.Class.Symbol.Name, System.StringComparison.Ordinal)
                    => instance.Substring(0, instance.Length - key.Class.Symbol.Name.Length - 1),
                _ => null,
            };
        }

        /// <summary>The owner, in the caller's frame, of a lock a callee takes on its own object or a parameter's.</summary>
        public static string? OwnerThrough(CallFact call, AcquisitionPath calleePath) => calleePath.Root.Kind switch
        {
            RootKind.This when call.Target.MethodKind != MethodKind.DelegateInvoke && call.ReceiverPath is { } receiver => receiver + calleePath.Suffix,
            RootKind.Parameter when calleePath.Root.Ordinal < call.ArgumentPaths.Length && call.ArgumentPaths[calleePath.Root.Ordinal] is { } argument => argument + calleePath.Suffix,
            _ => null,
        };

        public static Ownership Classify(string? heldOwner, string? acquiredOwner)
            => heldOwner is null || acquiredOwner is null ? Ownership.Unknown
                : heldOwner == acquiredOwner ? Ownership.Same
                : acquiredOwner.StartsWith(heldOwner + ".", System.StringComparison.Ordinal) ? Ownership.Down
                : Ownership.Unknown;
    }
}
