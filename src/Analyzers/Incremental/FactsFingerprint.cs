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

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// One tree's facts (with its final reference findings and inferred <c>[ReturnsRef]</c>) written out as text that names no compilation: symbols by their display (a lambda, local function or local
    /// by its member and where it is written), locations by path and span as a caller-given function places them. Two walks of a
    /// body that give the same text gave the same facts, whichever compilations they ran in, so an edit whose walks give the text
    /// the last analysis's facts gave (their positions moved by the edit) changed nothing any rule reads.
    /// Every public property of a fact is written, so a new field needs no line here; a value of a kind this cannot write
    /// (a syntax node, an operation, an unnamed marker) throws <see cref="NotSupportedException"/>, and the facts then count as
    /// changed.
    /// </summary>
    internal static class FactsFingerprint
    {
        private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

        private const int MaxDepth = 40;

        public static string Of(TreeFacts facts, Func<Location, string> place)
        {
            var writer = new Writer(place);
            foreach (var pair in facts.Facts.Select(p => (Key: writer.SymbolText(p.Key), p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.Text.Append(pair.Key).Append(" => ");
                writer.Write(pair.Value, 0);
                writer.Text.Append('\n');
            }

            writer.Text.Append("groups ");
            writer.Write(facts.MethodGroups, 0);
            writer.Text.Append("\nconstructors ");
            writer.Write(facts.Constructors, 0);
            writer.Text.Append("\nreferences ");
            writer.Write(facts.RefFindings, 0);
            writer.Text.Append("\ninferred [ReturnsRef] ");
            writer.Write(facts.InferredReturnsRef, 0);
            return writer.Definitions + "--\n" + writer.Text;
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
        /// megabytes (comparing one edited tree took 21-25 ms). Numbers go by the definitions' text, in order of first use, so
        /// two walks that share objects differently still write the same. Inside a set or a dictionary, whose order is the hash
        /// order of one compilation, items are written out in full and sorted, so no number depends on that order.
        /// </remarks>
        private sealed class Writer
        {
            private readonly Func<Location, string> _place;
            private readonly Written _written;
            private readonly bool _inFull;

            public Writer(Func<Location, string> place)
                : this(place, new Written(), inFull: false)
            {
            }

            private Writer(Func<Location, string> place, Written written, bool inFull)
            {
                _place = place;
                _written = written;
                _inFull = inFull;
            }

            public StringBuilder Text { get; } = new();

            /// <summary>The numbered objects, one per line.</summary>
            public string Definitions => _written.Definitions.ToString();

            /// <summary>What one fingerprint has written so far, shared by its writers.</summary>
            private sealed class Written
            {
                public Dictionary<ISymbol, string> SymbolTexts { get; } = new(SameObject.Instance);

                public Dictionary<object, string> InFull { get; } = new(SameObject.Instance);

                public Dictionary<object, int> NumberOf { get; } = new(SameObject.Instance);

                public Dictionary<string, int> NumberOfText { get; } = new(StringComparer.Ordinal);

                public StringBuilder Definitions { get; } = new();
            }

            public string SymbolText(ISymbol symbol)
            {
                if (!_written.SymbolTexts.TryGetValue(symbol, out var text))
                {
                    text = DisplayOf(symbol);
                    _written.SymbolTexts[symbol] = text;
                }

                return text;
            }

            private string DisplayOf(ISymbol symbol)
            {
                var text = symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "#" + symbol.Kind.ToString();
                if (symbol is IMethodSymbol method)
                {
                    text += "#" + method.MethodKind.ToString() + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))) + ")";
                }

                return symbol is ILocalSymbol or IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction }
                       || symbol.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction }
                    ? text + " in " + SymbolText(symbol.ContainingSymbol) + " at " + string.Join(";", symbol.Locations.Select(_place))
                    : text;
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
                        Text.Append('<').Append(SymbolText(symbol)).Append('>');
                        return;
                    case Location location:
                        Text.Append('@').Append(_place(location));
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
                        var written = new List<string>();
                        foreach (var item in items)
                        {
                            var inner = new Writer(_place, _written, inFull: true);
                            inner.Write(item, depth + 1);
                            written.Add(inner.Text.ToString());
                        }

                        written.Sort(StringComparer.Ordinal);
                        Text.Append(string.Join(",", written));
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
                    if (!_written.InFull.TryGetValue(value, out var text))
                    {
                        var inner = new Writer(_place, _written, inFull: true);
                        inner.WriteProperties(type, shape, value, depth);
                        _written.InFull[value] = text = inner.Text.ToString();
                    }

                    Text.Append(text);
                }
                else
                {
                    if (!_written.NumberOf.TryGetValue(value, out var number))
                    {
                        var inner = new Writer(_place, _written, inFull: false);
                        inner.WriteProperties(type, shape, value, depth);
                        var text = inner.Text.ToString();
                        if (!_written.NumberOfText.TryGetValue(text, out number))
                        {
                            number = _written.NumberOfText.Count;
                            _written.NumberOfText[text] = number;
                            _written.Definitions.Append(number.ToString(CultureInfo.InvariantCulture)).Append('=').Append(text).Append('\n');
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
