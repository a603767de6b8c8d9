using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>
    /// The lock summary of a compilation for the assemblies that reference it (<see cref="LockSummaryFile"/>): what each method
    /// callable from outside may acquire while holding nothing of its own, and which of its own interface and virtual members it
    /// calls while holding a lock, since implementations elsewhere then run under it.
    /// </summary>
    internal static class SummaryWriter
    {
        private const int MaxCallbackDepth = 8;

        public static LockSummaryFile Write(Compilation compilation, CompilationAnalysis analysis, IEnumerable<Guid> modules)
        {
            var classes = new Dictionary<string, SummaryClass>(StringComparer.Ordinal);
            var acquisitions = new List<SummaryAcquisition>();
            var callbacks = new List<SummaryCallback>();
            if (analysis.Context is { } context)
            {
                var internalsVisible = compilation.Assembly.GetAttributes().Any(a => a.AttributeClass is { Name: "InternalsVisibleToAttribute" });
                foreach (var method in context.Facts.Keys.Where(m => VisibleOutside(m, internalsVisible) && m.GetDocumentationCommentId() is not null))
                {
                    foreach (var path in context.Summaries.Summary(method).Where(p => !p.UnderOwnLock))
                    {
                        acquisitions.Add(new SummaryAcquisition(method.GetDocumentationCommentId()!, Note(classes, path.Class, path.Recursive), path.Mode == LockMode.Shared, Short(path.Chain)));
                    }
                }

                var reached = new Dictionary<IMethodSymbol, List<(ISymbol Member, string Chain)>>(SymbolEqualityComparer.Default);
                foreach (var facts in context.Facts.Values)
                {
                    foreach (var call in facts.Calls)
                    {
                        var held = call.MayHeld.Where(h => !h.Fresh).ToList();
                        if (held.Count == 0)
                        {
                            continue;
                        }

                        foreach (var (member, chain) in Callbacks(call.Target, call.DelegateSource, compilation, context, internalsVisible, reached, 0))
                        {
                            foreach (var lockHeld in held)
                            {
                                callbacks.Add(new SummaryCallback(member.GetDocumentationCommentId()!, Note(classes, lockHeld.Class, lockHeld.Recursive), LockSummaries.CalleeName(facts.Method) + " -> " + chain));
                            }
                        }
                    }
                }
            }

            // One holder per member and lock: the shortest chain (a recursive helper reaches the same call by longer ones too).
            var shortest = callbacks.GroupBy(c => (c.Member, c.LockClass))
                .Select(g => g.OrderBy(c => c.Chain.Split(new[] { " -> " }, StringSplitOptions.None).Length).ThenBy(c => c.Chain, StringComparer.Ordinal).First())
                .Select(c => new SummaryCallback(c.Member, c.LockClass, Short(c.Chain)));
            return new LockSummaryFile(compilation.AssemblyName ?? string.Empty, modules.ToImmutableArray(), classes.Values.ToImmutableArray(), acquisitions.ToImmutableArray(), shortest.ToImmutableArray());
        }

        /// <summary>
        /// A chain of at most three steps, the first and the last kept (<c>Flush -> ... -> lock (_sync)</c>): what a message needs
        /// to point the reader at the other assembly's code, and what keeps a large library's summary small.
        /// </summary>
        internal static string Short(string chain)
        {
            var steps = chain.Split(new[] { " -> " }, StringSplitOptions.None);
            return steps.Length <= 3 ? chain : steps[0] + " -> ... -> " + steps[steps.Length - 1];
        }

        /// <summary>The key a summary gives <paramref name="lockClass"/>, noting the class on first use.</summary>
        private static string Note(Dictionary<string, SummaryClass> classes, LockClass lockClass, bool recursive)
        {
            var key = lockClass.Subclass == 0 ? lockClass.Key : lockClass.Key + "/" + lockClass.Subclass;
            if (!classes.ContainsKey(key))
            {
                classes[key] = new SummaryClass(key, lockClass.Name, recursive);
            }

            return key;
        }

        /// <summary>
        /// The interface and virtual members of this compilation that code outside may implement and that a call of
        /// <paramref name="target"/> runs: the target itself, or those its body calls, with the chain of calls that gets there.
        /// </summary>
        private static List<(ISymbol Member, string Chain)> Callbacks(IMethodSymbol target, ISymbol? delegateSource, Compilation compilation, RuleContext context, bool internalsVisible, Dictionary<IMethodSymbol, List<(ISymbol, string)>> reached, int depth)
        {
            // An invocation of the delegates stored in an event, field or property that code outside can store into.
            if (delegateSource is not null)
            {
                return KnownSymbols.IsInSource(delegateSource) && delegateSource.GetDocumentationCommentId() is not null && VisibleOutside(delegateSource, internalsVisible)
                    ? new List<(ISymbol, string)> { (delegateSource, delegateSource.Name) }
                    : new List<(ISymbol, string)>();
            }

            target = target.OriginalDefinition;
            if (reached.TryGetValue(target, out var known))
            {
                // A copy: on a cycle in the call graph the list is still being filled by a caller further up.
                return known.ToList();
            }

            var found = new List<(ISymbol, string)>();
            if (IsOverridableFromOutside(target, internalsVisible))
            {
                found.Add((target, LockSummaries.CalleeName(target)));
            }
            else if (depth < MaxCallbackDepth && KnownSymbols.IsInSource(target))
            {
                // Cycles in the call graph end here: a method on the current stack contributes nothing more.
                reached[target] = found;
                foreach (var (callee, source) in CalleesOf(target, compilation, context))
                {
                    foreach (var (member, chain) in Callbacks(callee, source, compilation, context, internalsVisible, reached, depth + 1))
                    {
                        found.Add((member, LockSummaries.CalleeName(target) + " -> " + chain));
                    }
                }
            }

            reached[target] = found;
            return found;
        }

        /// <summary>
        /// What a body calls: from its facts, or, for a body the analysis skipped because it reaches no lock (a private
        /// <c>Dispatch() => _callback?.Invoke()</c>), bound here, since a callback it makes matters to code outside.
        /// </summary>
        private static IEnumerable<(IMethodSymbol Target, ISymbol? DelegateSource)> CalleesOf(IMethodSymbol method, Compilation compilation, RuleContext context)
        {
            if (context.Facts.TryGetValue(method, out var facts))
            {
                return facts.Calls.Select(c => (c.Target, c.DelegateSource));
            }

            var callees = new List<(IMethodSymbol, ISymbol?)>();
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
#pragma warning disable RS1030 // Run by the summary writer (a build step), not by the analyzer.
                var model = compilation.GetSemanticModel(reference.SyntaxTree);
#pragma warning restore RS1030
                if (model.GetOperation(reference.GetSyntax()) is { } body)
                {
                    foreach (var invocation in Microsoft.CodeAnalysis.Operations.OperationExtensions.Descendants(body).OfType<Microsoft.CodeAnalysis.Operations.IInvocationOperation>())
                    {
                        callees.Add((invocation.TargetMethod, invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke ? DelegateMember(invocation.Instance) : null));
                    }
                }
            }

            return callees;
        }

        /// <summary>The event, field or property a delegate is read from (<c>Changed?.Invoke(...)</c>, <c>_onDone(...)</c>).</summary>
        private static ISymbol? DelegateMember(IOperation? receiver)
        {
            while (receiver is Microsoft.CodeAnalysis.Operations.IConversionOperation or Microsoft.CodeAnalysis.Operations.IConditionalAccessInstanceOperation or Microsoft.CodeAnalysis.Operations.IParenthesizedOperation)
            {
                receiver = receiver switch
                {
                    Microsoft.CodeAnalysis.Operations.IConversionOperation c => c.Operand,
                    Microsoft.CodeAnalysis.Operations.IParenthesizedOperation p => p.Operand,
                    _ => ConditionalReceiver(receiver),
                };
            }

            return LockFlowWalker.DelegateMemberOf(receiver);
        }

        /// <summary>In <c>x?.Invoke()</c>, the <c>x</c> the conditional access tests.</summary>
        private static IOperation? ConditionalReceiver(IOperation instance)
        {
            for (var parent = instance.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is Microsoft.CodeAnalysis.Operations.IConditionalAccessOperation access)
                {
                    return access.Operation;
                }
            }

            return null;
        }

        private static bool IsOverridableFromOutside(IMethodSymbol method, bool internalsVisible)
            => KnownSymbols.IsInSource(method) && method.GetDocumentationCommentId() is not null
               && (method.ContainingType?.TypeKind == TypeKind.Interface || ((method.IsVirtual || method.IsAbstract || method.IsOverride) && method.ContainingType?.IsSealed == false && !method.IsSealed))
               && VisibleOutside(method, internalsVisible);

        /// <summary>Whether code in another assembly can call (or override) <paramref name="symbol"/>: it and every containing type are accessible there.</summary>
        private static bool VisibleOutside(ISymbol symbol, bool internalsVisible)
        {
            for (var s = symbol; s is not null and not INamespaceSymbol; s = s.ContainingSymbol)
            {
                switch (s.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                    case Accessibility.Protected:
                    case Accessibility.ProtectedOrInternal:
                        break;
                    case Accessibility.Internal:
                    case Accessibility.ProtectedAndInternal:
                        if (!internalsVisible)
                        {
                            return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            return true;
        }
    }
}
