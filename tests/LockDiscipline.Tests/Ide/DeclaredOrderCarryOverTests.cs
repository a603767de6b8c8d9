using System;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using Xunit;
using static LockDiscipline.Tests.Ide.IncrementalTests;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// The declared order (<c>[assembly: LockOrder]</c>) is taken over by the analysis after an edit that changed no declaration
    /// and left the files the declarations are written in alone: its names are not bound again in the new compilation's types.
    /// What it reports (LD0001 for a name that binds to nothing, LD1001 against it) stays what a fresh analysis reports.
    /// </summary>
    public class DeclaredOrderCarryOverTests
    {
        private const string Orders = @"using LockDiscipline;
[assembly: LockOrder(""Outer.A"", ""Inner.B"")]
[assembly: LockOrder(""Outer.A"", ""Missing.Gate"")]
public static class Orders
{
    public static int Touch() { return 1; }
}
";

        private const string Declared = "Orders.cs(3,33): LD0001 'Missing.Gate' in [LockOrder] binds to nothing: no type 'Missing'";

        private const string Inverted = "Inner.cs(5,44): LD1001 Lock-order inversion: 'Outer.A' is acquired while 'Inner.B' is held, but [LockOrder] declares 'Outer.A' outside 'Inner.B' (via Take -> lock (A))";

        [Fact]
        public void AnEditOfABodyElsewhereTakesTheDeclaredOrderOverWithItsFindings()
        {
            var before = Compile(("Orders.cs", Orders), ("Outer.cs", Outer), ("Inner.cs", InnerClosed), ("Unrelated.cs", Unrelated));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Contains(Declared, Describe(first));
            Assert.Contains(Inverted, Describe(first));

            var after = Edit(before, "Unrelated.cs", Unrelated.Replace("_count++;", "_count += 2;", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Same(first.Declared, incremental.Declared);
            Assert.Contains(Declared, Describe(incremental));
            Assert.Contains(Inverted, Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void ANameThatBindsToNothingIsReportedWhenItsFileIsWalkedAgainWithTheOrderTakenOver()
        {
            // User's walk reads whether Gate.Sem is a lock from Gate's constructor: an edit there walks User.cs again, the very
            // tree that holds the declarations, so their LD0001 comes from the order taken over, not from the tree's earlier facts.
            const string User = "using LockDiscipline;\n[assembly: LockOrder(\"User.L\", \"Missing.Gate\")]\n" + SemaphoreUser;
            const string Missing = "User.cs(2,32): LD0001 'Missing.Gate' in [LockOrder] binds to nothing: no type 'Missing'";
            var before = Compile(("Gate.cs", SemaphoreGate), ("Unrelated.cs", Unrelated), ("User.cs", User));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Contains(Missing, Describe(first));

            var after = Edit(before, "Gate.cs", SemaphoreGate.Replace("new SemaphoreSlim(1)", "new SemaphoreSlim(2)", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.Equal((2, 1), (incremental.Walked, incremental.Reused));
            Assert.Same(first.Declared, incremental.Declared);
            Assert.Equal(new[] { Missing }, Describe(incremental));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void AnEditInTheFileOfTheDeclarationsBindsThemAgain()
        {
            var before = Compile(("Orders.cs", Orders), ("Outer.cs", Outer), ("Inner.cs", InnerClosed));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            // A body of the same file: the declarations stand where they stood, but in a tree the earlier locations do not name.
            var after = Edit(before, "Orders.cs", Orders.Replace("return 1;", "return 2;", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.NotSame(first.Declared, incremental.Declared);
            Assert.Contains(Declared, Describe(incremental));
            Assert.All(incremental.AllDiagnostics, d => Assert.Contains(d.Location.SourceTree, after.SyntaxTrees));
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }

        [Fact]
        public void AnEditOfTheDeclarationsThemselvesBindsThemAgain()
        {
            var before = Compile(("Orders.cs", Orders), ("Outer.cs", Outer), ("Inner.cs", InnerClosed));
            var first = CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);

            // The order turned round: Inner.Hold's B -> A now agrees with it, Outer.Hold's A -> B does not.
            var after = Edit(before, "Orders.cs", Orders.Replace(@"[assembly: LockOrder(""Outer.A"", ""Inner.B"")]", @"[assembly: LockOrder(""Inner.B"", ""Outer.A"")]", StringComparison.Ordinal));
            var incremental = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);

            Assert.NotSame(first.Declared, incremental.Declared);
            Assert.DoesNotContain(Inverted, Describe(incremental));
            Assert.Contains(incremental.AllDiagnostics, d => d.Id == "LD1001" && d.Location.SourceTree!.FilePath == "Outer.cs");
            Assert.Equal(Describe(Fresh(after)), Describe(incremental));
        }
    }
}
