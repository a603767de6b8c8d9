using System.Linq;
using LockDiscipline.Analyzers.Graph;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD2004: a <c>[DropsRef]</c> call (not <c>NotFinal</c>) while holding a lock that the release path (the callee's body, followed
    /// through calls, implementations and <c>[MayAcquire]</c>) acquires: the seed 000 deadlock of <c>kvm_put_kvm</c> under
    /// <c>group_lock</c>. Runs before the order rules so that LD1003 is not reported again for the same call.
    /// </summary>
    internal static class FinalDropRules
    {
        public static void Run(RuleContext context)
        {
            foreach (var e in context.Events)
            {
                if (e.Call is null || e.Callee is null)
                {
                    continue;
                }

                var contract = context.Model.GetEffectiveContract(e.Call.Target);
                if (contract.DropsRef is null || contract.DropsRefNotFinal)
                {
                    continue;
                }

                var held = e.Held.FirstOrDefault(h => h.Class.Equals(e.Class));
                if (held is null)
                {
                    continue;
                }

                context.RecursionCoveredSites.Add(e.Site);
                context.Report(Descriptors.LD2004_FinalDropUnderLock, e.Site, e.ChainLocations.Add(held.AcquiredAt), FixProperties.For(held.AcquiredAt, e.Site, reorderable: false),
                    e.Call.Target.Name, held.Key.Display, RuleContext.Where(held.AcquiredAt), e.Path.Chain);
            }
        }
    }
}
