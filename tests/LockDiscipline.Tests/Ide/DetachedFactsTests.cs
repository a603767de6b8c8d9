using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using LockDiscipline.Analyzers;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Rules;
using LockDiscipline.Tests.KernelModel;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// Facts carried to a later compilation are detached (every symbol written as its identity) and attached in that compilation's
    /// symbols only when the link step needs them. A detached tree that still held a source symbol would keep its compilation
    /// alive; an attached one that held a symbol of another compilation would match nothing the link step looks up (an
    /// interface call would reach no implementation), a silent loss no fingerprint shows, since both print the same.
    /// </summary>
    public class DetachedFactsTests
    {
        [Fact]
        public void CarriedOverFactsHoldNoSymbolOfTheirCompilation()
        {
            var compilation = KernelModelCompilation.Create(seedBugs: true);
            CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
            var trees = Lineage.Find(compilation)!.Trees;

            var attachedSourceSymbols = trees.SelectMany(t => SymbolsIn(t)).Count(s => IsSourceSymbolOf(s, compilation));
            Assert.True(attachedSourceSymbols > 500, attachedSourceSymbols + " source symbols in the attached facts: the search finds them");
            foreach (var tree in trees)
            {
                var carried = tree.CarryOver(compilation.Assembly, tree.Reads);
                Assert.True(carried is not null, tree.Tree.FilePath + " could not be detached");
                Assert.False(carried!.IsAttached);
                var kept = SymbolsIn(carried).Where(s => s.Locations.Any(l => l.IsInSource) || s.ContainingAssembly is null || SymbolEqualityComparer.Default.Equals(s.ContainingAssembly, compilation.Assembly)).ToList();
                Assert.True(kept.Count == 0, tree.Tree.FilePath + " keeps " + string.Join(", ", kept.Take(5).Select(s => s.Kind + " " + s.ToDisplayString())));
            }
        }

        [Fact]
        public void FactsAttachedInALaterCompilationAreItsOwnAndWhatAFreshWalkGives()
        {
            var before = KernelModelCompilation.Create(seedBugs: true);
            CompilationAnalysis.Run(before, AnalyzerSettings.Default, CancellationToken.None);
            var edited = before.SyntaxTrees.First(t => t.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Any(m => m.Body is not null));
            var body = edited.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Body is not null).Body!;
            var after = before.ReplaceSyntaxTree(edited, edited.WithChangedText(edited.GetText().Replace(body.OpenBraceToken.Span.End, 0, " _ = 1;")));
            var analysis = CompilationAnalysis.Run(after, AnalyzerSettings.Default, CancellationToken.None);
            Assert.True(analysis.Reused > 10, analysis.Reused + " trees carried over");

            var fresh = after.RemoveAllSyntaxTrees().AddSyntaxTrees(after.SyntaxTrees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), (CSharpParseOptions)t.Options, t.FilePath)));
            CompilationAnalysis.Run(fresh, AnalyzerSettings.Default, CancellationToken.None);
            var freshTrees = Lineage.Find(fresh)!.Trees.ToDictionary(t => t.Tree.FilePath);
            var resolver = new SymbolResolver(after, Array.Empty<Lineage.Edit>(), CancellationToken.None);
            foreach (var carried in Lineage.Find(after)!.Trees.Where(t => t.Reused))
            {
                var attached = carried.Attach(resolver);
                Assert.True(attached is not null, carried.Tree.FilePath + " could not be attached");
                var foreign = SymbolsIn(attached!).Where(s => s.Locations.Any(l => l.IsInSource) && !SymbolEqualityComparer.Default.Equals(s.ContainingAssembly, after.Assembly)).ToList();
                Assert.True(foreign.Count == 0, carried.Tree.FilePath + " names symbols of another compilation: " + string.Join(", ", foreign.Take(5).Select(s => s.ToDisplayString())));
                Assert.Equal(Fingerprint(freshTrees[carried.Tree.FilePath]), Fingerprint(attached!));
            }
        }

        [Fact]
        public void TuplesAndTheMarkersOfAsyncCodeCarryOver()
        {
            // A call on a list of named tuples, and an async body whose facts key conditions by marker objects: both were taken
            // for what cannot outlive a compilation, so such trees (most of Npgsql's) were walked again after every edit.
            var compilation = IncrementalTests.Compile(("Pool.cs", @"using System.Collections.Generic;
using System.Threading.Tasks;
public sealed class Pool
{
    private readonly object _gate = new object();
    private readonly List<(int Id, Pool Owner)> _items = new List<(int Id, Pool Owner)>();
    public void Add(int id) { lock (_gate) { _items.Add((id, this)); } }
    public async Task RunAsync(Task other, bool first)
    {
        if (first) { await other; }
        lock (_gate) { Add(1); }
        await other;
        lock (_gate) { _items.Clear(); }
    }
}
"));
            CompilationAnalysis.Run(compilation, AnalyzerSettings.Default, CancellationToken.None);
            var tree = Lineage.Find(compilation)!.Trees.Single();
            Assert.Contains(tree.Facts.Values.SelectMany(f => f.Calls), c => c.Target.ContainingType.TypeArguments.Any(a => a.IsTupleType));

            var carried = tree.CarryOver(compilation.Assembly, tree.Reads);
            Assert.NotNull(carried);
            var attached = carried!.Attach(new SymbolResolver(compilation, Array.Empty<Lineage.Edit>(), CancellationToken.None));
            Assert.NotNull(attached);
            Assert.Equal(Fingerprint(tree), Fingerprint(attached!));
        }

        private static string Fingerprint(TreeFacts facts) => FactsFingerprint.Of(facts).Render(l => l.SourceTree?.FilePath + l.SourceSpan);

        private static bool IsSourceSymbolOf(ISymbol symbol, Compilation compilation)
            => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, compilation.Assembly);

        /// <summary>
        /// Every symbol reachable through the fields of <paramref name="root"/>, its collections and our objects, without looking
        /// inside Roslyn's objects (a location, a syntax node) or through weak references.
        /// </summary>
        private static IEnumerable<ISymbol> SymbolsIn(object root)
        {
            var seen = new HashSet<object>(ReferenceEqualityComparer.Instance) { root };
            var pending = new Stack<object>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                var value = pending.Pop();
                if (value is ISymbol symbol)
                {
                    yield return symbol;
                    continue;
                }

                var type = value.GetType();
                if (value is string or Type or Delegate or WeakReference || type.IsPrimitive || type.IsEnum || type.IsPointer
                    || type.Assembly.GetName().Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                    || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(WeakReference<>)))
                {
                    continue;
                }

                IEnumerable<object?> inner = value is Array array
                    ? array.Cast<object?>()
                    : FieldsOf(type).Where(f => !f.FieldType.IsPointer && f.FieldType != typeof(IntPtr)).Select(f => f.GetValue(value));
                foreach (var item in inner)
                {
                    if (item is not null && seen.Add(item))
                    {
                        pending.Push(item);
                    }
                }
            }
        }

        private static IEnumerable<FieldInfo> FieldsOf(Type type)
        {
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    yield return field;
                }
            }
        }
    }
}
