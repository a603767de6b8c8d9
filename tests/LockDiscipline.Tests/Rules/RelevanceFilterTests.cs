using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Tests.KernelModel;
using LockDiscipline.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace LockDiscipline.Tests.Rules
{
    /// <summary>
    /// The syntax pre-filter decides which bodies are bound. A member accessed on a receiver the syntax shows to be of a type
    /// declared outside the compilation (<c>StringBuilder sb; sb.Append(x)</c>) is not a call of a source member of that name, so
    /// it does not make the body relevant; wherever the syntax cannot tell, the name counts as before. The first tests pin which
    /// bodies are bound; the others check, through diagnostics, that calls the filter must keep are still followed.
    /// </summary>
    public class RelevanceFilterTests
    {
        private const string Locky = @"
public class Locky
{
    private readonly object _gate = new object();
    public void Append(int x) { lock (_gate) { } }
    public void Flush() { lock (_gate) { } }
}
";

        private static string[] RelevantMethods(bool typedReceivers, params string[] sources)
        {
            var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))).ToList();
            var filter = RelevanceFilter.FromScans(trees.Select(t => RelevanceFilter.ScanTree(t, CancellationToken.None)).ToList(), CancellationToken.None, typedReceivers: typedReceivers);
            return trees.SelectMany(t => t.GetRoot().DescendantNodes())
                .Where(filter.IsRelevant)
                .Select(Describe)
                .OrderBy(n => n, System.StringComparer.Ordinal)
                .ToArray();
        }

        private static string Describe(SyntaxNode body) => body switch
        {
            MethodDeclarationSyntax method => method.Identifier.ValueText,
            ConstructorDeclarationSyntax constructor => constructor.Identifier.ValueText + "()",
            AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax property } => property.Identifier.ValueText,
            ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Identifier.ValueText,
            _ => body.ToString(),
        };

        /// <summary>The bodies walked once the syntax pass's candidates are bound and filtered again (<see cref="BoundNames"/>).</summary>
        private static string[] WalkedAfterBinding(params string[] sources)
        {
            var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), $"File{i}.cs")).ToList();
            var compilation = CSharpCompilation.Create("Bound", trees, KernelModelCompilation.References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            var scans = trees.Select(t => RelevanceFilter.ScanTree(t, CancellationToken.None)).ToList();
            var candidates = RelevanceFilter.FromScans(scans, CancellationToken.None);
            var bindings = trees.Select((t, i) => TreeBinding.For(compilation, t, scans[i], candidates, earlier: null, CancellationToken.None)).ToList();
            var walked = candidates.WithBoundNames((i, body) => bindings[i].NamesOf(body), CancellationToken.None);
            return trees.SelectMany(t => t.GetRoot().DescendantNodes())
                .Where(walked.IsRelevant)
                .Select(Describe)
                .OrderBy(n => n, System.StringComparer.Ordinal)
                .ToArray();
        }

        private const string Lockful = @"
using System;
using System.Collections;
using System.Collections.Generic;
public class Lockful : IEnumerable<int>, IDisposable
{
    private readonly object _gate = new object();
    public int Count { get { lock (_gate) { return 0; } } }
    public IEnumerator<int> GetEnumerator() { lock (_gate) { } return new List<int>().GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public void Dispose() { lock (_gate) { } }
}
public static class Registry
{
    private static readonly object Gate = new object();
    static Registry() { lock (Gate) { } }
    public static int Size => 0;
}
public sealed class Turnstile { public TurnstileAwaiter GetAwaiter() => new TurnstileAwaiter(); }
public sealed class TurnstileAwaiter : System.Runtime.CompilerServices.INotifyCompletion
{
    private readonly object _gate = new object();
    public bool IsCompleted => true;
    public void GetResult() { lock (_gate) { } }
    public void OnCompleted(Action continuation) { }
}
";

