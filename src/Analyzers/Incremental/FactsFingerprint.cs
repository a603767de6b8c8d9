using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using LockDiscipline.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// One tree's facts (with its final reference findings and inferred <c>[ReturnsRef]</c>) written out as text that names no
    /// compilation: symbols by their display (a lambda, local function or local by its member and where it is written), every
    /// location as a slot, kept beside the text in the order it is written. Two walks of a body whose texts are the same, and
    /// whose slots stand at the same places once the earlier ones are moved by the edit, gave the same facts, whichever
    /// compilations they ran in, so an edit that gives the facts the last analysis gave changed nothing any rule reads. With its
    /// places apart, a tree's fingerprint is made once and compared after any later edit (<see cref="TreeFacts.Fingerprint"/>).
    /// Every public property of a fact is written, so a new field needs no line here; a value of a kind this cannot write
    /// (a syntax node, an operation, an unnamed marker) throws <see cref="NotSupportedException"/>, and the facts then count as
    /// changed.
    /// </summary>
    internal sealed class FactsFingerprint
    {
        private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

        private const int MaxDepth = 40;

        /// <summary>Stands in the text where a location was written.</summary>
        private const char Slot = '\u0001';

        private FactsFingerprint(string text, Location[] slots)
        {
            Text = text;
            Slots = slots;
        }

        /// <summary>The facts as text, with <see cref="Slot"/> wherever a location stands.</summary>
        public string Text { get; }

        /// <summary>The locations, in the order of their slots.</summary>
        public IReadOnlyList<Location> Slots { get; }

        /// <summary>A whole tree's facts (tests, tools; an analysis compares a tree body by body and <see cref="OfTreeLevel"/>).</summary>
        public static FactsFingerprint Of(TreeFacts facts)
        {
            var writer = new Writer();
            WriteMethods(writer, facts.Facts, facts.MethodGroups, facts.RefFindings);
            WriteTreeLevel(writer, facts);
            return writer.Finish();
        }

        /// <summary>One body's facts: its methods', the method groups it names and its reference findings.</summary>
        public static FactsFingerprint Of(BodyFacts body)
        {
            var writer = new Writer();
            WriteMethods(writer, body.Facts, body.MethodGroups, body.RefFindings);
            return writer.Finish();
        }

        /// <summary>What a tree's facts hold beside its bodies': its types' constructors and the <c>[ReturnsRef]</c> it inferred.</summary>
        public static FactsFingerprint OfTreeLevel(TreeFacts facts)
        {
            var writer = new Writer();
            WriteTreeLevel(writer, facts);
            return writer.Finish();
        }

        private static void WriteMethods(Writer writer, Dictionary<IMethodSymbol, MethodLockFacts> facts, HashSet<IMethodSymbol> groups, Dictionary<IMethodSymbol, System.Collections.Immutable.ImmutableArray<RefFinding>> refFindings)
        {
            foreach (var (key, value) in facts.Select(p => (Key: writer.SymbolText(p.Key), p.Value)).OrderBy(p => p.Key, Piece.Order).ToList())
            {
                writer.Append(key);
                writer.Text.Append(" => ");
                writer.Write(value, 0);
                writer.Text.Append('\n');
            }

            writer.Text.Append("groups ");
            writer.Write(groups, 0);
            writer.Text.Append("\nreferences ");
            writer.Write(refFindings, 0);
        }

        private static void WriteTreeLevel(Writer writer, TreeFacts facts)
        {
            writer.Text.Append("\nconstructors ");
            writer.Write(facts.Constructors, 0);
            writer.Text.Append("\ninferred [ReturnsRef] ");
            writer.Write(facts.InferredReturnsRef, 0);
        }

        /// <summary>
        /// Whether these and <paramref name="other"/> are the same facts once every location is placed, this fingerprint's by
        /// <paramref name="place"/> and the other's by <paramref name="placeOther"/> (null: a location with no place, which
        /// matches nothing).
        /// </summary>
        public bool SameAs(FactsFingerprint other, Func<Location, (string Path, TextSpan Span)?> place, Func<Location, (string Path, TextSpan Span)?> placeOther)
        {
            if (!string.Equals(Text, other.Text, StringComparison.Ordinal) || Slots.Count != other.Slots.Count)
            {
                return false;
            }

            for (var i = 0; i < Slots.Count; i++)
            {
                if (place(Slots[i]) is not { } here || placeOther(other.Slots[i]) is not { } there || here != there)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The text with every location placed by <paramref name="place"/> (tests, tools).</summary>
        public string Render(Func<Location, string> place)
        {
            var text = new StringBuilder(Text.Length);
            var slot = 0;
            foreach (var c in Text)
            {
                if (c == Slot)
                {
                    text.Append(place(Slots[slot++]));
                }
                else
                {
                    text.Append(c);
                }
            }

            return text.ToString();
        }

        /// <summary>Where a location stands in its own tree, as written: what sorts and tells apart texts with slots.</summary>
        private static (string Path, int Start, int End) RawPlace(Location location)
            => location.SourceTree is { } tree ? (tree.FilePath, location.SourceSpan.Start, location.SourceSpan.End) : (location.Kind.ToString(), 0, 0);

        /// <summary>Written text with its slots.</summary>
        private sealed class Piece
        {
            public Piece(string text, Location[] slots)
            {
                Text = text;
                Slots = slots;
            }

            public string Text { get; }

            public Location[] Slots { get; }

            /// <summary>
            /// By text, then by where the slots stand (numerically, so an edit, which moves positions in order, keeps the order: a
            /// set's items sort the same before and after it).
            /// </summary>
            public static readonly IComparer<Piece> Order = Comparer<Piece>.Create((a, b) =>
            {
                var byText = string.CompareOrdinal(a.Text, b.Text);
                if (byText != 0)
                {
                    return byText;
                }

                for (var i = 0; i < Math.Min(a.Slots.Length, b.Slots.Length); i++)
                {
                    var (pathA, startA, endA) = RawPlace(a.Slots[i]);
                    var (pathB, startB, endB) = RawPlace(b.Slots[i]);
                    var byPlace = string.CompareOrdinal(pathA, pathB);
                    if (byPlace == 0)
                    {
                        byPlace = startA != startB ? startA.CompareTo(startB) : endA.CompareTo(endB);
                    }

                    if (byPlace != 0)
                    {
                        return byPlace;
                    }
                }

                return a.Slots.Length.CompareTo(b.Slots.Length);
            });

            /// <summary>Tells pieces apart exactly: the text and where each slot stands.</summary>
            public string Key()
            {
                var key = new StringBuilder(Text);
                foreach (var slot in Slots)
                {
                    var (path, start, end) = RawPlace(slot);
                    key.Append('|').Append(path).Append(':').Append(start).Append('-').Append(end);
                }

                return key.ToString();
            }
        }

        /// <summary>
        /// How values of one type are written, worked out once per type: reflection on every value was most of the time taken
        /// comparing an edited tree's facts (measured: that step took 13 ms an edit on the 190k corpus, 5 ms now).
        /// </summary>
        private sealed class Shape
        {
            private Shape(Func<object, bool>? isDefault, (Func<object, object?> Key, Func<object, object?> Value)? pair, bool unordered, (string Name, Func<object, object?> Get)[] properties)
            {
                IsDefault = isDefault;
                Pair = pair;
                Unordered = unordered;
                Properties = properties;
            }

            /// <summary>For an <c>ImmutableArray&lt;T&gt;</c>: whether the value is the default one.</summary>
            public Func<object, bool>? IsDefault { get; }

            /// <summary>For a <c>KeyValuePair&lt;K, V&gt;</c>: its two parts.</summary>
            public (Func<object, object?> Key, Func<object, object?> Value)? Pair { get; }

            /// <summary>A set or a dictionary: its items are written in sorted order.</summary>
            public bool Unordered { get; }

            /// <summary>Every public readable property, by name, for a value that is not a sequence.</summary>
            public (string Name, Func<object, object?> Get)[] Properties { get; }

            public static Shape Of(Type type)
            {
                var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
                var isDefault = generic == typeof(System.Collections.Immutable.ImmutableArray<>) ? Getter(type, type.GetProperty("IsDefault")!) : null;
                var pair = generic == typeof(KeyValuePair<,>) ? (Getter(type, type.GetProperty("Key")!), Getter(type, type.GetProperty("Value")!)) : ((Func<object, object?>, Func<object, object?>)?)null;
                var unordered = typeof(IDictionary).IsAssignableFrom(type) || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>));
                var properties = typeof(IEnumerable).IsAssignableFrom(type)
                    ? Array.Empty<(string, Func<object, object?>)>()
                    : type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
                        .OrderBy(p => p.Name, StringComparer.Ordinal)
                        .Select(p => (p.Name, Getter(type, p)))
                        .ToArray();
                return new Shape(isDefault is null ? null : v => (bool)isDefault(v)!, pair, unordered, properties);
            }

            private static Func<object, object?> Getter(Type type, PropertyInfo property)
            {
                var value = Expression.Parameter(typeof(object));
                var read = Expression.Property(Expression.Convert(value, type), property);
                return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), value).Compile();
            }
        }

        /// <remarks>
        /// An object of the facts is written once, as a numbered definition, and named by its number wherever it appears again:
        /// a lock-dense tree's calls each list the locks held around them, and written out in full at every call the text ran to
        /// megabytes (comparing one edited tree took 21-25 ms). Numbers go by what the definitions write, in order of first use,
        /// so two walks that share objects differently still write the same. Inside a set or a dictionary, whose order is the hash
        /// order of one compilation, items are written out in full and sorted, so no number depends on that order.
        /// </remarks>
        private sealed class Writer
        {
            private readonly Written _written;
            private readonly bool _inFull;

            public Writer()
                : this(new Written(), inFull: false)
            {
            }

            private Writer(Written written, bool inFull)
            {
                _written = written;
                _inFull = inFull;
            }

            public StringBuilder Text { get; } = new();

            private List<Location> Slots { get; } = new();

            /// <summary>What one fingerprint has written so far, shared by its writers.</summary>
            private sealed class Written
            {
                public Dictionary<ISymbol, Piece> SymbolTexts { get; } = new(SameObject.Instance);

                public Dictionary<object, Piece> InFull { get; } = new(SameObject.Instance);

                public Dictionary<object, int> NumberOf { get; } = new(SameObject.Instance);

                public Dictionary<string, int> NumberOfKey { get; } = new(StringComparer.Ordinal);

                /// <summary>The numbered objects, one per line, and their slots.</summary>
                public StringBuilder DefinitionText { get; } = new();

                public List<Location> DefinitionSlots { get; } = new();
            }

            public FactsFingerprint Finish()
                => new(_written.DefinitionText + "--\n" + Text, _written.DefinitionSlots.Concat(Slots).ToArray());

            public void Append(Piece piece)
            {
                Text.Append(piece.Text);
                Slots.AddRange(piece.Slots);
            }

            private Piece ToPiece() => new(Text.ToString(), Slots.ToArray());

            private void WriteLocation(Location location)
            {
                Text.Append(Slot);
                Slots.Add(location);
            }

            public Piece SymbolText(ISymbol symbol)
            {
                if (!_written.SymbolTexts.TryGetValue(symbol, out var piece))
                {
                    var writer = new Writer(_written, _inFull);
                    writer.WriteSymbol(symbol);
                    _written.SymbolTexts[symbol] = piece = writer.ToPiece();
                }

                return piece;
            }

            private void WriteSymbol(ISymbol symbol)
            {
                Text.Append(symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).Append('#').Append(symbol.Kind.ToString());
                if (symbol is IMethodSymbol method)
                {
                    Text.Append('#').Append(method.MethodKind.ToString()).Append('(')
                        .Append(string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)))).Append(')');
                }

                if (symbol is ILocalSymbol or IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction }
                    || symbol.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                {
                    Text.Append(" in ");
                    Append(SymbolText(symbol.ContainingSymbol));
                    Text.Append(" at ");
                    var first = true;
                    foreach (var location in symbol.Locations)
                    {
                        if (!first)
                        {
                            Text.Append(';');
                        }

                        first = false;
                        WriteLocation(location);
                    }
                }
            }

            public void Write(object? value, int depth)
            {
                if (depth > MaxDepth)
                {
                    throw new NotSupportedException("facts nested deeper than expected");
                }

                switch (value)
                {
                    case null:
                        Text.Append('~');
                        return;
                    case string s:
                        Text.Append(s.Length.ToString(CultureInfo.InvariantCulture)).Append('"').Append(s);
                        return;
                    case bool or int or long or Enum or char:
                        Text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                        return;
                    case ISymbol symbol:
                        Text.Append('<');
                        Append(SymbolText(symbol));
                        Text.Append('>');
                        return;
                    case Location location:
                        Text.Append('@');
                        WriteLocation(location);
                        return;
                    case DiagnosticDescriptor descriptor:
                        Text.Append(descriptor.Id);
                        return;
                    case RefFinding finding:
                        // The span of the return a leak goes through is a position in the finding's document: placed like one.
                        Write(finding.Descriptor, depth + 1);
                        Write(finding.Site, depth + 1);
                        Write(finding.Related, depth + 1);
                        Write(finding.Arguments, depth + 1);
                        Write(finding.Properties?.Select(p => p.Key == LeakFixProperties.ReturnAt && Rules.FixProperties.ParseSpan(finding.Properties, p.Key) is { } span && finding.Site.SourceTree is { } tree
                            ? new KeyValuePair<string, object?>(p.Key, Location.Create(tree, span))
                            : new KeyValuePair<string, object?>(p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList(), depth + 1);
                        return;
                    case SyntaxNode or IOperation or Compilation or SemanticModel or SyntaxTree:
                        throw new NotSupportedException(value.GetType().Name + " in facts");
                }

                var type = value.GetType();
                if (type == typeof(object))
                {
                    Text.Append(ReferenceEquals(value, LockState.AwaitKey) ? "(await)"
                        : ReferenceEquals(value, LockState.AfterAwait) ? "(after await)"
                        : ReferenceEquals(value, LockState.ThisKey) ? "(this)"
                        : throw new NotSupportedException("an unnamed marker in facts"));
                    return;
                }

                var shape = Shapes.GetOrAdd(type, Shape.Of);
                if (shape.IsDefault?.Invoke(value) == true)
                {
                    Text.Append("default");
                    return;
                }

                if (shape.Pair is { } pair)
                {
                    Write(pair.Key(value), depth + 1);
                    Text.Append('=');
                    Write(pair.Value(value), depth + 1);
                    return;
                }

                if (value is IEnumerable items)
                {
                    Text.Append('[');
                    if (shape.Unordered)
                    {
                        // Sets and dictionaries have no order of their own (hash order differs between compilations' symbols).
                        var written = new List<Piece>();
                        foreach (var item in items)
                        {
                            var inner = new Writer(_written, inFull: true);
                            inner.Write(item, depth + 1);
                            written.Add(inner.ToPiece());
                        }

                        written.Sort(Piece.Order);
                        for (var i = 0; i < written.Count; i++)
                        {
                            if (i > 0)
                            {
                                Text.Append(',');
                            }

                            Append(written[i]);
                        }
                    }
                    else
                    {
                        var first = true;
                        foreach (var item in items)
                        {
                            if (!first)
                            {
                                Text.Append(',');
                            }

                            first = false;
                            Write(item, depth + 1);
                        }
                    }

                    Text.Append(']');
                    return;
                }

                if (type.IsValueType)
                {
                    WriteProperties(type, shape, value, depth);
                }
                else if (_inFull)
                {
                    if (!_written.InFull.TryGetValue(value, out var piece))
                    {
                        var inner = new Writer(_written, inFull: true);
                        inner.WriteProperties(type, shape, value, depth);
                        _written.InFull[value] = piece = inner.ToPiece();
                    }

                    Append(piece);
                }
                else
                {
                    if (!_written.NumberOf.TryGetValue(value, out var number))
                    {
                        var inner = new Writer(_written, inFull: false);
                        inner.WriteProperties(type, shape, value, depth);
                        var piece = inner.ToPiece();
                        var key = piece.Key();
                        if (!_written.NumberOfKey.TryGetValue(key, out number))
                        {
                            number = _written.NumberOfKey.Count;
                            _written.NumberOfKey[key] = number;
                            _written.DefinitionText.Append(number.ToString(CultureInfo.InvariantCulture)).Append('=').Append(piece.Text).Append('\n');
                            _written.DefinitionSlots.AddRange(piece.Slots);
                        }

                        _written.NumberOf[value] = number;
                    }

                    Text.Append('#').Append(number.ToString(CultureInfo.InvariantCulture));
                }
            }

            private void WriteProperties(Type type, Shape shape, object value, int depth)
            {
                Text.Append(type.Name).Append('{');
                foreach (var (name, get) in shape.Properties)
                {
                    Text.Append(name).Append(':');
                    Write(get(value), depth + 1);
                    Text.Append(';');
                }

                Text.Append('}');
            }
        }
    }
}
