using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.CodeFixes;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeRefactorings;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.CodeFixes
{
    /// <summary>"Declare the lock order this code follows": the inferred chains, and the fix that writes them.</summary>
    public class DeclareLockOrderTests
    {
        private static string Chains(Func<string, string, bool>? declared, params (string Outer, string Inner, int Sites)[] edges)
            => string.Join(" | ", InferredOrder.Chains(edges.Select(e => new ObservedEdge(e.Outer, e.Inner, e.Sites)), declared ?? ((_, _) => false))
                .Select(c => string.Join(" < ", c)));

        [Fact]
        public void AnAcyclicGraphIsItsTransitiveReductionInOneChain()
            => Assert.Equal("A < B < C", Chains(null, ("A", "B", 1), ("B", "C", 3), ("A", "C", 1)));

        [Fact]
        public void ACycleKeepsTheSideWithMoreSites()
            => Assert.Equal("B < A", Chains(null, ("A", "B", 1), ("B", "A", 2)));

        [Fact]
        public void ATieKeepsNameOrder()
            => Assert.Equal("A < B", Chains(null, ("B", "A", 1), ("A", "B", 1)));

        [Fact]
        public void SeveralComponentsGetAChainEach()
            => Assert.Equal("A < B | C < D < E", Chains(null, ("C", "D", 1), ("A", "B", 1), ("D", "E", 1)));

        [Fact]
        public void ABranchingOrderNeedsAsManyChainsAsItsSurplusOfOutgoingEdges()
            => Assert.Equal("A < B < D | A < C", Chains(null, ("A", "B", 1), ("A", "C", 1), ("B", "D", 1)));

        [Fact]
        public void WhatIsDeclaredIsNeitherInvertedNorRepeated()
        {
            Func<string, string, bool> declared = (outer, inner) => outer == "B" && inner == "A";
            Assert.Equal("A < C", Chains(declared, ("A", "C", 1)));
            Assert.Equal("A < C", Chains(declared, ("A", "B", 5), ("B", "A", 1), ("A", "C", 1)));
            Assert.Equal(string.Empty, Chains(declared, ("B", "A", 1)));
        }

        [Fact]
        public void ALargeCycleIsOrderedGreedilyAndStillKeepsTheMajority()
        {
            var edges = Enumerable.Range(0, 14).Select(i => ("N" + i.ToString("00"), "N" + ((i + 1) % 14).ToString("00"), 2)).Append(("N13", "N00", 0)).ToArray();
            var chains = Chains(null, edges);
            Assert.Single(chains.Split('|'));
            Assert.Equal(13, chains.Split('<').Length - 1);
        }

        private const string Cache = @"public class Cache
{
    private readonly object _index = new object();
    private readonly object _store = new object();
    private readonly object _stats = new object();
    private int _n;
    public void Add() { lock (_index) { lock (_store) { _n++; } } }
    public void Remove() { lock (_index) { lock (_store) { _n--; } } }
    public void Evict() { lock (_store) { lock (_index) { _n = 0; } } }
    public void Count() { lock (_store) { lock (_stats) { _n++; } } }
}
";

        private static DiagnosticResult Cycle(int line, int column, string message)
            => Verify.Diagnostic("LD1002").WithSpan("File1.cs", line, column, line, column + 6).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(message);

        private static readonly DiagnosticResult[] CacheCycle =
        {
            Cycle(7, 47, "Lock-order cycle Cache._index -> Cache._store -> Cache._index: 'Cache._store' is acquired while 'Cache._index' is held here, and elsewhere 'Cache._index' is acquired while 'Cache._store' is held at File1.cs:9 in Evict"),
            Cycle(8, 50, "Lock-order cycle Cache._index -> Cache._store -> Cache._index: 'Cache._store' is acquired while 'Cache._index' is held here, and elsewhere 'Cache._index' is acquired while 'Cache._store' is held at File1.cs:9 in Evict"),
            Cycle(9, 49, "Lock-order cycle Cache._store -> Cache._index -> Cache._store: 'Cache._index' is acquired while 'Cache._store' is held here, and elsewhere 'Cache._store' is acquired while 'Cache._index' is held at File1.cs:7 in Add"),
        };

        /// <summary>After the declaration, the minority side of the cycle is the one inversion, at the site to change.</summary>
        private static readonly DiagnosticResult EvictInverts = Verify.Diagnostic("LD1001").WithSpan("File1.cs", 9, 49, 9, 55).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
            .WithMessage("Lock-order inversion: 'Cache._index' is acquired while 'Cache._store' is held, but [LockOrder] declares 'Cache._index' outside 'Cache._store'");

        [Fact]
        public Task DeclaresTheMajorityOrderInANewFile()
        {
            var test = new CSharpCodeFixVerifier<LockDisciplineAnalyzer, DeclareLockOrderCodeFix>.Test { CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck };
            test.TestState.Sources.Add(("File1.cs", Cache));
            test.ExpectedDiagnostics.AddRange(CacheCycle);
            test.FixedState.Sources.Add(("File1.cs", Cache));
            test.FixedState.Sources.Add(("LockOrder.cs", "using LockDiscipline;\n\n[assembly: LockOrder(\"Cache._index\", \"Cache._store\", \"Cache._stats\")]\n"));
            test.FixedState.ExpectedDiagnostics.Add(EvictInverts);
            return test.RunAsync(CancellationToken.None);
        }

        [Fact]
        public Task AddsToTheFileThatAlreadyDeclaresAnOrder()
        {
            const string existing = "using LockDiscipline;\n\n[assembly: LockOrder(\"Queue.Head\", \"Queue.Tail\")]\n\npublic class Queue\n{\n    public readonly object Head = new object();\n    public readonly object Tail = new object();\n}\n";
            var test = new CSharpCodeFixVerifier<LockDisciplineAnalyzer, DeclareLockOrderCodeFix>.Test { CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck };
            test.TestState.Sources.Add(("File0.cs", existing));
            test.TestState.Sources.Add(("File1.cs", Cache));
            test.ExpectedDiagnostics.AddRange(CacheCycle);
            test.FixedState.Sources.Add(("File0.cs", existing.Replace("\"Queue.Tail\")]\n", "\"Queue.Tail\")]\n[assembly: LockOrder(\"Cache._index\", \"Cache._store\", \"Cache._stats\")]\n")));
            test.FixedState.Sources.Add(("File1.cs", Cache));
            test.FixedState.ExpectedDiagnostics.Add(EvictInverts);
            return test.RunAsync(CancellationToken.None);
        }

        /// <summary>The refactoring is offered on a lock statement and on an acquiring call, not elsewhere, and writes the same file.</summary>
        [Fact]
        public async Task TheRefactoringOnAnyLockWritesTheSameDeclaration()
        {
            var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            var project = new AdhocWorkspace().AddProject("Lib", LanguageNames.CSharp)
                .WithMetadataReferences(references.Add(TestReferences.Annotations))
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var document = project.AddDocument("Cache.cs", Cache + "public class Other { int _n; void Work() { System.Threading.Monitor.Enter(this); _n++; System.Threading.Monitor.Exit(this); } }\n");
            var text = (await document.GetTextAsync()).ToString();

            async Task<CodeAction[]> Offered(string at)
            {
                var actions = new System.Collections.Generic.List<CodeAction>();
                var context = new CodeRefactoringContext(document, new TextSpan(text.IndexOf(at, StringComparison.Ordinal), 0), actions.Add, CancellationToken.None);
                await new DeclareLockOrderRefactoring().ComputeRefactoringsAsync(context);
                return actions.ToArray();
            }

            Assert.Empty(await Offered("_n--"));
            Assert.Empty(await Offered("_n++; System"));
            Assert.Single(await Offered("Monitor.Enter(this)"));
            var action = Assert.Single(await Offered("lock (_store) { lock (_index)"));
            Assert.Equal("Declare the lock order this code follows", action.Title);

            var applied = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single().ChangedSolution;
            var added = Assert.Single(applied.Projects.Single().Documents, d => d.Name == "LockOrder.cs");
            Assert.Equal("using LockDiscipline;\n\n[assembly: LockOrder(\"Cache._index\", \"Cache._store\", \"Cache._stats\")]\n", (await added.GetTextAsync()).ToString());
        }
    }
}