        private const string LockfulUsers = @"
using System;
using System.Collections.Generic;
using System.IO;
public class User
{
    private static Dictionary<string, int> Map() => new Dictionary<string, int>();
    private static dynamic Loose(object o) => o;
    public int FrameworkCount() => Map().Count;
    public void FrameworkLoop(List<int> xs) { foreach (var x in xs) { } }
    public void FrameworkUsing() { using (var r = new StringReader("""")) { } }
    public int SourceCount(Lockful l) => l.Count;
    public void SourceLoop(Lockful l) { foreach (var x in l) { } }
    public void SourceUsing() { using var l = new Lockful(); }
    public void TypeParameter<T>(T item) where T : IDisposable { item.Dispose(); }
    public int Static() => Registry.Size;
    public int Dynamic(object o) => Loose(o).Count;
    public async System.Threading.Tasks.Task AwaitSource(Turnstile t) { await t; }
    public async System.Threading.Tasks.Task AwaitTask(System.Threading.Tasks.Task t) { await t; }
}
";

        [Fact]
        public void TheSyntaxPassKeepsFrameworkMembersThatShareASourceMembersName()
            => Assert.Equal(
                new[]
                {
                    "AwaitSource", "AwaitTask", "Count", "Dispose", "Dynamic", "FrameworkCount", "FrameworkLoop", "FrameworkUsing", "GetEnumerator",
                    "GetEnumerator", "GetResult", "Registry()", "SourceCount", "SourceLoop", "SourceUsing", "Static", "TypeParameter",
                },
                RelevantMethods(true, Lockful, LockfulUsers));

        [Fact]
        public void BoundBodiesReachingOnlyFrameworkMembersOfThoseNamesAreNotWalked()
            // A framework member on a framework receiver (a dictionary's Count, a list's enumerator, a reader's Dispose, a task's
            // awaiter) cannot run source code; a source receiver or awaiter, a type parameter, a static member (its type's static
            // constructor) and a dynamic access (binding cannot tell) keep the body.
            => Assert.Equal(
                new[]
                {
                    "AwaitSource", "Count", "Dispose", "Dynamic", "GetEnumerator", "GetEnumerator", "GetResult", "Registry()", "SourceCount",
                    "SourceLoop", "SourceUsing", "Static", "TypeParameter",
                },
                WalkedAfterBinding(Lockful, LockfulUsers));

        private const string OutsideReceivers = @"
using System.Text;
using Builder = System.Text.StringBuilder;
public class User
{
    private StringBuilder _field = new StringBuilder();
    private Locky _locky = new Locky();
    public void Parameter(StringBuilder sb) { sb.Append(1); }
    public void Created() { var b = new StringBuilder(); b.Append(1); }
    public void Field() { _field.Append(1); this._field.Append(2); }
    public void Conditional(StringBuilder? sb) { sb?.Append(1); }
    public void Literal() { ""text"".Append(1); }
    public void Aliased(Builder b) { b.Append(1); }
    public void Source(Locky l) { l.Append(1); }
    public void SourceField() { _locky.Flush(); }
}
public static class TextExtensions { public static void Append(this string s, int x) { } }
";

        [Fact]
        public void ANameOnAReceiverOfAnOutsideTypeDoesNotMakeItsBodyRelevant()
            // A using alias may name a source type, so a receiver typed with one counts as unknown.
            => Assert.Equal(new[] { "Aliased", "Append", "Flush", "Source", "SourceField" }, RelevantMethods(true, Locky, OutsideReceivers.Replace("public static class TextExtensions { public static void Append(this string s, int x) { } }", "")));

        [Fact]
        public void ASourceExtensionMethodOfThatNameKeepsEveryBodyNamingItRelevant()
            => Assert.Equal(
                new[] { "Aliased", "Append", "Append", "Conditional", "Created", "Field", "Flush", "Literal", "Parameter", "Source", "SourceField" },
                RelevantMethods(true, Locky, OutsideReceivers.Replace("{ } }", "{ new Locky().Append(x); } }")));

        [Fact]
        public void WithFrameworkDispatchOnEveryNameCountsWhateverItsReceiver()
            => Assert.Equal(
                new[] { "Aliased", "Append", "Conditional", "Created", "Field", "Flush", "Literal", "Parameter", "Source", "SourceField" },
                RelevantMethods(false, Locky, OutsideReceivers.Replace("public static class TextExtensions { public static void Append(this string s, int x) { } }", "")));

        [Fact]
        public void ReceiversTheSyntaxCannotTypeKeepTheirNames()
            => Assert.Equal(
                new[] { "Append", "Deconstructed", "Flush", "FromCall", "GenericLocal", "Inherited", "Setter", "Shadowed", "TypeParameter", "Untyped" },
                RelevantMethods(true, Locky, @"
using System;
using System.Collections.Generic;
using System.IO;
public class Base { protected Locky Inner = new Locky(); }
public class User<T> : Base where T : Locky
{
    private Locky w = new Locky();
    public void TypeParameter(T item) { item.Append(1); }
    public void Inherited() { Inner.Flush(); }
    public void FromCall() { var x = Make(); x.Flush(); }
    public void Untyped(List<Locky> all) { all.ForEach(x => x.Flush()); }
    public void GenericLocal() { void L<U>(U u) where U : Locky => u.Flush(); L(w); }
    public void Shadowed() { Action<TextWriter> f = w => w.Flush(); w.Flush(); }
    public void Deconstructed() { var (a, b) = (w, 1); a.Flush(); }
    public Locky Setter { set { value.Flush(); } }
    private static Locky Make() => new Locky();
    public void Framework(TextWriter writer) { writer.Flush(); }
}
"));

        private const string Order = "Lock-order inversion: 'C.B' is acquired while 'C.A' is held, but [LockOrder] declares 'C.B' outside 'C.A'";

        private static DiagnosticResult At(int line, int column, int endColumn, string chain)
            => Verify.Diagnostic("LD1001").WithSpan("File1.cs", line, column, line, endColumn).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations).WithMessage(Order + chain);

        [Fact]
        public Task AnExtensionMethodCalledOnAnOutsideReceiverIsFollowed()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public static class Ext { public static void Append(this System.Text.StringBuilder sb) { C.B.Lock(); C.B.Unlock(); } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Wrap(System.Text.StringBuilder sb) { sb.Append(); }
    void Hold(System.Text.StringBuilder sb) { A.Lock(); Wrap(sb); A.Unlock(); }
}
",
                },
                At(10, 57, 65, " (via Wrap -> Append -> C.B.Lock())"));

        [Fact]
        public Task AMemberInheritedFromAnotherDeclarationIsFollowedThroughIt()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Locky { public void Touch() { C.B.Lock(); C.B.Unlock(); } }
public class Base { protected Locky Inner = new Locky(); }
public class C : Base
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Wrap() { Inner.Touch(); }
    void Hold() { A.Lock(); Wrap(); A.Unlock(); }
}
",
                },
                At(11, 29, 35, " (via Wrap -> Touch -> C.B.Lock())"));

        [Fact]
        public Task AFieldShadowedByALambdaParameterOfAnOutsideTypeIsStillFollowed()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Locky { public void Flush() { C.B.Lock(); C.B.Unlock(); } }
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    private Locky w = new Locky();
    void Wrap() { System.Action<System.IO.TextWriter> f = w => w.Flush(); w.Flush(); }
    void Hold() { A.Lock(); Wrap(); A.Unlock(); }
}
",
                },
                At(11, 29, 35, " (via Wrap -> Flush -> C.B.Lock())"));
    
        [Fact]
        public Task ASourceCollectionsEnumeratorIsStillFollowedOnceBodiesAreBoundAndAListsIsNot()
            => Verify.AnalyzerAsync(
                new[]
                {
                    Prelude.Primitives,
                    @"using LockDiscipline;
using Prims;
using System.Collections;
using System.Collections.Generic;
[assembly: LockOrder(""C.B"", ""C.A"")]
public class Bag : IEnumerable<int>
{
    public IEnumerator<int> GetEnumerator() { C.B.Lock(); C.B.Unlock(); return new List<int>().GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
public class C
{
    public static Mutex A = new Mutex();
    public static Mutex B = new Mutex();
    void Wrap(Bag bag) { foreach (var x in bag) { } }
    void Framework(List<int> xs) { foreach (var x in xs) { } }
    void Hold(Bag bag, List<int> xs) { A.Lock(); Wrap(bag); Framework(xs); A.Unlock(); }
}
",
                },
                At(17, 50, 59, " (via Wrap -> GetEnumerator -> C.B.Lock())"));

        private const string Caller = @"
public class Caller
{
    private int _count;
    public void Log(Locky l) { l.Append(1); }
    public void Count() { _count++; }
}
";

        /// <summary>
        /// The first pass over <paramref name="after"/> (the second tree of <see cref="Locky"/> and <see cref="Caller"/> edited), as
        /// taken over from the pass over <see cref="Caller"/>, or null when it is not; with the bodies a fresh pass keeps.
        /// </summary>
        private static (string[]? TakenOver, string[] Fresh) FirstPassAfterEdit(string after)
        {
            var locky = CSharpSyntaxTree.ParseText(Locky, new CSharpParseOptions(LanguageVersion.Latest), "Locky.cs");
            var before = CSharpSyntaxTree.ParseText(Caller, new CSharpParseOptions(LanguageVersion.Latest), "Caller.cs");
            var edited = before.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(after));
            var earlierScans = new[] { RelevanceFilter.ScanTree(locky, CancellationToken.None), RelevanceFilter.ScanTree(before, CancellationToken.None) };
            var scans = new[] { earlierScans[0], RelevanceFilter.ScanTree(edited, CancellationToken.None) };
            var earlier = RelevanceFilter.FromScans(earlierScans, CancellationToken.None);
            var takenOver = earlier.TakeOver(scans, new[] { null, earlierScans[1] }, null, null, null);
            string[] Relevant(RelevanceFilter filter) => new[] { locky, edited }.SelectMany(t => t.GetRoot().DescendantNodes())
                .Where(filter.IsRelevant).Select(Describe).OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
            return (takenOver is null ? null : Relevant(takenOver), Relevant(RelevanceFilter.FromScans(scans, CancellationToken.None)));
        }

        [Fact]
        public void AnEditInsideABodyThatNamesNothingNewTakesTheEarlierPassOver()
        {
            var (takenOver, fresh) = FirstPassAfterEdit(Caller.Replace("_count++;", "_count += 2; var unrelated = _count;"));
            Assert.Equal(new[] { "Append", "Flush", "Log" }, takenOver);
            Assert.Equal(fresh, takenOver);
        }

        [Fact]
        public void AnEditThatNamesALockingMemberIsNotTakenOver()
        {
            var (takenOver, fresh) = FirstPassAfterEdit(Caller.Replace("public void Count() { _count++; }", "public void Count(Locky l) { _count++; l.Flush(); }"));
            Assert.Null(takenOver);
            Assert.Equal(new[] { "Append", "Count", "Flush", "Log" }, fresh);
        }

        [Fact]
        public void AnEditThatDropsTheOnlyLockingCallIsNotTakenOver()
        {
            var (takenOver, fresh) = FirstPassAfterEdit(Caller.Replace("l.Append(1);", "_count--;"));
            Assert.Null(takenOver);
            Assert.Equal(new[] { "Append", "Flush" }, fresh);
        }
    }
}
