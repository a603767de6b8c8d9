using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>LD0100: what LockDiscipline.baseline lists is reported hidden; everything else, and entries that no longer match, as before.</summary>
    public class BaselineTests
    {
        private const string Source = @"public class Cache
{
    private readonly object _index = new object();
    private readonly object _store = new object();
    private int _n;
    public void Add() { lock (_index) { lock (_store) { _n++; } } }
    public void Evict() { lock (_store) { lock (_index) { _n = 0; } } }
    public void Again() { lock (_store) { lock (_index) { _n = 1; } } }
}
";

        private const string AddEntry = "LD1002|M:Cache.Add|Lock-order cycle Cache._index -> Cache._store -> Cache._index: 'Cache._store' is acquired while 'Cache._index' is held here, and elsewhere 'Cache._index' is acquired while 'Cache._store' is held at <site> in Evict";

        private const string EvictEntry = "LD1002|M:Cache.Evict|Lock-order cycle Cache._store -> Cache._index -> Cache._store: 'Cache._index' is acquired while 'Cache._store' is held here, and elsewhere 'Cache._store' is acquired while 'Cache._index' is held at <site> in Add";

        private static Task Run(string baseline, params DiagnosticResult[] expected)
        {
            var test = new CSharpAnalyzerVerifier<LockDisciplineAnalyzer>.Test();
            test.TestState.Sources.Add(("File0.cs", Source));
            test.TestState.AdditionalFiles.Add(("LockDiscipline.baseline", baseline));
            test.ExpectedDiagnostics.AddRange(expected);
            return test.RunAsync(CancellationToken.None);
        }

        private static DiagnosticResult At(string id, int line, int column, string message)
            => Verify.Diagnostic(id).WithSpan("File0.cs", line, column, line, column + 6).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(message);

        private const string AddMessage = "Lock-order cycle Cache._index -> Cache._store -> Cache._index: 'Cache._store' is acquired while 'Cache._index' is held here, and elsewhere 'Cache._index' is acquired while 'Cache._store' is held at File0.cs:7 in Evict";

        private const string EvictMessage = "Lock-order cycle Cache._store -> Cache._index -> Cache._store: 'Cache._index' is acquired while 'Cache._store' is held here, and elsewhere 'Cache._store' is acquired while 'Cache._index' is held at File0.cs:6 in Add";

        private const string AgainMessage = "Lock-order cycle Cache._store -> Cache._index -> Cache._store: 'Cache._index' is acquired while 'Cache._store' is held here, and elsewhere 'Cache._store' is acquired while 'Cache._index' is held at File0.cs:6 in Add";

        [Fact]
        public Task ListedFindingsAreHiddenAndNewOnesAreNot()
            => Run(
                "# comment\n" + AddEntry + "\n" + EvictEntry + "\n",
                At("LD0100", 6, 47, "LD1002 (in the baseline): " + AddMessage).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Hidden),
                At("LD0100", 7, 49, "LD1002 (in the baseline): " + EvictMessage).WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Hidden),
                At("LD1002", 8, 49, AgainMessage));

        [Fact]
        public Task AnEntryThatNoLongerMatchesHidesNothing()
            => Run(
                AddEntry.Replace("in Evict", "in Remove") + "\n" + EvictEntry.Replace("M:Cache.Evict", "M:Cache.Expire") + "\n",
                At("LD1002", 6, 47, AddMessage),
                At("LD1002", 7, 49, EvictMessage),
                At("LD1002", 8, 49, AgainMessage));
    }
}
