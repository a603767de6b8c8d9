using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// The names a body reaches once it is bound, for the relevance filter's second pass (<see cref="RelevanceFilter.WithBoundNames"/>).
    /// Syntax alone cannot tell <c>list.Count</c> from a source <c>Count</c>, nor a <c>foreach</c> over a <c>List&lt;T&gt;</c> from
    /// one over a source collection whose enumerator locks, so on real libraries the syntax pass sends half of all bodies to the walk
    /// (NLog: 2,794 of 5,076). Bound, a member declared outside the source counts only where the walk could follow it into the
    /// source: its receiver is of a source type (a virtual call may reach an override here), its name is one that matters outside
    /// the source (<see cref="RelevanceFilter.ReachableFromOutside"/>), or framework members are dispatched into the source.
    /// </summary>
    internal static class BoundNames
    {
        /// <summary>
        /// The names <paramref name="body"/> (a declaration whose body the walk binds) reaches, or null where binding cannot tell
        /// (the body does not bind cleanly, or it is dynamic): the syntax names stand there.
        /// </summary>
        public static HashSet<string>? Of(SemanticModel semanticModel, SyntaxNode body, RelevanceFilter candidates, CancellationToken cancellationToken)
        {
            if (semanticModel.GetOperation(body, cancellationToken) is not { } operation)
            {
                return null;
            }

            var names = new Names(candidates.ReachableFromOutside, candidates.CountsEveryName);
            foreach (var op in operation.DescendantsAndSelf())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (op)
                {
                    case IInvalidOperation or IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                        return null;
                    case IInvocationOperation invocation:
                        names.Member(invocation.TargetMethod, invocation.Instance);
                        break;
                    case IMemberReferenceOperation reference:
                        names.Member(reference.Member, reference.Instance);
                        break;
                    case IObjectCreationOperation { Constructor: { } constructor }:
                        names.Member(constructor, receiver: null);
                        break;
                    case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax loop } forEach:
                        var info = semanticModel.GetForEachStatementInfo(loop);
                        names.Member(info.GetEnumeratorMethod, TypeOf(forEach.Collection));
                        var enumerator = info.GetEnumeratorMethod?.ReturnType;
                        names.Member(info.MoveNextMethod, enumerator);
                        names.Member(info.CurrentProperty, enumerator);
                        names.Member(info.DisposeMethod, enumerator);
                        break;
                    case IAwaitOperation { Syntax: AwaitExpressionSyntax awaitSyntax } awaited:
                        var awaitInfo = semanticModel.GetAwaitExpressionInfo(awaitSyntax);
                        names.Member(awaitInfo.GetAwaiterMethod, TypeOf(awaited.Operation));
                        var awaiter = awaitInfo.GetAwaiterMethod?.ReturnType;
                        names.Member(awaitInfo.IsCompletedProperty, awaiter);
                        names.Member(awaitInfo.GetResultMethod, awaiter);
                        break;
                    case IUsingOperation { Resources: var resources } @using:
                        Disposed(names, resources, @using.IsAsynchronous);
                        break;
                    case IUsingDeclarationOperation { DeclarationGroup: var group } declaration:
                        Disposed(names, group, declaration.IsAsynchronous);
                        break;
                    case IVariableDeclaratorOperation declarator:
                        names.Type(declarator.Symbol.Type);
                        break;
                }

                names.Type(op.Type);
            }

            return names.Result;
        }

        /// <summary>A <c>using</c> resource disposed at the end: its <c>Dispose</c> is followed only on a source type.</summary>
        private static void Disposed(Names names, IOperation resources, bool asynchronous)
        {
            var types = resources is IVariableDeclarationGroupOperation group
                ? group.Declarations.SelectMany(d => d.Declarators).Select(d => (ITypeSymbol?)d.Symbol.Type)
                : new[] { TypeOf(resources) };
            foreach (var type in types)
            {
                names.Implicit(asynchronous ? "DisposeAsync" : "Dispose", type);
            }
        }

        /// <summary>The type of a value before the compiler converted it (to <c>IDisposable</c>, to a collection interface).</summary>
        private static ITypeSymbol? TypeOf(IOperation operation)
            => (operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation).Type;

        private sealed class Names
        {
            private readonly ISet<string> _reachableFromOutside;
            private readonly bool _everyName;
            private readonly Dictionary<ISymbol, bool> _inSource = new(SymbolEqualityComparer.Default);

            public Names(ISet<string> reachableFromOutside, bool everyName)
            {
                _reachableFromOutside = reachableFromOutside;
                _everyName = everyName;
            }

            public HashSet<string> Result { get; } = new(StringComparer.Ordinal);

            /// <summary>
            /// A member the body uses on <paramref name="receiver"/>, by the name the filter knows its body by: a constructor by its
            /// type's name; a static member names its type too (its first use runs the type's static constructor).
            /// </summary>
            public void Member(ISymbol? member, IOperation? receiver) => Member(member, receiver is null ? null : TypeOf(receiver));

            public void Member(ISymbol? member, ITypeSymbol? receiverType)
            {
                if (member is null)
                {
                    return;
                }

                var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } ? member.ContainingType.Name : member.Name;
                if (InSource(member))
                {
                    Result.Add(name);
                    if (member.IsStatic && member.ContainingType is { } type)
                    {
                        Result.Add(type.Name);
                    }
                }
                else
                {
                    Implicit(name, receiverType);
                }
            }

            /// <summary>A member declared outside the source, or one the compiler calls by name (<c>Dispose</c> at a using's end).</summary>
            public void Implicit(string name, ITypeSymbol? receiverType)
            {
                if (_everyName || _reachableFromOutside.Contains(name) || (receiverType is not null && CouldBeInSource(receiverType)))
                {
                    Result.Add(name);
                }
            }

            /// <summary>A type the body handles counts only when our attributes name it (a scoped guard, a lock type).</summary>
            public void Type(ITypeSymbol? type)
            {
                if (type is not null && _reachableFromOutside.Contains(type.Name))
                {
                    Result.Add(type.Name);
                }
            }

            // A receiver of a source type, or of a type parameter, may be a source object whose override runs.
            private bool CouldBeInSource(ITypeSymbol type)
                => type is ITypeParameterSymbol || InSource(type);

            private bool InSource(ISymbol symbol)
            {
                if (!_inSource.TryGetValue(symbol, out var inSource))
                {
                    _inSource[symbol] = inSource = KnownSymbols.IsInSource(symbol);
                }

                return inSource;
            }
        }
    }
}
