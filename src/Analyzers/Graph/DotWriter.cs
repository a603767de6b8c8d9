using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;

namespace LockDiscipline.Analyzers.Graph
{
    /// <summary>
    /// The compilation's lock classes and order edges as Graphviz DOT, lockdep's /proc/lockdep to look at: declared orders dashed,
    /// inferred edges labelled with one site, and every edge of a reported cycle, inversion, leaf violation or wait drawn in red.
    /// </summary>
    internal static class DotWriter
    {
        public static string Write(RuleContext context, string title)
        {
            var graph = context.Graph;
            var plainComponents = graph.StronglyConnectedComponents(w => w.All(x => x.Kind == EdgeKind.Plain));
            var nodes = new SortedSet<LockClass>();
            foreach (var (from, to, _) in graph.Edges)
            {
                nodes.Add(from);
                nodes.Add(to);
            }

            foreach (var (outer, inner) in context.Declared.DirectPairs)
            {
                nodes.Add(outer);
                nodes.Add(inner);
            }

            var text = new StringBuilder();
            text.Append("digraph \"").Append(Escape(title)).AppendLine("\" {");
            text.AppendLine("  rankdir=LR;");
            text.AppendLine("  node [shape=box, fontname=\"monospace\"];");
            foreach (var node in nodes)
            {
                var leaf = context.Model.LockTypes.IsLeaf(node) ? ", peripheries=2" : string.Empty;
                text.Append("  \"").Append(Escape(node.Name)).Append("\" [label=\"").Append(Escape(node.Name)).Append('"').Append(leaf).AppendLine("];");
            }

            foreach (var (outer, inner) in context.Declared.DirectPairs.Distinct().OrderBy(p => p.Outer).ThenBy(p => p.Inner))
            {
                text.Append("  \"").Append(Escape(outer.Name)).Append("\" -> \"").Append(Escape(inner.Name)).AppendLine("\" [style=dashed, color=blue, label=\"declared\"];");
            }

            foreach (var (from, to, witnesses) in graph.Edges)
            {
                var first = witnesses[0];
                var inCycle = witnesses.All(w => w.Kind == EdgeKind.Plain)
                    && plainComponents.TryGetValue(from, out var a) && plainComponents.TryGetValue(to, out var b) && a == b && context.Settings.ReportInferredCycles;
                var bad = witnesses.Any(w => w.Kind != EdgeKind.Plain) || inCycle;
                var kind = witnesses.Any(w => w.Kind == EdgeKind.Wait) ? " (waits)" : string.Empty;
                var label = RuleContext.Where(first.Event.Site) + " in " + first.Event.Method.Name + kind
                    + (witnesses.Count > 1 ? " (+" + (witnesses.Count - 1).ToString(CultureInfo.InvariantCulture) + ")" : string.Empty);
                text.Append("  \"").Append(Escape(from.Name)).Append("\" -> \"").Append(Escape(to.Name)).Append("\" [label=\"").Append(Escape(label)).Append('"')
                    .Append(bad ? ", color=red, fontcolor=red, penwidth=2" : string.Empty)
                    .Append(kind.Length > 0 ? ", style=dotted" : string.Empty)
                    .AppendLine("];");
            }

            text.AppendLine("}");
            return text.ToString();
        }

        private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"");
    }
}
