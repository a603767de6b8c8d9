using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD1002: cycles in the inferred order graph (lockdep's circular dependency), reported at every witness of every edge of the
    /// shortest cycle through it. LD1005: a wait for readers while holding a lock that some read section takes. A cycle that
    /// contains an inverted, leaf or wait edge is left to LD1001, LD1004 or LD1005.
    /// </summary>
    internal static class CycleRules
    {
        private static bool IsPlain(IReadOnlyList<EdgeWitness> witnesses) => witnesses.All(w => w.Kind == EdgeKind.Plain);

        public static void Run(RuleContext context)
        {
            ReportWaitsUnderReaderLocks(context);
            if (context.Settings.ReportInferredCycles)
            {
                ReportCycles(context);
            }
        }

        private static void ReportWaitsUnderReaderLocks(RuleContext context)
        {
            foreach (var e in context.Events.Where(e => e.Mode == LockMode.Wait))
            {
                foreach (var held in e.Held)
                {
                    if (FindReaderPath(context.Graph, e.Class, held.Class) is not { } found)
                    {
                        continue;
                    }

                    var (reader, onward) = found;
                    var readerChain = reader.Event.Path.Steps.Length > 1 ? " via " + reader.Event.Path.Chain : string.Empty;
                    var story = $"a read section of '{e.Class.Name}' acquires '{onward[0].Name}' at {RuleContext.Where(reader.Event.Site)} in {RuleContext.NameOf(reader.Event.Method)}{readerChain}";
                    var onwardWitnesses = Enumerable.Range(0, onward.Count - 1).Select(i => context.Graph.Witnesses(onward[i], onward[i + 1])[0]).ToList();
                    foreach (var w in onwardWitnesses)
                    {
                        story += $", and '{w.Event.Class.Name}' is acquired while '{w.Held.Class.Name}' is held at {RuleContext.Where(w.Event.Site)} in {RuleContext.NameOf(w.Event.Method)}{w.Event.ChainSuffix}";
                    }

                    var locations = e.ChainLocations.Add(held.AcquiredAt).Add(reader.Event.Site).AddRange(reader.Event.ChainLocations).AddRange(onwardWitnesses.Select(w => w.Event.Site));
                    context.Report(Descriptors.LD1005_WaitForReadersUnderReaderLock, e.Site, locations, e.Class.Name, held.Class.Name, story, e.ChainSuffix);
                    break;
                }
            }
        }

        /// <summary>
        /// A read section of <paramref name="readLock"/> that acquires <paramref name="held"/>, directly or by taking a lock from
        /// which plain order edges lead to it: the reader then waits, directly or transitively, for the waiter's lock.
        /// </summary>
        private static (EdgeWitness Reader, List<LockClass> Onward)? FindReaderPath(OrderGraph graph, LockClass readLock, LockClass held)
        {
            (EdgeWitness, List<LockClass>)? best = null;
            foreach (var (inner, witnesses) in graph.Successors(readLock))
            {
                var reader = witnesses.FirstOrDefault(w => w.FromShared && w.Kind != EdgeKind.Wait);
                if (reader is null)
                {
                    continue;
                }

                var onward = inner.Equals(held) ? new List<LockClass> { inner } : graph.ShortestPath(inner, held, IsPlain);
                if (onward is not null && (best is null || onward.Count < best.Value.Item2.Count))
                {
                    best = (reader, onward);
                }
            }

            return best;
        }

        /// <summary>
        /// The edges taken only from an object's lock into the lock of an object it reaches through its fields (a wrapper, then what
        /// it wraps), in a strongly connected part of the graph where every edge is known to stay on one object or go down that way:
        /// instances ordered by ownership form no cycle there, whatever the classes do. Wherever any edge's objects are not known,
        /// nothing is left out.
        /// </summary>
        private static HashSet<IReadOnlyList<EdgeWitness>> OrderedByOwnership(OrderGraph graph)
        {
            var ordered = new HashSet<IReadOnlyList<EdgeWitness>>();
            var components = graph.StronglyConnectedComponents(IsPlain);
            var unknownIn = new HashSet<int>();
            var edges = graph.Edges.Where(e => IsPlain(e.Witnesses) && components.TryGetValue(e.From, out var a) && components.TryGetValue(e.To, out var b) && a == b).ToList();
            foreach (var (from, _, witnesses) in edges)
            {
                if (witnesses.Any(w => w.Ownership == Ownership.Unknown))
                {
                    unknownIn.Add(components[from]);
                }
            }

            foreach (var (from, _, witnesses) in edges)
            {
                if (!unknownIn.Contains(components[from]) && witnesses.All(w => w.Ownership == Ownership.Down))
                {
                    ordered.Add(witnesses);
                }
            }

            return ordered;
        }

        private static void ReportCycles(RuleContext context)
        {
            // Only plain edges form an LD1002 cycle: an inverted, leaf or wait edge is already reported by its own rule, and a
            // cycle through one must not hide a plain cycle among the same locks.
            var graph = context.Graph;
            var ordered = OrderedByOwnership(graph);
            bool Include(IReadOnlyList<EdgeWitness> witnesses) => IsPlain(witnesses) && !ordered.Contains(witnesses);
            var components = graph.StronglyConnectedComponents(Include);
            foreach (var (from, to, witnesses) in graph.Edges.ToList())
            {
                if (from.Equals(to) || !Include(witnesses) || !components.TryGetValue(from, out var a) || !components.TryGetValue(to, out var b) || a != b)
                {
                    continue;
                }

                var back = graph.ShortestPath(to, from, Include);
                if (back is null)
                {
                    continue;
                }

                var cycle = new List<LockClass> { from };
                cycle.AddRange(back);
                var edges = Enumerable.Range(0, cycle.Count - 1).Select(i => (From: cycle[i], To: cycle[i + 1])).ToList();

                var cycleText = string.Join(" -> ", cycle.Select(c => c.Name));
                var others = edges.Skip(1).Select(edge => graph.Witnesses(edge.From, edge.To)[0]).ToList();
                var elsewhere = string.Join("; ", others.Select(w =>
                    $"'{w.Event.Class.Name}' is acquired while '{w.Held.Class.Name}' is held at {RuleContext.Where(w.Event.Site)} in {RuleContext.NameOf(w.Event.Method)}{Holder(context, w)}{w.Event.ChainSuffix}"));
                // A fix reorders the minority side of a two-lock cycle (ties broken by name), so applying every fix leaves no cycle.
                var reverse = graph.Witnesses(to, from).Count;
                var flipHere = cycle.Count == 3 && (witnesses.Count < reverse || (witnesses.Count == reverse && string.CompareOrdinal(from.Name, to.Name) > 0));
                foreach (var witness in witnesses)
                {
                    var e = witness.Event;
                    var locations = e.ChainLocations.Add(witness.Held.AcquiredAt).AddRange(others.Select(o => o.Event.Site));
                    var properties = FixProperties.ForOrderEdge(context, e, witness.Held, e.Call is null && flipHere);
                    context.Report(Descriptors.LD1002_InferredCycle, e.Site, locations, properties, cycleText, e.Class.Name, witness.Held.Class.Name, Holder(context, witness) + e.ChainSuffix, elsewhere);
                }
            }
        }

        /// <summary>
        /// Who holds a lock the method runs under from entry when that is another assembly calling it back, as its lock summary
        /// says (<c> (held by B's Notify -> Invoke)</c>); empty otherwise.
        /// </summary>
        private static string Holder(RuleContext context, EdgeWitness witness)
            => witness.Event.HeldBy is { } heldBy ? heldBy
                : witness.Held.FromEntry && context.Model.External.HeldAroundCallsOf(witness.Event.Method).FirstOrDefault(h => h.Class.Equals(witness.Held.Class)) is { Chain: { } chain } held
                ? $" (held by {held.Assembly}'s {chain})"
                : string.Empty;
    }
}
