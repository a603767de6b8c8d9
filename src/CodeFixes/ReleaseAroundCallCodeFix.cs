using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace LockDiscipline.CodeFixes
{
    /// <summary>
    /// LD1001, LD1002, LD1004 when the inner lock is taken inside a callee, so no reordering in this method can help: the fix of seed
    /// 004. The held lock is released around the call and taken again after it. The call's arguments are evaluated into locals first,
    /// still under the lock, and each argument of a reference-counted type gets an extra reference for the call (taken before the
    /// release, dropped before the lock is taken again, so the drop is never under it). Offered only when the lock is held exactly once
    /// on every path to the call, the callee does not declare <c>[Requires]</c>, and the call is a statement of its own.
    /// </summary>
    public sealed class ReleaseAroundCallCodeFix : DiagnosticCodeFix
    {
        public const string EquivalenceKey = "LD1001.ReleaseAroundCall";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("LD1001", "LD1002", "LD1004");

        protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
        {
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
            {
                return;
            }

            var held = plan.References.Count == 0
                ? string.Empty
                : ", holding a reference to " + string.Join(" and ", plan.References.Select(r => "'" + r.Text + "'"));
            var title = $"Release '{plan.Lock.Text}' around the call to '{plan.Callee.Name}'{held} (what '{plan.Lock.Text}' guards may change meanwhile)";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(context.Document, diagnostic, ct), EquivalenceKey),
                diagnostic);
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (await ReadAsync(document, cancellationToken).ConfigureAwait(false) is not var (root, model)
                || Plan(root, model, diagnostic, cancellationToken) is not { } plan)
            {
                return document;
            }

            var statement = plan.Statement;
            var indentation = statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
            var newLine = statement.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            if (newLine == default)
            {
                newLine = SyntaxFactory.ElasticCarriageReturnLineFeed;
            }

            StatementSyntax Line(string text) => SyntaxFactory.ParseStatement(text)
                .WithLeadingTrivia(indentation == default ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(indentation))
                .WithTrailingTrivia(newLine);

            var before = new List<StatementSyntax>();
            before.AddRange(plan.Hoisted.Select(h => Line($"var {h.Name} = {h.Expression.WithoutTrivia()};")));
            before.AddRange(plan.References.Select(r => Line(r.Get + ";")));
            before.Add(Line(plan.Lock.Release + ";"));
            if (before.Count > 0)
            {
                before[0] = before[0].WithLeadingTrivia(statement.GetLeadingTrivia());
            }

            var call = statement.ReplaceNodes(
                plan.Hoisted.Select(h => h.Expression),
                (original, _) => SyntaxFactory.IdentifierName(plan.Hoisted.First(h => h.Expression == original).Name).WithTriviaFrom(original));
            call = call.WithLeadingTrivia(indentation == default ? SyntaxFactory.TriviaList() : SyntaxFactory.TriviaList(indentation));

            var after = new List<StatementSyntax>();
            after.AddRange(plan.References.Select(r => Line(r.Put + ";")));
            after.Add(Line(plan.Lock.Reacquire + ";").WithTrailingTrivia(statement.GetTrailingTrivia()));

            var sequence = before.Append(call).Concat(after).ToList();
            var newRoot = statement.Parent is BlockSyntax or SwitchSectionSyntax
                ? root.ReplaceNode(statement, sequence)
                : root.ReplaceNode(statement, SyntaxFactory.Block(sequence).WithAdditionalAnnotations(Formatter.Annotation));
            return document.WithSyntaxRoot(newRoot);
        }

        private sealed class FixPlan
        {
            public FixPlan(StatementSyntax statement, IMethodSymbol callee, HeldLockText @lock, IReadOnlyList<HoistedArgument> hoisted, IReadOnlyList<ExtraReference> references)
            {
                Statement = statement;
                Callee = callee;
                Lock = @lock;
                Hoisted = hoisted;
                References = references;
            }

            public StatementSyntax Statement { get; }

            public IMethodSymbol Callee { get; }

            public HeldLockText Lock { get; }

            public IReadOnlyList<HoistedArgument> Hoisted { get; }

            public IReadOnlyList<ExtraReference> References { get; }
        }

        private sealed class HeldLockText
        {
            public HeldLockText(string text, string release, string reacquire)
            {
                Text = text;
                Release = release;
                Reacquire = reacquire;
            }

            public string Text { get; }

            public string Release { get; }

            public string Reacquire { get; }
        }

        private sealed class HoistedArgument
        {
            public HoistedArgument(ExpressionSyntax expression, string name)
            {
                Expression = expression;
                Name = name;
            }

            public ExpressionSyntax Expression { get; }

            public string Name { get; }
        }

        private sealed class ExtraReference
        {
            public ExtraReference(string text, string get, string put)
            {
                Text = text;
                Get = get;
                Put = put;
            }

            public string Text { get; }

            public string Get { get; }

            public string Put { get; }
        }

        private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Properties.TryGetValue(FixProperties.Reorderable, out var reorderable) && reorderable == "true"
                || !diagnostic.Properties.TryGetValue(FixProperties.HeldEverywhere, out var everywhere) || everywhere != "true"
                || FixProperties.ParseHeldAt(diagnostic.Properties) is not { } heldAt
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax call
                || OwnStatement(call) is not { } statement
                || model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol callee
                || callee.GetAttributes().Any(a => a.AttributeClass?.Name == "RequiresAttribute")
                || HeldLock(diagnostic, root.FindNode(heldAt, getInnermostNodeForTie: true), statement, model, cancellationToken) is not { } heldLock
                || statement.SpanStart < heldAt.End)
            {
                return null;
            }

            var taken = LockStatements.NamesInMember(statement);
            var hoisted = new List<HoistedArgument>();
            var locals = new List<(string Text, ITypeSymbol Type)>();
            if (call.Expression is MemberAccessExpressionSyntax { Expression: var receiver } && !IsStable(receiver, model, cancellationToken, out _))
            {
                // A struct receiver read into a local would be a copy, and the call would change the copy.
                if (model.GetTypeInfo(receiver, cancellationToken).Type is not { IsReferenceType: true }
                    || !TryHoist(receiver, "target", hoisted, locals, taken, model, cancellationToken))
                {
                    return null;
                }
            }

            foreach (var argument in call.ArgumentList.Arguments)
            {
                if (!argument.RefKindKeyword.IsKind(SyntaxKind.None))
                {
                    return null;
                }

                if (IsStable(argument.Expression, model, cancellationToken, out var stableLocal))
                {
                    if (stableLocal is not null)
                    {
                        locals.Add(stableLocal.Value);
                    }

                    continue;
                }

                if (!TryHoist(argument.Expression, ParameterName(callee, call, argument), hoisted, locals, taken, model, cancellationToken))
                {
                    return null;
                }
            }

            var references = locals
                .GroupBy(l => l.Text)
                .Select(g => g.First())
                .Select(l => RefMethods.For(l.Type, l.Text, model, statement.SpanStart, cancellationToken))
                .OfType<ExtraReference>()
                .ToList();
            return new FixPlan(statement, callee, heldLock, hoisted, references);
        }

        /// <summary>The callee's name for the argument, which the local that takes its value is named after.</summary>
        private static string ParameterName(IMethodSymbol callee, InvocationExpressionSyntax call, ArgumentSyntax argument)
        {
            if (argument.NameColon is { } nameColon)
            {
                return nameColon.Name.Identifier.ValueText;
            }

            var index = call.ArgumentList.Arguments.IndexOf(argument);
            return callee.Parameters.IsEmpty ? "argument" : callee.Parameters[System.Math.Min(index, callee.Parameters.Length - 1)].Name;
        }

        /// <summary>The statement that is just this call: <c>F(x);</c>, <c>var r = F(x);</c> or <c>r = F(x);</c> into a local.</summary>
        private static StatementSyntax? OwnStatement(InvocationExpressionSyntax call) => call.Parent switch
        {
            ExpressionStatementSyntax statement => statement,
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax, Parent: ExpressionStatementSyntax statement } => statement,
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } } } => statement,
            _ => null,
        };

        /// <summary>
        /// How to release and retake the held lock: the acquisition in this method (retaken with the same call), or a <c>[Requires]</c>
        /// path (the lock type's own acquire and release).
        /// </summary>
        private static HeldLockText? HeldLock(Diagnostic diagnostic, SyntaxNode heldNode, StatementSyntax call, SemanticModel model, CancellationToken cancellationToken)
        {
            if (diagnostic.Properties.TryGetValue(FixProperties.HeldPath, out var path) && path is not null)
            {
                var expression = SyntaxFactory.ParseExpression(path);
                var type = model.GetSpeculativeTypeInfo(call.SpanStart, expression, SpeculativeBindingOption.BindAsExpression).Type;
                return type is null ? null : LockVerbs.For(type, path, shared: false) is { } verbs ? new HeldLockText(path, verbs.Release, verbs.Acquire) : null;
            }

            if (heldNode is InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } acquire
                && model.GetSymbolInfo(acquire, cancellationToken).Symbol is IMethodSymbol acquireMethod
                && LockStatements.LockExpressionText(acquire, model) is { } lockText)
            {
                if (acquireMethod.ContainingType?.ToDisplayString() == "System.Threading.Monitor")
                {
                    return acquire.ArgumentList.Arguments.Count == 1 ? new HeldLockText(lockText, $"System.Threading.Monitor.Exit({lockText})", acquire.ToString()) : null;
                }

                var receiver = (acquire.Expression as MemberAccessExpressionSyntax)?.Expression;
                var type = receiver is null ? acquireMethod.ContainingType : model.GetTypeInfo(receiver, cancellationToken).Type;
                var shared = acquireMethod.GetAttributes().Any(a => a.AttributeClass?.Name == "AcquiresAttribute" && LockVerbs.IsShared(a));
                return type is not null && LockVerbs.For(type, lockText, shared) is { } verbs ? new HeldLockText(lockText, verbs.Release, acquire.ToString()) : null;
            }

            return null;
        }

        /// <summary>An expression that reads the same value after the lock is released: a constant, <c>this</c>, a type, a local or a by-value parameter.</summary>
        private static bool IsStable(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken, out (string Text, ITypeSymbol Type)? local)
        {
            local = null;
            if (expression is ThisExpressionSyntax || model.GetConstantValue(expression, cancellationToken).HasValue)
            {
                return true;
            }

            var symbol = model.GetSymbolInfo(expression, cancellationToken).Symbol;
            switch (symbol)
            {
                case ITypeSymbol or INamespaceSymbol:
                    return true;
                case ILocalSymbol { RefKind: RefKind.None } l when expression is IdentifierNameSyntax:
                    local = (l.Name, l.Type);
                    return true;
                case IParameterSymbol { RefKind: RefKind.None } p when expression is IdentifierNameSyntax:
                    local = (p.Name, p.Type);
                    return true;
                default:
                    return false;
            }
        }

        private static bool TryHoist(ExpressionSyntax expression, string baseName, List<HoistedArgument> hoisted, List<(string, ITypeSymbol)> locals, HashSet<string> taken, SemanticModel model, CancellationToken cancellationToken)
        {
            var type = model.GetTypeInfo(expression, cancellationToken).Type;
            if (type is null or IErrorTypeSymbol || type.SpecialType == SpecialType.System_Void || expression is AnonymousFunctionExpressionSyntax)
            {
                return false;
            }

            var name = LockStatements.FreshName(baseName, taken.Contains);
            taken.Add(name);
            hoisted.Add(new HoistedArgument(expression, name));
            locals.Add((name, type));
            return true;
        }

        /// <summary>The acquire and release calls of a lock type, as text on <paramref name="lockText"/>.</summary>
        private static class LockVerbs
        {
            public static (string Acquire, string Release)? For(ITypeSymbol type, string lockText, bool shared)
            {
                switch (type.ToDisplayString())
                {
                    case "System.Threading.SemaphoreSlim":
                        return ($"{lockText}.Wait()", $"{lockText}.Release()");
                    case "System.Threading.Lock":
                        return ($"{lockText}.Enter()", $"{lockText}.Exit()");
                    case "System.Threading.Mutex":
                        return ($"{lockText}.WaitOne()", $"{lockText}.ReleaseMutex()");
                    case "System.Threading.ReaderWriterLockSlim":
                        return shared ? ($"{lockText}.EnterReadLock()", $"{lockText}.ExitReadLock()") : ($"{lockText}.EnterWriteLock()", $"{lockText}.ExitWriteLock()");
                    case "object":
                        return ($"System.Threading.Monitor.Enter({lockText})", $"System.Threading.Monitor.Exit({lockText})");
                }

                var acquire = Annotated(type, "AcquiresAttribute", shared);
                var release = Annotated(type, "ReleasesAttribute", shared);
                return acquire is null || release is null ? null : ($"{lockText}.{acquire}()", $"{lockText}.{release}()");
            }

            public static bool IsShared(AttributeData attribute) => attribute.NamedArguments.Any(n => n.Key == "Shared" && n.Value.Value is true);

            /// <summary>A parameterless instance method of the lock type with the plain attribute (no path, no subclass) in the wanted mode.</summary>
            private static string? Annotated(ITypeSymbol type, string attributeName, bool shared)
            {
                for (var current = type; current is not null; current = current.BaseType)
                {
                    var method = current.GetMembers().OfType<IMethodSymbol>()
                        .Where(m => !m.IsStatic && m.Parameters.IsEmpty && m.MethodKind == MethodKind.Ordinary)
                        .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.Name == attributeName && a.ConstructorArguments.IsEmpty
                            && IsShared(a) == shared && !a.NamedArguments.Any(n => n.Key == "Subclass" && !Equals(n.Value.Value, 0))))
                        .OrderBy(m => m.Name, System.StringComparer.Ordinal)
                        .FirstOrDefault();
                    if (method is not null)
                    {
                        return method.Name;
                    }
                }

                return null;
            }
        }

        /// <summary>The <c>[TakesRef]</c> and <c>[DropsRef]</c> (not <c>NotFinal</c>) calls that apply to a value: its own methods, or static ones taking it.</summary>
        private static class RefMethods
        {
            public static ExtraReference? For(ITypeSymbol type, string text, SemanticModel model, int position, CancellationToken cancellationToken)
            {
                if (!type.IsReferenceType)
                {
                    return null;
                }

                var get = Instance(type, RefCounting.IsGet);
                var put = Instance(type, RefCounting.IsPut);
                if (get is not null && put is not null)
                {
                    return new ExtraReference(text, $"{text}.{get.Name}()", $"{text}.{put.Name}()");
                }

                var statics = StaticRefMethods(model.Compilation, cancellationToken);
                var staticGet = statics.FirstOrDefault(m => RefCounting.IsGet(m) && Accepts(m, type, model.Compilation));
                var staticPut = statics.FirstOrDefault(m => RefCounting.IsPut(m) && Accepts(m, type, model.Compilation));
                if (staticGet is null || staticPut is null)
                {
                    return null;
                }

                string Call(IMethodSymbol m) => $"{m.ContainingType.ToMinimalDisplayString(model, position)}.{m.Name}({text})";
                return new ExtraReference(text, Call(staticGet), Call(staticPut));
            }

            private static IMethodSymbol? Instance(ITypeSymbol type, System.Func<IMethodSymbol, bool> predicate)
            {
                for (var current = type; current is not null; current = current.BaseType)
                {
                    var method = current.GetMembers().OfType<IMethodSymbol>()
                        .Where(m => !m.IsStatic && m.Parameters.IsEmpty && predicate(m))
                        .OrderBy(m => m.Name, System.StringComparer.Ordinal)
                        .FirstOrDefault();
                    if (method is not null)
                    {
                        return method;
                    }
                }

                return null;
            }

            private static bool Accepts(IMethodSymbol method, ITypeSymbol type, Compilation compilation)
                => method.Parameters.Length == 1 && method.Parameters[0].RefKind == RefKind.None
                    && compilation.ClassifyConversion(type, method.Parameters[0].Type) is { IsImplicit: true } conversion
                    && (conversion.IsIdentity || conversion.IsReference);

            private static readonly ConditionalWeakTable<Compilation, StrongBox<ImmutableArray<IMethodSymbol>>> Cache = new();

            /// <summary>The compilation's static one-parameter methods with a ref attribute, in name order (cached per compilation: Fix All asks often).</summary>
            private static ImmutableArray<IMethodSymbol> StaticRefMethods(Compilation compilation, CancellationToken cancellationToken)
            {
                if (Cache.TryGetValue(compilation, out var cached))
                {
                    return cached.Value;
                }

                var found = new List<IMethodSymbol>();
                var types = new Stack<INamespaceOrTypeSymbol>();
                types.Push(compilation.Assembly.GlobalNamespace);
                while (types.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var current = types.Pop();
                    foreach (var member in current.GetMembers())
                    {
                        if (member is INamespaceOrTypeSymbol nested)
                        {
                            types.Push(nested);
                        }
                        else if (member is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } method && method.Parameters.Length == 1
                            && method.GetAttributes().Any(a => a.AttributeClass?.Name is "TakesRefAttribute" or "DropsRefAttribute"))
                        {
                            found.Add(method);
                        }
                    }
                }

                var result = found.OrderBy(m => m.ToDisplayString(), System.StringComparer.Ordinal).ToImmutableArray();
                return Cache.GetValue(compilation, _ => new StrongBox<ImmutableArray<IMethodSymbol>>(result)).Value;
            }
        }
    }
}
