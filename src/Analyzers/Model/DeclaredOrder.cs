using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// The <c>[LockOrder]</c> declarations of the assembly and their transitive closure. Its lock classes hold no symbol (only
    /// their names are compared), so an analysis after an edit that changed no declaration takes it over whole
    /// (<see cref="TakenOverBy"/>) instead of binding every name again in the new compilation's types.
    /// </summary>
    internal sealed class DeclaredOrder
    {
        // outer -> every lock class declared inside it (transitively).
        private readonly Dictionary<LockClass, HashSet<LockClass>> _inside = new();

        private DeclaredOrder()
        {
        }

        /// <summary>LD0002: declarations that contradict each other.</summary>
        public ImmutableArray<Diagnostic> Diagnostics { get; private set; } = ImmutableArray<Diagnostic>.Empty;

        /// <summary>LD0001: names that bind to no lock, reported into the model that bound them (and into each that takes this over).</summary>
        private ImmutableArray<Diagnostic> _bindingErrors = ImmutableArray<Diagnostic>.Empty;

        /// <summary>The trees the declarations are written in, where every location above stands.</summary>
        private ImmutableArray<SyntaxTree> _trees = ImmutableArray<SyntaxTree>.Empty;

        /// <summary>True when the declarations place <paramref name="outer"/> outside <paramref name="inner"/>.</summary>
        public bool IsDeclaredOutside(LockClass outer, LockClass inner)
            => _inside.TryGetValue(outer, out var set) && set.Contains(inner);

        public IEnumerable<(LockClass Outer, LockClass Inner)> DirectPairs { get; private set; } = Array.Empty<(LockClass, LockClass)>();

        /// <summary>
        /// This order, for an analysis of <paramref name="compilation"/> that follows the one it was built for, when that is sure to
        /// bind every name as before: an edit that kept every tree's declarations (and so the names and what they bind to), and left
        /// the trees the declarations are written in as they were (so their locations stand). Null otherwise: build it again.
        /// </summary>
        public DeclaredOrder? TakenOverBy(Compilation compilation, AnnotationModel model)
        {
            if (!_trees.All(compilation.ContainsSyntaxTree))
            {
                return null;
            }

            foreach (var error in _bindingErrors)
            {
                model.Report(error);
            }

            return this;
        }

        public static DeclaredOrder Build(Compilation compilation, AnnotationModel model)
        {
            var order = new DeclaredOrder();
            var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
            var bindingErrors = ImmutableArray.CreateBuilder<Diagnostic>();
            var trees = new HashSet<SyntaxTree>();
            var direct = new List<(LockClass Outer, LockClass Inner, AttributeData Attribute)>();

            foreach (var attribute in compilation.Assembly.GetAttributes())
            {
                if (!KnownSymbols.IsAttribute(attribute, "LockOrderAttribute"))
                {
                    continue;
                }

                if (attribute.ApplicationSyntaxReference?.SyntaxTree is { } tree)
                {
                    trees.Add(tree);
                }

                var names = attribute.ConstructorArguments.Length == 0 ? ImmutableArray<TypedConstant>.Empty
                    : attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array ? attribute.ConstructorArguments[0].Values
                    : ImmutableArray.Create(attribute.ConstructorArguments[0]);
                var bound = new List<LockClass?>();
                for (var i = 0; i < names.Length; i++)
                {
                    var name = names[i].Value as string ?? string.Empty;
                    var lockClass = model.Binder.BindClassName(name, out var error);
                    if (error is not null && model.Report(attribute, i, name, "LockOrder", error) is { } reported)
                    {
                        bindingErrors.Add(reported);
                    }

                    bound.Add(lockClass is null ? null : new LockClass(lockClass.Key, lockClass.DisplayName, symbol: null, lockClass.Subclass));
                }

                for (var i = 0; i + 1 < bound.Count; i++)
                {
                    if (bound[i] is { } outer && bound[i + 1] is { } inner)
                    {
                        direct.Add((outer, inner, attribute));
                    }
                }
            }

            foreach (var (outer, inner, _) in direct)
            {
                Add(order._inside, outer, inner);
            }

            Close(order._inside);
            order.DirectPairs = direct.Select(d => (d.Outer, d.Inner)).ToList();

            // Contradiction: some class declared (transitively) inside itself. Every attribute with an edge on such a cycle is reported.
            var cyclic = order._inside.Where(kv => kv.Value.Contains(kv.Key)).Select(kv => kv.Key).ToImmutableHashSet();
            if (!cyclic.IsEmpty)
            {
                var reported = new HashSet<AttributeData>();
                foreach (var (outer, inner, attribute) in direct)
                {
                    if (cyclic.Contains(outer) && cyclic.Contains(inner) && order.IsDeclaredOutside(inner, outer) && reported.Add(attribute)
                        && attribute.ApplicationSyntaxReference?.GetSyntax() is { } syntax)
                    {
                        var cycle = DescribeCycle(direct.Select(d => (d.Outer, d.Inner)).ToList(), outer, inner);
                        diagnostics.Add(Diagnostic.Create(Descriptors.LD0002_ContradictoryLockOrder, syntax.GetLocation(), cycle));
                    }
                }
            }

            order.Diagnostics = diagnostics.ToImmutable();
            order._bindingErrors = bindingErrors.ToImmutable();
            order._trees = trees.ToImmutableArray();
            return order;
        }

        private static void Add(Dictionary<LockClass, HashSet<LockClass>> map, LockClass outer, LockClass inner)
        {
            if (!map.TryGetValue(outer, out var set))
            {
                map[outer] = set = new HashSet<LockClass>();
            }

            set.Add(inner);
        }

        private static void Close(Dictionary<LockClass, HashSet<LockClass>> map)
        {
            foreach (var start in map.Keys.ToList())
            {
                var seen = new HashSet<LockClass>();
                var queue = new Queue<LockClass>(map[start]);
                while (queue.Count > 0)
                {
                    var next = queue.Dequeue();
                    if (!seen.Add(next))
                    {
                        continue;
                    }

                    if (map.TryGetValue(next, out var further))
                    {
                        foreach (var f in further)
                        {
                            queue.Enqueue(f);
                        }
                    }
                }

                map[start] = seen;
            }
        }

        /// <summary>The shortest declared path from <paramref name="inner"/> back to <paramref name="outer"/>, as "A -> B -> A".</summary>
        private static string DescribeCycle(List<(LockClass Outer, LockClass Inner)> edges, LockClass outer, LockClass inner)
        {
            var previous = new Dictionary<LockClass, LockClass>();
            var queue = new Queue<LockClass>();
            queue.Enqueue(inner);
            previous[inner] = inner;
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (node.Equals(outer))
                {
                    break;
                }

                foreach (var (o, i) in edges.Where(e => e.Outer.Equals(node)).OrderBy(e => e.Inner))
                {
                    if (!previous.ContainsKey(i))
                    {
                        previous[i] = node;
                        queue.Enqueue(i);
                    }
                }
            }

            var path = new List<LockClass> { outer };
            for (var node = outer; !node.Equals(inner) && previous.TryGetValue(node, out var p); node = p)
            {
                path.Add(p);
            }

            path.Reverse();
            path.Insert(0, outer);
            return string.Join(" -> ", path.Select(p => p.Name));
        }
    }
}
