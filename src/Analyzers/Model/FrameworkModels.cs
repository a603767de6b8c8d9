using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// What framework members do to locks and to user code while they hold them, where the compilation cannot see their bodies
    /// (docs/framework-models.md):
    /// <list type="bullet">
    /// <item><c>Trace</c>'s and <c>TraceSource</c>'s output methods take the global trace lock and call every <c>TraceListener</c>
    /// under it (the lock dotnet/winforms#1999 deadlocked on);</item>
    /// <item><c>CancellationTokenSource.Cancel</c> runs the callbacks registered on its token inline, and disposing a
    /// <c>CancellationTokenRegistration</c> waits for its callback when another thread is running it (microsoft/vs-threading#1000);</item>
    /// <item>completing a <c>TaskCompletionSource</c> created without <c>RunContinuationsAsynchronously</c> runs the code after
    /// <c>await tcs.Task</c> inline, under the completer's locks;</item>
    /// <item>a <c>Lazy&lt;T&gt;</c> in <c>ExecutionAndPublication</c> mode runs its factory under its own lock, which first readers
    /// of <c>Value</c> wait on;</item>
    /// <item>a static constructor runs under the runtime's lock on its type's initialization, which first users of the type
    /// wait on.</item>
    /// </list>
    /// </summary>
    internal sealed class FrameworkModels
    {
        /// <summary>
        /// <c>TraceInternal.critSec</c>: <c>Trace</c> and <c>TraceSource</c> hold it around every listener call while
        /// <c>Trace.UseGlobalLock</c> is true (the default). A monitor, so re-entered freely by a listener that traces.
        /// </summary>
        public static readonly LockClass TraceLock = new(LockClass.FrameworkPrefix + "System.Diagnostics.TraceInternal.critSec", "Trace's global lock", null);

        private static readonly HashSet<string> TraceOutput = new(StringComparer.Ordinal)
        {
            "Write", "WriteLine", "WriteIf", "WriteLineIf", "Fail", "Flush", "Close", "TraceInformation", "TraceWarning", "TraceError",
        };

        private static readonly HashSet<string> TraceSourceOutput = new(StringComparer.Ordinal)
        {
            "TraceEvent", "TraceData", "TraceInformation", "TraceTransfer", "Flush", "Close",
        };

        // The TraceListener members TraceInternal and TraceSource call while they hold the lock.
        private static readonly HashSet<string> ListenerCallbacks = new(StringComparer.Ordinal)
        {
            "Write", "WriteLine", "Fail", "Flush", "Close", "TraceEvent", "TraceData", "TraceTransfer",
        };

        private static readonly HashSet<string> CompletionMethods = new(StringComparer.Ordinal)
        {
            "SetResult", "TrySetResult", "SetException", "TrySetException", "SetCanceled", "TrySetCanceled", "SetFromTask", "TrySetFromTask",
        };

        /// <summary>Whether <c>Trace.</c><paramref name="name"/> is an output method that takes the global trace lock.</summary>
        public static bool IsTraceOutputName(string name) => TraceOutput.Contains(name);

        /// <summary>Names a body must mention for a modelled call to be in it (for the relevance filter).</summary>
        public static readonly IReadOnlyCollection<string> MethodNames = CompletionMethods.Concat(new[] { "Cancel", "TraceEvent", "TraceData", "TraceTransfer" }).ToArray();

        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _continuesInline = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _synchronizedLazy = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The lock a <c>Lazy&lt;T&gt;</c> in <c>ExecutionAndPublication</c> mode holds while its value factory runs, named after the
        /// member that holds the <c>Lazy</c>: <c>Config._settings.Value</c>.
        /// </summary>
        public static LockClass LazyLock(ISymbol member)
        {
            var owner = LockClass.ForMember(member);
            return new LockClass(LockClass.FrameworkPrefix + "lazy:" + owner.Key, owner.DisplayName + ".Value", member);
        }

        /// <summary>
        /// The runtime's lock on a type's initialization: the first use of a type with a static constructor runs it under that
        /// lock, and other threads that use the type meanwhile wait for it. Named <c>Registry's static constructor</c>.
        /// </summary>
        public static LockClass TypeInitializerLock(INamedTypeSymbol type)
        {
            var owner = LockClass.ForType(type);
            return new LockClass(LockClass.TypeInitializerPrefix + owner.Key, owner.DisplayName + "'s static constructor", type);
        }

        /// <summary>A type whose source declares a static constructor (<c>static T() { ... }</c>).</summary>
        public static bool HasStaticConstructor(INamedTypeSymbol type)
            // A referenced type has no source (and asking for its static constructors loads its members).
            => type.DeclaringSyntaxReferences.Length > 0 && type.StaticConstructors.Any(c => !c.IsImplicitlyDeclared && c.DeclaringSyntaxReferences.Length > 0);

        /// <summary>
        /// The type whose static constructor an operation may run first, seen from code in <paramref name="within"/>: a static member's
        /// use or a <c>new</c> of another type with a static constructor in source. Code of the type itself (or nested in it) runs
        /// after its initialization started.
        /// </summary>
        public static INamedTypeSymbol? TypeInitializedBy(IOperation op, INamedTypeSymbol? within)
        {
            var type = op switch
            {
                IInvocationOperation { TargetMethod: { IsStatic: true, MethodKind: MethodKind.Ordinary } target } => target.ContainingType,
                IFieldReferenceOperation { Field: { IsStatic: true, IsConst: false } field } => field.ContainingType,
                IPropertyReferenceOperation { Property.IsStatic: true } property => property.Property.ContainingType,
                IObjectCreationOperation { Type: INamedTypeSymbol created } => created,
                _ => null,
            };
            if (type is null || !HasStaticConstructor(type.OriginalDefinition))
            {
                return null;
            }

            for (var outer = within; outer is not null; outer = outer.ContainingType)
            {
                if (SymbolEqualityComparer.Default.Equals(outer.OriginalDefinition, type.OriginalDefinition))
                {
                    return null;
                }
            }

            return type.OriginalDefinition;
        }

        /// <summary>The <c>Value</c> property of <c>System.Lazy&lt;T&gt;</c> (or <c>Lazy&lt;T, TMetadata&gt;</c>).</summary>
        public static bool IsLazyValue(IPropertySymbol property)
            => property.Name == "Value" && IsLazyType(property.ContainingType);

        private static bool IsLazyType(ITypeSymbol? type)
            => type?.OriginalDefinition is INamedTypeSymbol { Name: "Lazy", ContainingType: null } named
               && named.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };

        /// <summary>
        /// Whether reading <c>Value</c> of the <c>Lazy</c> in <paramref name="member"/> may wait on its factory lock: a private or
        /// readonly field or property whose every stored value (initializer, assignments in its type) is a <c>new Lazy</c> with a
        /// value factory in <c>ExecutionAndPublication</c> mode (the default, <c>true</c>, or
        /// <c>LazyThreadSafetyMode.ExecutionAndPublication</c>).
        /// </summary>
        public bool IsSynchronizedLazy(ISymbol member) => SyntaxReads.Memo(_synchronizedLazy, member.OriginalDefinition, ComputeSynchronizedLazy, _earlierSynchronizedLazy);

        private EarlierAnswers<bool>? _earlierSynchronizedLazy;
        private EarlierAnswers<bool>? _earlierContinuesInline;

        /// <summary>Takes over the answers of an earlier compilation's models that no edit can have changed.</summary>
        public void TakeOver(FrameworkModels earlier, Continuity continuity)
        {
            _earlierSynchronizedLazy = EarlierAnswers<bool>.From(earlier._synchronizedLazy, continuity);
            _earlierContinuesInline = EarlierAnswers<bool>.From(earlier._continuesInline, continuity);
        }

        private static bool ComputeSynchronizedLazy(ISymbol member)
        {
            var closed = member.DeclaredAccessibility == Accessibility.Private || member is IFieldSymbol { IsReadOnly: true } || member is IPropertySymbol { SetMethod: null };
            return closed && IsLazyType(PathBinder.MemberType(member)) && AssignedMember.ValuesOf(member).ToList() is { Count: > 0 } values
                   && values.All(v => v is not null && LazyCreationMode(v) == true);
        }

        /// <summary>
        /// The member whose <c>Lazy</c> runs <paramref name="factory"/> under its lock: a lambda written as the value factory of a
        /// <c>new Lazy</c> in <c>ExecutionAndPublication</c> mode stored in a member of the lambda's type.
        /// </summary>
        public static ISymbol? LazyFactoryOwner(IMethodSymbol factory, FrameworkModels models)
        {
            if (factory.MethodKind != MethodKind.AnonymousFunction || factory.ContainingType is not { } type
                || factory.DeclaringSyntaxReferences.FirstOrDefault() is not { } reference || SyntaxReads.Syntax(reference) is not AnonymousFunctionExpressionSyntax lambda
                || lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Arguments: var arguments, Parent: BaseObjectCreationExpressionSyntax creation } } argument
                || arguments.IndexOf(argument) != 0 || LazyCreationMode(creation) != true)
            {
                return null;
            }

            var name = creation.Parent switch
            {
                EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax variable } => variable.Identifier.ValueText,
                EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property } => property.Identifier.ValueText,
                AssignmentExpressionSyntax assignment when assignment.Right == creation => AssignedMember.NameOf(assignment.Left),
                _ => null,
            };
            return name is not null && type.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is { } member && models.IsSynchronizedLazy(member)
                ? member.OriginalDefinition
                : null;
        }

        /// <summary>
        /// For a <c>new Lazy</c> (explicit type or target-typed) with a value factory: whether it runs the factory under a lock. Null
        /// for anything else.
        /// </summary>
        private static bool? LazyCreationMode(ExpressionSyntax value)
        {
            if (value is not BaseObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } creation
                || creation is ObjectCreationExpressionSyntax { Type: var type } && !IsLazyName(type)
                || arguments[0].Expression is not (AnonymousFunctionExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax))
            {
                return null;
            }

            return arguments.Count == 1
                || arguments[1].Expression.IsKind(SyntaxKind.TrueLiteralExpression)
                || arguments[1].Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ExecutionAndPublication" };
        }

        /// <summary>Whether a type as written is <c>Lazy&lt;...&gt;</c> (by name: the relevance filter reads syntax only).</summary>
        public static bool IsLazyTypeName(TypeSyntax type) => IsLazyName(type);

        private static bool IsLazyName(TypeSyntax type) => type switch
        {
            GenericNameSyntax generic => generic.Identifier.ValueText == "Lazy",
            QualifiedNameSyntax qualified => IsLazyName(qualified.Right),
            AliasQualifiedNameSyntax alias => IsLazyName(alias.Name),
            NullableTypeSyntax nullable => IsLazyName(nullable.ElementType),
            _ => false,
        };

        /// <summary>
        /// Whether a call of <paramref name="method"/> at <paramref name="callSite"/> takes <see cref="TraceLock"/>: an output
        /// method of <c>System.Diagnostics.Trace</c> or <c>TraceSource</c>, in a file where its <c>[Conditional]</c> symbol
        /// (<c>TRACE</c>) is defined, so the compiler keeps the call.
        /// </summary>
        public static bool TakesTraceLock(IMethodSymbol method, Location callSite)
        {
            var type = method.ContainingType;
            if (type is null || !IsDiagnosticsType(type) || method.IsStatic != (type.Name == "Trace"))
            {
                return false;
            }

            var names = type.Name switch
            {
                "Trace" => TraceOutput,
                "TraceSource" => TraceSourceOutput,
                _ => null,
            };
            return names is not null && names.Contains(method.Name) && ConditionsHold(method, callSite);
        }

        /// <summary>
        /// Whether <paramref name="method"/> overrides a <c>TraceListener</c> member the framework calls under <see cref="TraceLock"/>:
        /// its body runs with that lock held.
        /// </summary>
        public static bool RunsUnderTraceLock(IMethodSymbol method)
        {
            if (!method.IsOverride || !ListenerCallbacks.Contains(method.Name))
            {
                return false;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (overridden.ContainingType is { Name: "TraceListener" } listener && IsDiagnosticsType(listener))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>CancellationTokenSource.Cancel()</c> or <c>Cancel(bool)</c>: runs the token's callbacks before it returns.</summary>
        public static bool IsCancel(IMethodSymbol method)
            => method.Name == "Cancel" && KnownSymbols.IsThreadingType(method.ContainingType, "CancellationTokenSource");

        /// <summary><c>CancellationToken.Register</c> (or <c>UnsafeRegister</c>): stores a callback that <c>Cancel</c> runs.</summary>
        public static bool IsRegister(IMethodSymbol method)
            => method.Name is "Register" or "UnsafeRegister" && KnownSymbols.IsThreadingType(method.ContainingType, "CancellationToken");

        /// <summary>
        /// <c>CancellationTokenRegistration.Dispose()</c>, also as a <c>using</c> calls it (<c>IDisposable.Dispose</c> on the
        /// registration): waits for the callback if another thread is running it.
        /// </summary>
        public static bool IsRegistrationDispose(IMethodSymbol method, ITypeSymbol? receiverType)
            => method.Name == "Dispose" && method.Parameters.IsEmpty
               && KnownSymbols.IsThreadingType(method.ContainingType?.TypeKind == TypeKind.Interface ? receiverType : method.ContainingType, "CancellationTokenRegistration");

        /// <summary>The <c>Token</c> property of a <c>CancellationTokenSource</c>.</summary>
        public static bool IsSourceToken(IPropertySymbol property)
            => property.Name == "Token" && KnownSymbols.IsThreadingType(property.ContainingType, "CancellationTokenSource");

        /// <summary>A completion method of <c>TaskCompletionSource</c> or <c>TaskCompletionSource&lt;T&gt;</c>.</summary>
        public static bool IsCompletion(IMethodSymbol method) => CompletionMethods.Contains(method.Name) && IsCompletionSource(method.ContainingType);

        /// <summary>The <c>Task</c> property of a <c>TaskCompletionSource</c>.</summary>
        public static bool IsCompletionTask(IPropertySymbol property) => property.Name == "Task" && IsCompletionSource(property.ContainingType);

        public static bool IsCompletionSource(ITypeSymbol? type)
            => type?.OriginalDefinition is INamedTypeSymbol { Name: "TaskCompletionSource", ContainingType: null } named
               && named.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

        private static bool IsDiagnosticsType(INamedTypeSymbol type)
            => type.ContainingType is null
               && type.ContainingNamespace is { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        private static bool ConditionsHold(IMethodSymbol method, Location callSite)
        {
            var symbols = method.GetAttributes()
                .Where(a => a.AttributeClass is { Name: "ConditionalAttribute" } && a.ConstructorArguments.Length == 1)
                .Select(a => a.ConstructorArguments[0].Value as string)
                .ToList();
            return symbols.Count == 0 || symbols.Any(s => s is not null && IsDefinedAt(callSite, s));
        }

        /// <summary>
        /// Whether a preprocessor symbol is defined at a position: by the file's last <c>#define</c>/<c>#undef</c> of it, else the
        /// project's. Those directives may only precede the file's first token, so only that part of the file is read.
        /// </summary>
        private static bool IsDefinedAt(Location site, string symbol)
        {
            if (site.SourceTree is not { } tree)
            {
                return false;
            }

            bool? byDirective = null;
            foreach (var trivia in SyntaxReads.FileHeader(tree))
            {
                switch (trivia.GetStructure())
                {
                    case DefineDirectiveTriviaSyntax define when define.Name.ValueText == symbol:
                        byDirective = true;
                        break;
                    case UndefDirectiveTriviaSyntax undef when undef.Name.ValueText == symbol:
                        byDirective = false;
                        break;
                }
            }

            return byDirective ?? (tree.Options is CSharpParseOptions options && options.PreprocessorSymbolNames.Contains(symbol));
        }

        /// <summary>
        /// Whether completing the <c>TaskCompletionSource</c> in <paramref name="member"/> runs its awaiters' continuations inline:
        /// a private field or property of one type, every value stored in it (its initializer and each assignment in the type's
        /// declarations) a new source made without <c>RunContinuationsAsynchronously</c>. A source from anywhere else (a parameter, a
        /// factory, a non-private member others may assign) is not known to, so nothing is run.
        /// </summary>
        public bool ContinuesInline(ISymbol member) => SyntaxReads.Memo(_continuesInline, member.OriginalDefinition, ComputeContinuesInline, _earlierContinuesInline);

        private static bool ComputeContinuesInline(ISymbol member)
            => member is IFieldSymbol or IPropertySymbol && member.DeclaredAccessibility == Accessibility.Private && member.ContainingType is not null
               && AssignedMember.ValuesOf(member).ToList() is { Count: > 0 } stored && stored.All(v => v is not null && MakesInlineSource(v));

        private static bool MakesInlineSource(ExpressionSyntax value)
            => value is BaseObjectCreationExpressionSyntax creation
               && (creation is ImplicitObjectCreationExpressionSyntax || creation is ObjectCreationExpressionSyntax { Type: var type } && type.ToString().Contains("TaskCompletionSource"))
               && !creation.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == "RunContinuationsAsynchronously");
    }

    /// <summary>
    /// A condition key of the facts of an async method: after an <c>await</c> of <see cref="Source"/>'s task, before any other
    /// <c>await</c>. That is the code a completion of the source runs inline.
    /// </summary>
    internal sealed class AfterAwaitOf : IEquatable<AfterAwaitOf>
    {
        public AfterAwaitOf(ISymbol source) => Source = source.OriginalDefinition;

        public ISymbol Source { get; }

        public bool Equals(AfterAwaitOf? other) => other is not null && SymbolEqualityComparer.Default.Equals(Source, other.Source);

        public override bool Equals(object? obj) => Equals(obj as AfterAwaitOf);

        public override int GetHashCode() => SymbolEqualityComparer.Default.GetHashCode(Source);
    }
}
