namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD1010: a thread-affine lock that may be held where the method can suspend (an <c>await</c>, <c>await foreach</c>,
    /// <c>await using</c>, or a <c>yield return</c>): the code after it may run on another thread, where the release throws
    /// (<c>SynchronizationLockException</c>) or, for a lock that does not check, leaves it held by a thread that never releases it.
    /// </summary>
    internal static class ThreadAffinityRules
    {
        public static void Run(RuleContext context)
        {
            foreach (var facts in context.Facts.Values)
            {
                foreach (var suspension in facts.Suspensions)
                {
                    foreach (var held in suspension.Held)
                    {
                        var affinity = held.Affinity!;
                        var chain = affinity.Chain is null ? string.Empty : ", through " + affinity.Chain;
                        context.Report(Descriptors.LD1010_ThreadAffineLockAcrossAwait, suspension.Site, new[] { held.AcquiredAt },
                            held.Key.Display, affinity.Primitive, suspension.What, RuleContext.Where(held.AcquiredAt), chain);
                    }
                }
            }
        }
    }
}
