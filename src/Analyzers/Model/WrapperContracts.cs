using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Model
{
    internal enum WrapperKind
    {
        Acquire,
        TryAcquire,
        Release,
    }

    /// <summary>An inferred contract: the wrapper acquires, tries or releases the lock at <see cref="Path"/> (a member of <c>this</c>, or <c>this</c>).</summary>
    internal readonly struct WrapperContract
    {
        public WrapperContract(WrapperKind kind, string path, LockMode mode)
        {
            Kind = kind;
            Path = path;
            Mode = mode;
        }

        public WrapperKind Kind { get; }

        public string Path { get; }

        public LockMode Mode { get; }
    }

    /// <summary>A helper that enters the monitor of parameter <see cref="Lock"/> and sets its <c>ref bool</c> parameter <see cref="Flag"/>.</summary>
    internal sealed class FlaggedAcquire
    {
        public FlaggedAcquire(IParameterSymbol lockParameter, IParameterSymbol flag, bool isTry)
        {
            Lock = lockParameter;
            Flag = flag;
            IsTry = isTry;
        }

        public IParameterSymbol Lock { get; }

        public IParameterSymbol Flag { get; }

        public bool IsTry { get; }
    }

    /// <summary>
    /// The contracts of small wrapper primitives, inferred as <c>[ReturnsRef]</c> is for get wrappers: a method whose whole body is
    /// one acquisition, try-acquisition or release of a lock of its own object (<c>Release() => _mutex.Release()</c>,
    /// <c>TryTakeSync() => _mutex.Wait(_timeout)</c>), in a type that wraps both sides of that lock, is that primitive: callers
    /// hold what it takes and let go what it releases, and its own body is not judged for balance (StackExchange.Redis's
    /// <c>AwaitableMutex</c>). A lone wrapper of one side is left alone: the message of its LD1008 names the annotation instead.
    /// One call inside the finally of an empty try counts as the whole body.
    /// </summary>
    internal sealed class WrapperContracts
    {
        private readonly Compilation _compilation;
        private readonly LockTypes _lockTypes;
        private readonly ConcurrentDictionary<INamedTypeSymbol, SyntaxReads.Tracked<ImmutableDictionary<IMethodSymbol, WrapperContract>>> _byType = new(SymbolEqualityComparer.Default);

        public WrapperContracts(Compilation compilation, LockTypes lockTypes)
        {
            _compilation = compilation;
            _lockTypes = lockTypes;
        }

        public WrapperContract? Of(IMethodSymbol method)
        {
            if (method.ContainingType is not { } type || method.MethodKind != MethodKind.Ordinary || !IsCandidate(method))
            {
                return null;
            }

            return SyntaxReads.Memo(_byType, type.OriginalDefinition, ForType).TryGetValue(KeyOf(method), out var contract) ? contract : null;
        }

        /// <summary>The type's wrappers of locks it wraps both sides of.</summary>
        private ImmutableDictionary<IMethodSymbol, WrapperContract> ForType(INamedTypeSymbol type)
        {
            var found = new Dictionary<IMethodSymbol, WrapperContract>(SymbolEqualityComparer.Default);
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && IsCandidate(m)))
            {
                if (Classify(method) is { } contract)
                {
                    found[KeyOf(method)] = contract;
                }
            }

            var paired = found.Values.GroupBy(c => c.Path)
                .Where(g => g.Any(c => c.Kind == WrapperKind.Release) && g.Any(c => c.Kind != WrapperKind.Release))
                .Select(g => g.Key)
                .ToImmutableHashSet();
            var builder = ImmutableDictionary.CreateBuilder<IMethodSymbol, WrapperContract>(SymbolEqualityComparer.Default);
            foreach (var pair in found.Where(p => paired.Contains(p.Value.Path)))
            {
                builder[pair.Key] = pair.Value;
            }

            return builder.ToImmutable();
        }

        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxReads.Tracked<FlaggedAcquire?>> _flagged = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// A helper whose only lock operations are <c>Monitor.Enter(p, ref taken)</c> (or <c>TryEnter(p, .., ref taken)</c>) on one
        /// parameter <c>p</c>, with <c>taken</c> its own <c>ref bool</c> parameter (Autofac's <c>EnterServiceInfoLock</c>, which times
        /// the wait when metrics are on): a call is that acquisition, on the argument, with the caller's flag. On whatever path it
        /// takes, the flag says whether the monitor was entered, so the caller's <c>finally { if (taken) Monitor.Exit(p); }</c>
        /// balances it.
        /// </summary>
        public FlaggedAcquire? FlaggedOf(IMethodSymbol method)
            => method.MethodKind == MethodKind.Ordinary && method.Parameters.Any(IsRefBool) && method.Parameters.Any(p => p.RefKind == RefKind.None && !p.Type.IsValueType)
                ? SyntaxReads.Memo(_flagged, KeyOf(method), ClassifyFlagged)
                : null;

        private static bool IsRefBool(IParameterSymbol parameter) => parameter.RefKind == RefKind.Ref && parameter.Type.SpecialType == SpecialType.System_Boolean;

        private FlaggedAcquire? ClassifyFlagged(IMethodSymbol method)
        {
            if (BodyDeclaration(method) is not { } syntax
                || !syntax.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText is "Enter" or "TryEnter")
                || syntax.DescendantNodes().Any(n => n is LockStatementSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax))
            {
                return null;
            }

