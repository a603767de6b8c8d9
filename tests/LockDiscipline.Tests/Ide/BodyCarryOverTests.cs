using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using Xunit;
using static LockDiscipline.Tests.Ide.IncrementalTests;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// Inside an edited tree, the bodies the edit left standing carry their facts over, moved, and only the others are walked
    /// (issue 16): what a body's walk read in its own tree counts as read, and the lines its facts name follow the edit.
    /// </summary>
    public class BodyCarryOverTests
    {
        private const string Pair = @"public sealed class Pair
{
    private readonly object _a = new object();
    private readonly object _b = new object();
    public void First() { lock (_a) { } }
    public void Second() { lock (_a) { lock (_b) { } } }
    public void Third() { lock (_b) { } }
    public void Fourth() { lock (_b) { lock (_a) { } } }
}
";

        [Fact]
        public void AnEditOfOneBodyWalksThatBodyAloneAndMovesTheFindingsOfTheOthers()
        {
            var before = Compile(("Pair.cs", Pair), ("Unrelated.cs", Unrelated));
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            var after = Edit(before, "Pair.cs", Pair.Replace("public void First() { lock (_a) { } }", "public void First()\n    {\n        lock (_a) { var x = 1; x++; }\n    }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 1, 3), (incremental.Walked, incremental.Reused, incremental.BodiesCarried));
            Assert.Equal(
                new[]
                {
                    "Pair.cs(11,46): LD1002 Lock-order cycle Pair._b -> Pair._a -> Pair._b: 'Pair._a' is acquired while 'Pair._b' is held here, and elsewhere 'Pair._b' is acquired while 'Pair._a' is held at Pair.cs:9 in Second",
                    "Pair.cs(9,46): LD1002 Lock-order cycle Pair._a -> Pair._b -> Pair._a: 'Pair._b' is acquired while 'Pair._a' is held here, and elsewhere 'Pair._a' is acquired while 'Pair._b' is held at Pair.cs:11 in Fourth",
                },
                Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        private const string Leaky = @"public sealed class Leaky
{
    private readonly object _gate = new object();
    private readonly System.Threading.SemaphoreSlim _sem = new System.Threading.SemaphoreSlim(1);
    public void Touch() { lock (_gate) { } }
    public void Leave(bool early)
    {
        _sem.Wait();
        if (early) return;
        _sem.Release();
    }
}
";

        [Fact]
        public void AFactThatNamesALineOfACarriedBodyNamesTheLineItStandsOnAfterTheEdit()
        {
            var before = Compile(("Leaky.cs", Leaky), ("Unrelated.cs", Unrelated));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Contains(first.AllDiagnostics, d => d.Id == "LD1008" && d.GetMessage(CultureInfo.InvariantCulture).EndsWith("(when it returns at line 9)", StringComparison.Ordinal));

            // Touch gives the facts it gave (its lock is where it was); Leave, carried over, returns at another line.
            var after = Edit(before, "Leaky.cs", Leaky.Replace("public void Touch() { lock (_gate) { } }", "public void Touch() { lock (_gate) { } _ = 0;\n    }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((1, 1, 1, true), (incremental.Walked, incremental.Reused, incremental.BodiesCarried, incremental.Linked));
            Assert.Equal(
                new[] { "Leaky.cs(9,9): LD1008 '_sem' is acquired here and is still held on some path out of 'Leave' (when it returns at line 10)" },
                Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        private const string Wrapped = @"public sealed class Gate
{
    private readonly System.Threading.SemaphoreSlim _sem = new System.Threading.SemaphoreSlim(1);
    private readonly object _other = new object();
    public void Lock() { _sem.Wait(); }
    public void Unlock() { _sem.Release(); }
    public void Run() { Lock(); lock (_other) { } Unlock(); }
    public void Back() { lock (_other) { Lock(); Unlock(); } }
    public void Other() { lock (_other) { } }
}
";

        [Fact]
        public void ABodyWhoseWalkReadAnotherBodyOfItsTreeIsWalkedWhenThatBodyChanges()
        {
            var before = Compile(("Gate.cs", Wrapped), ("Unrelated.cs", Unrelated));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal(2, first.AllDiagnostics.Count(d => d.Id == "LD1002"));

            // Lock gives the semaphore back before it returns (naming nothing new, so every other tree carries over): Run and Back
            // read its body, as a wrapper's, and are walked again, so the cycle goes; Unlock read nothing of it.
            var after = Edit(before, "Gate.cs", Wrapped.Replace("public void Lock() { _sem.Wait(); }", "public void Lock() { _sem.Wait(); _sem.Release(); }", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal(
                new[] { "Gate.cs(6,28): LD1008 '_sem' is released here but is not held on any path to this point (if 'Unlock' releases what its caller took, say so with [Releases(\"_sem\")])" },
                Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
            Assert.Equal((1, 1, 1), (incremental.Walked, incremental.Reused, incremental.BodiesCarried));
        }

        [Fact]
        public void ACallerThatCountsReferencesOnlyThroughAnInferredReturnKeepsItsFindingsWhenCarriedOver()
        {
            const string Registry = @"using LockDiscipline;
public class Group
{
    [ReturnsRef] public static Group Get(int id) => null;
    [DropsRef] public void Put() { }
}
public static class Registry
{
    public static Group Lookup(int id) { var group = Group.Get(id); return group; }
}
";
            const string User = @"public static class User
{
    public static void Use() { var group = Registry.Lookup(1); }
}
";
            var before = Compile(("Registry.cs", Registry), ("User.cs", User), ("Pair.cs", Pair));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Contains(first.AllDiagnostics, d => d.Id == "LD2001" && d.Location.SourceTree!.FilePath == "User.cs");

            // Use counts a reference only through Lookup, inferred to return one: its leak is found by the returned-reference
            // fixpoint, after its walk. An edit of another file that changes that file's facts links again over User.cs carried
            // over, which must still hold the leak.
            var after = Edit(before, "Pair.cs", Pair.Replace("public void Second() { lock (_a) { lock (_b) { } } }", "public void Second() { lock (_b) { lock (_a) { } } }", StringComparison.Ordinal));
            var linked = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal((1, 2, true), (linked.Walked, linked.Reused, linked.Linked));
            Assert.Equal(
                new[] { "User.cs(3,44): LD2001 The reference taken by 'Lookup' is neither dropped nor handed on along a path out of 'Use' (at the end of the method)" },
                Describe(linked));
            Assert.Equal(Describe(Fresh(after)), Describe(linked));
        }
    }
}
