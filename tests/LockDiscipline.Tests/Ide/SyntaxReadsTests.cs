using System.Collections.Concurrent;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>What <see cref="SyntaxReads"/> records: a cached value keeps every read that made it, so each later hit counts them.</summary>
    public class SyntaxReadsTests
    {
        [Fact]
        public void ACachedValueKeepsAReadItsCallerHadAlreadyMade()
        {
            var tree = CSharpSyntaxTree.ParseText("public sealed class Gate { private object _gate = new object(); }", path: "Gate.cs");
            var gate = CSharpCompilation.Create("Reads", new[] { tree }).GetTypeByMetadataName("Gate")!.DeclaringSyntaxReferences.Single();
            var cache = new ConcurrentDictionary<int, SyntaxReads.Tracked<int>>();

            using (SyntaxReads.Record())
            {
                SyntaxReads.Syntax(gate);

                // The same read again, now made by a computation whose value is cached: another walk that hits the cache depends on it.
                SyntaxReads.Memo(cache, 1, _ => SyntaxReads.Syntax(gate).Span.Length);
            }

            Assert.Equal(new[] { gate.Span }, cache[1].Reads.Select(r => r.Span));
            using var later = SyntaxReads.Record();
            SyntaxReads.Memo(cache, 1, _ => 0);
            Assert.Equal(new[] { gate.Span }, later.Reads.Select(r => r.Span));
        }
    }
}
