using System;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Tests.KernelModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// The per-document step carried over between compilations (issue 16): an edit walks the edited tree and the trees whose walk
    /// read it, nothing else, and the result is what a fresh analysis of the same code gives. The property test in
    /// <c>RandomProgramTests</c> checks the same over random edit sequences; these pin down which trees are walked.
    /// </summary>
    public class IncrementalTests
    {
        internal const string Outer = @"public static class Outer
{
    public static readonly object A = new object();
    public static void Hold() { lock (A) { Inner.Take(); } }
    public static void Take() { lock (A) { } }
}
";

        internal const string InnerOpen = @"public static class Inner
{
    public static readonly object B = new object();
    public static void Take() { lock (B) { } }
    public static void Hold() { lock (B) { } }
}
";

        internal const string Unrelated = @"public sealed class Counter
{
    private readonly object _gate = new object();
    private int _count;
    public void Add() { lock (_gate) { _count++; } }
}
";

        /// <summary>Takes Gate.Sem and L in both orders: a cycle when Gate.Sem is a semaphore of one.</summary>
        internal const string SemaphoreUser = @"public static class User
{
    private static readonly Gate G = new Gate();
    private static readonly object L = new object();
    public static void A() { G.Sem.Wait(); lock (L) { } G.Sem.Release(); }
    public static void B() { lock (L) { G.Sem.Wait(); G.Sem.Release(); } }
}
";

        /// <summary>Whether Gate.Sem is a lock (a semaphore of one) is read from Gate's constructor body when User's bodies are walked.</summary>
        internal const string SemaphoreGate = @"using System.Threading;
public sealed class Gate
{
    public readonly SemaphoreSlim Sem;
    public Gate() { Sem = new SemaphoreSlim(1); }
}
";

        internal static readonly string InnerClosed = InnerOpen.Replace("public static void Hold() { lock (B) { } }", "public static void Hold() { lock (B) { Outer.Take(); } }", StringComparison.Ordinal);

        [Fact]
        public void AnEditOfOneBodyWalksThatTreeAloneAndFindsWhatAFreshAnalysisFinds()
        {
            var before = Compile(("Outer.cs", Outer), ("Inner.cs", InnerOpen), ("Unrelated.cs", Unrelated));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((3, 0), (first.Walked, first.Reused));
            Assert.Empty(first.AllDiagnostics);

            var after = Edit(before, "Inner.cs", InnerClosed);
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 2, true), (incremental.Walked, incremental.Reused, incremental.Linked));
            Assert.Equal(
                new[]
                {
                    "Inner.cs(5,44): LD1002 Lock-order cycle Inner.B -> Outer.A -> Inner.B: 'Outer.A' is acquired while 'Inner.B' is held here (via Take -> lock (A)), and elsewhere 'Inner.B' is acquired while 'Outer.A' is held at Outer.cs:4 in Hold (via Take -> lock (B))",
                    "Outer.cs(4,44): LD1002 Lock-order cycle Outer.A -> Inner.B -> Outer.A: 'Inner.B' is acquired while 'Outer.A' is held here (via Take -> lock (B)), and elsewhere 'Outer.A' is acquired while 'Inner.B' is held at Inner.cs:5 in Hold (via Take -> lock (A))",
                },
                Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));

            var reopened = CompilationAnalysis.Run(Edit(after, "Inner.cs", InnerOpen), AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2), (reopened.Walked, reopened.Reused));
            Assert.Empty(reopened.AllDiagnostics);
        }

        [Fact]
        public void FactsThatMentionLambdasLocalFunctionsAndNestedGenericTypesCarryOver()
        {
            // The lambda and the local function are found again at their syntax; List<int>.Enumerator (the foreach) through
            // its container's member.
            const string Lambdas = @"using System;
using System.Collections.Generic;
public static class Lambdas
{
    private static readonly object Gate = new object();
    private static readonly List<int> Items = new List<int>();
    public static void Run()
    {
        Action take = () => { lock (Gate) { Outer.Take(); } };
        take();
        Local();
        void Local() { lock (Gate) { foreach (var item in Items) { } } }
    }
}
";
            var before = Compile(("Inner.cs", InnerOpen), ("Lambdas.cs", Lambdas), ("Outer.cs", Outer), ("Unrelated.cs", Unrelated));
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            // Inner.Hold now holds B around Lambdas.Run: A -> B (Outer.Hold) -> Gate -> A (the lambda) closes through the lambda.
            var after = Edit(before, "Inner.cs", InnerOpen.Replace("public static void Hold() { lock (B) { } }", "public static void Hold() { lock (B) { Lambdas.Run(); } }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 3), (incremental.Walked, incremental.Reused));
            Assert.Contains(incremental.AllDiagnostics, d => d.Id == "LD1002" && d.Location.SourceTree!.FilePath == "Lambdas.cs");
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void TypingThroughCodeThatDoesNotBindGivesWhatAFreshAnalysisGivesAtEveryStep()
        {
            // The kernel model, one of its bodies typed into a statement at a time: each step is analysed from the step before,
            // as the IDE does (the body's tree walked, the others carried over), and must equal a fresh analysis, never throwing.
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Vfio/Vfio.cs");
            var text = tree.GetText().ToString();
            var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().First(m => m.Body is { Statements.Count: > 0 }).Body!;
            var at = body.OpenBraceToken.Span.End;
            var carriedOver = 0;
            foreach (var typed in new[] { " group.", " group.Lock(", " group.Lock(;", " Undefined(); ", string.Empty })
            {
                compilation = Edit(compilation, tree.FilePath, text.Insert(at, typed));
                var incremental = CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
                carriedOver += incremental.Reused > 0 ? 1 : 0;
                Assert.Equal(Describe(Fresh(compilation)), Describe(incremental));
            }

            // A step that changes which names make bodies relevant (a call of Lock appearing or going) walks every tree.
            Assert.True(carriedOver >= 3, carriedOver + " of 5 steps carried facts over");
        }

        [Fact]
        public void APartialMembersFactsThatPointIntoTheOtherPartsTreeFollowItsEdits()
        {
            const string Declaration = @"using System.Threading;
public partial class P
{
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1);
    [LockDiscipline.Requires(""_sem"")] partial void Work();
    public void Other() { }
}
";
            const string Implementation = @"public partial class P
{
    partial void Work() { _sem.Wait(); _sem.Release(); }
    public void Run() { _sem.Wait(); Work(); _sem.Release(); }
}
";
            var before = Compile(("A.cs", Declaration), ("B.cs", Implementation), ("Unrelated.cs", Unrelated));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Contains(first.AllDiagnostics, d => d.Id == "LD1003");

            // A body edit in the declaring part moves its lines: no finding may point into the replaced tree, and what the other
            // part's walk took from this one (the semaphore's count, the contract's location) is taken again.
            var after = Edit(before, "A.cs", Declaration.Replace("public void Other() { }", "\n\n    public void Other() { var x = 1; }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);
            Assert.True(incremental.Reused > 0);
            Assert.All(incremental.AllDiagnostics.SelectMany(d => d.AdditionalLocations.Prepend(d.Location)), l => Assert.Contains(l.SourceTree, after.SyntaxTrees));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void AnEditOfADeclarationWalksEveryTree()
        {
            var before = Compile(("Outer.cs", Outer), ("Inner.cs", InnerOpen), ("Unrelated.cs", Unrelated));
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            // A new overload changes what calls in other trees may bind to.
            var after = Edit(before, "Inner.cs", InnerClosed.Replace("public static void Take() { lock (B) { } }", "public static void Take() { lock (B) { } }\n    public static void Take(int n) { }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((3, 0), (incremental.Walked, incremental.Reused));
            Assert.Equal(2, incremental.AllDiagnostics.Count(d => d.Id == "LD1002"));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void ATreeWhoseWalkReadTheEditedBodyIsWalkedAgain()
        {
            var before = Compile(("Gate.cs", SemaphoreGate), ("Unrelated.cs", Unrelated), ("User.cs", SemaphoreUser));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal(2, first.AllDiagnostics.Count(d => d.Id == "LD1002"));

            var after = Edit(before, "Gate.cs", SemaphoreGate.Replace("new SemaphoreSlim(1)", "new SemaphoreSlim(2)", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((2, 1), (incremental.Walked, incremental.Reused));
            Assert.Empty(incremental.AllDiagnostics);
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void AnEditOfAnotherMemberOfATreeAWalkReadLeavesThatWalkCarriedOverUntilWhatItReadChanges()
        {
            // User's walk reads what Gate's members store in Sem: an edit of a member that does not mention Sem leaves it
            // carried over (and moves Gate's constructor down two lines); a later edit of the constructor walks it again.
            const string Gate = @"using System.Threading;
public sealed class Gate
{
    public readonly SemaphoreSlim Sem;
    public void Other() { }
    public Gate() { Sem = new SemaphoreSlim(1); }
}
";
            var before = Compile(("Gate.cs", Gate), ("Unrelated.cs", Unrelated), ("User.cs", SemaphoreUser));
            Assert.Equal(2, CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics.Count(d => d.Id == "LD1002"));

            var otherEdited = Gate.Replace("public void Other() { }", "public void Other()\n    {\n        var x = 1;\n    }", StringComparison.Ordinal);
            var afterOther = Edit(before, "Gate.cs", otherEdited);
            var carried = CompilationAnalysis.Run(afterOther, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2), (carried.Walked, carried.Reused));
            Assert.Equal(2, carried.AllDiagnostics.Count(d => d.Id == "LD1002"));
            Assert.Equal(Describe(Fresh(afterOther)), Describe(carried));

            var afterConstructor = Edit(afterOther, "Gate.cs", otherEdited.Replace("new SemaphoreSlim(1)", "new SemaphoreSlim(2)", StringComparison.Ordinal));
            var walkedAgain = CompilationAnalysis.Run(afterConstructor, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((2, 1), (walkedAgain.Walked, walkedAgain.Reused));
            Assert.Empty(walkedAgain.AllDiagnostics);
            Assert.Equal(Describe(Fresh(afterConstructor)), Describe(walkedAgain));
        }

        [Fact]
        public void AnEditThatChangesNoFactsReportsTheLastFindingsMovedAndLinksOnlyWhenAsked()
        {
            var before = Compile(("Outer.cs", Outer), ("Inner.cs", InnerClosed), ("Unrelated.cs", Unrelated));
            Assert.Equal(2, CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics.Count());

            // Typing before the site, on its line: the cycle's edge in Inner.cs moves right, no line moves.
            var after = Edit(before, "Inner.cs", InnerClosed.Replace("Hold() { lock (B)", "Hold() { _ = 0; lock (B)", StringComparison.Ordinal));
            var moved = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            Assert.Equal(
                new[]
                {
                    "Inner.cs(5,51): LD1002 Lock-order cycle Inner.B -> Outer.A -> Inner.B: 'Outer.A' is acquired while 'Inner.B' is held here (via Take -> lock (A)), and elsewhere 'Inner.B' is acquired while 'Outer.A' is held at Outer.cs:4 in Hold (via Take -> lock (B))",
                    "Outer.cs(4,44): LD1002 Lock-order cycle Outer.A -> Inner.B -> Outer.A: 'Inner.B' is acquired while 'Outer.A' is held here (via Take -> lock (B)), and elsewhere 'Outer.A' is acquired while 'Inner.B' is held at Inner.cs:5 in Hold (via Take -> lock (A))",
                },
                Describe(moved));
            var fresh = Fresh(after);
            Assert.Equal(Describe(fresh), Describe(moved));
            Assert.Equal(Properties(fresh), Properties(moved));

            // Whoever needs the whole analysis (a code fix, the graph tool) gets the link step then, and it finds the same.
            Assert.Equal(Describe(fresh), moved.Context!.Diagnostics.Select(DescribeOne).OrderBy(d => d, StringComparer.Ordinal).ToArray());
        }

        [Fact]
        public void AnEditBesideReferenceCountingThatChangesNoFindingMovesTheLeakAndItsFix()
        {
            const string Group = @"using LockDiscipline;
public class Group
{
    [ReturnsRef] public static Group Lookup(int id) => null;
    [DropsRef] public void Put() { }
}
";
            const string Unbind = @"public class Unbind
{
    void Other() { }
    void Remove(int id, bool fail)
    {
        var group = Group.Lookup(id);
        if (group == null)
            return;
        if (fail)
            return;
        group.Put();
    }
}
";
            var before = Compile(("Group.cs", Group), ("Unbind.cs", Unbind), ("Unrelated.cs", Unrelated));
            Assert.Contains(CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics, d => d.Id == "LD2001");

            // The leak's final finding (after the returned-reference fixpoint) is compared like the lock facts; the span of the
            // return its fix drops the reference before moves with it.
            var after = Edit(before, "Unbind.cs", Unbind.Replace("void Other() { }", "void Other() { _ = 0; }", StringComparison.Ordinal));
            var moved = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            var fresh = Fresh(after);
            Assert.Equal(Describe(fresh), Describe(moved));
            Assert.Equal(Properties(fresh), Properties(moved));
            Assert.Contains(Properties(moved), p => p.Contains("LD2001", StringComparison.Ordinal) && p.Contains("ReturnAt=", StringComparison.Ordinal));

            // Taking the reference in another body changes the facts: the link step runs.
            var changed = Edit(after, "Unbind.cs", Unbind.Replace("void Other() { }", "void Other() { Group.Lookup(1); }", StringComparison.Ordinal));
            var linked = CompilationAnalysis.Run(changed, AnalyzerSettings.Default, CancellationToken.None);
            Assert.True(linked.Linked);
            Assert.Equal(Describe(Fresh(changed)), Describe(linked));
        }

        [Fact]
        public void AnEditThatRenumbersALineAMessageNamesLinksAgain()
        {
            var before = Compile(("Outer.cs", Outer), ("Inner.cs", InnerClosed), ("Unrelated.cs", Unrelated));
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            // Outer.cs's message names Inner.cs:5, which a line added above it makes Inner.cs:6.
            var renumbered = Edit(before, "Inner.cs", InnerClosed.Replace("public static readonly object B", "\n    public static readonly object B", StringComparison.Ordinal));
            var linked = CompilationAnalysis.Run(renumbered, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, true), (linked.Walked, linked.Reused, linked.Linked));
            Assert.Contains(linked.AllDiagnostics, d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("Inner.cs:6", StringComparison.Ordinal));
            Assert.Equal(Describe(Fresh(renumbered)), Describe(linked));

            // A line added after every line a message names renumbers none of them.
            var below = Edit(renumbered, "Inner.cs", InnerClosed.Replace("public static readonly object B", "\n    public static readonly object B", StringComparison.Ordinal) + "\n// the end\n");
            var moved = CompilationAnalysis.Run(below, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            Assert.Equal(Describe(Fresh(below)), Describe(moved));
        }

        [Fact]
        public void AProofThatABackPointerHoldsDependsOnTheStoresToItNotOnEveryFile()
        {
            // The proof reads every store to the member in the compilation: an edit of a body with none leaves it standing (the
            // findings move), an edit that adds one runs the link step.
            const string Buffer = @"public class Buffer
{
    internal readonly Connector Connector;
    public Buffer(Connector connector) { Connector = connector; }
    public void Flush() { Connector.Break(); }
}
";
            const string Connector = @"public class Connector
{
    private readonly object _sync = new object();
    private readonly object _cancelLock = new object();
    public Buffer WriteBuffer = null!;
    public void Open() { WriteBuffer = new Buffer(this); }
    public void Break() { lock (_sync) { } }
    public void Cancel() { lock (_cancelLock) { var cancel = new Connector(); cancel.DoCancel(); } }
    public void DoCancel() { WriteBuffer.Flush(); }
    public void Run() { lock (_sync) { lock (_cancelLock) { } } }
}
";
            const string Elsewhere = @"public sealed class Elsewhere
{
    private readonly object _gate = new object();
    private int _count;
    public void Add() { lock (_gate) { _count++; } }
    public void Other() { }
}
";
            var before = Compile(("Buffer.cs", Buffer), ("Connector.cs", Connector), ("Elsewhere.cs", Elsewhere));
            Assert.Empty(CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics);

            var typed = Edit(before, "Elsewhere.cs", Elsewhere.Replace("public void Other() { }", "public void Other() { var total = 1; total++; }", StringComparison.Ordinal));
            var moved = CompilationAnalysis.Run(typed, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            Assert.Equal(Describe(Fresh(typed)), Describe(moved));

            // Another connector's buffer stored into the member: the back pointer no longer holds, and the cycle shows.
            var storingInBody = Edit(typed, "Elsewhere.cs", Elsewhere.Replace("public void Other() { }", "public void Other() { var other = new Connector(); other.WriteBuffer = new Buffer(new Connector()); }", StringComparison.Ordinal));
            var linked = CompilationAnalysis.Run(storingInBody, AnalyzerSettings.Default, CancellationToken.None);
            Assert.True(linked.Linked);
            Assert.Equal(Describe(Fresh(storingInBody)), Describe(linked));
            Assert.Contains(linked.AllDiagnostics, d => d.Id == "LD1002");
        }

        [Fact]
        public void ATraceCallUnderALockReadsOnlyTheHeaderOfItsFileForWhetherItIsCompiled()
        {
            // Whether Trace's global lock is taken depends on TRACE at the call, which only a #define before the first token can
            // set: an edit further on in that file leaves the link step's answer standing.
            const string Tracing = @"#define TRACE
using System.Diagnostics;
public static class Tracing
{
    private static readonly object Gate = new object();
    public static void Log() { lock (Gate) { Trace.WriteLine(""x""); } }
    public static void Other() { }
}
";
            var before = Compile(("Tracing.cs", Tracing), ("Outer.cs", Outer), ("Inner.cs", InnerClosed));
            Assert.Equal(2, CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics.Count());

            var typed = Edit(before, "Tracing.cs", Tracing.Replace("public static void Other() { }", "public static void Other() { var x = 1; x++; }", StringComparison.Ordinal));
            var moved = CompilationAnalysis.Run(typed, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            Assert.Equal(Describe(Fresh(typed)), Describe(moved));
        }

        [Fact]
        public void AWrapperTypeWithMoreMethodsThanTheReadsKeptPerFileStaysASearchOfThatFile()
        {
            // Telling a type's lock wrappers reads every method of it for a single-call body: more of them than are kept one by one
            // count as one search of the whole file, for single-call bodies. An edit of a body that is none, before and after,
            // leaves the caller's walk carried over (counted as a read of the whole file, it was walked again).
            const string Gate = @"public sealed class Gate
{
    private readonly System.Threading.SemaphoreSlim _sem = new System.Threading.SemaphoreSlim(1, 1);
    public void Lock() => _sem.Wait();
    public void Unlock() => _sem.Release();
    public int H0() => Helper(0);
    public int H1() => Helper(1);
    public int H2() => Helper(2);
    public int H3() => Helper(3);
    public int H4() => Helper(4);
    public int H5() => Helper(5);
    public int H6() => Helper(6);
    public int H7() => Helper(7);
    public int H8() => Helper(8);
    public int H9() => Helper(9);
    public int H10() => Helper(10);
    public int H11() => Helper(11);
    public int H12() => Helper(12);
    public int H13() => Helper(13);
    public int H14() => Helper(14);
    public int H15() => Helper(15);
    public int H16() => Helper(16);
    public int H17() => Helper(17);
    public int H18() => Helper(18);
    public int H19() => Helper(19);
    private static int Helper(int n) => n;
    public void Other() { }
}
";
            const string User = @"public static class User
{
    private static readonly Gate G = new Gate();
    private static readonly object L = new object();
    public static void A() { lock (L) { G.Lock(); G.Unlock(); } }
    public static void B() { G.Lock(); lock (L) { } G.Unlock(); }
}
";
            var before = Compile(("Gate.cs", Gate), ("User.cs", User), ("Unrelated.cs", Unrelated));
            Assert.Equal(2, CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics.Count(d => d.Id == "LD1002"));

            var typed = Edit(before, "Gate.cs", Gate.Replace("public void Other() { }", "public void Other() { var x = 1; x++; }", StringComparison.Ordinal));
            var moved = CompilationAnalysis.Run(typed, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, false), (moved.Walked, moved.Reused, moved.Linked));
            Assert.Equal(Describe(Fresh(typed)), Describe(moved));

            // Made a single call, the body is what the search looks for: the caller is walked again.
            var wrapping = Edit(typed, "Gate.cs", Gate.Replace("public void Other() { }", "public void Other() { Helper(1); }", StringComparison.Ordinal));
            var walked = CompilationAnalysis.Run(wrapping, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((2, 1), (walked.Walked, walked.Reused));
            Assert.Equal(Describe(Fresh(wrapping)), Describe(walked));
        }

        [Fact]
        public void ContractsTakenOverFromTheLastAnalysisNeverHideWhatAnEditChanged()
        {
            // After an edit the model takes over which methods had no contract (binding their attributes and searching their
            // interfaces again was most of the link step). Gate.Lock, in a tree the edit leaves alone, had none while its partial
            // type's Unlock was no one-call release; the edit of the other part makes the pair wrappers of the semaphore. Lock's
            // answer read that part, so it is asked again, and the cycle through the wrappers appears as in a fresh analysis.
            const string GateLock = @"using System.Threading;
public sealed partial class Gate
{
    private readonly SemaphoreSlim _sem = new SemaphoreSlim(1);
    public void Lock() { _sem.Wait(); }
}
";
            const string GateUnlock = @"public sealed partial class Gate
{
    public void Unlock() { _ = 0; _sem.Release(); }
}
";
            const string User = @"public static class User
{
    private static readonly Gate G = new Gate();
    private static readonly object L = new object();
    public static void A() { G.Lock(); lock (L) { } G.Unlock(); }
    public static void B() { lock (L) { G.Lock(); G.Unlock(); } }
}
";
            var before = Compile(("GateLock.cs", GateLock), ("GateUnlock.cs", GateUnlock), ("Unrelated.cs", Unrelated), ("User.cs", User));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.DoesNotContain(first.AllDiagnostics, d => d.Id == "LD1002");

            var after = Edit(before, "GateUnlock.cs", GateUnlock.Replace("{ _ = 0; _sem.Release(); }", "{ _sem.Release(); }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.True(incremental.Reused > 0);
            Assert.Equal(2, incremental.AllDiagnostics.Count(d => d.Id == "LD1002"));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void ImplementationsOfACarriedOverTreeAreStillDispatchedTo()
        {
            // Impl.cs is carried over; which interface member its Run implements is taken over from the last analysis, and the
            // call through the interface still reaches it when an edit of Caller.cs closes a cycle through it.
            const string Contract = @"public interface IRunner { void Run(); }
public static class Locks { public static readonly object A = new object(); public static readonly object B = new object(); }
";
            const string Impl = @"public sealed class Runner : IRunner
{
    public void Run() { lock (Locks.B) { } }
}
";
            const string Caller = @"public static class Caller
{
    public static void Outer(IRunner runner) { lock (Locks.A) { } runner.Run(); }
    public static void Inner() { lock (Locks.B) { lock (Locks.A) { } } }
}
";
            var before = Compile(("Caller.cs", Caller), ("Contract.cs", Contract), ("Impl.cs", Impl));
            Assert.Empty(CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics);

            var after = Edit(before, "Caller.cs", Caller.Replace("lock (Locks.A) { } runner.Run();", "lock (Locks.A) { runner.Run(); }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 2), (incremental.Walked, incremental.Reused));
            Assert.Equal(2, incremental.AllDiagnostics.Count(d => d.Id == "LD1002"));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void WhetherAMemberIsAMonitorFollowsAnEditOfTheBodyThatLocksOnIt()
        {
            // [GuardedBy("types")] names a list only because the other part of the type enters its monitor: once it no longer
            // does, the annotation names no lock. The field is declared in the file the edit left alone, where the answer of the
            // analysis before could be taken over; what it read of the edited file says it cannot.
            const string Declared = @"using System.Collections.Generic;
using LockDiscipline;
public sealed partial class Model
{
    private readonly List<int> types = new List<int>();
    private readonly object other = new object();
    [GuardedBy(""types"")] private int _count;
}
";
            const string Locks = @"using System.Threading;
public sealed partial class Model
{
    public void Add() { Monitor.Enter(types); _count++; Monitor.Exit(types); }
}
";
            var before = Compile(("Declared.cs", Declared), ("Locks.cs", Locks), ("Unrelated.cs", Unrelated));
            Assert.Empty(CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None).AllDiagnostics);

            var after = Edit(before, "Locks.cs", Locks.Replace("Monitor.Enter(types); _count++; Monitor.Exit(types);", "Monitor.Enter(other); Monitor.Exit(other);", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal(new[] { "Declared.cs(7,16): LD0001 'types' in [GuardedBy] binds to 'types' of type 'System.Collections.Generic.List<int>', which is not a lock" }, Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        internal static CSharpCompilation Compile(params (string Path, string Text)[] files)
            => CSharpCompilation.Create(
                "Incremental",
                files.Select(f => CSharpSyntaxTree.ParseText(f.Text, new CSharpParseOptions(LanguageVersion.Latest), f.Path)),
                KernelModelCompilation.References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        internal static CSharpCompilation Edit(CSharpCompilation compilation, string path, string text)
        {
            var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
            return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)old.Options, path));
        }

        /// <summary>The same sources, parsed again: nothing to carry over.</summary>
        internal static CompilationAnalysis Fresh(CSharpCompilation compilation)
        {
            var reparsed = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));
            var analysis = CompilationAnalysis.Run(reparsed, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal(0, analysis.Reused);
            return analysis;
        }

        internal static string[] Describe(CompilationAnalysis analysis)
            => analysis.AllDiagnostics
                .Select(DescribeOne)
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();

        private static string DescribeOne(Diagnostic d)
            => $"{d.Location.SourceTree!.FilePath}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}): {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";

        /// <summary>Each finding's code-fix properties (spans of the acquisitions a fix moves), by where it is.</summary>
        internal static string[] Properties(CompilationAnalysis analysis)
            => analysis.AllDiagnostics
                .Select(d => DescribeOne(d) + " " + string.Join(";", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)))
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();
    }
}
