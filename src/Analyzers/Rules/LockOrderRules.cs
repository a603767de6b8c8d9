using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD1001 (declared order inverted), LD1003 (recursive acquisition), LD1004 (under a leaf lock) at each acquisition event, and the
    /// order edges every event adds to the compilation-wide graph.
    /// </summary>
    internal static class LockOrderRules
    {
        public static void Run(RuleContext context)
        {
            foreach (var e in context.Events)
            {
                var readerNeverBlocks = context.Model.LockTypes.ReaderNeverBlocks(e.Class);
                // Re-entering a re-entrant lock this thread already holds never waits, so it orders nothing after the locks held
                // since (lockdep's recursive read): only a contract (a declared order, a leaf) is still checked. Held here, or by
                // every caller around every call of this method.
                var reentry = e.Path.Recursive
                    && (e.Held.Any(h => h.Class.Equals(e.Class) && h.Recursive) || context.Summaries.CallersHold(e.Method, e.Path));
                foreach (var held in e.Held.GroupBy(h => h.Class).Select(g => g.First()))
                {
                    if (held.Class.Equals(e.Class))
                    {
                        // Two elements of one collection (`_locks[a]` under `_locks[b]`) are two locks as often as one: unless both
                        // name the same value, the class says nothing about a recursion.
                        var sameElement = e.Instance is not null && e.Instance == held.Key.Instance;
                        if (!IsAllowedReentry(held, e, readerNeverBlocks) && (!e.Class.IsElementsOfCollection || sameElement) && !context.RecursionCoveredSites.Contains(e.Site))
                        {
                            context.Report(Descriptors.LD1003_RecursiveAcquisition, e.Site, e.ChainLocations.Add(held.AcquiredAt),
                                e.Class.Name, RuleContext.Where(held.AcquiredAt), WhyItBlocks(e), e.ChainSuffix);
                        }

                        continue;
                    }

                    if (e.Mode == LockMode.Shared && readerNeverBlocks)
                    {
                        continue;
                    }

                    var kind = e.Mode == LockMode.Wait ? EdgeKind.Wait : EdgeKind.Plain;
                    if (e.Mode != LockMode.Wait && context.Model.LockTypes.IsLeaf(held.Class))
                    {
                        kind = EdgeKind.UnderLeaf;
                        context.Report(Descriptors.LD1004_AcquiredUnderLeafLock, e.Site, e.ChainLocations.Add(held.AcquiredAt), FixProperties.ForOrderEdge(context, e, held, e.Call is null), e.Class.Name, held.Class.Name, e.ChainSuffix);
                    }
                    else if (context.Declared.IsDeclaredOutside(e.Class, held.Class))
                    {
                        kind = EdgeKind.Inversion;
                        context.Report(Descriptors.LD1001_DeclaredOrderInversion, e.Site, e.ChainLocations.Add(held.AcquiredAt), FixProperties.ForOrderEdge(context, e, held, e.Call is null), e.Class.Name, held.Class.Name, e.ChainSuffix);
                    }

                    if (kind != EdgeKind.Plain || !reentry)
                    {
                        var ownership = LockOwners.Classify(LockOwners.OwnerOf(held.Key, context.Model.LockTypes), e.Owner);
                        context.Graph.Add(held.Class, e.Class, new EdgeWitness(e, held, kind, ownership));
                    }
                }
            }
        }

        private static bool IsAllowedReentry(HeldLock held, LockEvent e, bool readerNeverBlocks)
        {
            if (held.Recursive && e.Path.Recursive)
            {
                return true;
            }

            if (held.Key.Mode == LockMode.Upgradeable && e.Mode == LockMode.Exclusive)
            {
                return true;
            }

            return readerNeverBlocks && e.Mode == LockMode.Shared;
        }

        /// <summary>
        /// Why taking a held lock again blocks: the lock is not re-entrant, or (re-entrant or not) it is taken on another thread
        /// that the holder waits for.
        /// </summary>
        private static string WhyItBlocks(LockEvent e)
            => e.Path.OnAnotherThread ? "the thread holding it waits for the thread taking it" : "it is not recursive";
    }
}
