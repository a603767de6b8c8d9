using System.Collections.Generic;
using System.Collections.Immutable;
using LockDiscipline.Analyzers.Flow;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>LD2001 (leak), LD2002 (double drop), LD2003 (use after drop), LD2005 (drop of an unowned reference) from the ownership dataflow.</summary>
    internal static class RefCountRules
    {
        public static void Run(RuleContext context, IEnumerable<ImmutableArray<RefFinding>> findings)
        {
            foreach (var methodFindings in findings)
            {
                foreach (var finding in methodFindings)
                {
                    context.Report(finding.Descriptor, finding.Site, finding.Related, finding.DiagnosticProperties(), finding.Arguments);
                }
            }
        }
    }
}
