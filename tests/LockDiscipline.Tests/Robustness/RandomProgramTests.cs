using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace LockDiscipline.Tests.Robustness
{
    /// <summary>
    /// Random but well-typed programs from a CsCheck generator (<see cref="ProgramGen"/>): several files of classes with annotated
    /// mutexes, SRCU, <c>lock</c>, <c>Monitor</c> and <c>SemaphoreSlim(1)</c>, balanced and unbalanced critical sections, calls
    /// across classes and files, interfaces, reference counts and lock contracts. Every program compiles without errors, the
    /// analyzer never throws on it, and it reports the same diagnostics on every run and whatever the order of the files. CI runs
    /// a fixed sample of 40 programs; LOCKDISCIPLINE_FUZZ=full samples 10,000 random ones (LOCKDISCIPLINE_FUZZ_ITERATIONS sets
    /// another count), and a failure there prints CsCheck's
    /// seed (replay it with CsCheck_Seed=...) and the shrunk program's source.
    /// </summary>
    public class RandomProgramTests
    {
        private static readonly bool Full = Environment.GetEnvironmentVariable("LOCKDISCIPLINE_FUZZ") == "full";
        private static readonly long Iterations = !Full ? 40
            : long.TryParse(Environment.GetEnvironmentVariable("LOCKDISCIPLINE_FUZZ_ITERATIONS"), out var iterations) && iterations > 0 ? iterations : 10_000;

        private readonly ITestOutputHelper _output;

        public RandomProgramTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task RandomWellTypedProgramsCompileAndNeverMakeTheAnalyzerThrow()
        {
            var references = await References.Value;
            await Check(
                ProgramGen.Programs,
                async program =>
                {
                    var sources = program.Render();
                    await Analyze(sources, Enumerable.Range(0, sources.Length).ToArray(), references, concurrent: false, checkCompiles: true);
                },
                program => Describe(program.Render()));
        }

        [Fact]
        public async Task RandomProgramsGetTheSameDiagnosticsOnEveryRunAndWhateverTheFileOrder()
        {
            var references = await References.Value;
            var gen =
                from program in ProgramGen.Programs
                from order in Gen.Shuffle(Enumerable.Range(0, program.Files.Length + 1).ToArray())
                select (program, order);
            await Check(
                gen,
                async t =>
                {
                    var (program, order) = t;
                    var sources = program.Render();
                    var inOrder = Enumerable.Range(0, sources.Length).ToArray();
                    var first = await Analyze(sources, inOrder, references, concurrent: false, checkCompiles: true);
                    var again = await Analyze(sources, inOrder, references, concurrent: true, checkCompiles: false);
                    var shuffled = await Analyze(sources, order, references, concurrent: false, checkCompiles: false);
                    AssertSame(first, again, "a second run (fresh trees, concurrent analysis)", sources, inOrder);
                    AssertSame(first, shuffled, "the files in the order " + string.Join(", ", order.Select(i => sources[i].Path)), sources, order);
                },
                t => "file order " + string.Join(", ", t.Item2) + Environment.NewLine + Describe(t.Item1.Render()));
        }

        /// <summary>
        /// The link step records order edges as lockdep does and gives whole chains only to the classes a rule can report on; every
        /// diagnostic (ID, site, message with its chain, additional locations) must be what summaries with every chain of every class
        /// give.
        /// </summary>
        [Fact]
        public async Task TheLinkStepReportsExactlyWhatWholeChainsForEveryClassReport()
        {
            var references = await References.Value;
            var whole = new AnalyzerSettings(AnalyzerSettings.Default.MaxCallDepth, true, false, false) { WholeChainsForEveryClass = true };
            var pruned = 0;
            await Check(
                ProgramGen.Programs,
                program =>
                {
                    var sources = program.Render();
                    var order = Enumerable.Range(0, sources.Length).ToArray();
                    var compilation = Compile(sources, order, references);
                    var linkedRun = CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
                    var wholeRun = CompilationAnalysis.Run(compilation, whole, CancellationToken.None);
                    var linked = linkedRun.AllDiagnostics.Select(Fingerprint).OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray();
                    var reference = wholeRun.AllDiagnostics.Select(Fingerprint).OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray();
                    AssertSame(reference, linked, "the link step (whole chains for every class first)", sources, order);
                    if (linkedRun.Context is { } context && wholeRun.Context is { } wholeContext && context.Events.Count < wholeContext.Events.Count)
                    {
                        Interlocked.Increment(ref pruned);
                    }

                    return Task.CompletedTask;
                },
                program => Describe(program.Render()));

            // Not vacuous: on some programs the link step leaves out chains that whole chains for every class have.
            Assert.True(pruned > 0, "no generated program had a chain the link step could leave out");
        }

        /// <summary>
        /// What the IDE does (issue 16): one analyzer instance across a sequence of edits, each a new compilation that keeps the
        /// unchanged files' syntax trees and replaces the edited ones (<c>ReplaceSyntaxTree</c>), the edited document asked for
        /// first and then every other. After each edit, every document's diagnostics must be those of a fresh analysis of the same
        /// code (fresh trees, a fresh analyzer). Edits change method bodies of one class, or a whole class's declarations (its
        /// locks, contracts and methods), which changes what other files' calls resolve to.
        /// </summary>
        [Fact]
        public async Task AfterEveryEditEachDocumentGetsWhatAFreshAnalysisGives()
        {
            var references = await References.Value;
            var edited = 0;
            var moved = 0;
            var carriedBodies = 0;
            var gen =
                from program in ProgramGen.Programs
                from edits in ProgramGen.Edits.Array[2, 5]
                select (program, edits);
            await Check(
                gen,
                async t =>
                {
                    var (program, edits) = t;
                    var analyzer = new LockDisciplineAnalyzer();
                    var sources = program.Render();
                    var compilation = Compile(sources, Enumerable.Range(0, sources.Length).ToArray(), references);
                    await AssertEachDocumentAsFresh(compilation, analyzer, sources, first: null, references, "the first analysis");
                    for (var step = 0; step < edits.Length; step++)
                    {
                        program = edits[step].Apply(program);
                        var next = program.Render();
                        string? first = null;
                        for (var i = 0; i < next.Length; i++)
                        {
                            if (next[i].Text != sources[i].Text)
                            {
                                var old = compilation.SyntaxTrees.Single(tree => tree.FilePath == next[i].Path);
                                compilation = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(next[i].Text, (CSharpParseOptions)old.Options, next[i].Path));
                                first ??= next[i].Path;
                            }
                        }

                        if (first is not null)
                        {
                            Interlocked.Increment(ref edited);
                        }

                        sources = next;
                        await AssertEachDocumentAsFresh(compilation, analyzer, sources, first, references, $"edit {step + 1} of {edits.Length} ({edits[step]})");

                        // The analysis the requests shared (the same trees, options and references): did it report the last
                        // analysis's findings again, moved, instead of linking?
                        if (first is not null && LockDiscipline.Analyzers.Incremental.Lineage.Find(compilation) is { } lineage
                            && lineage.AnalysisFor(compilation, lineage.Settings) is { } shared)
                        {
                            if (!shared.Linked)
                            {
                                Interlocked.Increment(ref moved);
                            }

                            // Did the edited file's walk carry bodies the edit left standing over?
                            if (shared.BodiesCarried > 0)
                            {
                                Interlocked.Increment(ref carriedBodies);
                            }
                        }
                    }
                },
                t => "edits: " + string.Join(", ", t.Item2.Select(e => e.ToString())) + Environment.NewLine + Describe(t.Item1.Render()));

            Assert.True(edited > 0, "no generated edit changed any file");
            Assert.True(moved > 0, "no edit was one whose findings were moved instead of linked again");
            Assert.True(carriedBodies > 0, "no edit carried a body over inside the tree it edited");
            _output.WriteLine($"{edited} edits, {moved} of them answered by moving the last findings, {carriedBodies} carrying bodies over");
        }

        /// <summary>
        /// Two files, each half of a cycle: an edit of the second file closes the cycle, and both files show their edge; the next
        /// edit opens it again, and both are clean. Each request is one document's, as the IDE makes it.
        /// </summary>
        [Fact]
        public async Task ACycleAcrossTwoFilesAppearsAndDisappearsInBothAsEditsMakeAndBreakIt()
        {
            const string Outer = @"using Prims;
public static class Outer
{
    public static readonly Mutex A = new Mutex();
    public static void Hold() { A.Lock(); Inner.Take(); A.Unlock(); }
    public static void Take() { A.Lock(); A.Unlock(); }
}
";
            const string InnerOpen = @"using Prims;
public static class Inner
{
    public static readonly Mutex B = new Mutex();
    public static void Take() { B.Lock(); B.Unlock(); }
    public static void Hold() { B.Lock(); B.Unlock(); }
}
";
            var innerClosed = InnerOpen.Replace("public static void Hold() { B.Lock(); B.Unlock(); }", "public static void Hold() { B.Lock(); Outer.Take(); B.Unlock(); }", StringComparison.Ordinal);
            var references = await References.Value;
            var analyzer = new LockDisciplineAnalyzer();
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var compilation = CSharpCompilation.Create(
                "Edits",
                new[] { ("Prims.cs", Rules.Prelude.Primitives), ("Outer.cs", Outer), ("Inner.cs", InnerOpen) }.Select(s => CSharpSyntaxTree.ParseText(s.Item2, parseOptions, s.Item1)),
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

            async Task<(string[] Outer, string[] Inner)> Ask()
            {
                var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
                async Task<string[]> For(string path)
                {
                    var model = compilation.GetSemanticModel(compilation.SyntaxTrees.Single(t => t.FilePath == path));
                    var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None);
                    return diagnostics.Select(Fingerprint).OrderBy(f => f, StringComparer.Ordinal).ToArray();
                }

                // The edited file first, as the IDE asks for the open document.
                var inner = await For("Inner.cs");
                return (await For("Outer.cs"), inner);
            }

            void Edit(string text)
            {
                var old = compilation.SyntaxTrees.Single(t => t.FilePath == "Inner.cs");
                compilation = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, parseOptions, "Inner.cs"));
            }

            var before = await Ask();
            Assert.Empty(before.Outer);
            Assert.Empty(before.Inner);

            Edit(innerClosed);
            var closed = await Ask();
            Assert.Equal(
                "LD1002 Warning Outer.cs(5,43,5,55): Lock-order cycle Outer.A -> Inner.B -> Outer.A: 'Inner.B' is acquired while 'Outer.A' is held here (via Take -> B.Lock()), and elsewhere 'Outer.A' is acquired while 'Inner.B' is held at Inner.cs:6 in Hold (via Take -> A.Lock()) [Inner.cs(5,33,5,41); Outer.cs(5,33,5,41); Inner.cs(6,43,6,55)]",
                Assert.Single(closed.Outer));
            Assert.Equal(
                "LD1002 Warning Inner.cs(6,43,6,55): Lock-order cycle Inner.B -> Outer.A -> Inner.B: 'Outer.A' is acquired while 'Inner.B' is held here (via Take -> A.Lock()), and elsewhere 'Inner.B' is acquired while 'Outer.A' is held at Outer.cs:5 in Hold (via Take -> B.Lock()) [Outer.cs(6,33,6,41); Inner.cs(6,33,6,41); Outer.cs(5,43,5,55)]",
                Assert.Single(closed.Inner));

            Edit(InnerOpen);
            var reopened = await Ask();
            Assert.Empty(reopened.Outer);
            Assert.Empty(reopened.Inner);
        }

        /// <summary>
        /// Asks every document's diagnostics of <paramref name="compilation"/> one at a time through <paramref name="analyzer"/> (the
        /// edited one first), and compares them with a fresh analysis of the same sources.
        /// </summary>
        private static async Task AssertEachDocumentAsFresh(
            CSharpCompilation compilation, LockDisciplineAnalyzer analyzer, (string Path, string Text)[] sources, string? first, ImmutableArray<MetadataReference> references, string when)
        {
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer));
            var incremental = new List<string>();
            foreach (var tree in compilation.SyntaxTrees.OrderBy(t => t.FilePath == first ? 0 : 1).ThenBy(t => t.FilePath, StringComparer.Ordinal))
            {
                var model = compilation.GetSemanticModel(tree);
                var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None);
                Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
                Assert.All(diagnostics, d => Assert.Equal(tree.FilePath, d.Location.SourceTree?.FilePath));
                incremental.AddRange(diagnostics.Select(Fingerprint));
            }

            var fresh = await Analyze(sources, Enumerable.Range(0, sources.Length).ToArray(), references, concurrent: false, checkCompiles: false);
            AssertSame(fresh, incremental.OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray(), "per-document requests after " + when, sources, Enumerable.Range(0, sources.Length).ToArray());
        }

        /// <summary>
        /// CI checks a fixed set of programs (fixed PCG seeds, the same on every run, so a failure is never a coin toss on somebody
        /// else's change and always reproduces); LOCKDISCIPLINE_FUZZ=full samples fresh random programs with shrinking.
        /// </summary>
        private async Task Check<T>(Gen<T> gen, Func<T, Task> property, Func<T, string> print)
        {
            if (Full)
            {
                await gen.SampleAsync(property, writeLine: _output.WriteLine, iter: Iterations, print: print);
                return;
            }

            for (var i = 0u; i < Iterations; i++)
            {
                var value = gen.Generate(new PCG(i, 7_919UL), null, out _);
                try
                {
                    await property(value);
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException($"Fixed sample {i} (PCG({i}, 7919)) failed: {ex.Message}{Environment.NewLine}{print(value)}");
                }
            }
        }

        /// <summary>
        /// The generator is not vacuous: a fixed set of generated programs (fixed PCG seeds, so this never varies between runs)
        /// reaches the main rules, so the two properties above are checked on programs the analyzer has something to say about.
        /// </summary>
        [Fact]
        public async Task FixedSampleOfGeneratedProgramsReachesTheMainRules()
        {
            var references = await References.Value;
            var seen = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var lines = new List<int>();
            for (var i = 0u; i < 24; i++)
            {
                var program = ProgramGen.Programs.Generate(new PCG(i, 20_240_601UL), null, out _);
                var sources = program.Render();
                lines.Add(sources.Sum(s => s.Text.Split('\n').Length));
                var fingerprints = await Analyze(sources, Enumerable.Range(0, sources.Length).ToArray(), references, concurrent: false, checkCompiles: true);
                foreach (var id in fingerprints.Select(f => f.Substring(0, f.IndexOf(' ', StringComparison.Ordinal))).Distinct())
                {
                    seen[id] = seen.TryGetValue(id, out var n) ? n + 1 : 1;
                }
            }

            _output.WriteLine("programs reporting each ID: " + string.Join(", ", seen.Select(kv => kv.Key + "=" + kv.Value)));
            _output.WriteLine("lines per program (prelude included): min " + lines.Min() + ", max " + lines.Max() + ", mean " + lines.Average().ToString("0", CultureInfo.InvariantCulture));
            foreach (var id in new[] { "LD1002", "LD1003", "LD1008", "LD2001" })
            {
                Assert.True(seen.ContainsKey(id), id + " is never reported on the fixed sample; seen: " + string.Join(", ", seen.Keys));
            }
        }

        private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
            (await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestReferences.Annotations));

        /// <summary>
        /// Parses the sources afresh (so nothing is reused from an earlier run's cache), compiles them in the given order, runs the
        /// analyzer and returns its diagnostics as sorted fingerprints. Throws, with the program's source, on a compiler error, an
        /// analyzer exception or AD0001.
        /// </summary>
        private static async Task<ImmutableArray<string>> Analyze(
            (string Path, string Text)[] sources, int[] order, ImmutableArray<MetadataReference> references, bool concurrent, bool checkCompiles)
        {
            var compilation = Compile(sources, order, references);
            if (checkCompiles)
            {
                var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                if (errors.Count > 0)
                {
                    throw new Xunit.Sdk.XunitException(
                        "The generated program does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Take(20))
                        + Environment.NewLine + Describe(sources));
                }
            }

            var exceptions = new List<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, diagnostic) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(exception);
                    }
                },
                concurrentAnalysis: concurrent,
                logAnalyzerExecutionTime: false);
            var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new LockDisciplineAnalyzer()), options);
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
            var crashes = diagnostics.Where(d => d.Id == "AD0001").ToList();
            if (exceptions.Count > 0 || crashes.Count > 0)
            {
                throw new Xunit.Sdk.XunitException(
                    "The analyzer threw:" + Environment.NewLine
                    + string.Join(Environment.NewLine, exceptions.Select(e => e.ToString()).Concat(crashes.Select(d => d.ToString())))
                    + Environment.NewLine + Describe(sources));
            }

            return diagnostics.Select(Fingerprint).OrderBy(f => f, StringComparer.Ordinal).ToImmutableArray();
        }

        private static CSharpCompilation Compile((string Path, string Text)[] sources, int[] order, ImmutableArray<MetadataReference> references)
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var trees = order.Select(i => CSharpSyntaxTree.ParseText(sources[i].Text, parseOptions, sources[i].Path));
            return CSharpCompilation.Create(
                "Fuzz",
                trees,
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        }

        private static string Fingerprint(Diagnostic diagnostic)
        {
            static string Where(Location location)
            {
                var span = location.GetLineSpan();
                return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1},{span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})";
            }

            return $"{diagnostic.Id} {diagnostic.Severity} {Where(diagnostic.Location)}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}"
                + (diagnostic.AdditionalLocations.Count == 0 ? string.Empty : " [" + string.Join("; ", diagnostic.AdditionalLocations.Select(Where)) + "]");
        }

        private static void AssertSame(ImmutableArray<string> expected, ImmutableArray<string> actual, string how, (string Path, string Text)[] sources, int[] order)
        {
            if (expected.SequenceEqual(actual))
            {
                return;
            }

            var missing = expected.Except(actual).ToList();
            var extra = actual.Except(expected).ToList();
            throw new Xunit.Sdk.XunitException(
                $"The diagnostics differ with {how} ({expected.Length} first, {actual.Length} then; tree order {string.Join(", ", order)})." + Environment.NewLine
                + "Only in the first run:" + Environment.NewLine + string.Join(Environment.NewLine, missing) + Environment.NewLine
                + "Only in the other:" + Environment.NewLine + string.Join(Environment.NewLine, extra) + Environment.NewLine
                + Describe(sources));
        }

        private static string Describe((string Path, string Text)[] sources)
        {
            var text = new StringBuilder();
            foreach (var (path, source) in sources.Skip(1))
            {
                text.Append("// ---- ").Append(path).AppendLine(" ----").Append(source);
            }

            return text.Append("// ---- ").Append(sources[0].Path).AppendLine(" is Rules.Prelude.Primitives ----").ToString();
        }
    }

    // ------------------------------------------------------------------------------------------------------------------------
    // The model: a program is files of classes of methods whose bodies are statements. Every reference to another class, method
    // or lock is an index that the renderer resolves modulo what exists, so every generated model renders to a program that
    // compiles, and CsCheck can shrink any part of it independently.
    // ------------------------------------------------------------------------------------------------------------------------

    /// <summary>Which object a statement reaches: the class itself, its <c>Peer</c> field, or another class's <c>Shared</c> instance.</summary>
    file enum Via { Self, Peer, Global }

    /// <summary>How a critical section is written; the last two are deliberately unbalanced.</summary>
    file enum Discipline { Balanced, TryFinally, Alternative, Try, NoRelease, ReleaseOnly }

    file enum Arg { C, NotC, True, False }

    file enum ReturnKind { IfC, IfNotC, Always }

    file enum JumpKind { Break, Continue }

    file enum LoopKind { For, While, Foreach, DoWhile }

    file enum NestKind { LocalFunction, Lambda }

    file enum RefPattern { Balanced, TryFinally, Leak, DoublePut, Unowned, Store, UseAfterPut, Conditional, Lookup, Consume }

    file enum ContractKind { None, Requires, Excludes }

    file enum LockAttribute { None, Leaf, Recursive }

    file sealed record Target(Via Via, int Class);

    file sealed record LockUse(Target Target, int Member);

    file abstract record Stmt;

    file sealed record Locked(LockUse Lock, Discipline Discipline, Stmt[] Body) : Stmt;

    file sealed record Call(Target Target, int Method, Arg Arg) : Stmt;

    file sealed record CallInterface(Arg Arg) : Stmt;

    file sealed record If(Arg Condition, Stmt[] Then, Stmt[] Else) : Stmt;

    file sealed record Return(ReturnKind Kind) : Stmt;

    file sealed record Jump(JumpKind Kind) : Stmt;

    file sealed record Loop(LoopKind Kind, Stmt[] Body) : Stmt;

    file sealed record TryFinally(Stmt[] Try, Stmt[] Finally) : Stmt;

    file sealed record Nested(NestKind Kind, Stmt[] Body) : Stmt;

    file sealed record Touch(Target Target, bool Write) : Stmt;

    file sealed record RefOps(RefPattern Pattern, Stmt[] Body) : Stmt;

    file sealed record Contract(ContractKind Kind, int Member);

    file sealed record MethodModel(bool IsStatic, Contract Contract, Stmt[] Body)
    {
        /// <summary>Text that changes no facts: a comment after the signature, or a discard on lines of its own at the body's start.</summary>
        public string Padding { get; init; } = string.Empty;

        public bool PaddingOnOwnLines { get; init; }
    }

    file sealed record ClassModel(
        bool SecondMutex, LockAttribute SecondMutexAttribute, bool StaticMutex, bool ObjectLock, bool Semaphore, bool Srcu,
        int Peer, int GuardedBy, MethodModel[] Methods);

    file sealed record FileModel(bool FileScopedNamespace, ClassModel[] Classes);

    file sealed record OrderDecl(bool FullyQualified, (int Class, int Member)[] Locks);

    /// <summary>The ref-counted type; its final <c>Put</c> calls these generated methods (its release path).</summary>
    file sealed record RefModel((int Class, int Method)[] ReleasePath);

    /// <summary><c>IOps.Run</c>, implemented by two generated classes, optionally with <c>[MayAcquire]</c> of a generated lock.</summary>
    file sealed record InterfaceModel(int ImplementationA, int ImplementationB, (int Class, int Member)? MayAcquire, Stmt[] BodyA, Stmt[] BodyB);

    file sealed record ProgramModel(FileModel[] Files, OrderDecl[] Orders, RefModel? Ref, InterfaceModel? Interface)
    {
        /// <summary>The prelude first (as <c>Prims.cs</c>), then <c>File0.cs</c>... .</summary>
        public (string Path, string Text)[] Render() => new Renderer(this).Render();
    }

    /// <summary>An edit of a program, as a user makes one: one class of one file changes.</summary>
    file abstract record Edit(int File, int Class)
    {
        public ProgramModel Apply(ProgramModel program)
        {
            var f = File % program.Files.Length;
            var file = program.Files[f];
            var c = Class % file.Classes.Length;
            var classes = file.Classes.ToArray();
            classes[c] = Change(classes[c]);
            var files = program.Files.ToArray();
            files[f] = file with { Classes = classes };
            return program with { Files = files };
        }

        protected abstract ClassModel Change(ClassModel model);
    }

    file sealed record BodyEdit(int File, int Class, Stmt[][] Bodies) : Edit(File, Class)
    {
        protected override ClassModel Change(ClassModel model)
            => model with { Methods = model.Methods.Select((m, i) => m with { Body = Bodies[i % Bodies.Length] }).ToArray() };

        public override string ToString() => $"new bodies in class {Class} of file {File}";
    }

    /// <summary>An edit that changes no facts (moving what follows it, and with <paramref name="OwnLines"/> renumbering its lines).</summary>
    file sealed record PaddingEdit(int File, int Class, int Method, bool OwnLines, int Mark) : Edit(File, Class)
    {
        protected override ClassModel Change(ClassModel model)
        {
            var methods = model.Methods.ToArray();
            var m = Method % methods.Length;
            methods[m] = methods[m] with { Padding = "pad " + Mark, PaddingOnOwnLines = OwnLines };
            return model with { Methods = methods };
        }

        public override string ToString() => $"padding ({(OwnLines ? "own lines" : "same line")}) in method {Method} of class {Class} of file {File}";
    }

    file sealed record DeclarationEdit(int File, int Class, ClassModel Declaration) : Edit(File, Class)
    {
        protected override ClassModel Change(ClassModel model) => Declaration;

        public override string ToString() => $"new declarations of class {Class} of file {File}";
    }

    file static class ProgramGen
    {
        private static readonly Gen<int> Index = Gen.Int[0, 15];

        private static readonly Gen<Arg> GenArg = Gen.Enum<Arg>();

        private static readonly Gen<Target> GenTarget = Gen.Select(
            Gen.Frequency((5, Via.Self), (2, Via.Peer), (2, Via.Global)), Index, (via, index) => new Target(via, index));

        private static readonly Gen<LockUse> GenLock = Gen.Select(GenTarget, Index, (target, member) => new LockUse(target, member));

        private static readonly Gen<Discipline> GenDiscipline = Gen.Frequency(
            (8, Discipline.Balanced), (5, Discipline.TryFinally), (2, Discipline.Alternative), (2, Discipline.Try), (1, Discipline.NoRelease), (1, Discipline.ReleaseOnly));

        private static readonly Gen<Stmt> Leaf = Gen.Frequency(
            (6, Gen.Select(GenTarget, Index, GenArg, (target, method, arg) => (Stmt)new Call(target, method, arg))),
            (1, GenArg.Select(arg => (Stmt)new CallInterface(arg))),
            (2, Gen.Frequency((3, ReturnKind.IfC), (2, ReturnKind.IfNotC), (1, ReturnKind.Always)).Select(kind => (Stmt)new Return(kind))),
            (1, Gen.Enum<JumpKind>().Select(kind => (Stmt)new Jump(kind))),
            (2, Gen.Select(GenTarget, Gen.Bool, (target, write) => (Stmt)new Touch(target, write))),
            (2, Gen.Select(GenLock, GenDiscipline, (use, discipline) => (Stmt)new Locked(use, discipline, Array.Empty<Stmt>()))),
            (1, Gen.Enum<RefPattern>().Select(pattern => (Stmt)new RefOps(pattern, Array.Empty<Stmt>()))));

        private static Gen<Stmt[]> Body(int depth, int max) => Statement(depth).Array[0, max];

        private static Gen<Stmt> Statement(int depth)
        {
            if (depth == 0)
            {
                return Leaf;
            }

            var body = Body(depth - 1, 2);
            return Gen.Frequency(
                (8, Leaf),
                (5, Gen.Select(GenLock, GenDiscipline, body, (use, discipline, inner) => (Stmt)new Locked(use, discipline, inner))),
                (2, Gen.Select(Gen.Bool, body, Body(depth - 1, 2), (negated, then, otherwise) => (Stmt)new If(negated ? Arg.NotC : Arg.C, then, otherwise))),
                (1, Gen.Select(Gen.Enum<LoopKind>(), body, (kind, inner) => (Stmt)new Loop(kind, inner))),
                (1, Gen.Select(body, Body(depth - 1, 2), (@try, @finally) => (Stmt)new TryFinally(@try, @finally))),
                (1, Gen.Select(Gen.Enum<NestKind>(), body, (kind, inner) => (Stmt)new Nested(kind, inner))),
                (2, Gen.Select(Gen.Enum<RefPattern>(), body, (pattern, inner) => (Stmt)new RefOps(pattern, inner))));
        }

        private static readonly Gen<Contract> GenContract = Gen.Frequency(
            (5, Gen.Const(new Contract(ContractKind.None, 0))),
            (2, Index.Select(member => new Contract(ContractKind.Requires, member))),
            (1, Index.Select(member => new Contract(ContractKind.Excludes, member))));

        private static readonly Gen<MethodModel> GenMethod = Gen.Select(
            Gen.Frequency((3, false), (1, true)), GenContract, Statement(2).Array[1, 3],
            (isStatic, contract, body) => new MethodModel(isStatic, contract, body));

        private static readonly Gen<ClassModel> GenClass = Gen.Select(
            Gen.Select(Gen.Bool, Gen.Frequency((4, LockAttribute.None), (1, LockAttribute.Leaf), (1, LockAttribute.Recursive)), Gen.Frequency((3, false), (1, true))),
            Gen.Select(Gen.Bool, Gen.Bool, Gen.Frequency((3, false), (1, true))),
            Index,
            Gen.Frequency((2, Gen.Const(-1)), (1, Index)),
            GenMethod.Array[Gen.Frequency((2, 1), (2, 2), (1, 3))],
            (mutexes, bcl, peer, guardedBy, methods) => new ClassModel(
                mutexes.Item1, mutexes.Item2, mutexes.Item3, bcl.Item1, bcl.Item2, bcl.Item3, peer, guardedBy, methods));

        private static readonly Gen<FileModel> GenFile = Gen.Select(Gen.Bool, GenClass.Array[Gen.Frequency((2, 1), (1, 2))], (fileScoped, classes) => new FileModel(fileScoped, classes));

        private static readonly Gen<OrderDecl> GenOrder = Gen.Select(
            Gen.Bool, Gen.Select(Index, Index).Array[2, 3], (qualified, locks) => new OrderDecl(qualified, locks));

        private static readonly Gen<RefModel?> GenRef = Gen.Frequency(
            (1, Gen.Const((RefModel?)null)),
            (2, Gen.Select(Index, Index).Array[0, 2].Select(path => (RefModel?)new RefModel(path))));

        private static readonly Gen<InterfaceModel?> GenInterface = Gen.Frequency(
            (1, Gen.Const((InterfaceModel?)null)),
            (1, Gen.Select(
                Index, Index, Gen.Frequency((2, Gen.Const(((int, int)?)null)), (1, Gen.Select(Index, Index).Select(l => ((int, int)?)l))), Body(1, 3), Body(1, 3),
                (a, b, mayAcquire, bodyA, bodyB) => (InterfaceModel?)new InterfaceModel(a, b, mayAcquire, bodyA, bodyB))));

        public static readonly Gen<ProgramModel> Programs = Gen.Select(
            GenFile.Array[Gen.Frequency((3, 2), (3, 3), (2, 4), (1, 5))], GenOrder.Array[0, 2], GenRef, GenInterface,
            (files, orders, reference, iface) => new ProgramModel(files, orders, reference, iface));

        /// <summary>An edit of one class: new bodies for its methods (declarations unchanged), or new declarations altogether.</summary>
        public static readonly Gen<Edit> Edits = Gen.Frequency(
            (3, Gen.Select(Index, Index, Statement(2).Array[1, 3].Array[1, 3], (file, cls, bodies) => (Edit)new BodyEdit(file, cls, bodies))),
            (1, Gen.Select(Index, Index, GenClass, (file, cls, declaration) => (Edit)new DeclarationEdit(file, cls, declaration))),
            (2, Gen.Select(Gen.Select(Index, Index, Index), Gen.Bool, Gen.Int[0, 99], (at, ownLines, mark) => (Edit)new PaddingEdit(at.Item1, at.Item2, at.Item3, ownLines, mark))));
    }

    file enum LockKind { Mutex, Object, Semaphore, Srcu }

    file sealed record LockInfo(string Member, LockKind Kind, bool IsStatic);

    file sealed record ClassInfo(int Index, ClassModel Model, int Peer, LockInfo[] Locks)
    {
        public string Name => "K" + Index;
    }

    /// <summary>Turns a <see cref="ProgramModel"/> into source text, resolving every index against what the program declares.</summary>
    file sealed class Renderer
    {
        private readonly ProgramModel _program;
        private readonly List<ClassInfo> _classes = new();
        private readonly List<int> _fileOfClass = new();

        public Renderer(ProgramModel program)
        {
            _program = program;
            var total = program.Files.Sum(f => f.Classes.Length);
            for (var f = 0; f < program.Files.Length; f++)
            {
                foreach (var model in program.Files[f].Classes)
                {
                    var locks = new List<LockInfo> { new("L1", LockKind.Mutex, false) };
                    if (model.SecondMutex)
                    {
                        locks.Add(new("L2", LockKind.Mutex, false));
                    }

                    if (model.StaticMutex)
                    {
                        locks.Add(new("SL", LockKind.Mutex, true));
                    }

                    if (model.ObjectLock)
                    {
                        locks.Add(new("Gate", LockKind.Object, false));
                    }

                    if (model.Semaphore)
                    {
                        locks.Add(new("Sem", LockKind.Semaphore, false));
                    }

                    if (model.Srcu)
                    {
                        locks.Add(new("Rcu", LockKind.Srcu, false));
                    }

                    _classes.Add(new ClassInfo(_classes.Count, model, model.Peer % total, locks.ToArray()));
                    _fileOfClass.Add(f);
                }
            }
        }

        private bool HasRef => _program.Ref is not null;

        private InterfaceModel? Interface => _program.Interface;

        private int ImplementationA => Interface is null ? -1 : Interface.ImplementationA % _classes.Count;

        private int ImplementationB => Interface is null ? -1 : (ImplementationA + 1 + Interface.ImplementationB % (_classes.Count - 1)) % _classes.Count;

        public (string Path, string Text)[] Render()
        {
            var result = new List<(string, string)> { ("Prims.cs", Rules.Prelude.Primitives) };
            for (var f = 0; f < _program.Files.Length; f++)
            {
                result.Add((TestReferences.FileName(f), RenderFile(f)));
            }

            return result.ToArray();
        }

        private string LockClassName(int classIndex, int member, bool qualified)
        {
            var info = _classes[classIndex % _classes.Count];
            return (qualified ? "Fuzz." : string.Empty) + info.Name + "." + info.Locks[member % info.Locks.Length].Member;
        }

        private string RenderFile(int fileIndex)
        {
            var w = new Writer();
            w.Line("using LockDiscipline;");
            w.Line();
            if (fileIndex == 0)
            {
                foreach (var order in _program.Orders)
                {
                    w.Line("[assembly: LockOrder(" + string.Join(", ", order.Locks.Select(l => Quote(LockClassName(l.Class, l.Member, order.FullyQualified)))) + ")]");
                }

                if (_program.Orders.Length > 0)
                {
                    w.Line();
                }
            }

            var file = _program.Files[fileIndex];
            if (file.FileScopedNamespace)
            {
                w.Line("namespace Fuzz;");
                w.Line();
            }
            else
            {
                w.Open("namespace Fuzz");
            }

            if (fileIndex == 0 && Interface is not null)
            {
                w.Open("public interface IOps");
                var mayAcquire = Interface.MayAcquire is { } l ? "[MayAcquire(" + Quote(LockClassName(l.Item1, l.Item2, false)) + ")] " : string.Empty;
                w.Line(mayAcquire + "void Run(bool c);");
                w.Close();
                w.Line();
            }

            if (fileIndex == _program.Files.Length - 1 && _program.Ref is { } reference)
            {
                RenderRefType(w, reference);
            }

            for (var k = 0; k < _classes.Count; k++)
            {
                if (_fileOfClass[k] == fileIndex)
                {
                    RenderClass(w, _classes[k]);
                }
            }

            if (!file.FileScopedNamespace)
            {
                w.Close();
            }

            return w.ToString();
        }

        private void RenderRefType(Writer w, RefModel reference)
        {
            w.Open("public sealed class RefObj");
            w.Line("[TakesRef] public void Get() { }");
            w.Line("[TakesRef(WhenReturns = true)] public bool TryGet() => true;");
            w.Open("[DropsRef] public void Put()");
            foreach (var (c, m) in reference.ReleasePath)
            {
                var target = _classes[c % _classes.Count];
                var method = m % target.Model.Methods.Length;
                w.Line(target.Model.Methods[method].IsStatic ? $"{target.Name}.M{method}(false);" : $"{target.Name}.Shared.M{method}(false);");
            }

            w.Close();
            w.Line("[ReturnsRef] public static RefObj? Lookup(bool c) => c ? new RefObj() : null;");
            w.Line("public static void Consume([ConsumesRef] RefObj r) { r.Put(); }");
            w.Close();
            w.Line();
        }

        private void RenderClass(Writer w, ClassInfo info)
        {
            var model = info.Model;
            var implements = info.Index == ImplementationA || info.Index == ImplementationB;
            w.Open($"public sealed class {info.Name}" + (implements ? " : IOps" : string.Empty));
            w.Line($"public static readonly {info.Name} Shared = new {info.Name}();");
            foreach (var l in info.Locks)
            {
                var attribute = l.Member != "L2" ? string.Empty : model.SecondMutexAttribute switch
                {
                    LockAttribute.Leaf => "[LeafLock] ",
                    LockAttribute.Recursive => "[Recursive] ",
                    _ => string.Empty,
                };
                w.Line(l.Kind switch
                {
                    LockKind.Mutex => $"{attribute}public {(l.IsStatic ? "static readonly " : string.Empty)}Prims.Mutex {l.Member} = new Prims.Mutex();",
                    LockKind.Object => $"public readonly object {l.Member} = new object();",
                    LockKind.Semaphore => $"public readonly System.Threading.SemaphoreSlim {l.Member} = new System.Threading.SemaphoreSlim(1);",
                    _ => $"public readonly Prims.Srcu {l.Member} = new Prims.Srcu();",
                });
            }

            w.Line($"public {_classes[info.Peer].Name} Peer = new {_classes[info.Peer].Name}();");
            var guard = model.GuardedBy < 0 ? string.Empty : $"[GuardedBy({Quote(info.Locks[model.GuardedBy % info.Locks.Length].Member)})] ";
            w.Line(guard + "public int Counter;");
            if (HasRef)
            {
                w.Line("public RefObj Rc = new RefObj();");
                w.Line("[HoldsRef] public RefObj? Held;");
            }

            if (Interface is not null)
            {
                w.Line($"public IOps Ops = {_classes[info.Index % 2 == 0 ? ImplementationA : ImplementationB].Name}.Shared;");
            }

            for (var m = 0; m < model.Methods.Length; m++)
            {
                var method = model.Methods[m];
                w.Line();
                if (method.Contract.Kind != ContractKind.None)
                {
                    var l = info.Locks[method.Contract.Member % info.Locks.Length];
                    var path = l.IsStatic ? info.Name + "." + l.Member : method.IsStatic ? info.Name + ".Shared." + l.Member : l.Member;
                    w.Line($"[{method.Contract.Kind}({Quote(path)}{(l.Kind == LockKind.Srcu && method.Contract.Kind == ContractKind.Requires ? ", Shared = true" : string.Empty)})]");
                }

                var comment = method.Padding.Length > 0 && !method.PaddingOnOwnLines ? " // " + method.Padding : string.Empty;
                w.Open($"public {(method.IsStatic ? "static " : string.Empty)}void M{m}(bool c){comment}");
                if (method.Padding.Length > 0 && method.PaddingOnOwnLines)
                {
                    w.Line("_ = \"" + method.Padding + "\";");
                    w.Line();
                }

                new BodyRenderer(this, info, method.IsStatic, w).Statements(method.Body, default);
                w.Close();
            }

            if (implements && Interface is not null)
            {
                w.Line();
                w.Open("public void Run(bool c)");
                new BodyRenderer(this, info, false, w).Statements(info.Index == ImplementationA ? Interface.BodyA : Interface.BodyB, default);
                w.Close();
            }

            w.Close();
            w.Line();
        }

        private static string Quote(string s) => "\"" + s + "\"";

        /// <summary>Where a statement stands: break/continue need a loop, return is not allowed in a finally.</summary>
        private readonly record struct Flow(bool InLoop, bool InFinally);

        private sealed class BodyRenderer
        {
            private readonly Renderer _r;
            private readonly ClassInfo _self;
            private readonly bool _static;
            private readonly Writer _w;
            private int _locals;

            public BodyRenderer(Renderer renderer, ClassInfo self, bool isStatic, Writer writer)
            {
                _r = renderer;
                _self = self;
                _static = isStatic;
                _w = writer;
            }

            public void Statements(Stmt[] statements, Flow flow)
            {
                foreach (var statement in statements)
                {
                    Statement(statement, flow);
                }
            }

            private string Fresh(string prefix) => prefix + _locals++;

            private ClassInfo Resolve(Target target) => target.Via switch
            {
                Via.Self => _self,
                Via.Peer => _r._classes[_self.Peer],
                _ => _r._classes[target.Class % _r._classes.Count],
            };

            /// <summary>The expression prefix that reaches an instance of the target class from here.</summary>
            private string Receiver(Target target) => target.Via switch
            {
                Via.Self => _static ? "Shared." : string.Empty,
                Via.Peer => _static ? "Shared.Peer." : "Peer.",
                _ => Resolve(target).Name + ".Shared.",
            };

            private string Self => _static ? "Shared." : string.Empty;

            private static string Argument(Arg arg) => arg switch
            {
                Arg.C => "c",
                Arg.NotC => "!c",
                Arg.True => "true",
                _ => "false",
            };

            private void Statement(Stmt statement, Flow flow)
            {
                switch (statement)
                {
                    case Locked locked:
                        Lock(locked, flow);
                        break;
                    case Call call:
                    {
                        var target = Resolve(call.Target);
                        var index = call.Method % target.Model.Methods.Length;
                        var prefix = target.Model.Methods[index].IsStatic ? target.Name + "." : Receiver(call.Target);
                        _w.Line($"{prefix}M{index}({Argument(call.Arg)});");
                        break;
                    }

                    case CallInterface callInterface:
                        if (_r.Interface is not null)
                        {
                            _w.Line($"{Self}Ops.Run({Argument(callInterface.Arg)});");
                        }

                        break;
                    case If conditional:
                        _w.Open($"if ({Argument(conditional.Condition)})");
                        Statements(conditional.Then, flow);
                        _w.Close();
                        if (conditional.Else.Length > 0)
                        {
                            _w.Open("else");
                            Statements(conditional.Else, flow);
                            _w.Close();
                        }

                        break;
                    case Return ret when !flow.InFinally:
                        _w.Line(ret.Kind switch
                        {
                            ReturnKind.IfC => "if (c) return;",
                            ReturnKind.IfNotC => "if (!c) return;",
                            _ => "return;",
                        });
                        break;
                    case Jump jump when flow.InLoop:
                        _w.Line(jump.Kind == JumpKind.Break ? "if (c) break;" : "if (!c) continue;");
                        break;
                    case Jump when !flow.InFinally:
                        _w.Line("if (c) return;");
                        break;
                    case Loop loop:
                    {
                        var inner = flow with { InLoop = true };
                        var i = Fresh("i");
                        switch (loop.Kind)
                        {
                            case LoopKind.For:
                                _w.Open($"for (var {i} = 0; {i} < 2; {i}++)");
                                Statements(loop.Body, inner);
                                _w.Close();
                                break;
                            case LoopKind.While:
                                _w.Open("while (c)");
                                Statements(loop.Body, inner);
                                _w.Line("break;");
                                _w.Close();
                                break;
                            case LoopKind.Foreach:
                                _w.Open($"foreach (var {i} in new[] {{ 1, 2 }})");
                                Statements(loop.Body, inner);
                                _w.Close();
                                break;
                            default:
                                _w.Open("do");
                                Statements(loop.Body, inner);
                                _w.Close(" while (!c);");
                                break;
                        }

                        break;
                    }

                    case TryFinally tryFinally:
                        _w.Open("try");
                        Statements(tryFinally.Try, flow);
                        _w.Close();
                        _w.Open("finally");
                        Statements(tryFinally.Finally, new Flow(InLoop: false, InFinally: true));
                        _w.Close();
                        break;
                    case Nested nested:
                    {
                        var name = Fresh(nested.Kind == NestKind.Lambda ? "a" : "Local");
                        _w.Open(nested.Kind == NestKind.Lambda ? $"System.Action {name} = () =>" : $"void {name}()");
                        Statements(nested.Body, default);
                        _w.Close(nested.Kind == NestKind.Lambda ? ";" : string.Empty);
                        _w.Line($"{name}();");
                        break;
                    }

                    case Touch touch:
                        _w.Line(touch.Write ? $"{Receiver(touch.Target)}Counter++;" : $"_ = {Receiver(touch.Target)}Counter;");
                        break;
                    case RefOps refOps:
                        Ref(refOps, flow);
                        break;
                }
            }

            private void Lock(Locked locked, Flow flow)
            {
                var target = Resolve(locked.Lock.Target);
                var info = target.Locks[locked.Lock.Member % target.Locks.Length];
                var x = (info.IsStatic ? target.Name + "." : Receiver(locked.Lock.Target)) + info.Member;
                string acquire, release;
                switch (info.Kind)
                {
                    case LockKind.Mutex:
                        (acquire, release) = ($"{x}.Lock();", $"{x}.Unlock();");
                        if (locked.Discipline == Discipline.Alternative)
                        {
                            acquire = $"{x}.LockNested();";
                        }
                        else if (locked.Discipline == Discipline.Try)
                        {
                            Guarded($"if ({x}.TryLock())", locked.Body, release, flow);
                            return;
                        }

                        break;
                    case LockKind.Object:
                        (acquire, release) = ($"System.Threading.Monitor.Enter({x});", $"System.Threading.Monitor.Exit({x});");
                        if (locked.Discipline is Discipline.Balanced or Discipline.Alternative)
                        {
                            _w.Open($"lock ({x})");
                            Statements(locked.Body, flow);
                            _w.Close();
                            return;
                        }

                        if (locked.Discipline == Discipline.Try)
                        {
                            Guarded($"if (System.Threading.Monitor.TryEnter({x}))", locked.Body, release, flow);
                            return;
                        }

                        break;
                    case LockKind.Semaphore:
                        (acquire, release) = ($"{x}.Wait();", $"{x}.Release();");
                        if (locked.Discipline == Discipline.Try)
                        {
                            Guarded($"if ({x}.Wait(0))", locked.Body, release, flow);
                            return;
                        }

                        break;
                    default:
                    {
                        var idx = Fresh("idx");
                        (acquire, release) = ($"var {idx} = {x}.ReadLock();", $"{x}.ReadUnlock({idx});");
                        if (locked.Discipline == Discipline.Alternative)
                        {
                            _w.Line($"{x}.Synchronize();");
                            Statements(locked.Body, flow);
                            return;
                        }

                        if (locked.Discipline == Discipline.NoRelease)
                        {
                            acquire = $"_ = {x}.ReadLock();";
                        }
                        else if (locked.Discipline == Discipline.ReleaseOnly)
                        {
                            release = $"{x}.ReadUnlock(0);";
                        }

                        break;
                    }
                }

                switch (locked.Discipline)
                {
                    case Discipline.TryFinally:
                        _w.Line(acquire);
                        _w.Open("try");
                        Statements(locked.Body, flow);
                        _w.Close();
                        _w.Open("finally");
                        _w.Line(release);
                        _w.Close();
                        break;
                    case Discipline.NoRelease:
                        _w.Line(acquire);
                        Statements(locked.Body, flow);
                        break;
                    case Discipline.ReleaseOnly:
                        Statements(locked.Body, flow);
                        _w.Line(release);
                        break;
                    default:
                        _w.Line(acquire);
                        Statements(locked.Body, flow);
                        _w.Line(release);
                        break;
                }
            }

            private void Guarded(string header, Stmt[] body, string release, Flow flow)
            {
                _w.Open(header);
                Statements(body, flow);
                _w.Line(release);
                _w.Close();
            }

            private void Ref(RefOps refOps, Flow flow)
            {
                if (!_r.HasRef)
                {
                    Statements(refOps.Body, flow);
                    return;
                }

                var rc = Self + "Rc";
                var r = Fresh("r");
                switch (refOps.Pattern)
                {
                    case RefPattern.Unowned:
                        Statements(refOps.Body, flow);
                        _w.Line($"{rc}.Put();");
                        return;
                    case RefPattern.Conditional:
                        _w.Line($"var {r} = {rc};");
                        Guarded($"if ({r}.TryGet())", refOps.Body, $"{r}.Put();", flow);
                        return;
                    case RefPattern.Lookup:
                        _w.Line($"var {r} = RefObj.Lookup(c);");
                        Guarded($"if ({r} != null)", refOps.Body, $"{r}.Put();", flow);
                        return;
                }

                _w.Line($"var {r} = {rc};");
                _w.Line($"{r}.Get();");
                switch (refOps.Pattern)
                {
                    case RefPattern.TryFinally:
                        _w.Open("try");
                        Statements(refOps.Body, flow);
                        _w.Close();
                        _w.Open("finally");
                        _w.Line($"{r}.Put();");
                        _w.Close();
                        break;
                    case RefPattern.Leak:
                        Statements(refOps.Body, flow);
                        break;
                    case RefPattern.DoublePut:
                        Statements(refOps.Body, flow);
                        _w.Line($"{r}.Put();");
                        _w.Line($"{r}.Put();");
                        break;
                    case RefPattern.Store:
                        Statements(refOps.Body, flow);
                        _w.Line($"{Self}Held = {r};");
                        break;
                    case RefPattern.UseAfterPut:
                        Statements(refOps.Body, flow);
                        _w.Line($"{r}.Put();");
                        _w.Line($"_ = {r}.ToString();");
                        break;
                    case RefPattern.Consume:
                        Statements(refOps.Body, flow);
                        _w.Line($"RefObj.Consume({r});");
                        break;
                    default:
                        Statements(refOps.Body, flow);
                        _w.Line($"{r}.Put();");
                        break;
                }
            }
        }
    }

    /// <summary>Lines with four-space indentation.</summary>
    file sealed class Writer
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public void Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _indent * 4);
            }

            _text.Append(line).Append('\n');
        }

        public void Open(string header)
        {
            Line(header);
            Line("{");
            _indent++;
        }

        public void Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
        }

        public override string ToString() => _text.ToString();
    }
}
