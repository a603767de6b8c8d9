using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace LockDiscipline.Tests.EndToEnd
{
    /// <summary>
    /// <c>lock</c> on a <c>System.Threading.Lock</c>, built by the compiler the SDK ships (the test host's Roslyn predates the type): with
    /// nullable annotations on, that compiler leaves the statement's acquisition out of the control-flow graph, with them off it
    /// lowers it to <c>EnterScope()</c>. Both must give exactly the findings of the explicit <c>using (x.EnterScope())</c> form.
    /// </summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class ModernLocksEndToEndTests
    {
        private static readonly Regex Finding = new(@"(?<file>[\w.]+\.cs)\((?<line>\d+),(?<column>\d+)\): (?<severity>warning|error) (?<id>LD\d{4}|AD0001): (?<message>.*?)(?: \(https://[^)]*\))? \[", RegexOptions.Multiline);

        private readonly PackedPackage _package;

        public ModernLocksEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void LockStatementsOnALockGiveWhatEnterScopeGives()
        {
            _package.AssertPacked();
            var sources = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Sources");
            var files = new[] { "LockStatements.cs", "LockStatementsNoNullable.cs", "EnterScopes.cs" }
                .Select(f => (f, File.ReadAllText(Path.Combine(sources, f))))
                .Append(("Program.cs", "System.Console.WriteLine();\n"))
                .Append((".editorconfig", "[*.cs]\ndotnet_diagnostic.LD1010.severity = warning\n"))
                .ToArray();
            var app = _package.CreateApp("modern-locks", files);
            var build = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "build", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.Output);

            var found = Finding.Matches(build.Output)
                .Select(m => $"{m.Groups["file"].Value}({m.Groups["line"].Value},{m.Groups["column"].Value}): {m.Groups["severity"].Value} {m.Groups["id"].Value}: {m.Groups["message"].Value}")
                .Distinct()
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();

            string[] Expected(string file, string l, int column)
                => new[]
                {
                    $"{file}(7,{column}): warning LD1002: Lock-order cycle {l}._a -> {l}._b -> {l}._a: '{l}._b' is acquired while '{l}._a' is held here, and elsewhere '{l}._a' is acquired while '{l}._b' is held at {file}:8 in BA",
                    $"{file}(8,{column}): warning LD1002: Lock-order cycle {l}._b -> {l}._a -> {l}._b: '{l}._a' is acquired while '{l}._b' is held here, and elsewhere '{l}._b' is acquired while '{l}._a' is held at {file}:7 in AB",
                    $"{file}(14,43): warning LD1008: '_o' is acquired here and is still held on some path out of 'LeakWithoutLock' (when it returns at line 14)",
                    $"{file}(15,40): warning LD1008: '_o' is acquired here and is still held on some path out of 'LeakWithLock' (when it returns at line 15)",
                };

            var expected = Expected("LockStatements.cs", "L1", 42)
                .Concat(Expected("LockStatementsNoNullable.cs", "L2", 42))
                .Concat(Expected("EnterScopes.cs", "L3", 57))
                .Append("EnterScopes.cs(46,84): warning LD1010: '_l' (System.Threading.Lock) is held across this await (acquired at EnterScopes.cs:46): the code after it may run on another thread, where releasing the lock throws or never happens")
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(string.Join("\n", expected), string.Join("\n", found));
        }
    }
}
