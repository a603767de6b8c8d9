using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using LockDiscipline.Tests.Verifiers;
using Xunit;

namespace LockDiscipline.Tests.Docs
{
    /// <summary>
    /// Every diagnostic the analyzer supports has a page under docs/rules that its help link points at, that names it and its
    /// default severity, and a row in the docs/rules/README.md index; the page's example compiles, its bad code produces exactly
    /// the diagnostics the page shows and its fixed code none. One test case per rule ID.
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

        /// <summary>
        /// The page's "## Example" section: the first <c>csharp</c> block (the bad code, compiled as Example.cs) must produce exactly
        /// the lines of the first <c>text</c> block, and the second <c>csharp</c> block (the fix) no LockDiscipline diagnostic.
        /// </summary>
        [Theory]
        [MemberData(nameof(RuleIds))]
        public async Task ExampleProducesExactlyTheDocumentedDiagnostics(string id)
        {
            var path = RulePagePath(id);
            Assert.True(File.Exists(path), $"{id}: missing rule page {path}");
            var text = File.ReadAllText(path).Replace("\r\n", "\n");

            var example = Regex.Match(text, @"^## Example[ \t]*\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(example.Success, $"{id}: the page has no '## Example' section");
            var code = Blocks(example.Groups[1].Value, "csharp");
            var output = Blocks(example.Groups[1].Value, "text");
            Assert.True(code.Length >= 2, $"{id}: the example needs a bad and a fixed csharp block");
            Assert.True(output.Length >= 1, $"{id}: the example needs a text block with the diagnostics of the bad code");

            var expected = output[0].Split('\n').Where(l => l.Trim().Length > 0).ToArray();
            Assert.NotEmpty(expected);
            Assert.All(expected, line => Assert.Contains($" {id}: ", line, StringComparison.Ordinal));
            // A page may give a ```baseline block: the LockDiscipline.baseline both examples are analysed with; and ```summary
            // blocks: the Lib.lockdiscipline.txt the bad example (first block) and the fixed one (second) are analysed with.
            var baseline = Blocks(example.Groups[1].Value, "baseline").FirstOrDefault();
            var summaries = Blocks(example.Groups[1].Value, "summary");
            Assert.Equal(expected, await AnalyzeAsync(id, code[0], baseline, summaries.FirstOrDefault()));
            Assert.Empty(await AnalyzeAsync(id, code[1], baseline, summaries.Skip(1).FirstOrDefault()));
        }

        [Fact]
        public void EveryRulePageBelongsToASupportedDiagnostic()
        {
            var ids = new LockDisciplineAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            var pages = Directory.GetFiles(Path.Combine(RepoRootPath.Value, "docs", "rules"), "LD*.md")
                .Select(p => Path.GetFileNameWithoutExtension(p)!)
                .ToList();
            Assert.DoesNotContain(pages, p => !ids.Contains(p));
        }

        private static DiagnosticDescriptor Descriptor(string id)
            => new LockDisciplineAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);

        private static string RulePagePath(string id) => Path.Combine(RepoRootPath.Value, "docs", "rules", id + ".md");

        private static string[] Lines(string path)
            => File.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        private static string[] Blocks(string markdown, string language)
            => Regex.Matches(markdown, @"^```" + language + @"[ \t]*\n(.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)
                .Select(m => m.Groups[1].Value)
                .ToArray();

        /// <summary>Compiles one example as Example.cs against the framework and the annotations; returns its LD diagnostics as the build prints them.</summary>
        private static async Task<string[]> AnalyzeAsync(string id, string source, string? baseline = null, string? summary = null)
        {
            var tree = CSharpSyntaxTree.ParseText(source, path: "Example.cs");
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location));
            var compilation = CSharpCompilation.Create("Docs" + id, new[] { tree }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
            Assert.True(errors.Length == 0, $"{id}: the example does not compile:\n" + string.Join("\n", errors));

            var additional = ImmutableArray<AdditionalText>.Empty;
            if (baseline is not null)
            {
                additional = additional.Add(new InMemoryText("LockDiscipline.baseline", baseline));
            }

            if (summary is not null)
            {
                additional = additional.Add(new InMemoryText("Lib.lockdiscipline.txt", summary));
            }

            var diagnostics = await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), new AnalyzerOptions(additional))
                .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            return diagnostics
                .Where(d => d.Id.StartsWith("LD", StringComparison.Ordinal))
                .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
                .Select(d => d.ToString())
                .ToArray();
        }

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
