using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>
    /// lockdep's link step, on lock classes alone. A call made while holding locks orders them before what the callee takes while
    /// holding nothing of its own; what the callee takes under its own locks is ordered by the callee's own edges, so the whole
    /// order follows by transitivity, at a cost that grows with the code rather than with calls times reachable locks.
    /// <para>
    /// This graph is built to reach at least everything the graph of whole chains reaches (no chain bound, no pruning by constant
    /// arguments, fresh objects or released locks, held locks re-entered or not, try-acquisitions as edges too: a lock taken under
    /// a held try-lock is ordered after what is held below it, as lockdep does), so every class a rule can report on is found
    /// here: the classes on its cycles (LD1002, LD1005, and LD1003/LD2004, a lock reached again under itself), those reachable
    /// under a leaf lock (LD1004), the declared ones (LD1001) and the waited-for ones. Only those get whole chains in the
    /// summaries; for the rest a summary keeps what lockdep keeps.
    /// </para>
    /// </summary>
    internal static class OrderLink
    {
        public static HashSet<LockClass> ClassesNeedingChains(LockSummaries.CallGraph graph, Dictionary<LockSummaries.SummaryNode, HashSet<LockClass>> top, LockTypes lockTypes, IEnumerable<LockClass> declaredClasses, CancellationToken cancellationToken)
        {
            var edges = new Dictionary<LockClass, HashSet<LockClass>>();
            var needed = new HashSet<LockClass>(declaredClasses);
            foreach (var method in graph.Methods)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var acquisition in method.Facts.Acquisitions)
                {
                    if (acquisition.Key.Mode == LockMode.Wait)
                    {
                        needed.Add(acquisition.Key.Class);
                    }

                    AddEdges(edges, acquisition.MayHeld, new[] { acquisition.Key.Class });
                }

                foreach (var call in method.Calls)
                {
                    var callee = call.Callee is { } node && top.TryGetValue(node, out var classes) ? classes : Enumerable.Empty<LockClass>();
                    AddEdges(edges, call.Call.MayHeld, call.Declared.Select(p => p.Class).Concat(callee));
                }
            }

            var components = StronglyConnected.Components(edges.Keys, n => edges.TryGetValue(n, out var next) ? next : Enumerable.Empty<LockClass>());
            var sizes = components.Values.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
            foreach (var pair in components)
            {
                if (sizes[pair.Value] > 1 || (edges.TryGetValue(pair.Key, out var next) && next.Contains(pair.Key)))
                {
                    needed.Add(pair.Key);
                }
            }

            var underLeaf = new Queue<LockClass>(edges.Keys.Where(lockTypes.IsLeaf).SelectMany(leaf => edges[leaf]));
            var visited = new HashSet<LockClass>();
            while (underLeaf.Count > 0)
            {
                var lockClass = underLeaf.Dequeue();
                needed.Add(lockClass);
                if (visited.Add(lockClass) && edges.TryGetValue(lockClass, out var next))
                {
                    foreach (var successor in next)
                    {
                        underLeaf.Enqueue(successor);
                    }
                }
            }

            return needed;
        }

        /// <summary>Held -> acquired, for every held lock.</summary>
        private static void AddEdges(Dictionary<LockClass, HashSet<LockClass>> edges, ImmutableArray<HeldLock> mayHeld, IEnumerable<LockClass> acquired)
        {
            List<LockClass>? targets = null;
            foreach (var held in mayHeld)
            {
                if (!edges.TryGetValue(held.Class, out var set))
                {
                    edges[held.Class] = set = new HashSet<LockClass>();
                }

                set.UnionWith(targets ??= acquired.ToList());
            }
        }

        /// <summary>
        /// What each summary node takes while holding nothing of its own: its direct acquisitions so taken, the <c>[MayAcquire]</c>
        /// of calls so made, and the same of the callees of such calls (a worklist fixpoint; recursion converges).
        /// </summary>
        public static Dictionary<LockSummaries.SummaryNode, HashSet<LockClass>> TopClasses(LockSummaries.CallGraph graph, CancellationToken cancellationToken)
        {
            var top = new Dictionary<LockSummaries.SummaryNode, HashSet<LockClass>>();
            var queue = new Queue<LockSummaries.SummaryNode>();
            foreach (var method in graph.Methods)
            {
                var classes = new HashSet<LockClass>(method.Facts.Acquisitions
                    .Where(a => !LockSummaries.HoldsOwnLock(a.MayHeld))
                    .Select(a => a.Key.Class));
                classes.UnionWith(method.Calls.Where(c => !LockSummaries.HoldsOwnLock(c.Call.MayHeld)).SelectMany(c => c.Declared).Select(p => p.Class));
                top[method.Node] = classes;
                queue.Enqueue(method.Node);
            }

            foreach (var pair in graph.Dispatch)
            {
                top[pair.Key] = new HashSet<LockClass>();
            }

            var queued = new HashSet<LockSummaries.SummaryNode>(queue);
            while (queue.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var node = queue.Dequeue();
                queued.Remove(node);
                if (top[node].Count == 0 || !graph.Readers.TryGetValue(node, out var readers))
                {
                    continue;
                }

                foreach (var (reader, call) in readers)
                {
                    if (call is not null && LockSummaries.HoldsOwnLock(call.MayHeld))
                    {
                        continue;
                    }

                    var before = top[reader].Count;
                    top[reader].UnionWith(top[node]);
                    if (top[reader].Count != before && queued.Add(reader))
                    {
                        queue.Enqueue(reader);
                    }
                }
            }

            return top;
        }
    }
}
