using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>The compilation-wide lock-order graph: lock classes as nodes, held -> acquired edges with every witness.</summary>
    internal sealed class OrderGraph
    {
        private readonly SortedDictionary<LockClass, SortedDictionary<LockClass, List<EdgeWitness>>> _edges = new();

        public void Add(LockClass from, LockClass to, EdgeWitness witness)
        {
            if (!_edges.TryGetValue(from, out var targets))
            {
                _edges[from] = targets = new SortedDictionary<LockClass, List<EdgeWitness>>();
            }

            if (!targets.TryGetValue(to, out var witnesses))
            {
                targets[to] = witnesses = new List<EdgeWitness>();
            }

            witnesses.Add(witness);
        }

        public IEnumerable<(LockClass From, LockClass To, IReadOnlyList<EdgeWitness> Witnesses)> Edges
            => _edges.SelectMany(e => e.Value.Select(t => (e.Key, t.Key, (IReadOnlyList<EdgeWitness>)t.Value)));

        public IReadOnlyList<EdgeWitness> Witnesses(LockClass from, LockClass to)
            => _edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var list) ? list : new List<EdgeWitness>();

        public IEnumerable<(LockClass To, IReadOnlyList<EdgeWitness> Witnesses)> Successors(LockClass from)
            => _edges.TryGetValue(from, out var targets)
                ? targets.Select(t => (t.Key, (IReadOnlyList<EdgeWitness>)t.Value))
                : Enumerable.Empty<(LockClass, IReadOnlyList<EdgeWitness>)>();

        /// <summary>Strongly connected component id of each node over the edges <paramref name="include"/> keeps.</summary>
        public Dictionary<LockClass, int> StronglyConnectedComponents(System.Func<IReadOnlyList<EdgeWitness>, bool> include)
            => StronglyConnected.Components(_edges.Keys, node => _edges.TryGetValue(node, out var targets)
                ? targets.Where(t => include(t.Value)).Select(t => t.Key).ToList()
                : new List<LockClass>());

        /// <summary>The shortest path <paramref name="from"/> to <paramref name="to"/> over the kept edges (breadth-first, successors in name order), as nodes.</summary>
        public List<LockClass>? ShortestPath(LockClass from, LockClass to, System.Func<IReadOnlyList<EdgeWitness>, bool> include)
        {
            var previous = new Dictionary<LockClass, LockClass> { [from] = from };
            var queue = new Queue<LockClass>();
            queue.Enqueue(from);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (node.Equals(to))
                {
                    var path = new List<LockClass> { to };
                    for (var n = to; !n.Equals(from); n = previous[n])
                    {
                        path.Add(previous[n]);
                    }

                    path.Reverse();
                    return path;
                }

                if (!_edges.TryGetValue(node, out var targets))
                {
                    continue;
                }

                foreach (var successor in targets.Where(t => include(t.Value)).Select(t => t.Key))
                {
                    if (!previous.ContainsKey(successor))
                    {
                        previous[successor] = node;
                        queue.Enqueue(successor);
                    }
                }
            }

            return null;
        }
    }
}
