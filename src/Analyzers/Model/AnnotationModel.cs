using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// What each symbol's annotations mean, bound once per compilation and cached. Binding errors become LD0001 diagnostics,
    /// collected here and reported by the tree that holds the attribute.
    /// </summary>
    internal sealed class AnnotationModel
    {
        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxReads.Tracked<MethodContract>> _contracts = SyntaxReads.LargeCache<IMethodSymbol, SyntaxReads.Tracked<MethodContract>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxReads.Tracked<MethodContract>> _effectiveContracts = SyntaxReads.LargeCache<IMethodSymbol, SyntaxReads.Tracked<MethodContract>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, SyntaxReads.Tracked<bool>> _typeHoldsRefs = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, byte> _inferredReturnsRef = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<BoundLock?>> _guards = SyntaxReads.LargeCache<ISymbol, SyntaxReads.Tracked<BoundLock?>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _holdsRef = SyntaxReads.LargeCache<ISymbol, SyntaxReads.Tracked<bool>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<(Location, string), Diagnostic> _bindingErrors = new();
        private readonly ConcurrentDictionary<ISymbol, byte> _checkedMembers = SyntaxReads.LargeCache<ISymbol, byte>(SymbolEqualityComparer.Default);

        public AnnotationModel(Compilation compilation)
        {
            LockTypes = new LockTypes(() => Binder!.SourceTypes);
            Binder = new PathBinder(compilation, LockTypes);
            Construction = new ConstructionState(compilation);
            StoredParameters = new StoredParameters();
            Framework = new FrameworkModels();
            ThreadAffinities = new ThreadAffinities(compilation, LockTypes);
            Wrappers = new WrapperContracts(compilation, LockTypes);
            _compilation = compilation;
        }

        private readonly ConcurrentDictionary<IMethodSymbol, SyntaxReads.Tracked<ImmutableHashSet<int>>> _storedIntoHeldMembers = new(SymbolEqualityComparer.Default);
        private readonly Compilation _compilation;

        /// <summary>
        /// The parameters whose values the method's own body stores into a <c>[HoldsRef]</c> member (<c>kvm_vcpu_init</c> sets
        /// <c>vcpu->kvm = kvm</c>): the holder then owns whatever reference the caller takes on that value.
        /// </summary>
        public ImmutableHashSet<int> ParametersStoredIntoHeldMembers(IMethodSymbol method)
            => SyntaxReads.Memo(_storedIntoHeldMembers, method.OriginalDefinition, m =>
            {
                var stored = ImmutableHashSet<int>.Empty;
                foreach (var reference in m.DeclaringSyntaxReferences)
                {
                    var syntax = SyntaxReads.Syntax(reference);
#pragma warning disable RS1030 // Only source callees of methods that take references, once each.
                    var body = _compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax);
#pragma warning restore RS1030
                    foreach (var assignment in body?.Descendants().OfType<ISimpleAssignmentOperation>() ?? Enumerable.Empty<ISimpleAssignmentOperation>())
                    {
                        var value = LockDiscipline.Analyzers.Flow.ValueResolver.StripConversions(assignment.Value);
                        if (assignment.Target is IMemberReferenceOperation target && HoldsRef(target.Member) && value is IParameterReferenceOperation parameter
                            && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, m))
                        {
                            stored = stored.Add(parameter.Parameter.Ordinal);
                        }
                    }
                }

                return stored;
            });

        /// <summary>The inferred contracts of small wrapper primitives.</summary>
        public WrapperContracts Wrappers { get; }

        /// <summary>The contract a wrapper's body states, as if the user had written it.</summary>
        private MethodContract Inferred(IMethodSymbol method, WrapperContract wrapper)
        {
            if (Binder.BindLockPath(wrapper.Path == "this" ? null : wrapper.Path, method, out _) is not { } bound)
            {
                return MethodContract.Empty;
            }

            var entry = ImmutableArray.Create(new LockContractEntry(bound, wrapper.Mode, 0, wrapper.Kind == WrapperKind.TryAcquire ? true : null));
            return wrapper.Kind switch
            {
                WrapperKind.Acquire => new MethodContract { Acquires = entry },
                WrapperKind.TryAcquire => new MethodContract { TryAcquires = entry },
                _ => new MethodContract { Releases = entry },
            };
        }

        /// <summary>A helper that takes a parameter's monitor with a taken flag the caller passes by reference (Autofac's <c>EnterServiceInfoLock</c>).</summary>
        private static MethodContract Inferred(FlaggedAcquire flagged)
        {
            var bound = new BoundLock(PathRoot.Parameter, flagged.Lock, null, ImmutableArray<ISymbol>.Empty, flagged.Lock.Name);
            return new MethodContract
            {
                Acquires = ImmutableArray.Create(new LockContractEntry(bound, LockMode.Exclusive, 0, null) { Recursive = true }),
                TakenFlag = flagged.Flag,
                TakenFlagIsTry = flagged.IsTry,
            };
        }

        /// <summary>Which annotated lock primitives must be released by the thread that took them.</summary>
        public ThreadAffinities ThreadAffinities { get; }

        public LockTypes LockTypes { get; }

        /// <summary>Which fields a constructor leaves at their defaults.</summary>
        public ConstructionState Construction { get; }

        /// <summary>What referenced projects' and packages' lock summaries say about calls into them (<see cref="BoundSummaries"/>).</summary>
        public BoundSummaries External { get; init; } = BoundSummaries.Empty;

        /// <summary>Which private fields hold the parameter a method stored in them (<see cref="Model.StoredParameters"/>).</summary>
        public StoredParameters StoredParameters { get; }

        /// <summary>What framework members do with user callbacks while holding locks (<see cref="FrameworkModels"/>).</summary>
        public FrameworkModels Framework { get; }

        public PathBinder Binder { get; }

        public IEnumerable<Diagnostic> BindingErrors => _bindingErrors.Values;

        public MethodContract GetContract(IMethodSymbol method)
        {
            method = method.OriginalDefinition;
            return SyntaxReads.Memo(_contracts, method, _bindContract ??= m => BindContract(m, reportErrors: m.Locations.Any(l => l.IsInSource)), _earlierContracts);
        }

        private Func<IMethodSymbol, MethodContract>? _bindContract;

        /// <summary>The effective contract: the method's own, else the first annotated member it overrides or implements.</summary>
        public MethodContract GetEffectiveContract(IMethodSymbol method)
            => SyntaxReads.Memo(_effectiveContracts, method.OriginalDefinition, _bindEffectiveContract ??= BindEffectiveContract, _earlierEffectiveContracts);

        // Asked at every call site: one delegate, not one per call.
        private Func<IMethodSymbol, MethodContract>? _bindEffectiveContract;

        private EarlierAnswers<MethodContract>? _earlierContracts;
        private EarlierAnswers<MethodContract>? _earlierEffectiveContracts;
        private EarlierAnswers<bool>? _earlierTypeHoldsRefs;
        private EarlierAnswers<bool>? _earlierHoldsRef;

        /// <summary>
        /// Takes over from the model of an earlier compilation with the same declarations the answers no edit can have changed
        /// (<see cref="EarlierAnswers{TValue}"/>): after an edit, binding every called method's attributes, searching its
        /// interfaces and reading the syntax behind every lock field again was most of the link step. Of contracts only the
        /// empty ones are taken: no attribute of ours on the method or on what it overrides or implements, so no LD0001 is lost
        /// by not binding them again.
        /// </summary>
        public void TakeOver(AnnotationModel earlier, Continuity continuity)
        {
            _earlierContracts = EarlierAnswers<MethodContract>.From(earlier._contracts, continuity, c => ReferenceEquals(c, MethodContract.Empty));
            _earlierEffectiveContracts = EarlierAnswers<MethodContract>.From(earlier._effectiveContracts, continuity, c => ReferenceEquals(c, MethodContract.Empty));
            _earlierTypeHoldsRefs = EarlierAnswers<bool>.From(earlier._typeHoldsRefs, continuity);
            _earlierHoldsRef = EarlierAnswers<bool>.From(earlier._holdsRef, continuity);
            LockTypes.TakeOver(earlier.LockTypes, continuity);
            Framework.TakeOver(earlier.Framework, continuity);
        }

        private MethodContract BindEffectiveContract(IMethodSymbol method)
        {
            var own = GetContract(method);
            if (own.HasLockEffect || own.IsRefPrimitive || !own.Requires.IsEmpty || !own.Excludes.IsEmpty || own.ReturnsRef)
            {
                return own;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                var inherited = GetContract(overridden);
                if (inherited != MethodContract.Empty)
                {
                    return inherited;
                }
            }

            // A method implements an interface member implicitly only under that member's name; an explicit implementation (or a
            // metadata method's MethodImpl) names the members it implements, whatever their names.
            var explicitly = method.ExplicitInterfaceImplementations;
            foreach (var iface in method.ContainingType?.AllInterfaces ?? ImmutableArray<INamedTypeSymbol>.Empty)
            {
                foreach (var member in (explicitly.IsEmpty ? iface.GetMembers(method.Name) : iface.GetMembers()).OfType<IMethodSymbol>())
                {
                    var implemented = explicitly.IsEmpty
                        ? SymbolEqualityComparer.Default.Equals(method.ContainingType!.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method.OriginalDefinition)
                        : explicitly.Any(e => SymbolEqualityComparer.Default.Equals(e.OriginalDefinition, member.OriginalDefinition));
                    if (implemented)
                    {
                        var inherited = GetContract(member);
                        if (inherited != MethodContract.Empty)
                        {
                            return inherited;
                        }
                    }
                }
            }

            return own;
        }

        /// <summary>The lock a <c>[GuardedBy]</c> member needs, bound in the member's type.</summary>
        public BoundLock? GetGuard(ISymbol member)
            => SyntaxReads.Memo(_guards, member.OriginalDefinition, m =>
            {
                var attribute = m.GetAttributes().FirstOrDefault(a => KnownSymbols.IsAttribute(a, "GuardedByAttribute"));
                if (attribute is null)
                {
                    return null;
                }

                var path = attribute.ConstructorArguments.FirstOrDefault().Value as string;
                var bound = Binder.BindLockPath(path ?? string.Empty, m, out var error);
                if (bound is not null && bound.Root == PathRoot.This && bound.Members.IsEmpty)
                {
                    error = "binds to the object itself, which is not a lock";
                    bound = null;
                }

                if (error is not null && m.Locations.Any(l => l.IsInSource))
                {
                    Report(attribute, 0, path ?? string.Empty, "GuardedBy", error);
                }

                return bound;
            });

        /// <summary>
        /// The method returns a reference the caller owns, by annotation or because its body returns one it got from a get
        /// (an unannotated wrapper around <c>vfio_group_get_device</c> is summarised like it).
        /// </summary>
        public bool ReturnsRef(IMethodSymbol method)
            => GetEffectiveContract(method).ReturnsRef || _inferredReturnsRef.ContainsKey(method.OriginalDefinition);

        /// <summary>Records an inferred <c>[ReturnsRef]</c>; returns false when it was already known.</summary>
        public bool InferReturnsRef(IMethodSymbol method)
            => !GetEffectiveContract(method).ReturnsRef && _inferredReturnsRef.TryAdd(method.OriginalDefinition, 0);

        /// <summary>Whether any field or property of the type is <c>[HoldsRef]</c>.</summary>
        public bool TypeHoldsRefs(ITypeSymbol type)
            => SyntaxReads.Memo(_typeHoldsRefs, type, t => t.GetMembers().Any(m => m is IFieldSymbol or IPropertySymbol && HoldsRef(m)), _earlierTypeHoldsRefs);

        public bool HoldsRef(ISymbol member)
            => SyntaxReads.Memo(_holdsRef, member.OriginalDefinition, m => m.GetAttributes().Any(a => KnownSymbols.IsAttribute(a, "HoldsRefAttribute")), _earlierHoldsRef);

        /// <summary>Checks the member-level attributes of a source field, property or type once (LD0001 for the wrong kind).</summary>
        public void CheckMemberAnnotations(ISymbol member)
        {
            if (!_checkedMembers.TryAdd(member, 0))
            {
                return;
            }

            if (member is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke })
            {
                GetContract(invoke);
            }

            if (member is IFieldSymbol or IPropertySymbol)
            {
                GetGuard(member);
                var type = PathBinder.MemberType(member);
                foreach (var attribute in member.GetAttributes())
                {
                    var name = attribute.AttributeClass?.Name;
                    if (name is "LeafLockAttribute" or "RecursiveAttribute" && KnownSymbols.IsAttribute(attribute, name!)
                        && (type is null || !LockTypes.IsLockType(type)))
                    {
                        ReportAttribute(attribute, name!.Replace("Attribute", string.Empty),
                            $"is on '{member.Name}' of type '{type?.ToDisplayString()}', which is not a lock");
                    }
                }
            }
        }

        private MethodContract BindContract(IMethodSymbol method, bool reportErrors)
        {
            // Most methods a body calls carry no annotation: answer those without building anything.
            if (!AttributesOf(method).Any(KnownSymbols.IsOurs) && !method.Parameters.Any(p => p.GetAttributes().Any(KnownSymbols.IsOurs)))
            {
                return Wrappers.Of(method) is { } wrapper ? Inferred(method, wrapper)
                    : Wrappers.FlaggedOf(method) is { } flagged ? Inferred(flagged)
                    : MethodContract.Empty;
            }

            var acquires = ImmutableArray.CreateBuilder<LockContractEntry>();
            var releases = ImmutableArray.CreateBuilder<LockContractEntry>();
            var tries = ImmutableArray.CreateBuilder<LockContractEntry>();
            var waits = ImmutableArray.CreateBuilder<LockContractEntry>();
            var requires = ImmutableArray.CreateBuilder<LockContractEntry>();
            var excludes = ImmutableArray.CreateBuilder<BoundLock>();
            var mayClasses = ImmutableArray.CreateBuilder<LockClass>();
            var mayPaths = ImmutableArray.CreateBuilder<BoundLock>();
            var consumes = ImmutableArray.CreateBuilder<IParameterSymbol>();
            RefTarget? takes = null, drops = null;
            bool? takesWhen = null;
            var notFinal = false;
            var returnsRef = false;
            var any = false;

            foreach (var attribute in AttributesOf(method))
            {
                var cls = attribute.AttributeClass;
                if (cls is null || !KnownSymbols.IsOurs(attribute))
                {
                    continue;
                }

                var shortName = cls.Name.Replace("Attribute", string.Empty);
                switch (cls.Name)
                {
                    case "AcquiresAttribute":
                    case "ReleasesAttribute":
                    case "WaitsForReadersAttribute":
                    {
                        any = true;
                        var path = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
                        var bound = Bind(path, 0);
                        if (bound is not null)
                        {
                            var shared = Named<bool>(attribute, "Shared");
                            var mode = cls.Name == "WaitsForReadersAttribute" ? LockMode.Wait : shared ? LockMode.Shared : LockMode.Exclusive;
                            var entry = new LockContractEntry(bound, mode, Named<int>(attribute, "Subclass"), null);
                            (cls.Name == "AcquiresAttribute" ? acquires : cls.Name == "ReleasesAttribute" ? releases : waits).Add(entry);
                        }

                        break;
                    }

                    case "TryAcquiresAttribute":
                    {
                        any = true;
                        var success = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is true;
                        var path = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string : null;
                        if (method.ReturnType.SpecialType != SpecialType.System_Boolean)
                        {
                            Error(0, "true/false", "is on a method that does not return bool");
                            break;
                        }

                        var bound = Bind(path, 1);
                        if (bound is not null)
                        {
                            var mode = Named<bool>(attribute, "Shared") ? LockMode.Shared : LockMode.Exclusive;
                            tries.Add(new LockContractEntry(bound, mode, Named<int>(attribute, "Subclass"), success));
                        }

                        break;
                    }

                    case "RequiresAttribute":
                    case "ExcludesAttribute":
                    {
                        any = true;
                        var shared = Named<bool>(attribute, "Shared");
                        var paths = StringArray(attribute);
                        for (var i = 0; i < paths.Length; i++)
                        {
                            var bound = Bind(paths[i], i, requireNonEmpty: true);
                            if (bound is null)
                            {
                                continue;
                            }

                            if (cls.Name == "RequiresAttribute")
                            {
                                requires.Add(new LockContractEntry(bound, shared ? LockMode.Shared : LockMode.Exclusive, 0, null));
                            }
                            else
                            {
                                excludes.Add(bound);
                            }
                        }

                        break;
                    }

                    case "MayAcquireAttribute":
                    {
                        any = true;
                        var names = StringArray(attribute);
                        for (var i = 0; i < names.Length; i++)
                        {
                            var name = names[i];
                            var bound = Binder.BindLockPath(name, method, out var pathError);
                            if (bound is not null && !(bound.Root == PathRoot.This && bound.Members.IsEmpty))
                            {
                                mayPaths.Add(bound);
                                continue;
                            }

                            var lockClass = Binder.BindClassName(name, out var classError);
                            if (lockClass is not null)
                            {
                                mayClasses.Add(lockClass);
                            }
                            else
                            {
                                Error(i, name, name.Contains("/") ? classError! : (pathError ?? classError)!);
                            }
                        }

                        break;
                    }

                    case "TakesRefAttribute":
                    case "DropsRefAttribute":
                    {
                        any = true;
                        var name = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
                        RefTarget? target;
                        if (name is not null)
                        {
                            var parameter = Binder.BindParameter(name, method, out var error);
                            target = parameter is null ? null : new RefTarget(parameter);
                            if (error is not null)
                            {
                                Error(0, name, error);
                            }
                        }
                        else if (method.IsStatic)
                        {
                            target = method.Parameters.Length > 0 ? new RefTarget(method.Parameters[0]) : null;
                            if (target is null)
                            {
                                ReportAttribute(attribute, shortName, "is on a static method with no parameter to count");
                            }
                        }
                        else
                        {
                            target = new RefTarget(null);
                        }

                        if (cls.Name == "TakesRefAttribute")
                        {
                            takes = target;
                            if (attribute.NamedArguments.Any(a => a.Key == "WhenReturns"))
                            {
                                takesWhen = Named<bool>(attribute, "WhenReturns");
                                if (method.ReturnType.SpecialType != SpecialType.System_Boolean)
                                {
                                    ReportAttribute(attribute, shortName, "has WhenReturns on a method that does not return bool");
                                    takesWhen = null;
                                }
                            }
                        }
                        else
                        {
                            drops = target;
                            notFinal = Named<bool>(attribute, "NotFinal");
                        }

                        break;
                    }

                    case "ReturnsRefAttribute":
                        any = true;
                        returnsRef = true;
                        if (method.ReturnsVoid || method.ReturnType.IsValueType)
                        {
                            ReportAttribute(attribute, shortName, "is on a method that returns no object");
                        }

                        break;
                }

                BoundLock? Bind(string? path, int argumentIndex, bool requireNonEmpty = false)
                {
                    if (requireNonEmpty && string.IsNullOrEmpty(path))
                    {
                        Error(argumentIndex, path ?? string.Empty, "binds to nothing: the path is empty");
                        return null;
                    }

                    var bound = Binder.BindLockPath(path, method, out var error);
                    if (error is not null)
                    {
                        Error(argumentIndex, path ?? string.Empty, error);
                    }

                    return bound;
                }

                void Error(int argumentIndex, string argument, string message)
                {
                    if (reportErrors)
                    {
                        Report(attribute, argumentIndex, argument, shortName, message);
                    }
                }
            }

            foreach (var parameter in method.Parameters)
            {
                if (parameter.GetAttributes().Any(a => KnownSymbols.IsAttribute(a, "ConsumesRefAttribute")))
                {
                    any = true;
                    consumes.Add(parameter);
                }
            }

            if (!any)
            {
                return MethodContract.Empty;
            }

            return new MethodContract
            {
                Acquires = acquires.ToImmutable(),
                Releases = releases.ToImmutable(),
                TryAcquires = tries.ToImmutable(),
                Waits = waits.ToImmutable(),
                Requires = requires.ToImmutable(),
                Excludes = excludes.ToImmutable(),
                MayAcquireClasses = mayClasses.ToImmutable(),
                MayAcquirePaths = mayPaths.ToImmutable(),
                TakesRef = takes,
                TakesRefWhenReturns = takesWhen,
                DropsRef = drops,
                DropsRefNotFinal = notFinal,
                ReturnsRef = returnsRef,
                ConsumesRef = consumes.ToImmutable(),
            };
        }

        /// <summary>
        /// A method's own attributes, plus those of the property an accessor belongs to and of the delegate type an <c>Invoke</c>
        /// belongs to: <c>[Requires]</c>, <c>[Excludes]</c> and <c>[MayAcquire]</c> may stand there.
        /// </summary>
        private static IEnumerable<AttributeData> AttributesOf(IMethodSymbol method)
        {
            var own = method.GetAttributes();
            return method.MethodKind switch
            {
                MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is { } property => own.Concat(property.GetAttributes()),
                MethodKind.DelegateInvoke => own.Concat(method.ContainingType.GetAttributes()),
                _ => own,
            };
        }

        /// <summary>Reports LD0001 at the attribute's positional argument <paramref name="argumentIndex"/> (an element of a params array counts).</summary>
        public Diagnostic? Report(AttributeData attribute, int argumentIndex, string argument, string attributeName, string message)
        {
            var location = ArgumentLocation(attribute, argumentIndex);
            if (location is null)
            {
                return null;
            }

            var diagnostic = Diagnostic.Create(Descriptors.LD0001_BadAnnotationArgument, location, argument, attributeName, message);
            Report(diagnostic);
            return diagnostic;
        }

        /// <summary>A binding error found before, by a step whose result this model takes over (<see cref="DeclaredOrder.TakenOverBy"/>).</summary>
        public void Report(Diagnostic bindingError)
            => _bindingErrors.TryAdd((bindingError.Location, bindingError.GetMessage(System.Globalization.CultureInfo.InvariantCulture)), bindingError);

        public void ReportAttribute(AttributeData attribute, string attributeName, string message)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax syntax)
            {
                var diagnostic = Diagnostic.Create(Descriptors.LD0001_BadAnnotationArgument, syntax.GetLocation(), attributeName, attributeName, message);
                _bindingErrors.TryAdd((syntax.GetLocation(), diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)), diagnostic);
            }
        }

        public static Location? ArgumentLocation(AttributeData attribute, int argumentIndex)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax syntax)
            {
                return null;
            }

            var positional = syntax.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            if (positional is null || positional.Count == 0)
            {
                return syntax.GetLocation();
            }

            return positional[System.Math.Min(argumentIndex, positional.Count - 1)].Expression.GetLocation();
        }

        private static T Named<T>(AttributeData attribute, string name)
        {
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Key == name && pair.Value.Value is T value)
                {
                    return value;
                }
            }

            return default!;
        }

        private static string[] StringArray(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length == 0)
            {
                return new string[0];
            }

            var first = attribute.ConstructorArguments[0];
            return first.Kind == TypedConstantKind.Array
                ? first.Values.Select(v => v.Value as string ?? string.Empty).ToArray()
                : new[] { first.Value as string ?? string.Empty };
        }
    }
}