#pragma warning disable RS1030 // Methods with a ref bool parameter that name Monitor.Enter, once each per compilation.
            var body = _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax);
#pragma warning restore RS1030
            FlaggedAcquire? found = null;
            foreach (var call in body?.Descendants().OfType<IInvocationOperation>() ?? Enumerable.Empty<IInvocationOperation>())
            {
                var target = call.TargetMethod;
                if (!_lockTypes.IsLockType(target.ContainingType) && !KnownSymbols.IsThreadingType(target.ContainingType, "Monitor"))
                {
                    continue;
                }

                if (!KnownSymbols.IsThreadingType(target.ContainingType, "Monitor") || target.Name is not ("Enter" or "TryEnter")
                    || call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value is not { } lockArgument
                    || Flow.ValueResolver.StripConversions(lockArgument) is not IParameterReferenceOperation { Parameter: var locked }
                    || call.Arguments.FirstOrDefault(a => a.Parameter?.RefKind == RefKind.Ref)?.Value is not IParameterReferenceOperation { Parameter: var flag }
                    || !IsRefBool(flag))
                {
                    // Any other lock operation: not a plain acquisition helper.
                    return null;
                }

                var isTry = target.Name == "TryEnter";
                if (found is not null && (!SymbolEqualityComparer.Default.Equals(found.Lock, locked) || !SymbolEqualityComparer.Default.Equals(found.Flag, flag) || found.IsTry != isTry))
                {
                    return null;
                }

                found ??= new FlaggedAcquire(locked, flag, isTry);
            }

            return found;
        }

        /// <summary>Callers bind a partial method to its definition part; the body is in its implementation part.</summary>
        private static IMethodSymbol KeyOf(IMethodSymbol method) => (method.PartialDefinitionPart ?? method).OriginalDefinition;

        /// <summary>A source method whose body is a single expression (cheap syntactic filter before any binding).</summary>
        private static bool IsCandidate(IMethodSymbol method)
            => !method.IsStatic && BodyDeclaration(method) is { } declaration && SingleExpression(declaration) is InvocationExpressionSyntax;

        /// <remarks>
        /// Read as a search for a single-call body: an edit of a body that is not one, before or after, leaves every answer about
        /// it as it was (not a wrapper), so what read it stands.
        /// </remarks>
        private static SyntaxNode? BodyDeclaration(IMethodSymbol method)
            => (method.PartialImplementationPart ?? method).DeclaringSyntaxReferences.Select(r => SyntaxReads.Search(r, SingleCallBody))
                .FirstOrDefault(s => s is MethodDeclarationSyntax { ExpressionBody: not null } or MethodDeclarationSyntax { Body: not null });

        private static readonly SyntaxSearch SingleCallBody = new("single call body", member => SingleExpression(member) is InvocationExpressionSyntax);

        private static ExpressionSyntax? SingleExpression(SyntaxNode declaration) => declaration switch
        {
            MethodDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
            MethodDeclarationSyntax { Body.Statements: { Count: 1 } statements } => statements[0] switch
            {
                ExpressionStatementSyntax expression => expression.Expression,
                ReturnStatementSyntax { Expression: { } returned } => returned,
                // `try { } finally { _rwl.EnterReadLock(); }`: the .NET Framework idiom that keeps a thread abort from landing
                // between the acquisition and the caller's try (log4net's ReaderWriterLock). The body is still that one call.
                TryStatementSyntax { Block.Statements.Count: 0, Catches.Count: 0, Finally.Block.Statements: { Count: 1 } inner }
                    when inner[0] is ExpressionStatementSyntax only => only.Expression,
                _ => null,
            },
            _ => null,
        };

        private WrapperContract? Classify(IMethodSymbol method)
        {
            if (BodyDeclaration(method) is not { } syntax || SingleExpression(syntax) is not InvocationExpressionSyntax invocationSyntax)
            {
                return null;
            }

#pragma warning disable RS1030 // Single-expression methods of types that wrap locks, once each per compilation.
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            if (model.GetOperation(invocationSyntax) is not IInvocationOperation call)
            {
                return null;
            }

            var target = call.TargetMethod;
            var type = target.ContainingType;
            var returnsBool = method.ReturnType.SpecialType == SpecialType.System_Boolean && target.ReturnType.SpecialType == SpecialType.System_Boolean;
            if (KnownSymbols.IsThreadingType(type, "Monitor"))
            {
                var locked = call.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
                return PathOf(locked) is not { } path ? null : target.Name switch
                {
                    "Enter" when call.Arguments.Length == 1 => new WrapperContract(WrapperKind.Acquire, path, LockMode.Exclusive),
                    "TryEnter" when returnsBool && call.Arguments.All(a => a.Parameter?.RefKind != RefKind.Ref) => new WrapperContract(WrapperKind.TryAcquire, path, LockMode.Exclusive),
                    "Exit" => new WrapperContract(WrapperKind.Release, path, LockMode.Exclusive),
                    _ => null,
                };
            }

            if (PathOf(call.Instance) is not { } member || member == "this")
            {
                return null;
            }

            if (KnownSymbols.IsThreadingType(type, "SemaphoreSlim"))
            {
                if (!(call.Instance is IMemberReferenceOperation { Member: var semaphore } && _lockTypes.IsMutexSemaphore(semaphore)))
                {
                    return null;
                }

                return target.Name switch
                {
                    "Wait" when target.ReturnsVoid => new WrapperContract(WrapperKind.Acquire, member, LockMode.Exclusive),
                    "Wait" when returnsBool => new WrapperContract(WrapperKind.TryAcquire, member, LockMode.Exclusive),
                    "Release" when call.Arguments.Length == 0 => new WrapperContract(WrapperKind.Release, member, LockMode.Exclusive),
                    _ => null,
                };
            }

            if (KnownSymbols.IsThreadingType(type, "Lock") || KnownSymbols.IsThreadingType(call.Instance?.Type, "Mutex"))
            {
                return target.Name switch
                {
                    "Enter" or "WaitOne" when call.Arguments.Length == 0 => new WrapperContract(WrapperKind.Acquire, member, LockMode.Exclusive),
                    "TryEnter" or "WaitOne" when returnsBool => new WrapperContract(WrapperKind.TryAcquire, member, LockMode.Exclusive),
                    "Exit" or "ReleaseMutex" => new WrapperContract(WrapperKind.Release, member, LockMode.Exclusive),
                    _ => null,
                };
            }

            if (KnownSymbols.IsThreadingType(type, "ReaderWriterLockSlim"))
            {
                return target.Name switch
                {
                    "EnterWriteLock" => new WrapperContract(WrapperKind.Acquire, member, LockMode.Exclusive),
                    "EnterReadLock" => new WrapperContract(WrapperKind.Acquire, member, LockMode.Shared),
                    "ExitWriteLock" => new WrapperContract(WrapperKind.Release, member, LockMode.Exclusive),
                    "ExitReadLock" => new WrapperContract(WrapperKind.Release, member, LockMode.Shared),
                    _ => null,
                };
            }

            return null;
        }

        /// <summary><c>this</c>, or the name of a field or property of <c>this</c>; null for anything else.</summary>
        private static string? PathOf(IOperation? operation)
        {
            return (operation is null ? null : Flow.ValueResolver.StripConversions(operation)) switch
            {
                IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } => "this",
                IFieldReferenceOperation { Field.IsStatic: false, Instance: IInstanceReferenceOperation } field => field.Field.Name,
                IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: IInstanceReferenceOperation } property => property.Property.Name,
                _ => null,
            };
        }
    }
}
