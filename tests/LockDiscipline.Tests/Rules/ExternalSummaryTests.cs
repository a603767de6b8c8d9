using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Analyzers.Summaries;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify = LockDiscipline.Tests.Verifiers.CSharpAnalyzerVerifier<LockDiscipline.Analyzers.LockDisciplineAnalyzer>;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// Lock summaries of code outside the compilation (docs/summaries.md): a library's summary says what calls into it take and
    /// which of its interface members it calls under its locks; a project that references it finds the cycles that run through it.
    /// </summary>
    public class ExternalSummaryTests
    {
        private const string Library = @"namespace B
{
    public interface ICallback
    {
        void Invoke();
    }

    public sealed class Service
    {
        private readonly object _lock = new object();
        private readonly System.Threading.SemaphoreSlim _queue = new System.Threading.SemaphoreSlim(1, 1);
        private ICallback _callback;

        public void Register(ICallback callback)
        {
            lock (_lock)
            {
                _callback = callback;
            }
        }

        public void Notify()
        {
            lock (_lock)
            {
                Dispatch();
            }
        }

        public void Enqueue()
        {
            _queue.Wait();
            try
            {
                Count++;
            }
            finally
            {
                _queue.Release();
            }
        }

        public int Count { get; private set; }

        private void Dispatch() => _callback?.Invoke();

        internal void Hidden()
        {
            lock (_lock)
            {
            }
        }
    }
}
";

        private const string Listener = @"public sealed class Listener : B.ICallback
{
    private readonly object _gate = new object();
    private readonly B.Service _service = new B.Service();

    public void Invoke()
    {
        lock (_gate)
        {
        }
    }

    public void Subscribe()
    {
        lock (_gate)
        {
            _service./*CALL*/(this);
        }
    }
}
";

        /// <summary>
        /// The summary names each method callable from outside with what it takes (chain inside the method), and the interface
        /// member the library calls while it holds a lock, with who holds it; the internal method is left out. Sorted, with
        /// no path: the same code gives the same text whatever the order of its files.
        /// </summary>
        [Fact]
        public async Task ALibrarysSummaryNamesWhatItsMethodsTakeAndWhatItCallsBackUnderItsLocks()
        {
            var (library, _) = await CompileLibraryAsync(Library);
            var module = new Guid("0f3c2a5e-1111-4222-8333-944455556666");
            var text = SummaryWriter.Write(library, CompilationAnalysis.Run(library, AnalyzerSettings.Default, CancellationToken.None), new[] { module }).Render();
            Assert.Equal(
                "# LockDiscipline lock summary of B: what calls into it do to locks (docs/summaries.md)\n"
                + "lockdiscipline-summary\t1\n"
                + "assembly\tB\n"
                + "module\t0f3c2a5e-1111-4222-8333-944455556666\n"
                + "class\t1\tglobal::B.Service._lock\tService._lock\trecursive\n"
                + "class\t2\tglobal::B.Service._queue\tService._queue\texclusive\n"
                + "acquires\tM:B.Service.Enqueue\t2 x _queue.Wait()\n"
                + "acquires\tM:B.Service.Notify\t1 x lock (_lock)\n"
                + "acquires\tM:B.Service.Register(B.ICallback)\t1 x lock (_lock)\n"
                + "callback\tM:B.ICallback.Invoke\t1 Notify -> Dispatch -> Invoke\n",
                text);

            var reordered = library.RemoveAllSyntaxTrees().AddSyntaxTrees(library.SyntaxTrees.Reverse());
            Assert.Equal(text, SummaryWriter.Write(reordered, CompilationAnalysis.Run(reordered, AnalyzerSettings.Default, CancellationToken.None), new[] { module }).Render());

            var parsed = LockSummaryFile.Parse(text, out var error);
            Assert.Null(error);
            Assert.Equal(text, parsed!.Render());
        }

        /// <summary>
        /// A helper that calls back and then calls itself (MongoDB.Bson's serializers recurse): the writer follows the recursion
        /// once and names the callback with the chain from the lock's holder.
        /// </summary>
        [Fact]
        public async Task ARecursiveHelperThatCallsBackUnderTheLockIsSummarisedOnce()
        {
            var (library, _) = await CompileLibraryAsync(@"namespace B
{
    public interface IVisitor
    {
        void Visit();
    }

    public sealed class Tree
    {
        private readonly object _lock = new object();
        private IVisitor _visitor;

        public void Walk(int depth)
        {
            lock (_lock)
            {
                Step(depth);
            }
        }

        private void Step(int depth)
        {
            _visitor?.Visit();
            if (depth > 0)
            {
                Step(depth - 1);
                Other(depth);
            }
        }

        private void Other(int depth) => Step(depth - 1);
    }
}
");
            var text = SummaryWriter.Write(library, CompilationAnalysis.Run(library, AnalyzerSettings.Default, CancellationToken.None), Array.Empty<Guid>()).Render();
            Assert.EndsWith("callback\tM:B.IVisitor.Visit\t1 Walk -> Step -> Visit\n", text, StringComparison.Ordinal);
        }

        /// <summary>
        /// The cross-project cycle: the listener holds its gate while it registers with the library (which takes its lock), and
        /// the library holds its lock while it calls the listener back (which takes the gate). Reported in the referencing code
        /// at both of its sites, naming the library's chain.
        /// </summary>
        [Fact]
        public async Task ACycleThroughALibrarysSummaryIsReportedAtBothSitesInTheReferencingCode()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), summary: true);
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 15, 8, 20).WithSpan("File0.cs", 6, 17, 6, 23).WithSpan("File0.cs", 17, 13, 17, 36)
                .WithMessage("Lock-order cycle Service._lock -> Listener._gate -> Service._lock: 'Listener._gate' is acquired while 'Service._lock' is held here (held by B's Notify -> Dispatch -> Invoke), and elsewhere 'Service._lock' is acquired while 'Listener._gate' is held at File0.cs:17 in Subscribe (via Register -> lock (_lock))"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 13, 17, 36).WithSpan("File0.cs", 15, 15, 15, 20).WithSpan("File0.cs", 8, 15, 8, 20)
                .WithMessage("Lock-order cycle Listener._gate -> Service._lock -> Listener._gate: 'Service._lock' is acquired while 'Listener._gate' is held here (via Register -> lock (_lock)), and elsewhere 'Listener._gate' is acquired while 'Service._lock' is held at File0.cs:8 in Invoke (held by B's Notify -> Dispatch -> Invoke)"));
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A call into the library that takes another lock of it, which it never holds around a callback: no cycle.</summary>
        [Fact]
        public async Task ACallIntoALibraryThatTakesNoLockHeldAroundACallbackIsClean()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/(this)", "Enqueue()", StringComparison.Ordinal), summary: true);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>Without the summary the library's locks are unknown: nothing is reported (the docs say so).</summary>
        [Fact]
        public async Task WithoutASummaryNothingIsKnownOfTheLibrarysLocks()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), summary: false);
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A summary that is not one: LD0003 with what is wrong, and the library is analysed as if it took no lock.</summary>
        [Fact]
        public async Task AMalformedSummaryIsReportedAndNotUsed()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), summary: false);
            test.TestState.AdditionalFiles.Add(("B.lockdiscipline.txt", "lockdiscipline-summary\t1\nassembly\tB\nacquires\tM:B.Service.Notify\n"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD0003")
                .WithMessage("Lock summary 'B.lockdiscipline.txt' is malformed (line 3: 'acquires\tM:B.Service.Notify' is not a summary line): calls into the assembly it describes are analysed as if they took no lock"));
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A summary written for another build of the library (its module ID differs): LD0003, and not used.</summary>
        [Fact]
        public async Task AStaleSummaryIsReportedAndNotUsed()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), summary: true, module: new Guid("00000000-0000-0000-0000-000000000001"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD0003")
                .WithMessage("Lock summary 'B.lockdiscipline.txt' describes another build of 'B' than the one referenced (it is stale: build 'B' again): calls into 'B' are analysed as if they took no lock"));
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>A library built with LockDiscipline (its assembly carries the marker) whose summary did not reach this build: LD0003.</summary>
        [Fact]
        public async Task AMissingSummaryOfALibraryBuiltWithLockDisciplineIsReported()
        {
            var test = await WithLibraryAsync(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), summary: false,
                library: "[assembly: System.Reflection.AssemblyMetadata(\"LockDiscipline.Summary\", \"1\")]\n" + Library);
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD0003")
                .WithMessage("Lock summary 'B.lockdiscipline.txt' is missing: 'B' was built with LockDiscipline, but no summary of it reached this build: calls into 'B' are analysed as if they took no lock"));
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>
        /// An assembly that compiles against a reference assembly of itself (Rx.NET does, under an alias) is not missing its own
        /// summary: a reference with the compilation's own name is not code outside it.
        /// </summary>
        [Fact]
        public async Task AReferenceAssemblyOfTheCompilationItselfNeedsNoSummary()
        {
            var (_, image) = await CompileLibraryAsync("[assembly: System.Reflection.AssemblyMetadata(\"LockDiscipline.Summary\", \"1\")]\n" + Library);
            var references = (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(MetadataReference.CreateFromImage(image).WithAliases(new[] { "Self" }));
            var compilation = CSharpCompilation.Create("B", new[] { CSharpSyntaxTree.ParseText("namespace B { public sealed class Extra { } }\n") }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()))
                .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            Assert.Empty(diagnostics);
        }

        /// <summary>A summary of an assembly the compilation does not reference has nothing to say and is not reported.</summary>
        [Fact]
        public async Task ASummaryOfAnAssemblyNotReferencedIsIgnored()
        {
            var test = new Verify.Test();
            test.TestState.Sources.Add(("File0.cs", "public sealed class C { }\n"));
            test.TestState.AdditionalFiles.Add(("Other.lockdiscipline.txt", "lockdiscipline-summary\t1\nassembly\tOther\n"));
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>
        /// In the IDE a project reference is a compilation reference: the library's summary is made from its code as it is now,
        /// as its next build would write it, not read from its last build (here, one written before it took any lock), so the
        /// IDE reports what the command-line build will.
        /// </summary>
        [Fact]
        public async Task AProjectReferencedAsACompilationIsSummarisedFromItsCodeAsItIsNow()
        {
            var test = new Verify.Test();
            test.TestState.Sources.Add(("File0.cs", Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal)));
            test.TestState.AdditionalProjects["B"].Sources.Add(("Service.cs", Library));
            test.TestState.AdditionalProjectReferences.Add("B");
            test.TestState.AdditionalFiles.Add(("B.lockdiscipline.txt", "lockdiscipline-summary\t1\nassembly\tB\n"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD1002").WithSpan("File0.cs", 8, 15, 8, 20).WithSpan("File0.cs", 6, 17, 6, 23).WithSpan("File0.cs", 17, 13, 17, 36)
                .WithMessage("Lock-order cycle Service._lock -> Listener._gate -> Service._lock: 'Listener._gate' is acquired while 'Service._lock' is held here (held by B's Notify -> Dispatch -> Invoke), and elsewhere 'Service._lock' is acquired while 'Listener._gate' is held at File0.cs:17 in Subscribe (via Register -> lock (_lock))"));
            test.ExpectedDiagnostics.Add(Verify.Diagnostic("LD1002").WithSpan("File0.cs", 17, 13, 17, 36).WithSpan("File0.cs", 15, 15, 15, 20).WithSpan("File0.cs", 8, 15, 8, 20)
                .WithMessage("Lock-order cycle Listener._gate -> Service._lock -> Listener._gate: 'Service._lock' is acquired while 'Listener._gate' is held here (via Register -> lock (_lock)), and elsewhere 'Listener._gate' is acquired while 'Service._lock' is held at File0.cs:8 in Invoke (held by B's Notify -> Dispatch -> Invoke)"));
            await test.RunAsync(CancellationToken.None);
        }

        private const string EventLibrary = @"namespace B
{
    public sealed class Feed
    {
        private readonly object _sync = new object();

        public event System.Action Changed;

        public void Publish()
        {
            lock (_sync)
            {
                Changed?.Invoke();
            }
        }

        public void Add()
        {
            lock (_sync)
            {
            }
        }
    }
}
";

        /// <summary>
        /// A library that raises its event while holding its lock: the summary names the event, and a handler subscribed to it
        /// elsewhere runs under that lock. The subscribing code holds its own lock around a call into the library too: the cycle
        /// is reported where the handler is subscribed and where the call is made.
        /// </summary>
        [Fact]
        public async Task AHandlerOfALibrarysEventRaisedUnderItsLockClosesACycle()
        {
            var test = await WithEventLibraryAsync(EventLibrary);
            Assert.Contains("callback\tE:B.Feed.Changed\t1 Publish -> Changed\n", test.TestState.AdditionalFiles[0].content.ToString());
            test.ExpectedDiagnostics.AddRange(new[]
            {
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 6, 44, 6, 53).WithSpan("File0.cs", 8, 38, 8, 43).WithSpan("File0.cs", 10, 43, 10, 54).WithMessage(@"Lock-order cycle Feed._sync -> Watcher._gate -> Feed._sync: 'Watcher._gate' is acquired while 'Feed._sync' is held here (held by B's Publish -> Changed) (via OnChanged -> lock (_gate)), and elsewhere 'Feed._sync' is acquired while 'Watcher._gate' is held at File0.cs:10 in Update (via Add -> lock (_sync))"),
                Verify.Diagnostic("LD1002").WithSpan("File0.cs", 10, 43, 10, 54).WithSpan("File0.cs", 10, 34, 10, 39).WithSpan("File0.cs", 6, 44, 6, 53).WithMessage(@"Lock-order cycle Watcher._gate -> Feed._sync -> Watcher._gate: 'Feed._sync' is acquired while 'Watcher._gate' is held here (via Add -> lock (_sync)), and elsewhere 'Watcher._gate' is acquired while 'Feed._sync' is held at File0.cs:6 in Start (held by B's Publish -> Changed) (via OnChanged -> lock (_gate))")
            });
            await test.RunAsync(CancellationToken.None);
        }

        /// <summary>The same library raising its event after it lets its lock go: the handler runs under nothing of it, no cycle.</summary>
        [Fact]
        public async Task AHandlerOfAnEventRaisedOutsideTheLibrarysLockIsClean()
        {
            var test = await WithEventLibraryAsync(EventLibrary.Replace(@"            lock (_sync)
            {
                Changed?.Invoke();
            }", @"            lock (_sync)
            {
            }

            Changed?.Invoke();", StringComparison.Ordinal));
            Assert.DoesNotContain("callback", test.TestState.AdditionalFiles[0].content.ToString(), StringComparison.Ordinal);
            await test.RunAsync(CancellationToken.None);
        }

        private static async Task<Verify.Test> WithEventLibraryAsync(string library)
        {
            var (compiled, image) = await CompileLibraryAsync(library);
            var summary = SummaryWriter.Write(compiled, CompilationAnalysis.Run(compiled, AnalyzerSettings.Default, CancellationToken.None), new[] { ModuleMetadata.CreateFromImage(image).GetModuleVersionId() }).Render();
            var test = new Verify.Test();
            test.TestState.Sources.Add(("File0.cs", @"public sealed class Watcher
{
    private readonly object _gate = new object();
    private readonly B.Feed _feed = new B.Feed();

    public void Start() { _feed.Changed += OnChanged; }

    private void OnChanged() { lock (_gate) { } }

    public void Update() { lock (_gate) { _feed.Add(); } }
}
"));
            test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromImage(image));
            test.TestState.AdditionalFiles.Add(("B.lockdiscipline.txt", summary));
            return test;
        }

        /// <summary>
        /// The compilation after an edit, made of the same reference objects, binds the summaries the one before bound (they name no
        /// symbol of either), and finds what a fresh analysis with them finds.
        /// </summary>
        [Fact]
        public async Task AnEditKeepsTheSummariesBoundForTheSameReferences()
        {
            var (compiled, image) = await CompileLibraryAsync(Library);
            var text = SummaryWriter.Write(compiled, CompilationAnalysis.Run(compiled, AnalyzerSettings.Default, CancellationToken.None), new[] { ModuleMetadata.CreateFromImage(image).GetModuleVersionId() }).Render();
            var summaries = ExternalSummaries.From(ImmutableArray.Create<AdditionalText>(new InMemoryText("B.lockdiscipline.txt", text)), CancellationToken.None);
            var settings = AnalyzerSettings.Default.WithSummaries(summaries);
            var references = (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(MetadataReference.CreateFromImage(image));
            const string Other = "public static class Other\n{\n    public static int Value() { return 1; }\n}\n";
            var before = CSharpCompilation.Create(
                "A",
                new[] { CSharpSyntaxTree.ParseText(Listener.Replace("/*CALL*/", "Register", StringComparison.Ordinal), path: "File0.cs"), CSharpSyntaxTree.ParseText(Other, path: "Other.cs") },
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var first = CompilationAnalysis.Run(before, settings, CancellationToken.None);
            Assert.Equal(2, first.AllDiagnostics.Count(d => d.Id == "LD1002"));

            var other = before.SyntaxTrees.Single(t => t.FilePath == "Other.cs");
            var after = before.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText(Other.Replace("return 1;", "return 2;", StringComparison.Ordinal), path: "Other.cs"));
            var incremental = CompilationAnalysis.Run(after, settings, CancellationToken.None);
            var fresh = CompilationAnalysis.Run(after.RemoveAllSyntaxTrees().AddSyntaxTrees(after.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), path: t.FilePath))), settings, CancellationToken.None);

            Assert.Equal(1, incremental.Reused);
            Assert.Same(summaries.Bind(before, CancellationToken.None), summaries.Bind(after, CancellationToken.None));
            Assert.Equal(fresh.AllDiagnostics.Select(d => d.ToString()), incremental.AllDiagnostics.Select(d => d.ToString()));

            // Another build of the library referenced instead binds afresh: the summary describes the build before.
            var (_, rebuilt) = await CompileLibraryAsync(Library.Replace("public int Count", "public int Total { get; set; }\n\n        public int Count", StringComparison.Ordinal));
            var relinked = after.ReplaceReference(after.References.Last(), MetadataReference.CreateFromImage(rebuilt));
            CompilationAnalysis.Run(relinked, settings, CancellationToken.None);
            Assert.Equal(
                new[] { "Lock summary 'B.lockdiscipline.txt' describes another build of 'B' than the one referenced (it is stale: build 'B' again): calls into 'B' are analysed as if they took no lock" },
                summaries.Bind(relinked, CancellationToken.None).Diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }

        private static async Task<Verify.Test> WithLibraryAsync(string source, bool summary, Guid? module = null, string library = Library)
        {
            var (compiled, image) = await CompileLibraryAsync(library);
            var test = new Verify.Test();
            test.TestState.Sources.Add(("File0.cs", source));
            test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromImage(image));
            if (summary)
            {
                var analysis = CompilationAnalysis.Run(compiled, AnalyzerSettings.Default, CancellationToken.None);
                var id = module ?? ModuleMetadata.CreateFromImage(image).GetModuleVersionId();
                test.TestState.AdditionalFiles.Add(("B.lockdiscipline.txt", SummaryWriter.Write(compiled, analysis, new[] { id }).Render()));
            }

            return test;
        }

        private static async Task<(Compilation Compilation, ImmutableArray<byte> Image)> CompileLibraryAsync(string source)
        {
            var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            var compilation = CSharpCompilation.Create(
                "B",
                new[] { CSharpSyntaxTree.ParseText(source, path: "Service.cs"), CSharpSyntaxTree.ParseText("namespace B { internal static class Empty { } }\n", path: "Empty.cs") },
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, deterministic: true));
            using var stream = new MemoryStream();
            var emitted = compilation.Emit(stream);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
            return (compilation, stream.ToArray().ToImmutableArray());
        }
    }
}
