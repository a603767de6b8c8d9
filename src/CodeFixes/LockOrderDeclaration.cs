using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// "Declare the lock order this code follows": the project's order graph (analysed as the build does) becomes
    /// <c>[assembly: LockOrder(...)]</c> chains (<see cref="InferredOrder"/>), written after the last <c>[LockOrder]</c> of the
    /// first file that has one, else into a new <c>LockOrder.cs</c>. Only locks a declaration can name take part: fields and
    /// properties of the project's own non-generic types.
    /// </summary>
    internal static class LockOrderDeclaration
    {
        public const string Title = "Declare the lock order this code follows";

        public const string NewFileName = "LockOrder.cs";

        public static async Task<Solution> DeclareAsync(Project project, CancellationToken cancellationToken)
        {
            var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
            if (compilation is null || CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, cancellationToken).Context is not { } context)
            {
                return project.Solution;
            }

            var chains = InferredOrder.Chains(ObservedEdges(context, out var classes), (outer, inner) => context.Declared.IsDeclaredOutside(classes[outer], classes[inner]));
            if (chains.Count == 0)
            {
                return project.Solution;
            }

            var lines = chains.Select(c => "[assembly: LockOrder(" + string.Join(", ", c.Select(n => "\"" + n + "\"")) + ")]").ToList();
            return await WriteAsync(project, lines, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The graph's plain edges between nameable locks, with their numbers of distinct sites.</summary>
        private static List<ObservedEdge> ObservedEdges(RuleContext context, out Dictionary<string, LockClass> classes)
        {
            classes = new Dictionary<string, LockClass>(StringComparer.Ordinal);
            var edges = new List<ObservedEdge>();
            foreach (var (from, to, witnesses) in context.Graph.Edges)
            {
                if (NameOf(from) is not { } outer || NameOf(to) is not { } inner)
                {
                    continue;
                }

                var sites = witnesses.Where(w => w.Kind == EdgeKind.Plain)
                    .Select(w => w.Event.Site).Distinct().Count();
                if (sites > 0)
                {
                    classes[outer] = from;
                    classes[inner] = to;
                    edges.Add(new ObservedEdge(outer, inner, sites));
                }
            }

            return edges;
        }

        /// <summary>How a <c>[LockOrder]</c> names the class (<c>Namespace.Type.Member</c>, <c>/n</c> for a subclass), or null.</summary>
        private static string? NameOf(LockClass lockClass)
            => lockClass.Symbol is IFieldSymbol or IPropertySymbol && lockClass.Symbol.ContainingType is { IsGenericType: false } type
               && !type.ContainingTypes().Any(t => t.IsGenericType) && type.Locations.Any(l => l.IsInSource)
                ? type.ToDisplayString() + "." + lockClass.Symbol.Name + (lockClass.Subclass == 0 ? string.Empty : "/" + lockClass.Subclass)
                : null;

        private static IEnumerable<INamedTypeSymbol> ContainingTypes(this INamedTypeSymbol type)
        {
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                yield return outer;
            }
        }

        private static async Task<Solution> WriteAsync(Project project, List<string> lines, CancellationToken cancellationToken)
        {
            foreach (var document in project.Documents.Where(d => d.FilePath is not null || d.Name.Length > 0).OrderBy(d => d.FilePath ?? d.Name, StringComparer.Ordinal))
            {
                if (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not CompilationUnitSyntax root)
                {
                    continue;
                }

                var last = root.AttributeLists.LastOrDefault(l => l.Target?.Identifier.IsKind(SyntaxKind.AssemblyKeyword) == true && l.Attributes.Any(IsLockOrder));
                if (last is null)
                {
                    continue;
                }

                // Written as the file writes its own: `LockOrder`, `LockOrderAttribute` or qualified.
                var name = last.Attributes.First(IsLockOrder).Name.ToString();
                var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
                var newline = text.Lines.Count > 1 ? text.ToString(TextSpan.FromBounds(text.Lines[0].End, text.Lines[0].EndIncludingLineBreak)) : "\n";
                var insertion = string.Concat(lines.Select(l => newline + l.Replace("[assembly: LockOrder(", "[assembly: " + name + "(")));
                var lineEnd = text.Lines.GetLineFromPosition(last.Span.End).End;
                return project.Solution.WithDocumentText(document.Id, text.WithChanges(new TextChange(new TextSpan(lineEnd, 0), insertion)));
            }

            var content = "using LockDiscipline;\n\n" + string.Join("\n", lines) + "\n";
            var directory = project.FilePath is { } projectPath ? Path.GetDirectoryName(projectPath) : null;
            var added = project.AddDocument(NewFileName, SourceText.From(content), filePath: directory is null ? null : Path.Combine(directory, NewFileName));
            return added.Project.Solution;
        }

        private static bool IsLockOrder(AttributeSyntax attribute) => RelevanceFilter.AttributeName(attribute) == "LockOrder";
    }
}
