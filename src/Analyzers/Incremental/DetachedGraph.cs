using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// Fact objects copied with every symbol in them written as its identity (<see cref="SymbolIdentity"/>), so the copy holds
    /// no compilation, and copied back into the symbols of a later compilation (<see cref="SymbolResolver"/>). Every field of
    /// every fact type is carried, found by reflection once per type, so a new fact field needs no line here: a value that can
    /// hold no symbol is kept as it is, an object that can is copied field by field, a collection item by item (with its
    /// comparers). Objects shared in the facts are shared in the copy. A value of a kind that must not outlive its compilation (a
    /// syntax node, an operation, a graph) or a symbol with no identity makes the copy fail (<see cref="CannotCopy"/>): those
    /// facts are walked again instead.
    /// </summary>
    internal static class DetachedGraph
    {
        /// <summary><paramref name="value"/> with every symbol replaced by its identity.</summary>
        public static object? Detach(object? value, SymbolIdentity.Describer describer) => new Detaching(describer).Copy(value);

        /// <summary>A detached <paramref name="value"/> with every identity replaced by its symbol in the resolver's compilation.</summary>
        public static object? Attach(object? value, SymbolResolver resolver) => new Attaching(resolver).Copy(value);

        /// <summary>
        /// Attached <paramref name="value"/> with every location replaced by <paramref name="move"/>'s (the facts of a body carried
        /// over inside its edited tree, whose locations stand in the tree before the edit); <paramref name="namesALine"/> when the
        /// facts hold text that names the line of a location (<see cref="INamesALine"/>), which an edit may renumber.
        /// </summary>
        public static object? Moved(object? value, Func<Location, Location> move, out bool namesALine)
        {
            var moving = new Moving(move);
            var moved = moving.Copy(value);
            namesALine = moving.NamesALine;
            return moved;
        }

        /// <summary>
        /// A collection's items (a dictionary's as key, value, key, value...) each copied by <paramref name="copy"/>; null when every
        /// copy is the item itself, so the collection can be kept as it is.
        /// </summary>
        private static object?[]? ItemsCopied(object collection, Func<object?, object?> copy)
        {
            var items = new List<object?>();
            var changed = false;
            void Add(object? item)
            {
                var copied = copy(item);
                items.Add(copied);
                changed |= !ReferenceEquals(copied, item);
            }

            if (collection is IDictionary dictionary)
            {
                var pairs = dictionary.GetEnumerator();
                while (pairs.MoveNext())
                {
                    Add(pairs.Key);
                    Add(pairs.Value);
                }
            }
            else
            {
                foreach (var item in (IEnumerable)collection)
                {
                    Add(item);
                }
            }

            return changed ? items.ToArray() : null;
        }

        /// <summary>
        /// <paramref name="value"/> copied by <paramref name="copy"/>, once per object (what the facts share stays shared); a value
        /// type each time.
        /// </summary>
        private static object CopiedOnce(Layout layout, object value, Dictionary<object, object> copies, Func<Layout, object, object> copy)
        {
            if (layout.IsValueType)
            {
                return copy(layout, value);
            }

            if (!copies.TryGetValue(value, out var known))
            {
                copies[value] = known = copy(layout, value);
            }

            return known;
        }

        internal sealed class CannotCopy : Exception
        {
            public CannotCopy(string message)
                : base(message)
            {
            }
        }

        /// <summary>An object whose fields that may hold symbols are copied (<see cref="Values"/>); its other fields are in <see cref="Skeleton"/>.</summary>
        private sealed class DetachedObject
        {
            public DetachedObject(Layout layout, object skeleton, object?[] values)
            {
                Layout = layout;
                Skeleton = skeleton;
                Values = values;
            }

            public Layout Layout { get; }

            public object Skeleton { get; }

            public object?[] Values { get; }
        }

        /// <summary>A collection's items copied, with the comparers it was made with (a dictionary's as key, value, key, value...).</summary>
        private sealed class DetachedItems
        {
            public DetachedItems(Layout layout, object? comparer, object? valueComparer, object?[] items)
            {
                Layout = layout;
                Comparer = comparer;
                ValueComparer = valueComparer;
                Items = items;
            }

            public Layout Layout { get; }

            public object? Comparer { get; }

            public object? ValueComparer { get; }

            public object?[] Items { get; }
        }

        /// <summary>Detaches values one after another, sharing what they share (one tree's bodies).</summary>
        internal sealed class Detaching
        {
            private readonly SymbolIdentity.Describer _describer;
            private readonly Dictionary<object, object> _copies = new(SameObject.Instance);
            private Func<Layout, object, object>? _copyObject;

            public Detaching(SymbolIdentity.Describer describer) => _describer = describer;

            public object? Copy(object? value)
            {
                switch (value)
                {
                    case null or string:
                        return value;
                    case ISymbol symbol:
                        return _describer.Of(symbol) ?? throw new CannotCopy("a " + symbol.Kind + " with no identity: " + symbol.ToDisplayString());
                    case SyntaxNode or IOperation or ControlFlowGraph or Compilation or SemanticModel or SyntaxTree:
                        throw new CannotCopy("a " + value.GetType().Name + " in facts");
                }

                var type = value.GetType();
                if (type == typeof(object))
                {
                    // A marker (a condition key for an await, for this): one object for every compilation.
                    return value;
                }

                var layout = Layout.Of(type);
                if (!layout.MayHoldSymbols)
                {
                    return value;
                }

                return CopiedOnce(layout, value, _copies, _copyObject ??= (l, v) => l.Collection is not null ? CopyItems(l, v) : CopyFields(l, v));
            }

            private object CopyFields(Layout layout, object value)
            {
                var values = new object?[layout.Fields.Length];
                var changed = false;
                for (var i = 0; i < values.Length; i++)
                {
                    var field = layout.Fields[i].GetValue(value);
                    values[i] = Copy(field);
                    changed |= !ReferenceEquals(values[i], field);
                }

                if (!changed)
                {
                    return value;
                }

                var skeleton = layout.Clone(value);
                for (var i = 0; i < values.Length; i++)
                {
                    layout.Fields[i].SetValue(skeleton, layout.Defaults[i]);
                }

                return new DetachedObject(layout, skeleton, values);
            }

            private object CopyItems(Layout layout, object value)
                => layout.IsDefault?.Invoke(value) != true && ItemsCopied(value, Copy) is { } items
                    ? new DetachedItems(layout, layout.Comparer?.Invoke(value), layout.ValueComparer?.Invoke(value), items)
                    : value;
        }

        /// <summary>Attaches values one after another, sharing what they share.</summary>
        internal sealed class Attaching
        {
            private readonly SymbolResolver _resolver;
            private readonly Dictionary<object, object> _copies = new(SameObject.Instance);

            public Attaching(SymbolResolver resolver) => _resolver = resolver;

            public object? Copy(object? value)
            {
                switch (value)
                {
                    case SymbolIdentity identity:
                        return _resolver.Find(identity) ?? throw new CannotCopy("a symbol with no counterpart");
                    case DetachedObject or DetachedItems:
                        if (_copies.TryGetValue(value, out var known))
                        {
                            return known;
                        }

                        var copy = value is DetachedObject detached ? CopyFields(detached) : CopyItems((DetachedItems)value);
                        _copies[value] = copy;
                        return copy;
                    default:
                        return value;
                }
            }

            private object CopyFields(DetachedObject detached)
            {
                var layout = detached.Layout;
                var copy = layout.Clone(detached.Skeleton);
                for (var i = 0; i < layout.Fields.Length; i++)
                {
                    layout.Fields[i].SetValue(copy, Copy(detached.Values[i]));
                }

                return copy;
            }

            private object CopyItems(DetachedItems detached)
            {
                var items = new object?[detached.Items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = Copy(detached.Items[i]);
                }

                return detached.Layout.Collection!(detached.Comparer, detached.ValueComparer, items);
            }
        }

        /// <summary>Copies attached facts with their locations moved; what holds no location is shared, not copied.</summary>
        private sealed class Moving
        {
            private readonly Func<Location, Location> _move;
            private readonly Dictionary<object, object> _copies = new(SameObject.Instance);
            private Func<Layout, object, object>? _copyObject;

            public Moving(Func<Location, Location> move) => _move = move;

            public bool NamesALine { get; private set; }

            public object? Copy(object? value)
            {
                switch (value)
                {
                    case null or string or ISymbol:
                        return value;
                    case Location location:
                        return _move(location);
                    case INamesALine { NamesALine: true }:
                        NamesALine = true;
                        break;
                    case SyntaxNode or IOperation or ControlFlowGraph or Compilation or SemanticModel or SyntaxTree:
                        throw new CannotCopy("a " + value.GetType().Name + " in facts");
                }

                var type = value.GetType();
                var layout = type == typeof(object) ? null : Layout.ForLocations(type);
                if (layout is null || !layout.MayHoldSymbols)
                {
                    return value;
                }

                return CopiedOnce(layout, value, _copies, _copyObject ??= (l, v) => l.Collection is not null ? CopyItems(l, v) : CopyFields(l, v));
            }

            private object CopyFields(Layout layout, object value)
            {
                object? copy = null;
                for (var i = 0; i < layout.Fields.Length; i++)
                {
                    var field = layout.Fields[i].GetValue(value);
                    var moved = Copy(field);
                    if (!ReferenceEquals(moved, field))
                    {
                        copy ??= layout.Clone(value);
                        layout.Fields[i].SetValue(copy, moved);
                    }
                }

                return copy ?? value;
            }

            private object CopyItems(Layout layout, object value)
                => layout.IsDefault?.Invoke(value) != true && ItemsCopied(value, Copy) is { } items
                    ? layout.Collection!(layout.Comparer?.Invoke(value), layout.ValueComparer?.Invoke(value), items)
                    : value;
        }

        /// <summary>What copying values of one type needs, worked out once per type.</summary>
        private sealed class Layout
        {
            private static readonly Leaves Symbols = new(t => typeof(ISymbol).IsAssignableFrom(t));
            private static readonly Leaves Locations = new(t => typeof(Location).IsAssignableFrom(t));
            private static readonly Func<object, object> ShallowCopy = (Func<object, object>)typeof(object)
                .GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate(typeof(Func<object, object>));

            private Layout(Type type, Leaves leaves)
            {
                IsValueType = type.IsValueType;
                MayHoldSymbols = leaves.MayHoldIn(type);
                Fields = Array.Empty<FieldInfo>();
                Defaults = Array.Empty<object?>();
                if (!MayHoldSymbols)
                {
                    return;
                }

                var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
                var arguments = type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
                if (type.IsArray)
                {
                    Collection = Builder(nameof(BuildArray), type.GetElementType()!);
                }
                else if (definition == typeof(ImmutableArray<>))
                {
                    Collection = Builder(nameof(BuildImmutableArray), arguments);
                    var isDefault = type.GetProperty(nameof(ImmutableArray<int>.IsDefault))!;
                    IsDefault = v => (bool)isDefault.GetValue(v)!;
                }
                else if (definition == typeof(ImmutableHashSet<>))
                {
                    Collection = Builder(nameof(BuildImmutableHashSet), arguments);
                    Comparer = Getter(type, nameof(ImmutableHashSet<int>.KeyComparer));
                }
                else if (definition == typeof(ImmutableDictionary<,>))
                {
                    Collection = Builder(nameof(BuildImmutableDictionary), arguments);
                    Comparer = Getter(type, nameof(ImmutableDictionary<int, int>.KeyComparer));
                    ValueComparer = Getter(type, nameof(ImmutableDictionary<int, int>.ValueComparer));
                }
                else if (definition == typeof(List<>))
                {
                    Collection = Builder(nameof(BuildList), arguments);
                }
                else if (definition == typeof(HashSet<>))
                {
                    Collection = Builder(nameof(BuildHashSet), arguments);
                    Comparer = Getter(type, nameof(HashSet<int>.Comparer));
                }
                else if (definition == typeof(Dictionary<,>))
                {
                    Collection = Builder(nameof(BuildDictionary), arguments);
                    Comparer = Getter(type, nameof(Dictionary<int, int>.Comparer));
                }
                else if (type.Assembly == typeof(Layout).Assembly || definition == typeof(KeyValuePair<,>))
                {
                    Fields = FieldsOf(type).Where(f => leaves.MayHoldIn(f.FieldType)).ToArray();
                    Defaults = Fields.Select(f => f.FieldType.IsValueType ? Activator.CreateInstance(f.FieldType) : null).ToArray();
                }
                else
                {
                    throw new CannotCopy("a " + type.Name + " in facts");
                }
            }

            public bool IsValueType { get; }

            /// <summary>Whether a value of the type can hold a symbol (for <see cref="ForLocations"/>, a location).</summary>
            public bool MayHoldSymbols { get; }

            /// <summary>For an object: the fields (its own and its bases', private ones included) that may hold a symbol.</summary>
            public FieldInfo[] Fields { get; }

            /// <summary>Per field, what the skeleton holds in its place.</summary>
            public object?[] Defaults { get; }

            public Func<object, object> Clone { get; } = ShallowCopy;

            /// <summary>For a collection: makes one from its comparers and items.</summary>
            public Func<object?, object?, object?[], object>? Collection { get; }

            public Func<object, bool>? IsDefault { get; }

            public Func<object, object?>? Comparer { get; }

            public Func<object, object?>? ValueComparer { get; }

            public static Layout Of(Type type) => Symbols.LayoutOf(type);

            /// <summary>The layout of what may hold a location, for moving locations (<see cref="Moving"/>).</summary>
            public static Layout ForLocations(Type type) => Locations.LayoutOf(type);

            /// <summary>What copying looks for (symbols, or locations), with the answers and layouts worked out so far.</summary>
            private sealed class Leaves
            {
                private readonly Func<Type, bool> _isLeaf;
                private readonly ConcurrentDictionary<Type, bool> _mayHold = new();
                private readonly ConcurrentDictionary<Type, Layout> _layouts = new();

                public Leaves(Func<Type, bool> isLeaf) => _isLeaf = isLeaf;

                public Layout LayoutOf(Type type) => _layouts.GetOrAdd(type, t => new Layout(t, this));

                /// <summary>
                /// Whether a value of this declared type can hold a leaf, by what its fields and type arguments can hold: a leaf, an
                /// <c>object</c> or an interface (anything), or one of our types that can. Other framework and Roslyn types
                /// (strings, descriptors; for symbols, locations) cannot.
                /// </summary>
                public bool MayHoldIn(Type type) => MayHoldIn(type, new HashSet<Type>());

                /// <remarks>
                /// A type met again inside its own fields counts as holding none there: its other fields decide, since a shortest way
                /// to a leaf never passes through the same type twice. So the outermost answer is exact and is kept; an inner "no" may
                /// have been cut short by that and is not kept (a "yes" always is). Nothing unfinished is ever published, so threads
                /// asking at once cannot read a placeholder.
                /// </remarks>
                private bool MayHoldIn(Type type, HashSet<Type> visiting)
                {
                    if (_mayHold.TryGetValue(type, out var known))
                    {
                        return known;
                    }

                    if (!visiting.Add(type))
                    {
                        return false;
                    }

                    var result = type == typeof(object) || _isLeaf(type)
                        || (type.IsArray && MayHoldIn(type.GetElementType()!, visiting))
                        || (type.IsInterface && (!type.IsGenericType || type.GetGenericArguments().Any(a => MayHoldIn(a, visiting))) && type.Assembly != typeof(ISymbol).Assembly)
                        || (type.IsGenericType && type.Assembly != typeof(Layout).Assembly && type.GetGenericArguments().Any(a => MayHoldIn(a, visiting)))
                        || (type.Assembly == typeof(Layout).Assembly && !type.IsEnum && FieldsOf(type).Any(f => MayHoldIn(f.FieldType, visiting)));
                    visiting.Remove(type);
                    if (result || visiting.Count == 0)
                    {
                        _mayHold[type] = result;
                    }

                    return result;
                }
            }

            private static IEnumerable<FieldInfo> FieldsOf(Type type)
            {
                for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
                {
                    foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    {
                        yield return field;
                    }
                }
            }

            private static Func<object, object?> Getter(Type type, string property)
            {
                var info = type.GetProperty(property)!;
                return v => info.GetValue(v);
            }

            private static Func<object?, object?, object?[], object> Builder(string name, params Type[] arguments)
                => (Func<object?, object?, object?[], object>)typeof(Layout).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!
                    .MakeGenericMethod(arguments).CreateDelegate(typeof(Func<object?, object?, object?[], object>));

            private static object BuildArray<T>(object? comparer, object? valueComparer, object?[] items)
            {
                var array = new T[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    array[i] = (T)items[i]!;
                }

                return array;
            }

            private static object BuildImmutableArray<T>(object? comparer, object? valueComparer, object?[] items)
                => ImmutableArray.Create((T[])BuildArray<T>(comparer, valueComparer, items));

            private static object BuildImmutableHashSet<T>(object? comparer, object? valueComparer, object?[] items)
                => ImmutableHashSet.CreateRange((IEqualityComparer<T>?)comparer, (T[])BuildArray<T>(comparer, valueComparer, items));

            private static object BuildList<T>(object? comparer, object? valueComparer, object?[] items)
                => new List<T>((T[])BuildArray<T>(comparer, valueComparer, items));

            private static object BuildHashSet<T>(object? comparer, object? valueComparer, object?[] items)
                => new HashSet<T>((T[])BuildArray<T>(comparer, valueComparer, items), (IEqualityComparer<T>?)comparer);

            private static object BuildImmutableDictionary<TKey, TValue>(object? comparer, object? valueComparer, object?[] items)
                where TKey : notnull
                => ImmutableDictionary.CreateRange((IEqualityComparer<TKey>?)comparer, (IEqualityComparer<TValue>?)valueComparer, Pairs<TKey, TValue>(items));

            private static object BuildDictionary<TKey, TValue>(object? comparer, object? valueComparer, object?[] items)
                where TKey : notnull
            {
                var dictionary = new Dictionary<TKey, TValue>(items.Length / 2, (IEqualityComparer<TKey>?)comparer);
                foreach (var pair in Pairs<TKey, TValue>(items))
                {
                    dictionary.Add(pair.Key, pair.Value);
                }

                return dictionary;
            }

            private static IEnumerable<KeyValuePair<TKey, TValue>> Pairs<TKey, TValue>(object?[] items)
            {
                for (var i = 0; i < items.Length; i += 2)
                {
                    yield return new KeyValuePair<TKey, TValue>((TKey)items[i]!, (TValue)items[i + 1]!);
                }
            }
        }
    }

    /// <summary>
    /// A fact whose text, as messages write it, names the line of a location it holds ("when it returns at line 12"): moving the
    /// location keeps it right, but an edit that renumbers lines changes what it says.
    /// </summary>
    internal interface INamesALine
    {
        bool NamesALine { get; }
    }
}
