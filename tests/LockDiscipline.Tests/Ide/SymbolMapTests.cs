using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// Facts carried over name symbols by identity, found again in a later compilation (<see cref="SymbolMap"/> is the two steps
    /// in one), so a symbol mapped to the wrong counterpart (another overload, another instantiation) would be a wrong finding. Every symbol a body can mention must map to the one declared at
    /// the same place, or to nothing (then the tree is walked again).
    /// </summary>
    public class SymbolMapTests
    {
        private const string Source = @"using System;
using System.Collections.Generic;
namespace N
{
    public interface IRun<T> { void Run(T value); }
    public partial class Box<T> : IRun<T> where T : class
    {
        public class Inner<U> { public U Value = default!; public void Put(U u, T t) { } }
        public T? Held;
        public event Action? Changed;
        public int this[int i] => i;
        public int this[string s] => s.Length;
        public static Box<T> operator +(Box<T> a, Box<T> b) => a;
        public void Run(T value) { }
        void IRun<T>.Run(T value) { }
        public void Over(int a) { }
        public void Over(ref int a) { }
        public void Over(string a) { }
        public void Over<V>(V a) { }
        public void Over<V, W>(V a, W b) { }
        public void Params(params object[] rest) { }
        partial void Hook(int n);
        partial void Hook(int n) { }
        public Box() { }
        public Box(T item) { Held = item; }
        static Box() { }
        ~Box() { }
        public static implicit operator string(Box<T> b) => """";
    }
    public static class Extensions { public static int Twice(this int x) => x * 2; }
    public sealed class Plain { public static int Count = 1; }
    public sealed class User
    {
        private readonly object _gate = new object();
        public void Use(Box<string> box, List<Box<string>.Inner<int>> inners)
        {
            Func<int, int> twice = x => x.Twice();
            int Local(int y) => y + 1;
            lock (_gate)
            {
                var total = twice(Local(1)) + box[0] + box[""a""];
                box.Over(1); box.Over(ref total); box.Over(""s""); box.Over<long>(2L); box.Over(1, 'c');
                box.Run(""r""); ((IRun<string>)box).Run(""r""); box.Params(1, 2);
                foreach (var inner in inners) { inner.Put(total, ""t""); total += inner.Value; }
                box.Held = box.Held; box.Changed += () => { };
                var sum = box + box; string text = box;
                var numbers = new List<int> { total }; using var e = numbers.GetEnumerator();
                var plain = new Plain(); total += Plain.Count;
            }
        }
    }
}
";

        /// <summary>Every symbol Source.cs declares, names, or gives a type to (with the parameters and types of what it calls).</summary>
        private static HashSet<ISymbol> Mentioned(Compilation before)
        {
            var tree = before.SyntaxTrees.Single(t => t.FilePath == "Source.cs");
            var model = before.GetSemanticModel(tree);
            var mentioned = new HashSet<ISymbol>(SymbolEqualityComparer.IncludeNullability);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (model.GetDeclaredSymbol(node) is { } declared)
                {
                    mentioned.Add(declared);
                }

                if (node is ExpressionSyntax && model.GetSymbolInfo(node).Symbol is { } referenced)
                {
                    mentioned.Add(referenced);
                    if (referenced is IMethodSymbol method)
                    {
                        mentioned.UnionWith(method.Parameters);
                        mentioned.Add(method.ContainingType);
                    }
                }

                if (node is ExpressionSyntax && model.GetTypeInfo(node).Type is { } type)
                {
                    mentioned.Add(type);
                }
            }

            return mentioned;
        }

        private static CSharpCompilation Before()
        {
            var before = CSharpCompilation.Create(
                "Map",
                new[] { CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.Latest), "Source.cs"), CSharpSyntaxTree.ParseText("class Other { }", new CSharpParseOptions(LanguageVersion.Latest), "Other.cs") },
                KernelModel.KernelModelCompilation.References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            Assert.Empty(before.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            return before;
        }

        [Fact]
        public void SymbolsDeclaredInAnEditedTreeMapToTheOnesTheEditMoved()
        {
            // A statement added at the start of a body: every declaration after it moves, none changes.
            var before = Before();
            var tree = before.SyntaxTrees.Single(t => t.FilePath == "Source.cs");
            var body = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == "Use").Body!;
            var text = tree.GetText();
            var edited = tree.WithChangedText(text.WithChanges(new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(body.OpenBraceToken.Span.End, 0), " int pad = 0; pad++;")));
            var after = before.ReplaceSyntaxTree(tree, edited);
            var edit = new Lineage.Edit(tree, edited, edited.GetChanges(tree).Select(c => new Microsoft.CodeAnalysis.Text.TextChangeRange(c.Span, c.NewText?.Length ?? 0)).ToList());
            var map = new SymbolMap(before, after, CancellationToken.None, new[] { edit });

            var unmapped = new List<string>();
            var declaredHere = Mentioned(before).Where(s => s.Kind is not (SymbolKind.Namespace or SymbolKind.Alias or SymbolKind.Discard) && s.Locations.Any(l => l.SourceTree == tree)).ToList();
            foreach (var symbol in declaredHere)
            {
                if (map.Map(symbol) is not { } mapped)
                {
                    unmapped.Add(symbol.Kind + " " + symbol.ToDisplayString());
                    continue;
                }

                Assert.Equal(symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), mapped.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                Assert.Equal(
                    symbol.Locations.Where(l => l.SourceTree == tree).Select(l => edit.Moved(l.SourceSpan)),
                    mapped.Locations.Where(l => l.SourceTree == edited).Select(l => (Microsoft.CodeAnalysis.Text.TextSpan?)l.SourceSpan));
                Assert.True(SymbolEqualityComparer.Default.Equals(mapped.ContainingAssembly, after.Assembly), "a source symbol of the earlier compilation was kept: " + symbol);
            }

            // What is declared inside the edited body (its lambda and local function, their parameters, its locals) is found again
            // only by walking it, as the edited tree always is.
            Assert.True(unmapped.All(u => u.StartsWith("Local ", StringComparison.Ordinal) || u.Contains("lambda", StringComparison.Ordinal) || u.Contains("Local(", StringComparison.Ordinal) || u.StartsWith("Parameter ", StringComparison.Ordinal)), "unmapped: " + string.Join("; ", unmapped));
            Assert.True(declaredHere.Count - unmapped.Count > 60, declaredHere.Count + " declared, " + unmapped.Count + " unmapped");
            Assert.Contains(declaredHere, s => s is IMethodSymbol { MethodKind: MethodKind.Constructor, IsImplicitlyDeclared: true, ContainingType.Name: "Plain" });
        }

        [Fact]
        public void EverySymbolABodyMentionsMapsToTheOneDeclaredAtTheSamePlace()
        {
            var before = Before();
            var other = before.SyntaxTrees.Single(t => t.FilePath == "Other.cs");
            var after = before.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int _x; }", (CSharpParseOptions)other.Options, "Other.cs"));
            var map = new SymbolMap(before, after, CancellationToken.None);

            var mentioned = Mentioned(before);
            var unmapped = new List<string>();
            foreach (var symbol in mentioned.Where(s => s.Kind is not (SymbolKind.Namespace or SymbolKind.Alias or SymbolKind.Discard)))
            {
                var mapped = map.Map(symbol);
                if (mapped is null)
                {
                    unmapped.Add(symbol.Kind + " " + symbol.ToDisplayString());
                    continue;
                }

                Assert.Equal(symbol.Kind, mapped.Kind);
                Assert.Equal(symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), mapped.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                Assert.Equal(
                    symbol.Locations.Where(l => l.IsInSource).Select(l => (l.SourceTree!.FilePath, l.SourceSpan)),
                    mapped.Locations.Where(l => l.IsInSource).Select(l => (l.SourceTree!.FilePath, l.SourceSpan)));
                if (!SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, before.Assembly))
                {
                    continue;
                }

                Assert.True(SymbolEqualityComparer.Default.Equals(mapped.ContainingAssembly, after.Assembly), "a source symbol of the earlier compilation was kept: " + symbol);
            }

            // Only what has no name outside its own compilation may stay unmapped.
            Assert.True(unmapped.Count == 0, "unmapped: " + string.Join("; ", unmapped));
            Assert.True(mentioned.Count > 80, mentioned.Count + " symbols");
        }
    }
}
