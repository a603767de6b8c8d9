using System;
using System.Collections.Generic;
using System.Linq;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>One order edge the code follows: <see cref="Outer"/> held while <see cref="Inner"/> is taken, at <see cref="Sites"/> sites.</summary>
    internal readonly struct ObservedEdge
    {
        public ObservedEdge(string outer, string inner, int sites)
        {
            Outer = outer;
            Inner = inner;
            Sites = sites;
        }

        public string Outer { get; }

        public string Inner { get; }

        public int Sites { get; }
    }

    /// <summary>
    /// The lock order a code base already follows, as <c>[LockOrder]</c> chains: a linear order of each strongly connected
    /// component that keeps the edges with the most sites (on a cycle the minority sides are left out, to become LD1001 where
    /// they stand), the kept edges' transitive reduction, covered by as few chains as possible. Pure and deterministic: ties are
    /// broken by name.
    /// </summary>
    internal static class InferredOrder
    {
        /// <summary>Components up to this size are ordered exactly (dynamic programming over subsets); larger ones greedily.</summary>
        private const int ExactLimit = 12;

        /// <summary>Weight of an order the user already declared: never inverted.</summary>
        private const long Declared = 1L << 40;

        /// <param name="edges">The observed edges (several entries for one pair add up).</param>
        /// <param name="declaredOutside">Whether existing declarations place the first lock outside the second (transitively).</param>
        public static IReadOnlyList<IReadOnlyList<string>> Chains(IEnumerable<ObservedEdge> edges, Func<string, string, bool> declaredOutside)
        {
            var weights = new Dictionary<(string, string), long>();
            foreach (var edge in edges.Where(e => !string.Equals(e.Outer, e.Inner, StringComparison.Ordinal)))
            {
                weights.TryGetValue((edge.Outer, edge.Inner), out var w);
                weights[(edge.Outer, edge.Inner)] = w + Math.Max(1, edge.Sites);
            }

            var nodes = weights.Keys.SelectMany(k => new[] { k.Item1, k.Item2 }).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
            foreach (var a in nodes)
            {
                foreach (var b in nodes)
                {
                    if (!string.Equals(a, b, StringComparison.Ordinal) && declaredOutside(a, b))
                    {
                        weights[(a, b)] = Declared;
                    }
                }
            }

            var position = LinearOrder(nodes, weights);
            var kept = weights.Where(p => position[p.Key.Item1] < position[p.Key.Item2]).Select(p => p.Key).ToList();
            var reduced = TransitiveReduction(kept, position)
                .Where(e => !declaredOutside(e.Item1, e.Item2))
                .ToList();
            return CoverWithChains(reduced, position);
        }

        /// <summary>Every node's place in one linear order: components in topological order, each ordered to keep the most weight.</summary>
        private static Dictionary<string, int> LinearOrder(List<string> nodes, Dictionary<(string, string), long> weights)
        {
            var successors = nodes.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
            foreach (var (from, to) in weights.Keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal))
            {
                successors[from].Add(to);
            }

            var position = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var component in ComponentsInTopologicalOrder(nodes, successors))
            {
                foreach (var node in component.Count <= ExactLimit ? ExactOrder(component, weights) : GreedyOrder(component, weights))
                {
                    position[node] = position.Count;
                }
            }

            return position;
        }

        /// <summary>Strongly connected components (Tarjan), returned so that every edge between two of them goes forward.</summary>
        private static List<List<string>> ComponentsInTopologicalOrder(List<string> nodes, Dictionary<string, List<string>> successors)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var low = new Dictionary<string, int>(StringComparer.Ordinal);
            var onStack = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            var components = new List<List<string>>();

            foreach (var root in nodes)
            {
                if (index.ContainsKey(root))
                {
                    continue;
                }

                // Iterative Tarjan: (node, next successor to visit).
                var work = new Stack<(string Node, int Next)>();
                work.Push((root, 0));
                index[root] = low[root] = index.Count;
                stack.Push(root);
                onStack.Add(root);
                while (work.Count > 0)
                {
                    var (node, next) = work.Pop();
                    if (next < successors[node].Count)
                    {
                        work.Push((node, next + 1));
                        var to = successors[node][next];
                        if (!index.ContainsKey(to))
                        {
                            index[to] = low[to] = index.Count;
                            stack.Push(to);
                            onStack.Add(to);
                            work.Push((to, 0));
                        }
                        else if (onStack.Contains(to))
                        {
                            low[node] = Math.Min(low[node], index[to]);
                        }

                        continue;
                    }

                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        low[parent] = Math.Min(low[parent], low[node]);
                    }

                    if (low[node] == index[node])
                    {
                        var component = new List<string>();
                        string member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            component.Add(member);
                        }
                        while (!string.Equals(member, node, StringComparison.Ordinal));

                        component.Sort(StringComparer.Ordinal);
                        components.Add(component);
                    }
                }
            }

            // Tarjan finishes a component after every component it reaches: reversed, edges go forward.
            components.Reverse();
            return components;
        }

        /// <summary>The order of a small component that inverts the least weight (ties: the first by name at each place).</summary>
        private static List<string> ExactOrder(List<string> component, Dictionary<(string, string), long> weights)
        {
            var n = component.Count;
            var best = new long[1 << n];
            var choice = new int[1 << n];
            for (var mask = 1; mask < best.Length; mask++)
            {
                best[mask] = long.MaxValue;
                // From the last name down, so that on a tie the later name goes last: equal weights keep name order.
                for (var last = n - 1; last >= 0; last--)
                {
                    if ((mask & (1 << last)) == 0)
                    {
                        continue;
                    }

                    // `last` is placed after every other node of the mask: its edges to them are inverted.
                    var rest = mask & ~(1 << last);
                    var cost = best[rest];
                    for (var other = 0; other < n; other++)
                    {
                        if ((rest & (1 << other)) != 0 && weights.TryGetValue((component[last], component[other]), out var w))
                        {
                            cost += w;
                        }
                    }

                    if (cost < best[mask])
                    {
                        best[mask] = cost;
                        choice[mask] = last;
                    }
                }
            }

            var order = new List<string>();
            for (var mask = best.Length - 1; mask != 0; mask &= ~(1 << choice[mask]))
            {
                order.Add(component[choice[mask]]);
            }

            order.Reverse();
            return order;
        }

        /// <summary>Eades-Lin-Smyth: sinks last, sources first, else the node whose outgoing weight most exceeds its incoming.</summary>
        private static List<string> GreedyOrder(List<string> component, Dictionary<(string, string), long> weights)
        {
            var left = new SortedSet<string>(component, StringComparer.Ordinal);
            var front = new List<string>();
            var back = new List<string>();
            long Weight(string from, string to) => weights.TryGetValue((from, to), out var w) ? w : 0;
            while (left.Count > 0)
            {
                var sink = left.FirstOrDefault(v => left.All(u => u == v || Weight(v, u) == 0));
                if (sink is not null)
                {
                    back.Add(sink);
                    left.Remove(sink);
                    continue;
                }

                var source = left.FirstOrDefault(v => left.All(u => u == v || Weight(u, v) == 0));
                var pick = source ?? left.OrderByDescending(v => left.Sum(u => Weight(v, u)) - left.Sum(u => Weight(u, v))).ThenBy(v => v, StringComparer.Ordinal).First();
                front.Add(pick);
                left.Remove(pick);
            }

            back.Reverse();
            return front.Concat(back).ToList();
        }

        /// <summary>The kept edges that no longer path of kept edges implies.</summary>
        private static List<(string, string)> TransitiveReduction(List<(string, string)> kept, Dictionary<string, int> position)
        {
            var successors = kept.GroupBy(e => e.Item1, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToList(), StringComparer.Ordinal);
            bool ReachableAvoidingDirect(string from, string to)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var work = new Stack<string>(successors[from].Where(s => !string.Equals(s, to, StringComparison.Ordinal)));
                while (work.Count > 0)
                {
                    var next = work.Pop();
                    if (string.Equals(next, to, StringComparison.Ordinal))
                    {
                        return true;
                    }

                    if (seen.Add(next) && position[next] < position[to] && successors.TryGetValue(next, out var more))
                    {
                        foreach (var m in more)
                        {
                            work.Push(m);
                        }
                    }
                }

                return false;
            }

            return kept.Where(e => !ReachableAvoidingDirect(e.Item1, e.Item2)).ToList();
        }

        /// <summary>
        /// An edge-disjoint decomposition of the reduced order into paths, as few as there can be: each path starts where more edges
        /// leave than arrive, and follows the unused edge to the earliest lock.
        /// </summary>
        private static IReadOnlyList<IReadOnlyList<string>> CoverWithChains(List<(string, string)> edges, Dictionary<string, int> position)
        {
            var unused = edges.GroupBy(e => e.Item1, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Item2).OrderBy(t => position[t]).ThenBy(t => t, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            var incoming = edges.GroupBy(e => e.Item2, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var chains = new List<IReadOnlyList<string>>();
            while (true)
            {
                var start = unused.Where(p => p.Value.Count > 0)
                    .OrderBy(p => p.Value.Count > (incoming.TryGetValue(p.Key, out var i) ? i : 0) ? 0 : 1)
                    .ThenBy(p => position[p.Key]).ThenBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => p.Key).FirstOrDefault();
                if (start is null)
                {
                    break;
                }

                var chain = new List<string> { start };
                for (var at = start; unused.TryGetValue(at, out var next) && next.Count > 0;)
                {
                    var to = next[0];
                    next.RemoveAt(0);
                    incoming[to]--;
                    chain.Add(to);
                    at = to;
                }

                chains.Add(chain);
            }

            return chains.OrderBy(c => string.Join("\u0001", c), StringComparer.Ordinal).ToList();
        }
    }
}
