using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LockDiscipline.Tests.KernelModel
{
    /// <summary>
    /// The static findings beside the real thing: the model runs. Each seed's scenario drives its paths with real threads and
    /// locks, bounded in time. The fixed model completes every scenario; the pre-fix seed 000 trips over its own group_lock
    /// (the primitive refuses to re-enter). The pre-fix seed 002 deadlock, a race in the kernel, is made to happen every time
    /// through the model's lockdep hook, and detected by a timeout without leaving a foreground thread blocked.
    /// </summary>
    public class ScenarioTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
        private static readonly Lazy<Assembly> Fixed = new(() => Build(seedBugs: false));
        private static readonly Lazy<Assembly> PreFix = new(() => Build(seedBugs: true));

        [Theory]
        [InlineData("Seed000")]
        [InlineData("Seed001")]
        [InlineData("Seed002")]
        [InlineData("Seed002Interleaved")]
        [InlineData("Seed003")]
        [InlineData("Seed004")]
        public void FixedModelCompletesEveryScenario(string scenario)
        {
            var (completed, error) = Run(Fixed.Value, scenario);
            Assert.True(completed, scenario + " did not finish within " + Limit);
            Assert.Null(error);
        }

        [Fact]
        public void PreFixSeed000ReentersGroupLockOnTheFinalPut()
        {
            var (completed, error) = Run(PreFix.Value, "Seed000");
            Assert.True(!completed || error is not null, "the pre-fix close completed normally");
        }

        [Fact]
        public void PreFixSeed002Deadlocks()
        {
            // Its own copy of the model: the deadlocked threads keep the pre-fix kvm->lock and SRCU read section forever.
            var model = Build(seedBugs: true);
            var (completed, error) = Run(model, "Seed002Interleaved");
            Assert.False(completed, "the pre-fix event channel reset finished although the vcpu was inside its SRCU read section, about to take kvm->lock: " + (error?.Message ?? "no error"));
            Assert.Equal(
                "the reset holds kvm->lock and waits for SRCU readers; the vcpu, a reader, is about to take kvm->lock",
                model.GetType("SeedScenarios")!.GetField("Seed002Reached")!.GetValue(null));
        }

        private static (bool Completed, Exception? Error) Run(Assembly model, string scenario)
        {
            var method = model.GetType("SeedScenarios")!.GetMethod(scenario)!;
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    method.Invoke(null, null);
                }
                catch (TargetInvocationException e)
                {
                    error = e.InnerException;
                }
            })
            { IsBackground = true };
            thread.Start();
            return (thread.Join(Limit), error);
        }

        private static Assembly Build(bool seedBugs)
        {
            var model = KernelModelCompilation.Create(seedBugs);
            var scenarios = Path.Combine(KernelModelCompilation.RepoRoot(), "tests", "LockDiscipline.Tests", "KernelModel", "Scenarios", "SeedScenarios.cs");
            var compilation = model.AddSyntaxTrees(CSharpSyntaxTree.ParseText(File.ReadAllText(scenarios), (CSharpParseOptions)model.SyntaxTrees.First().Options, scenarios))
                .WithAssemblyName("KernelModelScenarios" + (seedBugs ? "PreFix" : "Fixed"));
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            image.Position = 0;
            return new AssemblyLoadContext("KernelModel" + seedBugs + Guid.NewGuid().ToString("N"), isCollectible: false).LoadFromStream(image);
        }
    }
}
