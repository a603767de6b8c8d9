using System;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LockDiscipline.Tests.Ide
{
    /// <summary>
    /// When an edit of a tree leaves standing what another tree's walk read in it (<see cref="PathRead"/>): a read of a span
    /// stands while no change touches it and moves with the text before it; a search of a type (here for stores into a member)
    /// stands while the members the edit changed have nothing it looks for, before and after.
    /// </summary>
    public class PathReadTests
    {
        private const string Before = @"public sealed class Gate
{
    private object _gate;
    public void Other() { }
    public Gate() { _gate = new object(); }
}
";

        [Fact]
        public void AReadStandsWhileNoChangeTouchesItAndMovesWithTheTextBeforeIt()
        {
            var (before, after, changes) = Edited(Before.Replace("public void Other() { }", "public void Other() { var x = 1; }", StringComparison.Ordinal));
            var constructor = new PathRead("Gate.cs", SpanOf(before, "public Gate()", "}\n}"));
            var other = new PathRead("Gate.cs", SpanOf(before, "public void Other()", "{ }"));

            Assert.False(constructor.TouchedBy(changes, before, after, CancellationToken.None));
            Assert.Equal(SpanOf(after, "public Gate()", "}\n}"), constructor.MovedBy(changes).Span);
            Assert.True(other.TouchedBy(changes, before, after, CancellationToken.None));
        }

        [Fact]
        public void ASearchStandsWhileTheEditedMembersHaveNothingItLooksFor()
        {
            var type = new[] { "public sealed class Gate", "}\n}" };
            var search = LockDiscipline.Analyzers.Model.AssignedMember.StoresTo("_gate");

            var (before, after, changes) = Edited(Before.Replace("public void Other() { }", "public void Other() { var x = 1; }", StringComparison.Ordinal));
            Assert.False(new PathRead("Gate.cs", SpanOf(before, type[0], type[1]), search).TouchedBy(changes, before, after, CancellationToken.None));

            // The search stands, and its span takes in what the edit added.
            Assert.Equal(SpanOf(after, type[0], type[1]), new PathRead("Gate.cs", SpanOf(before, type[0], type[1]), search).MovedBy(changes).Span);

            // Reading the member is not storing into it.
            (before, after, changes) = Edited(Before.Replace("public void Other() { }", "public void Other() { lock (_gate) { } }", StringComparison.Ordinal));
            Assert.False(new PathRead("Gate.cs", SpanOf(before, type[0], type[1]), search).TouchedBy(changes, before, after, CancellationToken.None));

            (before, after, changes) = Edited(Before.Replace("public void Other() { }", "public void Other() { _gate = this; }", StringComparison.Ordinal));
            Assert.True(new PathRead("Gate.cs", SpanOf(before, type[0], type[1]), search).TouchedBy(changes, before, after, CancellationToken.None));

            (before, after, changes) = Edited(Before.Replace("_gate = new object();", "_gate = new object(); _ = 1;", StringComparison.Ordinal));
            Assert.True(new PathRead("Gate.cs", SpanOf(before, type[0], type[1]), search).TouchedBy(changes, before, after, CancellationToken.None));

            // A plain read of the whole type is touched by any edit inside it.
            (before, after, changes) = Edited(Before.Replace("public void Other() { }", "public void Other() { var x = 1; }", StringComparison.Ordinal));
            Assert.True(new PathRead("Gate.cs", SpanOf(before, type[0], type[1])).TouchedBy(changes, before, after, CancellationToken.None));
        }

        private static (SyntaxTree Before, SyntaxTree After, TextChangeRange[] Changes) Edited(string text)
        {
            var before = CSharpSyntaxTree.ParseText(Before, path: "Gate.cs");
            var after = before.WithChangedText(SourceText.From(text));
            var changes = after.GetChanges(before).Select(c => new TextChangeRange(c.Span, c.NewText?.Length ?? 0)).ToArray();
            Assert.NotEmpty(changes);
            return (before, after, changes);
        }

        private static TextSpan SpanOf(SyntaxTree tree, string start, string end)
        {
            var text = tree.GetText().ToString();
            var from = text.IndexOf(start, StringComparison.Ordinal);
            var to = text.IndexOf(end, from, StringComparison.Ordinal) + end.Length;
            return TextSpan.FromBounds(from, to);
        }
    }
}
