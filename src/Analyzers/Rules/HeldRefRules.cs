using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>
    /// LD2006: a <c>[HoldsRef]</c> member whose reference its owner never drops (the refcount analogue of CA2213). The owner's
    /// teardown is <c>Dispose()</c> (<c>DisposeAsync()</c>) when the type is disposable, which must drop or hand the reference on
    /// on every path; else the release path of a <c>[DropsRef]</c> method that drops the type, which must drop it on some path
    /// (its other paths are the puts that were not the last, which the analysis cannot tell apart); else, with no teardown, some
    /// code in the compilation must load the member and drop or hand it on.
    /// </summary>
    internal static class HeldRefRules
    {
        public static void Run(RuleContext context, Compilation compilation, IReadOnlyList<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var (members, drops) = Annotated(compilation, context.Model, trees, cancellationToken);
            if (members.Count == 0)
            {
                return;
            }

            var walker = new HeldRefDrops(compilation, context.Model, context.Settings.MaxCallDepth, cancellationToken);
            foreach (var member in members)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The bodies that name the member, found once: both the no-teardown check and the cleared-elsewhere check read them.
                var naming = new Lazy<IReadOnlyList<(IMethodSymbol Method, bool Clears)>>(() => BodiesNaming(member, compilation, trees, cancellationToken));
                if (Problem(member, drops, walker, naming) is { } problem && !DroppedAnywhere(member, walker, naming.Value, clearedOnly: true))
                {
                    context.Report(Descriptors.LD2006_HeldReferenceNeverDropped, member.Locations[0], null, LockClass.TypeDisplayName(member.ContainingType) + "." + member.Name, problem);
                }
            }
        }

        /// <summary>What is wrong with how <paramref name="member"/>'s owner releases it, or null when nothing is.</summary>
        private static string? Problem(ISymbol member, IReadOnlyList<IMethodSymbol> dropMethods, HeldRefDrops walker, Lazy<IReadOnlyList<(IMethodSymbol Method, bool Clears)>> naming)
        {
            var type = member.ContainingType;
            if (Dispose(type) is { } dispose)
            {
                return walker.Analyze(dispose, new HeldRefRoot(HolderKind.This, null, member)).OnEveryPath
                    ? null
                    : $"'{dispose.Name}' neither drops nor hands on, on some path through it";
            }

            var teardowns = dropMethods.Where(m => DropsA(m, type) && !Forwards(m, walker)).ToList();
            if (teardowns.Count > 0)
            {
                return teardowns.Any(m => walker.Analyze(m, Holder(m, member)).OnSomePath)
                    ? null
                    : $"the release path of '{teardowns[0].Name}' never drops nor hands on";
            }

            return DroppedAnywhere(member, walker, naming.Value, clearedOnly: false)
                ? null
                : $"no code in the compilation drops or hands on, and '{type.Name}' has no teardown (Dispose or a [DropsRef] release path)";
        }

        /// <summary>The type's own <c>Dispose()</c> (or <c>DisposeAsync()</c>) with a body in source, when it is disposable.</summary>
        private static IMethodSymbol? Dispose(INamedTypeSymbol type)
        {
            foreach (var name in new[] { "IDisposable", "IAsyncDisposable" })
            {
                var contract = type.AllInterfaces.FirstOrDefault(i => i.Name == name && i.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true });
                if (contract?.GetMembers().OfType<IMethodSymbol>().FirstOrDefault() is { } interfaceMethod
                    && type.FindImplementationForInterfaceMember(interfaceMethod) is IMethodSymbol implementation
                    && implementation.Locations.Any(l => l.IsInSource) && !implementation.IsAbstract)
                {
                    return implementation;
                }
            }

            return null;
        }

        /// <summary>A <c>[DropsRef]</c> method that drops an object of <paramref name="type"/> (<c>this</c>, or its dropped parameter).</summary>
        private static bool DropsA(IMethodSymbol method, INamedTypeSymbol type)
        {
            var droppedType = method.GetAttributes().Any(a => KnownSymbols.IsAttribute(a, "DropsRefAttribute")) ? DroppedParameter(method)?.Type ?? method.ContainingType : null;
            return SymbolEqualityComparer.Default.Equals(droppedType?.OriginalDefinition, type.OriginalDefinition);
        }

        private static IParameterSymbol? DroppedParameter(IMethodSymbol method)
        {
            var attribute = method.GetAttributes().First(a => KnownSymbols.IsAttribute(a, "DropsRefAttribute"));
            var name = attribute.ConstructorArguments.FirstOrDefault().Value as string;
            return name is not null ? method.Parameters.FirstOrDefault(p => p.Name == name) : method.IsStatic ? method.Parameters.FirstOrDefault() : null;
        }

        /// <summary>A <c>[DropsRef]</c> method that hands its reference to another (<c>kvm_vm_release</c> calls <c>kvm_put_kvm</c>): not a release path of its own.</summary>
        private static bool Forwards(IMethodSymbol method, HeldRefDrops walker)
            => DroppedParameter(method) is { } parameter && walker.Analyze(method, new HeldRefRoot(HolderKind.Parameter, parameter, null)).OnSomePath;

        private static HeldRefRoot Holder(IMethodSymbol dropMethod, ISymbol member)
            => DroppedParameter(dropMethod) is { } parameter
                ? new HeldRefRoot(HolderKind.Parameter, parameter, member)
                : new HeldRefRoot(HolderKind.This, null, member);

        /// <summary>
        /// Whether any body that names the member loads it and drops or hands the reference on, on some path; with
        /// <paramref name="clearedOnly"/>, only a body that also clears the member (<c>kvm = dev->kvm; dev->kvm = NULL; kvm_put_kvm(kvm)</c>
        /// on the last close): the owner releases it there, before its teardown, which then has nothing left to drop.
        /// </summary>
        private static bool DroppedAnywhere(ISymbol member, HeldRefDrops walker, IReadOnlyList<(IMethodSymbol Method, bool Clears)> naming, bool clearedOnly)
            => naming.Any(n => (!clearedOnly || n.Clears) && walker.Analyze(n.Method, new HeldRefRoot(HolderKind.AnyInstance, null, member)).OnSomePath);

        /// <summary>The members (a local function or lambda counts as its member) whose bodies name the member, in file order, and whether each clears it.</summary>
        private static IReadOnlyList<(IMethodSymbol Method, bool Clears)> BodiesNaming(ISymbol member, Compilation compilation, IReadOnlyList<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var bodies = new List<(IMethodSymbol Method, bool Clears)>();
            var index = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
            foreach (var tree in trees)
            {
                var names = Incremental.SyntaxReads.Root(tree, cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => n.Identifier.ValueText == member.Name).ToList();
                if (names.Count == 0)
                {
                    continue;
                }

#pragma warning disable RS1030 // Only for a [HoldsRef] member whose owner does not drop it, once per tree that names it.
                var semanticModel = compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                foreach (var name in names)
                {
                    if (!SymbolEqualityComparer.Default.Equals(semanticModel.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, member.OriginalDefinition)
                        || semanticModel.GetEnclosingSymbol(name.SpanStart, cancellationToken) is not IMethodSymbol method)
                    {
                        continue;
                    }

                    while (method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction && method.ContainingSymbol is IMethodSymbol outer)
                    {
                        method = outer;
                    }

                    if (index.TryGetValue(method, out var at))
                    {
                        bodies[at] = (method, bodies[at].Clears || ClearedHere(name));
                    }
                    else
                    {
                        index[method] = bodies.Count;
                        bodies.Add((method, ClearedHere(name)));
                    }
                }
            }

            return bodies;
        }

        /// <summary>The name is the target of an assignment of <c>null</c> (<c>dev.Kvm = null</c>).</summary>
        private static bool ClearedHere(IdentifierNameSyntax name)
        {
            SyntaxNode target = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            return target.Parent is AssignmentExpressionSyntax assignment && assignment.Left == target
                && assignment.Right is LiteralExpressionSyntax literal && literal.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.NullLiteralExpression);
        }

        /// <summary>The <c>[HoldsRef]</c> members and the <c>[DropsRef]</c> methods declared in source, in file order.</summary>
        private static (List<ISymbol> Members, List<IMethodSymbol> DropMethods) Annotated(Compilation compilation, AnnotationModel model, IReadOnlyList<SyntaxTree> trees, CancellationToken cancellationToken)
        {
            var members = new List<ISymbol>();
            var dropMethods = new List<IMethodSymbol>();
            foreach (var tree in trees)
            {
                SemanticModel? semanticModel = null;
                foreach (var attribute in tree.GetRoot(cancellationToken).DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax)).OfType<AttributeSyntax>())
                {
                    var name = RelevanceFilter.AttributeName(attribute);
                    var isHolds = name == "HoldsRef";
                    var isDrops = name == "DropsRef";
                    if (!isHolds && !isDrops)
                    {
                        continue;
                    }

#pragma warning disable RS1030 // Declarations that carry our reference-counting attributes, once per tree.
                    semanticModel ??= compilation.GetSemanticModel(tree);
#pragma warning restore RS1030
                    var declaration = attribute.Parent?.Parent;
                    var declared = declaration switch
                    {
                        FieldDeclarationSyntax field => field.Declaration.Variables.Select(v => semanticModel.GetDeclaredSymbol(v, cancellationToken)),
                        MemberDeclarationSyntax other => new[] { semanticModel.GetDeclaredSymbol(other, cancellationToken) },
                        _ => Enumerable.Empty<ISymbol?>(),
                    };
                    foreach (var symbol in declared)
                    {
                        if (isHolds && symbol is IFieldSymbol or IPropertySymbol && model.HoldsRef(symbol) && symbol.ContainingType is not null)
                        {
                            members.Add(symbol);
                        }
                        else if (isDrops && symbol is IMethodSymbol method && model.GetContract(method) is { DropsRef: not null, DropsRefNotFinal: false })
                        {
                            dropMethods.Add(method);
                        }
                    }
                }
            }

            return (members, dropMethods);
        }
    }
}
