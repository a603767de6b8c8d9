using System;
using System.IO;
using System.Linq;
using LockDiscipline.Tests.KernelModel;
using Xunit;

namespace LockDiscipline.Tests.Graph
{
    /// <summary>The graph tool on the KernelModel: the seed 004 cycle and the seed 002 inversions are red; the fixed model has no red edge.</summary>
    public sealed class LockGraphTests : IDisposable
    {
        private readonly string _work = Path.Combine(Path.GetTempPath(), "ld-graph-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void SeedBugsGraphDrawsTheCycleAndInversionsInRed()
        {
            var dot = WriteGraph(seedBugs: true);
            Assert.StartsWith("digraph \"LockDiscipline.KernelModel\" {", dot);
            Assert.Contains("\"Kvm.Lock\" -> \"KvmVcpu.Mutex\" [style=dashed, color=blue, label=\"declared\"];", dot);
            Assert.Contains(dot.Split('\n'), l => l.StartsWith("  \"MatrixDev.Lock\" -> \"Kvm.Lock\" [label=\"VfioApOps.cs:129 in VfioApMdevUnsetKvm", StringComparison.Ordinal) && l.Contains("color=red"));
            Assert.Contains(dot.Split('\n'), l => l.StartsWith("  \"KvmVcpu.Mutex\" -> \"MatrixDev.Lock\"", StringComparison.Ordinal) && l.Contains("color=red"));
            Assert.Contains(dot.Split('\n'), l => l.StartsWith("  \"Kvm.Lock\" -> \"Kvm.Srcu\"", StringComparison.Ordinal) && l.Contains("(waits)") && l.Contains("color=red"));
        }

        [Fact]
        public void FixedModelGraphHasNoRedEdge()
        {
            var dot = WriteGraph(seedBugs: false);
            Assert.Contains("\"Kvm.Lock\" -> \"KvmVcpu.Mutex\" [style=dashed, color=blue, label=\"declared\"];", dot);
            Assert.DoesNotContain("color=red", dot);
            Assert.Contains(" -> ", dot.Replace("[style=dashed", string.Empty));
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private string WriteGraph(bool seedBugs)
        {
            Directory.CreateDirectory(_work);
            var compilation = KernelModelCompilation.Create(seedBugs);
            var root = Path.Combine(KernelModelCompilation.RepoRoot(), "src", "KernelModel");
            var lines = compilation.SyntaxTrees.Select(t => "source:" + Path.Combine(root, t.FilePath))
                .Concat(compilation.References.OfType<Microsoft.CodeAnalysis.PortableExecutableReference>().Select(r => "reference:" + r.FilePath))
                .Append("define:" + (seedBugs ? "SEED_BUGS" : string.Empty))
                .Append("name:LockDiscipline.KernelModel");
            var inputs = Path.Combine(_work, "inputs.txt");
            File.WriteAllLines(inputs, lines);
            var output = Path.Combine(_work, "graph.dot");
            Assert.Equal(0, LockDiscipline.GraphTool.Program.Main(new[] { inputs, output }));
            return File.ReadAllText(output);
        }
    }
}
