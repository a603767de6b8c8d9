using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>LD1009: a <c>[GuardedBy]</c> member read without its lock held on every path, or written without it held exclusively.</summary>
    internal static class GuardedByRules
    {
        public static void Run(RuleContext context)
        {
            foreach (var facts in context.Facts.Values)
            {
                foreach (var access in facts.GuardedAccesses)
                {
                    var lockClass = access.Guard.FixedClass;
                    if (lockClass is null)
                    {
                        continue;
                    }

                    var required = new HeldKey(lockClass, access.RequiredInstance, access.IsWrite ? LockMode.Exclusive : LockMode.Shared);
                    if (access.MustHeld.Any(h => HeldContractRules.Satisfies(h, required)))
                    {
                        continue;
                    }

                    var near = access.MustHeld.FirstOrDefault(h => h.Class.Key == lockClass.Key);
                    var exclusively = access.IsWrite && near is not null && near.Key.Mode == LockMode.Shared && HeldContractRules.SameInstance(near.Key.Instance, required.Instance)
                        ? " exclusively" : string.Empty;
                    var nearText = near is not null && exclusively.Length == 0 ? " (found near match '" + near.Key.Display + "')" : string.Empty;
                    context.Report(Descriptors.LD1009_GuardedMemberAccess, access.Site, near is null ? null : new[] { near.AcquiredAt },
                        access.Member.Name, access.IsWrite ? "written" : "read", required.Display, exclusively, nearText);
                }
            }
        }
    }
}
