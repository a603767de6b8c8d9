using System;
using System.Collections.Generic;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>Strongly connected components (Tarjan, iterative, so deep graphs cannot overflow the stack).</summary>
    internal static class StronglyConnected
    {
        /// <summary>
        /// The component id of every node reachable from <paramref name="roots"/>, visited in the order given; ids are assigned as
        /// components close (a component gets a smaller id than any component that reaches it).
        /// </summary>
        public static Dictionary<T, int> Components<T>(IEnumerable<T> roots, Func<T, IEnumerable<T>> successors)
            where T : notnull
        {
            var index = new Dictionary<T, int>();
            var low = new Dictionary<T, int>();
            var onStack = new HashSet<T>();
            var stack = new Stack<T>();
            var component = new Dictionary<T, int>();
            var next = 0;
            var componentCount = 0;
            var work = new Stack<(T Node, IEnumerator<T> Successors)>();

            foreach (var start in roots)
            {
                if (index.ContainsKey(start))
                {
                    continue;
                }

                Visit(start);
                while (work.Count > 0)
                {
                    var (node, following) = work.Peek();
                    if (following.MoveNext())
                    {
                        var successor = following.Current;
                        if (!index.ContainsKey(successor))
                        {
                            Visit(successor);
                        }
                        else if (onStack.Contains(successor))
                        {
                            low[node] = Math.Min(low[node], index[successor]);
                        }

                        continue;
                    }

                    work.Pop();
                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        low[parent] = Math.Min(low[parent], low[node]);
                    }

                    if (low[node] == index[node])
                    {
                        T member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            component[member] = componentCount;
                        }
                        while (!EqualityComparer<T>.Default.Equals(member, node));
                        componentCount++;
                    }
                }
            }

            return component;

            void Visit(T node)
            {
                index[node] = low[node] = next++;
                stack.Push(node);
                onStack.Add(node);
                work.Push((node, successors(node).GetEnumerator()));
            }
        }
    }
}
