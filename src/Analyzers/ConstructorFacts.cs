using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// What a constructor runs besides its body: the instance field and property initializers (unless it chains to
    /// <c>this(...)</c>), and, for an implicit constructor, the base constructor it calls. Folded into the constructor's facts so
    /// <c>new T()</c> is followed like any call.
    /// </summary>
    internal sealed class ConstructorFacts
    {
        private readonly Dictionary<INamedTypeSymbol, List<MethodLockFacts>> _initializers = new(SymbolEqualityComparer.Default);
        private readonly HashSet<INamedTypeSymbol> _types = new(SymbolEqualityComparer.Default);

        /// <summary>The facts of each type's instance initializers (read by <see cref="Incremental.FactsFingerprint"/>).</summary>
        public IReadOnlyDictionary<INamedTypeSymbol, List<MethodLockFacts>> Initializers => _initializers;

        /// <summary>The types declared in the trees these facts came from.</summary>
        public IReadOnlyCollection<INamedTypeSymbol> Types => _types;

        public void CollectTypes(SemanticModel semanticModel, TypeDeclarationSyntax declaration, AnnotationModel model, RelevanceFilter relevance, CancellationToken cancellationToken)
        {
            if (semanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type)
            {
                return;
            }

            _types.Add(type);
            var constructor = type.InstanceConstructors.FirstOrDefault();
            if (constructor is null)
            {
                return;
            }

            foreach (var member in declaration.Members)
            {
                var initializers = member switch
                {
                    FieldDeclarationSyntax field when !field.Modifiers.Any(m => m.ValueText is "static" or "const")
                        => field.Declaration.Variables.Select(v => (SyntaxNode?)v.Initializer),
                    PropertyDeclarationSyntax property when !property.Modifiers.Any(m => m.ValueText == "static")
                        => new[] { (SyntaxNode?)property.Initializer },
                    _ => Enumerable.Empty<SyntaxNode?>(),
                };
                foreach (var initializer in initializers.OfType<EqualsValueClauseSyntax>())
                {
                    if (!initializer.Value.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
                        || !relevance.Mentions(initializer.Value))
                    {
                        continue;
                    }

                    var cfg = semanticModel.GetOperation(initializer, cancellationToken) switch
                    {
                        IFieldInitializerOperation f => ControlFlowGraph.Create(f, cancellationToken),
                        IPropertyInitializerOperation p => ControlFlowGraph.Create(p, cancellationToken),
                        _ => null,
                    };
                    if (cfg is null)
                    {
                        continue;
                    }

                    if (!_initializers.TryGetValue(type, out var list))
                    {
                        _initializers[type] = list = new List<MethodLockFacts>();
                    }

                    list.Add(LockFlowWalker.Analyze(model, cfg, constructor, cancellationToken));
                }
            }
        }

        /// <summary>Adds another tree's types and initializers (trees are merged in file order; a partial type's parts add up).</summary>
        public void Add(ConstructorFacts other)
        {
            _types.UnionWith(other._types);
            foreach (var pair in other._initializers)
            {
                if (!_initializers.TryGetValue(pair.Key, out var list))
                {
                    _initializers[pair.Key] = list = new List<MethodLockFacts>();
                }

                list.AddRange(pair.Value);
            }
        }

        public void FoldInto(Dictionary<IMethodSymbol, MethodLockFacts> facts)
        {
            // Most types have neither: asking for their constructors would build every member of the type, which after an
            // edit is most of this step's time (the new compilation's symbols are made on demand). Only the few that fold are
            // put in order (naming every type was half of this step).
            foreach (var type in _types.Where(t => _initializers.ContainsKey(t) || MayCallASourceBaseImplicitly(t)).OrderBy(t => t.ToDisplayString(), System.StringComparer.Ordinal))
            {
                _initializers.TryGetValue(type, out var initializers);

                foreach (var constructor in type.InstanceConstructors)
                {
                    var parts = new List<MethodLockFacts>();
                    if (facts.TryGetValue(constructor, out var body))
                    {
                        parts.Add(body);
                    }

                    if (initializers is not null && !ChainsToThis(constructor))
                    {
                        parts.AddRange(initializers);
                    }

                    if (constructor.IsImplicitlyDeclared && ImplicitBaseCall(constructor) is { } baseCall)
                    {
                        parts.Add(baseCall);
                    }

                    if (parts.Count > (body is null ? 0 : 1))
                    {
                        facts[constructor] = MethodLockFacts.Combine(constructor, parts);
                    }
                }
            }
        }

        /// <summary>Whether an implicit constructor of the type may call a base constructor declared in source.</summary>
        private static bool MayCallASourceBaseImplicitly(INamedTypeSymbol type)
            => type.BaseType is { } baseType && baseType.Locations.Any(l => l.IsInSource)
               && !type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>()
                   .Any(t => t.Members.OfType<ConstructorDeclarationSyntax>().Any(c => !c.Modifiers.Any(m => m.ValueText == "static"))
                             || t.ParameterList is not null);

        private static bool ChainsToThis(IMethodSymbol constructor)
            => constructor.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<ConstructorDeclarationSyntax>()
                .Any(c => c.Initializer?.ThisOrBaseKeyword.ValueText == "this");

        /// <summary>The call an implicit constructor makes to its base's parameterless constructor, when that one is in source.</summary>
        private static MethodLockFacts? ImplicitBaseCall(IMethodSymbol constructor)
        {
            var baseConstructor = constructor.ContainingType.BaseType?.InstanceConstructors.FirstOrDefault(c => c.Parameters.IsEmpty);
            var site = constructor.ContainingType.Locations.FirstOrDefault(l => l.IsInSource);
            if (baseConstructor is null || site is null || !baseConstructor.ContainingType.Locations.Any(l => l.IsInSource))
            {
                return null;
            }

            var call = new CallFact(baseConstructor, site, ImmutableArray<HeldLock>.Empty, ImmutableArray<HeldLock>.Empty,
                ImmutableHashSet<LockClass>.Empty, ImmutableArray<HeldKey>.Empty, ImmutableArray<HeldKey>.Empty);
            return new MethodLockFacts(constructor, ImmutableArray<AcquireFact>.Empty, ImmutableArray.Create(call),
                ImmutableArray<UnheldReleaseFact>.Empty, ImmutableArray<LeakFact>.Empty, ImmutableArray<GuardedAccessFact>.Empty);
        }
    }
}
