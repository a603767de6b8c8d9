using System;
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
        {
            // Each analysis runs on a thread of its own that then ends, with no thread-pool helpers: a stale slot in a live
            // frame (which the runtime may report for a method's whole body) would otherwise hold the compilation.
            WeakReference? earlier = null;
            Compilation? later = null;
            OnItsOwnThread(() => (earlier, later) = AnalyseAndEdit());
            var reused = 0;
            OnItsOwnThread(() => reused = CompilationAnalysis.Run(later!, AnalyzerSettings.Default, new Cooperation(helpers: 0), CancellationToken.None).Reused);
            Assert.Equal(2, reused);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.False(earlier!.IsAlive, "the compilation analysed before the edit is still reachable");
            GC.KeepAlive(later);
        }

        private static void OnItsOwnThread(Action action)
        {
            var thread = new Thread(() => action());
            thread.Start();
            thread.Join();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (WeakReference Earlier, Compilation Later) AnalyseAndEdit()
        {
            // The edited tree last: the next compilation's declaration table then keeps the replaced tree reachable.
            var before = IncrementalTests.Compile(("Outer.cs", IncrementalTests.Outer), ("Unrelated.cs", IncrementalTests.Unrelated), ("Inner.cs", IncrementalTests.InnerOpen));
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, new Cooperation(helpers: 0), CancellationToken.None);
            return (new WeakReference(before), IncrementalTests.Edit(before, "Inner.cs", IncrementalTests.InnerClosed));
        }
    }
}
