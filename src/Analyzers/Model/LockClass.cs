using System;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// A lock class in lockdep's sense: the field or property that holds a lock (all instances share it), the enclosing type for
    /// <c>lock (this)</c>, the elements of a collection member, or a local or parameter when nothing better is known. Identity is the key plus the nesting subclass.
    /// </summary>
    internal sealed class LockClass : IEquatable<LockClass>, IComparable<LockClass>
    {
        public LockClass(string key, string displayName, ISymbol? symbol, int subclass = 0)
        {
            Key = key;
            DisplayName = displayName;
            Symbol = symbol;
            Subclass = subclass;
        }

        /// <summary>A stable, unique name: the fully qualified member name.</summary>
        public string Key { get; }

        /// <summary>What a user reads: <c>Type.Member</c>, with <c>/n</c> for a non-zero subclass.</summary>
        public string DisplayName { get; }

        public ISymbol? Symbol { get; }

        public int Subclass { get; }

        public string Name => Subclass == 0 ? DisplayName : DisplayName + "/" + Subclass;

        public LockClass WithSubclass(int subclass)
            => subclass == Subclass ? this : new LockClass(Key, DisplayName, Symbol, subclass);

        public static LockClass ForMember(ISymbol member)
        {
            var type = member.ContainingType;
            var key = (type is null ? string.Empty : type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)) + "." + member.Name;
            var display = (type is null ? string.Empty : TypeDisplayName(type) + ".") + member.Name;
            return new LockClass(key, display, member);
        }

        /// <summary>
        /// The elements of a collection member (<c>foreach (var c in _conns) lock (c)</c>, <c>_byId[id]</c>, <c>TryGetValue(id, out var
        /// c)</c>): every lock taken on a value out of one collection is one class, named after the collection, as lockdep names a
        /// class after the field a lock lives in. The symbol is the element's type, which says what kind of lock it is.
        /// </summary>
        public static LockClass ForElementsOf(ISymbol collection, ITypeSymbol? elementType)
        {
            var member = ForMember(collection);
            return new LockClass(ElementsPrefix + member.Key, member.DisplayName + "[]", elementType);
        }

        /// <summary>A class made by <see cref="ForElementsOf"/>.</summary>
        public bool IsElementsOfCollection => Key.StartsWith(ElementsPrefix, StringComparison.Ordinal);

        private const string ElementsPrefix = "elements:";

        /// <summary>A lock inside the framework that <see cref="FrameworkModels"/> knows of (Trace's global lock).</summary>
        public bool IsFrameworkModel => Key.StartsWith(FrameworkPrefix, StringComparison.Ordinal);

        public const string FrameworkPrefix = "framework:";

        /// <summary>The runtime's lock on a type's initialization (<see cref="FrameworkModels.TypeInitializerLock"/>).</summary>
        public bool IsTypeInitializer => Key.StartsWith(TypeInitializerPrefix, StringComparison.Ordinal);

        public const string TypeInitializerPrefix = FrameworkPrefix + "cctor:";

        public static LockClass ForType(INamedTypeSymbol type)
            => new LockClass(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), TypeDisplayName(type), type);

        public static LockClass ForLocal(ISymbol localOrParameter, ISymbol? containingMember)
        {
            var owner = containingMember is null ? string.Empty : containingMember.ToDisplayString() + "::";
            return new LockClass("local:" + owner + localOrParameter.Name, localOrParameter.Name, localOrParameter);
        }

        public static string TypeDisplayName(INamedTypeSymbol type)
        {
            var name = type.Name;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.Name + "." + name;
            }

            return name;
        }

        public bool Equals(LockClass? other)
            => other is not null && Subclass == other.Subclass && string.Equals(Key, other.Key, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as LockClass);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key) * 31 + Subclass;

        public int CompareTo(LockClass? other)
        {
            if (other is null)
            {
                return 1;
            }

            var byKey = string.CompareOrdinal(Key, other.Key);
            return byKey != 0 ? byKey : Subclass.CompareTo(other.Subclass);
        }

        public override string ToString() => Name;
    }

    /// <summary>How a lock is held or waited for.</summary>
    internal enum LockMode
    {
        Exclusive,
        Shared,
        Upgradeable,

        /// <summary>A <c>[WaitsForReaders]</c> wait: blocks like an exclusive acquisition that is released at once.</summary>
        Wait,
    }
}
