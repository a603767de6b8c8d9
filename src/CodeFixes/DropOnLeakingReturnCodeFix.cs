using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD2001: drop the reference on the early return it leaks through (seed 001's missing <c>vfio_group_put</c>), with the
    /// <c>[DropsRef]</c> method of the reference's type. Offered only when the analyzer named that return and the variable.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DropOnLeakingReturnCodeFix)), Shared]
    public sealed class DropOnLeakingReturnCodeFix : DiagnosticCodeFix
    {
        public const string EquivalenceKey = "LD2001.DropOnLeakingReturn";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD2001");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is { } plan)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Drop the reference in '{plan.Holder}' before this return",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root, plan))),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static SyntaxNode Apply(SyntaxNode root, (ReturnStatementSyntax Return, string Holder, StatementSyntax Drop) plan)
        {
            if (plan.Return.Parent is BlockSyntax)
            {
                var drop = plan.Drop.WithLeadingTrivia(plan.Return.GetLeadingTrivia()).WithTrailingTrivia(NewLineOf(root));
                return root.InsertNodesBefore(plan.Return, new[] { drop });
            }

            // An embedded `return;` (as in `if (fail) return;`) becomes a block laid out in the surrounding style.
            var outer = plan.Return.Parent?.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).ToString() ?? string.Empty;
            var inner = outer + "    ";
            var newLine = NewLineOf(root);
            var block = SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(outer)).WithTrailingTrivia(newLine),
                    SyntaxFactory.List(new[]
                    {
                        plan.Drop.WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine),
                        plan.Return.WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine),
                    }),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(outer)))
                .WithTrailingTrivia(plan.Return.GetTrailingTrivia());
            return root.ReplaceNode(plan.Return, block);
        }

        /// <summary>The document's own line ending, so the inserted lines match it.</summary>
        private static SyntaxTrivia NewLineOf(SyntaxNode root)
            => root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } existing ? existing : SyntaxFactory.ElasticCarriageReturnLineFeed;

        private static (ReturnStatementSyntax Return, string Holder, StatementSyntax Drop)? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (FixProperties.ParseSpan(diagnostic.Properties, LeakFixProperties.ReturnAt) is not { } at
                || !diagnostic.Properties.TryGetValue(LeakFixProperties.Holder, out var holder) || holder is null
                || root.FindNode(at) is not ReturnStatementSyntax returnStatement)
            {
                return null;
            }

            var variable = model.LookupSymbols(returnStatement.SpanStart, name: holder).FirstOrDefault(s => s is ILocalSymbol or IParameterSymbol);
            var type = variable switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                _ => null,
            };
            if (type is null)
            {
                return null;
            }

            // The type's own put: an instance [DropsRef] method with no parameter, or a static one that takes the reference first.
            foreach (var method in AllMethods(type).Where(RefCounting.IsPut))
            {
                if (!method.IsStatic && method.Parameters.Length == 0)
                {
                    var call = type.IsReferenceType ? $"{holder}?.{method.Name}();" : $"{holder}.{method.Name}();";
                    return (returnStatement, holder, SyntaxFactory.ParseStatement(call));
                }

                if (method.IsStatic && method.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type.OriginalDefinition, type.OriginalDefinition))
                {
                    var owner = method.ContainingType.ToMinimalDisplayString(model, returnStatement.SpanStart);
                    var call = type.IsReferenceType ? $"if ({holder} != null) {{ {owner}.{method.Name}({holder}); }}" : $"{owner}.{method.Name}({holder});";
                    return (returnStatement, holder, SyntaxFactory.ParseStatement(call));
                }
            }

            return null;
        }

        private static System.Collections.Generic.IEnumerable<IMethodSymbol> AllMethods(ITypeSymbol type)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var method in t.GetMembers().OfType<IMethodSymbol>())
                {
                    yield return method;
                }
            }
        }
    }
}
