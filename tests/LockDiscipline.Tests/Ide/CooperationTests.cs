using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Tests.KernelModel;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// The shared analysis run: callers that arrive together build one analysis between them, get the same result, and a caller
    /// cancelled part-way abandons the run for the others (who start again) instead of leaving them waiting.
    /// </summary>
    public class CooperationTests
    {
        [Fact]
        public async Task ConcurrentCallersShareOneRunAndGetTheSameAnalysis()
        {
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            var cooperation = new Cooperation(helpers: 0);
            using var start = new Barrier(4);
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    return CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, cooperation, CancellationToken.None);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));

            Assert.All(results, r => Assert.Same(results[0], r));
            var alone = CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
            Assert.Equal(Describe(alone), Describe(results[0]));
            Assert.Contains(results[0].AllDiagnostics, d => d.Id == "LD1002");
        }

        [Fact]
        public void EveryItemOfAParallelStepRunsOnceAndResultsKeepTheirOrder()
        {
            var cooperation = new Cooperation(helpers: 3);
            var calls = new int[200];
            var step = 0;
            var results = cooperation.ForEach(ref step, calls.Length, i =>
            {
                Interlocked.Increment(ref calls[i]);
                return i * 2;
            }, CancellationToken.None);

            Assert.All(calls, c => Assert.Equal(1, c));
            Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), results);
        }

        [Fact]
        public async Task ACallerCancelledPartWayAbandonsTheRunForTheOthers()
        {
            var cooperation = new Cooperation(helpers: 0);
            using var cancelled = new CancellationTokenSource();
            using var firstItemStarted = new ManualResetEventSlim();
            using var otherWaiting = new ManualResetEventSlim();

            var canceller = Task.Run(() =>
            {
                var step = 0;
                return cooperation.ForEach(ref step, 2, i =>
                {
                    firstItemStarted.Set();
                    otherWaiting.Wait();
                    cancelled.Cancel();
                    cancelled.Token.ThrowIfCancellationRequested();
                    return i;
                }, cancelled.Token);
            });

            firstItemStarted.Wait();
            var other = Task.Run(() =>
            {
                var step = 0;
                otherWaiting.Set();
                return cooperation.ForEach(ref step, 2, i => i, CancellationToken.None);
            });

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceller);
            await Assert.ThrowsAsync<Cooperation.AbandonedException>(() => other);
            Assert.IsAssignableFrom<OperationCanceledException>(cooperation.Failure);
        }

        [Fact]
        public void AFailingStepIsRethrownToEveryCaller()
        {
            var cooperation = new Cooperation(helpers: 2);
            var step = 0;
            var thrown = Assert.Throws<InvalidOperationException>(() => cooperation.ForEach<int>(ref step, 10, i => i == 7 ? throw new InvalidOperationException("item 7") : i, CancellationToken.None));
            Assert.Equal("item 7", thrown.Message);

            var again = 0;
            Assert.Throws<InvalidOperationException>(() => cooperation.ForEach<int>(ref again, 10, i => i, CancellationToken.None));
        }

        private static string[] Describe(CompilationAnalysis analysis)
            => analysis.AllDiagnostics.Select(d => d.Id + " " + KernelModelCompilation.Site(d) + " " + d.GetMessage()).ToArray();
    }
}
