using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LockDiscipline.Tests.Docs
{
    /// <summary>
    /// Every diagnostic the analyzer supports has a page under docs/rules that its help link points at, that names it and its
    /// default severity, and a row in the docs/rules/README.md index. One test case per rule ID.
    /// </summary>
    public class RuleDocumentationTests
    {
        private static readonly Lazy<string> RepoRootPath = new(FindRepoRoot);

        public static TheoryData<string> RuleIds()
        {
            var data = new TheoryData<string>();
            foreach (var descriptor in new LockDisciplineAnalyzer().SupportedDiagnostics)
            {
                data.Add(descriptor.Id);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void HelpLinkPointsAtTheRulePage(string id)
        {
            var descriptor = Descriptor(id);
            Assert.Equal(Descriptors.HelpLink(id), descriptor.HelpLinkUri);
            Assert.EndsWith($"docs/rules/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void RulePageExistsAndIsHeadedWithItsIdAndTitle(string id)
        {
            var descriptor = Descriptor(id);
            var path = RulePagePath(id);
            Assert.True(File.Exists(path), $"{id}: missing rule page {path}");

            var firstLine = Lines(path).FirstOrDefault() ?? string.Empty;
            Assert.StartsWith($"# {id}", firstLine, StringComparison.Ordinal);
            Assert.Equal($"# {id}: {descriptor.Title}", firstLine);
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void RulePageStatesTheDefaultSeverityAndCategory(string id)
        {
            var descriptor = Descriptor(id);
            var path = RulePagePath(id);
            Assert.True(File.Exists(path), $"{id}: missing rule page {path}");
            var text = File.ReadAllText(path);

            var severity = descriptor.DefaultSeverity.ToString();
            Assert.True(
                Regex.IsMatch(text, @"^\|\s*Severity\s*\|\s*" + Regex.Escape(severity) + @"\s*\|", RegexOptions.Multiline),
                $"{id}: the page does not state '| Severity | {severity} |'");
            Assert.True(
                Regex.IsMatch(text, @"^\|\s*Category\s*\|\s*`?" + Regex.Escape(descriptor.Category) + @"`?\s*\|", RegexOptions.Multiline),
                $"{id}: the page does not state '| Category | {descriptor.Category} |'");
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.True(
                Regex.IsMatch(text, @"^\|\s*Enabled by default\s*\|\s*Yes\b", RegexOptions.Multiline),
                $"{id}: the page does not state '| Enabled by default | Yes |'");
        }

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void IndexListsTheRule(string id)
        {
            var descriptor = Descriptor(id);
            var index = Path.Combine(RepoRootPath.Value, "docs", "rules", "README.md");
            Assert.True(File.Exists(index), $"missing rule index {index}");

            var row = Lines(index).FirstOrDefault(l => Regex.IsMatch(l, @"^\|\s*\[" + Regex.Escape(id) + @"\]\(" + Regex.Escape(id) + @"\.md\)\s*\|"));
            Assert.True(row is not null, $"{id}: docs/rules/README.md has no row '| [{id}]({id}.md) | ...'");

            var cells = row!.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray();
            Assert.Equal(
                new[] { $"[{id}]({id}.md)", descriptor.Title.ToString(), descriptor.DefaultSeverity.ToString(), descriptor.Category },
                cells);
        }

        [Fact]
        public void EveryRulePageBelongsToASupportedDiagnostic()
        {
            var ids = new LockDisciplineAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            var pages = Directory.GetFiles(Path.Combine(RepoRootPath.Value, "docs", "rules"), "LD*.md")
                .Select(p => Path.GetFileNameWithoutExtension(p)!)
                .ToList();
            Assert.Empty(pages.Where(p => !ids.Contains(p)));
        }

        private static DiagnosticDescriptor Descriptor(string id)
            => new LockDisciplineAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);

        private static string RulePagePath(string id) => Path.Combine(RepoRootPath.Value, "docs", "rules", id + ".md");

        private static string[] Lines(string path)
            => File.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("No folder containing Analyzers.sln above " + AppContext.BaseDirectory);
        }
    }
}
