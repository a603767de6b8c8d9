using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD2004, the upstream fix of seed 000: keep the object in a local while the lock is held and make the drop after the release.
    /// Offered only when the release is a later statement of the block that acquired the lock and the drop is not inside a loop there.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MoveDropAfterReleaseCodeFix)), Shared]
    public sealed class MoveDropAfterReleaseCodeFix : DiagnosticCodeFix
    {
        public const string EquivalenceKey = "LD2004.MoveDropAfterRelease";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD2004");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Drop the reference after releasing the lock",
                        ct => ApplyAsync(context.Document, diagnostic, ct),
                        EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (await ReadAsync(document, cancellationToken).ConfigureAwait(false) is not var (root, model)
                || Plan(root, model, diagnostic, cancellationToken) is not { } plan)
            {
                return document;
            }

            var name = UniqueName(model, plan.Acquire.SpanStart, plan.Target);
            var nullable = model.GetNullableContext(plan.Acquire.SpanStart).AnnotationsEnabled() && plan.Type.IsReferenceType;
            var typeName = plan.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToMinimalDisplayString(model, plan.Acquire.SpanStart) + (nullable ? "?" : string.Empty);

            var declaration = SyntaxFactory.ParseStatement($"{typeName} {name} = null;")
                .WithLeadingTrivia(plan.Acquire.GetLeadingTrivia()).WithTrailingTrivia(plan.Acquire.GetTrailingTrivia());
            var stash = SyntaxFactory.ParseStatement($"{name} = {plan.Target};").WithTriviaFrom(plan.Drop);
            var call = plan.Call.ToString();
            var replacedCall = plan.IsStatic
                ? call.Replace(plan.Target.ToString(), name)
                : name + "?." + (plan.Call.Expression is MemberAccessExpressionSyntax access ? access.Name + plan.Call.ArgumentList.ToString() : plan.Call.ToString().TrimStart('.'));
            var put = SyntaxFactory.ParseStatement(plan.IsStatic ? $"if ({name} != null) {{ {replacedCall}; }}" : $"{replacedCall};")
                .WithLeadingTrivia(plan.Release.GetLeadingTrivia()).WithTrailingTrivia(plan.Release.GetTrailingTrivia());

            var editor = await Microsoft.CodeAnalysis.Editing.DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            editor.InsertBefore(plan.Acquire, declaration);
            editor.ReplaceNode(plan.Drop, stash);
            editor.InsertAfter(plan.Release, put);
            return editor.GetChangedDocument();
        }

        private sealed class FixPlan
        {
            public FixPlan(ExpressionStatementSyntax acquire, ExpressionStatementSyntax release, ExpressionStatementSyntax drop, InvocationExpressionSyntax call, ExpressionSyntax target, ITypeSymbol type, bool isStatic)
            {
                Acquire = acquire;
                Release = release;
                Drop = drop;
                Call = call;
                Target = target;
                Type = type;
                IsStatic = isStatic;
            }

            public ExpressionStatementSyntax Acquire { get; }

            public ExpressionStatementSyntax Release { get; }

            public ExpressionStatementSyntax Drop { get; }

            public InvocationExpressionSyntax Call { get; }

            public ExpressionSyntax Target { get; }

            public ITypeSymbol Type { get; }

            public bool IsStatic { get; }
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (FixProperties.ParseHeldAt(diagnostic.Properties) is not { } heldAt
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call
                || root.FindNode(heldAt, getInnermostNodeForTie: true) is not InvocationExpressionSyntax acquireCall
                || LockStatements.StatementOf(call) is not { } drop
                || LockStatements.StatementOf(acquireCall) is not { Parent: BlockSyntax block } acquire
                || LockStatements.LockExpressionText(acquireCall, model) is not { } lockText
                || LockStatements.FindRelease(block, acquire, lockText, model) is not { } release
                || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            // The drop must sit between the acquisition and the release, and run at most once there.
            if (drop.SpanStart < acquire.Span.End || drop.Span.End > release.SpanStart
                || drop.Ancestors().TakeWhile(a => a != block).Any(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or LambdaExpressionSyntax))
            {
                return null;
            }

            ExpressionSyntax? target;
            if (method.IsStatic)
            {
                var dropsRef = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "DropsRefAttribute");
                var parameterName = dropsRef?.ConstructorArguments.FirstOrDefault().Value as string;
                var parameter = parameterName is null ? method.Parameters.FirstOrDefault() : method.Parameters.FirstOrDefault(p => p.Name == parameterName);
                target = parameter is null ? null : call.ArgumentList.Arguments.ElementAtOrDefault(parameter.Ordinal)?.Expression;
            }
            else
            {
                target = call.Expression switch
                {
                    MemberAccessExpressionSyntax access => access.Expression,
                    MemberBindingExpressionSyntax => (call.Parent as ConditionalAccessExpressionSyntax)?.Expression,
                    _ => null,
                };
            }

            if (target is null || model.GetTypeInfo(target, cancellationToken).Type is not { } type)
            {
                return null;
            }

            return new FixPlan(acquire, release, drop, call, target, type, method.IsStatic);
        }

        private static string UniqueName(SemanticModel model, int position, ExpressionSyntax target)
        {
            var baseName = (target is IdentifierNameSyntax id ? id.Identifier.ValueText : target is MemberAccessExpressionSyntax m ? m.Name.Identifier.ValueText : "reference") + "ToDrop";
            baseName = char.ToLowerInvariant(baseName[0]) + baseName.Substring(1);
            var inMember = LockStatements.NamesInMember(target);
            return LockStatements.FreshName(baseName, name => inMember.Contains(name) || model.LookupSymbols(position, name: name).Length > 0);
        }
    }
}
