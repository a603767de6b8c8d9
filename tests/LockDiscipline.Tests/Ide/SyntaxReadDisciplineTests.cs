using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using LockDiscipline.Tests.KernelModel;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// Carried-over facts are only as fresh as the record of what each walk read (docs/incremental.md). A model query that reads
    /// another tree's syntax without <c>SyntaxReads</c>, or caches an answer without <c>SyntaxReads.Memo</c>, would let a tree
    /// keep facts computed from a body that has since changed. These rules keep the model and the walks honest.
    /// </summary>
    public class SyntaxReadDisciplineTests
    {
        // Read only by the link step, which runs whole on every analysis, or reading the walked tree itself.
        private static readonly string[] ExemptFiles = { "Model/RelevanceFilter.cs" };

        // Caches of facts the walks write (not answers computed from syntax).
        private static readonly string[] WrittenCaches = { "_inferredReturnsRef", "_bindingErrors", "_checkedMembers" };

        [Fact]
        public void TheModelAndTheWalksReadOtherTreesSyntaxOnlyThroughSyntaxReads()
        {
            var offending = SourcesOf("Model", "Flow")
                .SelectMany(f => File.ReadAllLines(f.Path).Select((line, i) => (f.Name, Line: i + 1, Text: line)))
                .Where(l => Regex.IsMatch(l.Text, @"\.GetSyntax\(|\.GetRoot\(") && !l.Text.Contains("SyntaxReads.", StringComparison.Ordinal)
                            && !l.Text.Contains("ApplicationSyntaxReference", StringComparison.Ordinal))
                .Select(l => $"{l.Name}:{l.Line}: {l.Text.Trim()}")
                .ToList();

            Assert.True(offending.Count == 0, "syntax read outside SyntaxReads:" + Environment.NewLine + string.Join(Environment.NewLine, offending));
        }

        [Fact]
        public void EveryModelCacheOfAnswersRemembersTheSyntaxItRead()
        {
            var offending = SourcesOf("Model", "Flow")
                .SelectMany(f => File.ReadAllLines(f.Path).Select((line, i) => (f.Name, Line: i + 1, Text: line)))
                .Where(l => l.Text.Contains("ConcurrentDictionary<", StringComparison.Ordinal) && !l.Text.Contains("SyntaxReads.Tracked<", StringComparison.Ordinal)
                            && !WrittenCaches.Any(c => l.Text.Contains(c, StringComparison.Ordinal)))
                .Select(l => $"{l.Name}:{l.Line}: {l.Text.Trim()}")
                .ToList();

            Assert.True(offending.Count == 0, "a cache whose values do not carry their reads:" + Environment.NewLine + string.Join(Environment.NewLine, offending));
        }

        private static (string Path, string Name)[] SourcesOf(params string[] folders)
        {
            var root = Path.Combine(KernelModelCompilation.RepoRoot(), "src", "Analyzers");
            var files = folders.SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.cs"))
                .Select(p => (Path: p, Name: Path.GetRelativePath(root, p).Replace('\\', '/')))
                .Where(f => !ExemptFiles.Contains(f.Name))
                .ToArray();
            Assert.NotEmpty(files);
            return files;
        }
    }
}
