using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1010 (a <c>Monitor</c> or <c>System.Threading.Lock</c> held across an await): make the lock a <c>SemaphoreSlim(1, 1)</c>,
    /// taken with <c>WaitAsync</c> in async code (<c>Wait</c> elsewhere) and released in a <c>finally</c>. A semaphore is not
    /// re-entrant and not thread-affine, so the fix is offered only for a private field of one type declaration whose every use is a
    /// plain acquisition or release (converted together) and which no method can take again while holding it through calls within
    /// the type. Calls that leave the type and come back are not seen; the title says the result is not re-entrant.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SemaphoreForAsyncCodeFix)), Shared]
    public sealed class SemaphoreForAsyncCodeFix : CodeFixProvider
    {
        public const string Key = "LD1010.SemaphoreSlim";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1010");

        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics.Where(d => d.Id == "LD1010"))
            {
                if (ConvertibleField(root, model, diagnostic, context.CancellationToken) is { } field)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Make '{field.Name}' a SemaphoreSlim(1, 1) awaited with WaitAsync (not re-entrant)",
                            ct => ConvertAsync(context.Document, new[] { field }, ct),
                            Key),
                        diagnostic);
                }
            }
        }

        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var fields = diagnostics
                .Select(d => ConvertibleField(root, model, d, context.CancellationToken))
                .OfType<IFieldSymbol>()
                .Distinct<IFieldSymbol>(SymbolEqualityComparer.Default)
                .OrderBy(f => f.Locations[0].SourceSpan.Start)
                .ToList();
            return fields.Count == 0 ? document : await ConvertAsync(document, fields, context.CancellationToken).ConfigureAwait(false);
        }

        private static async Task<Document> ConvertAsync(Document document, IReadOnlyList<IFieldSymbol> fields, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var rewritten = new SemaphoreRewriter(model, fields, cancellationToken).Visit(root);
            return document.WithSyntaxRoot(rewritten);
        }

        /// <summary>The lock field the diagnostic's acquisition takes, when converting it is safe.</summary>
        private static IFieldSymbol? ConvertibleField(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.AdditionalLocations.FirstOrDefault() is not { } acquiredAt || acquiredAt.SourceTree != root.SyntaxTree)
            {
                return null;
            }

            var acquisition = root.FindNode(acquiredAt.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (acquisition is null || Classify(acquisition, model, cancellationToken) is not { IsAcquire: true } use)
            {
                return null;
            }

            var field = use.Field;
            if (field.DeclaredAccessibility != Accessibility.Private || field.ContainingType.DeclaringSyntaxReferences.Length != 1
                || field.DeclaringSyntaxReferences.Length != 1
                || field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } }
                || !(field.Type.SpecialType == SpecialType.System_Object || KnownSymbols.IsThreadingType(field.Type, "Lock")))
            {
                return null;
            }

            var typeSyntax = field.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            if (typeSyntax.SyntaxTree != root.SyntaxTree)
            {
                return null;
            }

            var acquiringMethods = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var enterCalls = new Dictionary<SyntaxNode, int>();
            foreach (var name in typeSyntax.DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => n.Identifier.ValueText == field.Name))
            {
                if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                var lockExpression = name.Parent is MemberAccessExpressionSyntax { Name: var n } access && n == name ? (ExpressionSyntax)access : name;
                var kind = UseOf(lockExpression, model, cancellationToken);
                if (kind is null)
                {
                    return null;
                }

                if (kind.Value.IsAcquire)
                {
                    var body = EnclosingBody(lockExpression);
                    if (body is null || lockExpression.Parent!.Ancestors().OfType<LockStatementSyntax>().Any(l => IsField(l.Expression, field, model, cancellationToken)))
                    {
                        return null;
                    }

                    // Two explicit acquisitions in one body may nest: without the flow, that is a re-entrancy the fix cannot rule out.
                    if (kind.Value.IsExplicit)
                    {
                        enterCalls.TryGetValue(body, out var count);
                        if (count > 0)
                        {
                            return null;
                        }

                        enterCalls[body] = count + 1;
                    }

                    if (model.GetEnclosingSymbol(lockExpression.SpanStart, cancellationToken) is IMethodSymbol method)
                    {
                        acquiringMethods.Add(MemberOf(method));
                    }
                }
            }

            return MayReenter(typeSyntax, model, acquiringMethods, cancellationToken) ? null : field;
        }

        private readonly struct LockUse
        {
            public LockUse(IFieldSymbol field, bool isAcquire, bool isExplicit)
            {
                Field = field;
                IsAcquire = isAcquire;
                IsExplicit = isExplicit;
            }

            public IFieldSymbol Field { get; }

            public bool IsAcquire { get; }

            /// <summary>A call statement (<c>Monitor.Enter(f)</c>, <c>f.Enter()</c>) rather than a <c>lock</c> statement.</summary>
            public bool IsExplicit { get; }
        }

        /// <summary>What a reference to the lock field is part of: an acquisition or release the fix converts, or null for anything else.</summary>
        private static LockUse? UseOf(ExpressionSyntax lockExpression, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetSymbolInfo(lockExpression, cancellationToken).Symbol is not IFieldSymbol field)
            {
                return null;
            }

            if (lockExpression.Parent is LockStatementSyntax lockStatement && lockStatement.Expression == lockExpression)
            {
                return new LockUse(field, isAcquire: true, isExplicit: false);
            }

            var invocation = lockExpression.Parent switch
            {
                ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax call } } => call,
                MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } call } access when access.Expression == lockExpression => call,
                _ => null,
            };
            return invocation is not null && invocation.Parent is ExpressionStatementSyntax ? Classify(invocation, model, cancellationToken) : null;
        }

        private static LockUse? Classify(InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            var locked = KnownSymbols.IsThreadingType(method.ContainingType, "Monitor") && invocation.ArgumentList.Arguments.Count == 1
                ? invocation.ArgumentList.Arguments[0].Expression
                : KnownSymbols.IsThreadingType(method.ContainingType, "Lock") && invocation.Expression is MemberAccessExpressionSyntax access && invocation.ArgumentList.Arguments.Count == 0
                    ? access.Expression
                    : null;
            if (locked is null || model.GetSymbolInfo(locked, cancellationToken).Symbol is not IFieldSymbol field)
            {
                return null;
            }

            return method.Name switch
            {
                "Enter" => new LockUse(field, isAcquire: true, isExplicit: true),
                "Exit" => new LockUse(field, isAcquire: false, isExplicit: true),
                _ => null,
            };
        }

        /// <summary>Whether a method that takes the lock can reach, through calls within the type, a method that takes it (itself included).</summary>
        private static bool MayReenter(SyntaxNode typeSyntax, SemanticModel model, HashSet<IMethodSymbol> acquiring, CancellationToken cancellationToken)
        {
            var calls = new Dictionary<IMethodSymbol, HashSet<IMethodSymbol>>(SymbolEqualityComparer.Default);
            foreach (var node in typeSyntax.DescendantNodes().Where(n => n is InvocationExpressionSyntax or ObjectCreationExpressionSyntax))
            {
                if (model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is not IMethodSymbol caller
                    || model.GetSymbolInfo(node, cancellationToken).Symbol is not IMethodSymbol callee
                    || !SymbolEqualityComparer.Default.Equals(callee.ContainingType?.OriginalDefinition, MemberOf(caller).ContainingType?.OriginalDefinition))
                {
                    continue;
                }

                var from = MemberOf(caller);
                if (!calls.TryGetValue(from, out var targets))
                {
                    calls[from] = targets = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                }

                targets.Add(callee.OriginalDefinition);
            }

            foreach (var start in acquiring)
            {
                var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                var work = new Stack<IMethodSymbol>(calls.TryGetValue(start, out var first) ? first : Enumerable.Empty<IMethodSymbol>());
                while (work.Count > 0)
                {
                    var next = work.Pop();
                    if (acquiring.Contains(next))
                    {
                        return true;
                    }

                    if (seen.Add(next) && calls.TryGetValue(next, out var more))
                    {
                        foreach (var m in more)
                        {
                            work.Push(m);
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>The member a local function or lambda belongs to: its calls and locks are that member's.</summary>
        private static IMethodSymbol MemberOf(IMethodSymbol method)
        {
            var current = method;
            while (current.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction && current.ContainingSymbol is IMethodSymbol outer)
            {
                current = outer;
            }

            return current.OriginalDefinition;
        }

        private static SyntaxNode? EnclosingBody(SyntaxNode node)
            => node.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);

        private static bool IsField(ExpressionSyntax expression, IFieldSymbol field, SemanticModel model, CancellationToken cancellationToken)
            => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression, cancellationToken).Symbol, field);


        /// <summary>Rewrites the fields' declarations and every acquisition and release of them, in one pass over the original tree.</summary>
        private sealed class SemaphoreRewriter : CSharpSyntaxRewriter
        {
            private readonly SemanticModel _model;
            private readonly IReadOnlyList<IFieldSymbol> _fields;
            private readonly CancellationToken _cancellationToken;

            public SemaphoreRewriter(SemanticModel model, IReadOnlyList<IFieldSymbol> fields, CancellationToken cancellationToken)
            {
                _model = model;
                _fields = fields;
                _cancellationToken = cancellationToken;
            }

            public override SyntaxNode? VisitVariableDeclaration(VariableDeclarationSyntax node)
            {
                if (node.Variables.Count == 1 && node.Parent is FieldDeclarationSyntax && IsOurs(_model.GetDeclaredSymbol(node.Variables[0], _cancellationToken)))
                {
                    // The short name where it already means the BCL type (a `using System.Threading;`), else the full one.
                    var name = _model.LookupNamespacesAndTypes(node.SpanStart, name: "SemaphoreSlim").OfType<INamedTypeSymbol>().Any(t => KnownSymbols.IsThreadingType(t, "SemaphoreSlim"))
                        ? "SemaphoreSlim"
                        : "System.Threading.SemaphoreSlim";
                    var semaphore = SyntaxFactory.ParseTypeName(name);
                    var creation = SyntaxFactory.ParseExpression("new " + name + "(1, 1)");
                    var variable = node.Variables[0];
                    return node.WithType(semaphore.WithTriviaFrom(node.Type))
                        .WithVariables(SyntaxFactory.SingletonSeparatedList(variable.WithInitializer(SyntaxFactory.EqualsValueClause(creation)
                            .WithEqualsToken(variable.Initializer?.EqualsToken ?? SyntaxFactory.Token(SyntaxKind.EqualsToken))
                            .WithLeadingTrivia(variable.Initializer?.GetLeadingTrivia() ?? SyntaxFactory.TriviaList(SyntaxFactory.Space)))));
                }

                return base.VisitVariableDeclaration(node);
            }

            public override SyntaxNode? VisitBlock(BlockSyntax node)
            {
                var statements = new List<StatementSyntax>();
                for (var i = 0; i < node.Statements.Count; i++)
                {
                    var statement = node.Statements[i];
                    if (LockOf(statement) is { } acquired)
                    {
                        statements.AddRange(Section(statement, acquired, node, ref i));
                        continue;
                    }

                    statements.Add((StatementSyntax)Visit(statement)!);
                }

                return node.WithStatements(SyntaxFactory.List(statements));
            }

            public override SyntaxNode? VisitExpressionStatement(ExpressionStatementSyntax node)
            {
                if (node.Expression is InvocationExpressionSyntax invocation && Classify(invocation, _model, _cancellationToken) is { } use && IsOurs(use.Field))
                {
                    var statement = use.IsAcquire ? Acquire(use.Field, node) : Release(use.Field);
                    return statement.WithTriviaFrom(node);
                }

                return base.VisitExpressionStatement(node);
            }

            public override SyntaxNode? VisitLockStatement(LockStatementSyntax node)
            {
                if (LockOf(node) is { } field)
                {
                    var i = 0;
                    return SyntaxFactory.Block(Section(node, field, null, ref i)).WithTriviaFrom(node).WithAdditionalAnnotations(Formatter.Annotation);
                }

                return base.VisitLockStatement(node);
            }

            /// <summary>
            /// The statements an acquisition becomes: the semaphore's wait, and the section up to the matching release of the same
            /// block in <c>try/finally</c> (a <c>lock</c> statement's body, or the statements before an explicit release).
            /// </summary>
            private IEnumerable<StatementSyntax> Section(StatementSyntax acquisition, IFieldSymbol field, BlockSyntax? block, ref int index)
            {
                var acquire = Acquire(field, acquisition).WithLeadingTrivia(acquisition.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
                if (acquisition is not LockStatementSyntax)
                {
                    acquire = acquire.WithTrailingTrivia(acquisition.GetTrailingTrivia());
                }

                if (acquisition is LockStatementSyntax lockStatement)
                {
                    var body = (StatementSyntax)Visit(lockStatement.Statement)!;
                    return new StatementSyntax[] { acquire, TryFinally(body is BlockSyntax b ? b : SyntaxFactory.Block(body), field) };
                }

                var end = block is null ? -1 : IndexOfRelease(block, index, field);
                if (end < 0 || AlreadyInFinally(block!, index, field))
                {
                    return new[] { acquire };
                }

                var held = block!.Statements.Skip(index + 1).Take(end - index - 1).Select(s => (StatementSyntax)Visit(s)!).ToList();
                index = end;
                return new StatementSyntax[] { acquire, TryFinally(SyntaxFactory.Block(held), field) };
            }

            private int IndexOfRelease(BlockSyntax block, int from, IFieldSymbol field)
            {
                for (var j = from + 1; j < block.Statements.Count; j++)
                {
                    if (block.Statements[j] is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation }
                        && Classify(invocation, _model, _cancellationToken) is { IsAcquire: false } use && SymbolEqualityComparer.Default.Equals(use.Field, field))
                    {
                        return j;
                    }
                }

                return -1;
            }

            /// <summary>The acquisition is followed by a <c>try</c> whose <c>finally</c> releases the lock: it is converted in place.</summary>
            private bool AlreadyInFinally(BlockSyntax block, int index, IFieldSymbol field)
                => index + 1 < block.Statements.Count && block.Statements[index + 1] is TryStatementSyntax { Finally: { } @finally }
                   && @finally.Block.Statements.OfType<ExpressionStatementSyntax>().Any(s => s.Expression is InvocationExpressionSyntax invocation
                       && Classify(invocation, _model, _cancellationToken) is { IsAcquire: false } use && SymbolEqualityComparer.Default.Equals(use.Field, field));

            private IFieldSymbol? LockOf(StatementSyntax statement)
            {
                var field = statement switch
                {
                    LockStatementSyntax l => _model.GetSymbolInfo(l.Expression, _cancellationToken).Symbol as IFieldSymbol,
                    ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } when Classify(invocation, _model, _cancellationToken) is { IsAcquire: true } use => use.Field,
                    _ => null,
                };
                return IsOurs(field) ? field : null;
            }

            private bool IsOurs(ISymbol? symbol) => symbol is IFieldSymbol field && _fields.Contains(field, SymbolEqualityComparer.Default);

            private static StatementSyntax Acquire(IFieldSymbol field, SyntaxNode at)
                => SyntaxFactory.ParseStatement(IsInAsyncCode(at) ? $"await {field.Name}.WaitAsync();" : $"{field.Name}.Wait();");

            private static StatementSyntax Release(IFieldSymbol field) => SyntaxFactory.ParseStatement($"{field.Name}.Release();");

            private static TryStatementSyntax TryFinally(BlockSyntax body, IFieldSymbol field)
                => SyntaxFactory.TryStatement(body, default, SyntaxFactory.FinallyClause(SyntaxFactory.Block(Release(field))))
                    .WithAdditionalAnnotations(Formatter.Annotation);

            private static bool IsInAsyncCode(SyntaxNode node)
                => node.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax) switch
                {
                    MethodDeclarationSyntax m => m.Modifiers.Any(SyntaxKind.AsyncKeyword),
                    LocalFunctionStatementSyntax f => f.Modifiers.Any(SyntaxKind.AsyncKeyword),
                    AnonymousFunctionExpressionSyntax a => a.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
                    _ => false,
                };
        }
    }
}
