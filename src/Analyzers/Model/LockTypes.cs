using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using LockDiscipline.Analyzers.Incremental;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>Which types and members are locks, and how they behave (recursion, leaf, reader side).</summary>
    internal sealed class LockTypes
    {
        private readonly ConcurrentDictionary<ITypeSymbol, SyntaxReads.Tracked<bool>> _isLockType = SyntaxReads.LargeCache<ITypeSymbol, SyntaxReads.Tracked<bool>>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _semaphoreIsMutex = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _rwlockIsRecursive = new(SymbolEqualityComparer.Default);
        private readonly System.Func<IEnumerable<INamedTypeSymbol>> _sourceTypes;

        /// <param name="sourceTypes">The compilation's source types, asked for only when a lock is exposed through an interface or abstract property.</param>
        public LockTypes(System.Func<IEnumerable<INamedTypeSymbol>> sourceTypes) => _sourceTypes = sourceTypes;

        public bool IsLockType(ITypeSymbol type) => SyntaxReads.Memo(_isLockType, type, ComputeIsLockType, _earlier?.IsLockType);

        private Earlier? _earlier;

        /// <summary>The answers of an earlier compilation's model that still stand (<see cref="EarlierAnswers{TValue}"/>).</summary>
        private sealed class Earlier
        {
            public Earlier(LockTypes earlier, Continuity continuity)
            {
                IsLockType = EarlierAnswers<bool>.From(earlier._isLockType, continuity);
                SemaphoreIsMutex = EarlierAnswers<bool>.From(earlier._semaphoreIsMutex, continuity);
                RwlockIsRecursive = EarlierAnswers<bool>.From(earlier._rwlockIsRecursive, continuity);
                OwnedLockObject = EarlierAnswers<bool>.From(earlier._ownedLockObject, continuity);
                LocksThis = EarlierAnswers<bool>.From(earlier._locksThis, continuity);
                SpinLockTracksOwner = EarlierAnswers<bool>.From(earlier._spinLockTracksOwner, continuity);
                UsedAsMonitor = EarlierAnswers<bool>.From(earlier._usedAsMonitor, continuity);
            }

            public EarlierAnswers<bool> IsLockType { get; }

            public EarlierAnswers<bool> SemaphoreIsMutex { get; }

            public EarlierAnswers<bool> RwlockIsRecursive { get; }

            public EarlierAnswers<bool> OwnedLockObject { get; }

            public EarlierAnswers<bool> LocksThis { get; }

            public EarlierAnswers<bool> SpinLockTracksOwner { get; }

            public EarlierAnswers<bool> UsedAsMonitor { get; }
        }

        /// <summary>Takes over the answers of an earlier compilation's lock types that no edit can have changed.</summary>
        public void TakeOver(LockTypes earlier, Continuity continuity) => _earlier = new Earlier(earlier, continuity);

        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _ownedLockObject = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, SyntaxReads.Tracked<bool>> _locksThis = new(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _usedAsMonitor = new(SymbolEqualityComparer.Default);

        /// <summary>Whether the type's own source locks <c>this</c> (<c>lock (this)</c>, <c>Monitor.Enter(this)</c>).</summary>
        public bool LocksThis(INamedTypeSymbol type)
            => SyntaxReads.Memo(_locksThis, type.OriginalDefinition, t => t.DeclaringSyntaxReferences.Any(r => SyntaxReads.Search(r, LockOfThisSearch).DescendantNodes().Any(IsLockOfThis)), _earlier?.LocksThis);

        private static readonly SyntaxSearch LockOfThisSearch = new("lock (this)", member => member.DescendantNodes().Any(IsLockOfThis));

        private static bool IsLockOfThis(SyntaxNode node) => MonitorEntered(node) is ThisExpressionSyntax;

        /// <summary>What <c>lock (x)</c>, or <c>Monitor.Enter</c>/<c>TryEnter</c> with <c>x</c> as the first argument, enters the monitor of.</summary>
        private static ExpressionSyntax? MonitorEntered(SyntaxNode node) => node switch
        {
            LockStatementSyntax { Expression: var locked } => locked,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enter" or "TryEnter", Expression: IdentifierNameSyntax { Identifier.ValueText: "Monitor" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Monitor" } }, ArgumentList.Arguments: { Count: > 0 } arguments }
                => arguments[0].Expression,
            _ => null,
        };

        /// <summary>Whether <paramref name="member"/>, of type <paramref name="type"/>, holds a lock: one of a lock type, or a monitor its own type's code enters.</summary>
        public bool IsLockMember(ISymbol member, ITypeSymbol type) => IsLockType(type) || IsUsedAsMonitor(member);

        /// <summary>
        /// Whether <paramref name="member"/>, a field or property of a reference type, is used as a monitor by its own type's code
        /// (<c>lock (member)</c>, <c>Monitor.Enter</c> or <c>TryEnter(member, ...)</c>). Any object can be one, and the walk takes
        /// such a monitor as the lock class of the member whatever its type (<c>Monitor.TryEnter(types, timeout)</c> on a list), so
        /// an annotation that names the member names a lock.
        /// </summary>
        public bool IsUsedAsMonitor(ISymbol member)
            => member is IFieldSymbol or IPropertySymbol && PathBinder.MemberType(member) is { IsReferenceType: true } && member.ContainingType is { } type
               && SyntaxReads.Memo(_usedAsMonitor, member.OriginalDefinition, m => UsedAsMonitor(type.OriginalDefinition, m.Name), _earlier?.UsedAsMonitor);

        private static bool UsedAsMonitor(INamedTypeSymbol type, string name)
        {
            var search = new SyntaxSearch("monitor " + name, member => member.DescendantNodes().Any(n => IsMonitorOf(n, name)));
            return type.DeclaringSyntaxReferences.Any(r => SyntaxReads.Search(r, search).DescendantNodes().Any(n => IsMonitorOf(n, name)));
        }

        /// <summary><c>lock (name)</c>, <c>lock (this.name)</c>, or <c>Monitor.Enter</c>/<c>TryEnter</c> with it as the first argument.</summary>
        private static bool IsMonitorOf(SyntaxNode node, string name) => MonitorEntered(node) switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name.Identifier.ValueText: var member } => member == name,
            _ => false,
        };

        /// <summary>
        /// A field (or auto-property) its own type fills only with objects it creates (<c>readonly object _gate = new object()</c>):
        /// the lock object belongs to the instance that holds it, so whoever can see the lock can see the instance.
        /// </summary>
        public bool IsOwnedLockObject(ISymbol member)
            => SyntaxReads.Memo(_ownedLockObject, member.OriginalDefinition, m => m is IFieldSymbol or IPropertySymbol { IsAbstract: false } && m.DeclaringSyntaxReferences.Length > 0
                && AssignedMember.ValuesOf(m).ToList() is { Count: > 0 } values && values.All(v => Creation(v) is not null), _earlier?.OwnedLockObject);

        public bool IsBclLock(ITypeSymbol? type)
            => type?.OriginalDefinition is { } definition
                && (KnownSymbols.IsThreadingType(definition, "Lock") || KnownSymbols.IsThreadingType(definition, "SemaphoreSlim")
                    || KnownSymbols.IsThreadingType(definition, "ReaderWriterLockSlim") || KnownSymbols.IsThreadingType(definition, "Mutex")
                    || KnownSymbols.IsThreadingType(definition, "SpinLock"));

        public bool HasAttribute(ISymbol symbol, string simpleName)
            => symbol.GetAttributes().Any(a => KnownSymbols.IsAttribute(a, simpleName));

        public bool TypeHasAttribute(ITypeSymbol? type, string simpleName)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                if (HasAttribute(t, simpleName))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsLeaf(LockClass lockClass)
            => lockClass.Symbol is IFieldSymbol or IPropertySymbol && HasAttribute(lockClass.Symbol, "LeafLockAttribute");

        public bool ReaderNeverBlocks(LockClass lockClass)
            => TypeHasAttribute(PathBinder.MemberType(lockClass.Symbol!) ?? lockClass.Symbol as ITypeSymbol, "ReaderNeverBlocksAttribute");

        /// <summary>Annotated re-entrancy: <c>[Recursive]</c> on the lock member or on its type.</summary>
        public bool IsAnnotatedRecursive(LockClass lockClass)
        {
            var symbol = lockClass.Symbol;
            if (symbol is null)
            {
                return false;
            }

            if (symbol is IFieldSymbol or IPropertySymbol && HasAttribute(symbol, "RecursiveAttribute"))
            {
                return true;
            }

            return TypeHasAttribute(PathBinder.MemberType(symbol) ?? symbol as ITypeSymbol, "RecursiveAttribute");
        }

        /// <summary>
        /// Whether an acquisition a contract states (<c>[Acquires]</c>, <c>[TryAcquires]</c>) re-enters a lock already held: annotated
        /// <c>[Recursive]</c>, or a monitor (a member of type <c>object</c>, or one its type's code locks on that is of no lock type),
        /// which the method can only be taking with <c>Monitor</c>, as <c>lock</c> does, and <c>Monitor</c> re-enters.
        /// </summary>
        public bool IsRecursiveThroughContract(LockClass lockClass)
            => IsAnnotatedRecursive(lockClass)
               || (lockClass.Symbol is IFieldSymbol or IPropertySymbol && PathBinder.MemberType(lockClass.Symbol) is { } type
                   && (type.SpecialType == SpecialType.System_Object || (!IsLockType(type) && IsUsedAsMonitor(lockClass.Symbol))));

        /// <summary>
        /// Whether a lock its caller holds for a method (<c>[Requires]</c>) is re-entrant there: annotated <c>[Recursive]</c>, a
        /// monitor (a member of type <c>object</c>, which <c>lock</c> and <c>Monitor</c> re-enter), a <c>System.Threading.Lock</c>, a
        /// <c>Mutex</c>, or a <c>ReaderWriterLockSlim</c> created with <c>SupportsRecursion</c>.
        /// </summary>
        public bool IsReentrantWhenRequired(LockClass lockClass)
        {
            if (IsAnnotatedRecursive(lockClass))
            {
                return true;
            }

            if (lockClass.Symbol is not { } member || PathBinder.MemberType(member) is not { } type)
            {
                return false;
            }

            return type.SpecialType == SpecialType.System_Object || KnownSymbols.IsThreadingType(type, "Lock") || KnownSymbols.IsThreadingType(type, "Mutex")
                || (KnownSymbols.IsThreadingType(type, "ReaderWriterLockSlim") && IsRecursiveReaderWriterLock(member));
        }

        /// <summary>A <c>[ScopedLock]</c> guard, or a task of one (<c>await using (await mu.LockAsync())</c>).</summary>
        public bool IsScopedGuard(ITypeSymbol? type)
            => TypeHasAttribute(type, "ScopedLockAttribute")
               || (type is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 1 } task
                   && task.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks"
                   && TypeHasAttribute(task.TypeArguments[0], "ScopedLockAttribute"));

        /// <summary>A <c>SemaphoreSlim</c> is a lock only when created with an initial count of one.</summary>
        public bool IsMutexSemaphore(ISymbol member) => SyntaxReads.Memo(_semaphoreIsMutex, member, m => CreationsBehind(m).Any(args => IsLiteral(args.FirstOrDefault(), 1)), _earlier?.SemaphoreIsMutex);

        /// <summary>A <c>ReaderWriterLockSlim</c> is recursive only when created with <c>LockRecursionPolicy.SupportsRecursion</c>.</summary>
        public bool IsRecursiveReaderWriterLock(ISymbol member)
            => SyntaxReads.Memo(_rwlockIsRecursive, member, m => CreationsBehind(m).Any(args => args.Any(a => a.ToString().EndsWith("SupportsRecursion", System.StringComparison.Ordinal))), _earlier?.RwlockIsRecursive);

        /// <summary>
        /// A <c>SpinLock</c> tracks its owner (and so must be exited by the thread that entered it) unless created with
        /// <c>enableThreadOwnerTracking</c> other than a literal <c>true</c>; a field never assigned is <c>default</c>, which tracks.
        /// </summary>
        public bool SpinLockTracksOwner(ISymbol member)
            => SyntaxReads.Memo(_spinLockTracksOwner, member.OriginalDefinition, m => CreationsBehind(m).All(args => args.Length == 0 || args[0] is LiteralExpressionSyntax { Token.Value: true }), _earlier?.SpinLockTracksOwner);

        private readonly ConcurrentDictionary<ISymbol, SyntaxReads.Tracked<bool>> _spinLockTracksOwner = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// The creations that can stand behind a member: its own, and for a property, those of the field its getter returns
        /// (<c>=> _lock</c>) and, for an interface or abstract property, those behind each implementation in source (MongoDB's
        /// <c>IBsonSerializationDomain.ConfigLock</c> is a recursive lock created in <c>BsonSerializationDomain</c>).
        /// </summary>
        private IEnumerable<ExpressionSyntax[]> CreationsBehind(ISymbol member)
        {
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var work = new Stack<ISymbol>();
            work.Push(member.OriginalDefinition);
            while (work.Count > 0)
            {
                var current = work.Pop();
                if (!seen.Add(current) || seen.Count > 64)
                {
                    continue;
                }

                foreach (var args in CreationArguments(current))
                {
                    yield return args;
                }

                if (current is not IPropertySymbol property)
                {
                    continue;
                }

                if (ReturnedField(property) is { } field)
                {
                    work.Push(field);
                }

                if (property.IsAbstract || property.ContainingType?.TypeKind == TypeKind.Interface)
                {
                    foreach (var implementation in Implementations(property))
                    {
                        work.Push(implementation);
                    }
                }
            }
        }

        /// <summary>The field a property's getter returns as it is (<c>=> _f</c>, <c>get => _f</c>, <c>get { return _f; }</c>).</summary>
        private static ISymbol? ReturnedField(IPropertySymbol property)
        {
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                var returned = SyntaxReads.Syntax(reference) switch
                {
                    PropertyDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
                    PropertyDeclarationSyntax { AccessorList: { } accessors } => accessors.Accessors
                        .Where(a => a.IsKind(SyntaxKind.GetAccessorDeclaration))
                        .Select(a => a.ExpressionBody?.Expression ?? (a.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax { Expression: { } e } ? e : null))
                        .FirstOrDefault(),
                    _ => null,
                };
                var name = returned switch
                {
                    IdentifierNameSyntax id => id.Identifier.ValueText,
                    MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var n } => n.Identifier.ValueText,
                    _ => null,
                };
                if (name is not null && property.ContainingType?.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol) is { } field)
                {
                    return field;
                }
            }

            return null;
        }

        private IEnumerable<ISymbol> Implementations(IPropertySymbol property)
        {
            foreach (var type in _sourceTypes())
            {
                if (type.TypeKind is TypeKind.Class or TypeKind.Struct
                    && (property.ContainingType?.TypeKind == TypeKind.Interface
                        ? type.AllInterfaces.Contains(property.ContainingType, SymbolEqualityComparer.Default) && type.FindImplementationForInterfaceMember(property) is { } found
                            ? found
                            : null
                        : type.GetMembers(property.Name).OfType<IPropertySymbol>().FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.OverriddenProperty?.OriginalDefinition, property))) is { } implementation)
                {
                    yield return implementation;
                }
            }
        }

        private bool ComputeIsLockType(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_Object || IsBclLock(type))
            {
                return true;
            }

            if (TypeHasAttribute(type, "ReaderNeverBlocksAttribute") || TypeHasAttribute(type, "RecursiveAttribute"))
            {
                return true;
            }

            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var method in t.GetMembers().OfType<IMethodSymbol>())
                {
                    foreach (var attribute in method.GetAttributes())
                    {
                        var name = attribute.AttributeClass?.Name;
                        if (name is "AcquiresAttribute" or "TryAcquiresAttribute" or "ReleasesAttribute" or "WaitsForReadersAttribute"
                            && KnownSymbols.IsOurs(attribute)
                            && !HasPathArgument(attribute))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private static bool HasPathArgument(AttributeData attribute)
            => attribute.ConstructorArguments.Any(a => a.Value is string s && s.Length > 0 && s != "this");

        private static bool IsLiteral(ExpressionSyntax? expression, int value)
            => expression is LiteralExpressionSyntax literal && literal.Token.Value is int i && i == value;

        /// <summary>The argument lists of every <c>new T(...)</c> assigned to the member in its declaration or in its type.</summary>
        private static IEnumerable<ExpressionSyntax[]> CreationArguments(ISymbol member)
            => AssignedMember.ValuesOf(member).Select(Creation).OfType<ExpressionSyntax[]>();

        private static ExpressionSyntax[]? Creation(ExpressionSyntax? expression) => expression switch
        {
            ObjectCreationExpressionSyntax o => o.ArgumentList?.Arguments.Select(a => a.Expression).ToArray() ?? new ExpressionSyntax[0],
            ImplicitObjectCreationExpressionSyntax o => o.ArgumentList.Arguments.Select(a => a.Expression).ToArray(),
            _ => null,
        };
    }
}
