using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD1006 (a <c>[Requires]</c> lock not held on every path to the call: must-held, as Clang), LD1007 (an <c>[Excludes]</c> lock
    /// held on some path: may-held), LD1008 (a lock left held on some path out, or released where it is held on no path).
    /// </summary>
    internal static class HeldContractRules
    {
        public static void Run(RuleContext context)
        {
            foreach (var facts in context.Facts.Values)
            {
                foreach (var call in facts.Calls)
                {
                    var callee = Summaries.LockSummaries.CalleeName(call.Target.OriginalDefinition);
                    foreach (var required in call.Required)
                    {
                        // A lock reached through a value known null there (`Debug.Assert(dev.IommuGroup is null)`) does not exist.
                        if (call.MustHeld.Any(h => Satisfies(h, required)) || ThroughKnownNull(call, required))
                        {
                            continue;
                        }

                        context.Report(Descriptors.LD1006_RequiresNotHeld, call.Site, NearMatches(call, required).Select(h => h.AcquiredAt),
                            callee, required.Display, Hint(call, required));
                    }

                    foreach (var excluded in call.Excluded)
                    {
                        var held = call.MayHeld.FirstOrDefault(h => h.Class.Key == excluded.Class.Key && SameInstance(h.Key.Instance, excluded.Instance));
                        if (held is null)
                        {
                            continue;
                        }

                        context.RecursionCoveredSites.Add(call.Site);
                        context.Report(Descriptors.LD1007_ExcludedLockHeld, call.Site, new[] { held.AcquiredAt },
                            callee, held.Key.Display, " (acquired at " + RuleContext.Where(held.AcquiredAt) + ")");
                    }
                }

                var name = Summaries.LockSummaries.CalleeName(facts.Method);
                foreach (var leak in facts.Leaks)
                {
                    var held = leak.Held;
                    var own = OwnPath(held.Key);
                    var intent = own is null ? string.Empty
                        : leak.HeldOnEveryExit || leak.HeldOnEveryReturn ? $" (if '{name}' returns holding it for its caller, say so with [Acquires{Shared(own, held.Key)}])"
                        : leak.FreeOnSomeReturn && facts.Method.ReturnType.SpecialType == Microsoft.CodeAnalysis.SpecialType.System_Boolean
                            ? $" (if '{name}' returns holding it exactly when it returns true, say so with [TryAcquires{Shared(own.Length == 0 ? "(true)" : "(true, " + own.Substring(1), held.Key)}])"
                            : string.Empty;
                    context.Report(Descriptors.LD1008_UnbalancedLock, held.AcquiredAt, null,
                        $"'{held.Key.Display}' is acquired here and is still held on some path out of '{name}' ({leak.Exit}){intent}");
                }

                foreach (var release in facts.UnheldReleases)
                {
                    var tried = facts.TriedClasses.Contains(release.Key.Class);
                    var intent = tried
                        // MongoDB's GridFS: `_semaphore.Wait(timeout, token)` with its result ignored, then Release() in a finally.
                        ? $" (a try or timed wait for it in '{name}' may give up, and its result is not tested before this release)"
                        : OwnPath(release.Key) is { } own && !facts.Acquisitions.Any(a => a.Key.Class.Equals(release.Key.Class))
                        ? $" (if '{name}' releases what its caller took, say so with [Releases{Shared(own, release.Key)}])"
                        : string.Empty;
                    context.Report(Descriptors.LD1008_UnbalancedLock, release.Site, null,
                        $"'{release.Key.Display}' is released here but is not held on any path to this point{intent}");
                }
            }
        }

        /// <summary>Whether the required lock is reached through a value known null at the call: it does not exist there.</summary>
        private static bool ThroughKnownNull(CallFact call, HeldKey required)
            => required.Instance is { } path && call.KnownNull.Any(known => path == known || path.StartsWith(known + ".", System.StringComparison.Ordinal));

        /// <summary>
        /// The attribute argument naming a lock of the method's own object (<c>this</c> or <c>this._mutex</c>), for a helper that takes
        /// or releases its object's lock on behalf of its caller (a wrapper primitive): <c>""</c> or <c>("_mutex")</c>; null otherwise.
        /// </summary>
        private static string? OwnPath(HeldKey key)
            => key.Instance == "this" ? string.Empty
                : key.Instance is { } instance && instance.StartsWith("this.", System.StringComparison.Ordinal) ? "(\"" + instance.Substring(5) + "\")"
                : null;

        private static string Shared(string path, HeldKey key)
            => key.Mode != LockMode.Shared ? path : path.Length == 0 ? "(Shared = true)" : path.Substring(0, path.Length - 1) + ", Shared = true)";

        public static bool Satisfies(HeldLock held, HeldKey required)
            => held.Class.Key == required.Class.Key
               && SameInstance(held.Key.Instance, required.Instance)
               && (required.Mode == LockMode.Shared || held.Key.Mode != LockMode.Shared);

        public static bool SameInstance(string? a, string? b) => a is null || b is null || a == b;

        private static IEnumerable<HeldLock> NearMatches(CallFact call, HeldKey required)
            => call.MayHeld.Where(h => h.Class.Key == required.Class.Key).Take(1);

        private static string Hint(CallFact call, HeldKey required)
        {
            var maybe = call.MayHeld.FirstOrDefault(h => Satisfies(h, required));
            if (maybe is not null)
            {
                return " (it is held on some paths only)";
            }

            var near = call.MayHeld.FirstOrDefault(h => h.Class.Key == required.Class.Key);
            if (near is null)
            {
                return string.Empty;
            }

            return near.Key.Mode == LockMode.Shared && required.Mode != LockMode.Shared
                ? " exclusively (found a shared hold of '" + near.Key.Display + "')"
                : " (found '" + near.Key.Display + "' held instead)";
        }
    }
}
