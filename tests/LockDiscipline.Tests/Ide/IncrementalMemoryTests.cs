using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// The facts carried over hold the symbols of the last compilation analysed only. The compilation after an edit keeps the
    /// replaced tree reachable (its declaration table points at it), so a table entry for that tree must not keep the earlier
    /// analysis, and with it the earlier compilation, alive.
    /// </summary>
    public class IncrementalMemoryTests
    {
        [Fact]
        public void AnEarlierCompilationIsNotKeptAliveByTheFactsCarriedOver()
            => AssertTheEarlierCompilationIsNotKeptAlive(expectedReused: 2);

        [Fact]
        public void AnswersTakenOverAboutTypesMadeOfSourceTypesDoNotKeepItAlive()
            // An array of a source type has no assembly of its own: an answer about it (is `Gate[]` a lock type?) taken over as a
            // referenced definition would hold the earlier compilation's `Gate`.
            => AssertTheEarlierCompilationIsNotKeptAlive(expectedReused: 3, ("Arrays.cs", Arrays));

        [Fact]
        public void AnAnalysisThatMovedTheLastFindingsDoesNotKeepItAliveUntilItLinks()
            // The findings moved, and the link step left for whoever asks for the context: neither may hold the earlier compilation.
            => AssertTheEarlierCompilationIsNotKeptAlive(expectedReused: 2, IncrementalTests.InnerOpen.Replace("{ lock (B) { } }\n    public static void Hold()", "{ _ = 0; lock (B) { } }\n    public static void Hold()", StringComparison.Ordinal), expectLinked: false);

        /// <summary>Analyses, edits one tree, analyses the edited compilation, and checks the first compilation can be collected.</summary>
        private static void AssertTheEarlierCompilationIsNotKeptAlive(int expectedReused, params (string Path, string Text)[] more)
            => AssertTheEarlierCompilationIsNotKeptAlive(expectedReused, IncrementalTests.InnerClosed, expectLinked: true, more);

        private static void AssertTheEarlierCompilationIsNotKeptAlive(int expectedReused, string innerAfter, bool expectLinked, params (string Path, string Text)[] more)
        {
            // Each analysis runs on a thread of its own that then ends, with no thread-pool helpers: a stale slot in a live
            // frame (which the runtime may report for a method's whole body) would otherwise hold the compilation.
            WeakReference? earlier = null;
            Compilation? later = null;
            OnItsOwnThread(() => (earlier, later) = AnalyseAndEdit(innerAfter, more));
            var (reused, linked) = (0, true);
            OnItsOwnThread(() =>
            {
                var analysis = CompilationAnalysis.Run(later!, AnalyzerSettings.Default, new Cooperation(helpers: 0), CancellationToken.None);
                (reused, linked) = (analysis.Reused, analysis.Linked);
            });
            Assert.Equal((expectedReused, expectLinked), (reused, linked));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.False(earlier!.IsAlive, "the compilation analysed before the edit is still reachable");
            GC.KeepAlive(later);
        }

        private const string Arrays = @"public sealed class Gate { }
public static class Arrays
{
    private static readonly Gate[] All = new Gate[1];
    [LockDiscipline.GuardedBy(""All"")] private static int Count;
    public static void Use() { lock (All) { Count++; Outer.Take(); } }
}
";

        private static void OnItsOwnThread(Action action)
        {
            var thread = new Thread(() => action());
            thread.Start();
            thread.Join();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (WeakReference Earlier, Compilation Later) AnalyseAndEdit(string innerAfter, params (string Path, string Text)[] more)
        {
            // The edited tree last: the next compilation's declaration table then keeps the replaced tree reachable.
            var before = IncrementalTests.Compile(more.Prepend(("Unrelated.cs", IncrementalTests.Unrelated)).Prepend(("Outer.cs", IncrementalTests.Outer)).Append(("Inner.cs", IncrementalTests.InnerOpen)).ToArray());
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, new Cooperation(helpers: 0), CancellationToken.None);
            return (new WeakReference(before), IncrementalTests.Edit(before, "Inner.cs", innerAfter));
        }
    }
}
