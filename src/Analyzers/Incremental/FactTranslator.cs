using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// A walk's facts restated in the symbols of a later compilation with the same declarations (<see cref="SymbolMap"/>).
    /// Locations, paths and names carry over as they are: the facts come only from trees the two compilations share. When a
    /// symbol has no counterpart, <see cref="Failed"/> is set and the facts must be walked again.
    /// </summary>
    internal sealed class FactTranslator
    {
        private readonly SymbolMap _symbols;

        // One tree's facts name the same symbols and share the same held locks over and over; the shared map is concurrent
        // (contended by the other trees restated at the same time), this memo is the translator's own.
        private readonly Dictionary<object, object> _translated = new(SameObject.Instance);

        private readonly System.Func<LockClass, LockClass> _translateClass;
        private readonly System.Func<HeldLock, HeldLock> _translateHeld;

        // One delegate each for the translations applied to every element of a fact's arrays.
        private readonly System.Func<AcquireFact, AcquireFact> _acquisition;
        private readonly System.Func<CallFact, CallFact> _call;
        private readonly System.Func<HeldKey, HeldKey> _key;
        private readonly System.Func<HeldLock, HeldLock> _held;

        public FactTranslator(SymbolMap symbols)
        {
            _acquisition = Acquisition;
            _call = Call;
            _key = Key;
            _held = Held;
            _symbols = symbols;
            _translateClass = c => new LockClass(c.Key, c.DisplayName, Symbol(c.Symbol!), c.Subclass);
            _translateHeld = h => new HeldLock(Key(h.Key), h.Recursive, h.AcquiredAt, h.Depth, h.Must, h.FromEntry, h.Fresh, h.Reacquired, h.Affinity);
        }

        /// <summary>Some symbol had no counterpart.</summary>
        public bool Failed { get; private set; }

        public T Symbol<T>(T symbol)
            where T : class, ISymbol
        {
            if (_translated.TryGetValue(symbol, out var known))
            {
                return (T)known;
            }

            if (_symbols.Map(symbol) is { } mapped)
            {
                _translated.Add(symbol, mapped);
                return mapped;
            }

            Failed = true;
            return symbol;
        }

        public T? Optional<T>(T? symbol)
            where T : class, ISymbol
            => symbol is null ? null : Symbol(symbol);

        public MethodLockFacts Facts(MethodLockFacts facts)
            => new(
                Symbol(facts.Method),
                Each(facts.Acquisitions, _acquisition),
                Each(facts.Calls, _call),
                Each(facts.UnheldReleases, r => new UnheldReleaseFact(Key(r.Key), r.Site, r.Description)),
                Each(facts.Leaks, l => new LeakFact(Held(l.Held), l.Exit, l.HeldOnEveryExit) { HeldOnEveryReturn = l.HeldOnEveryReturn, FreeOnSomeReturn = l.FreeOnSomeReturn }),
                Each(facts.GuardedAccesses, GuardedAccess))
            {
                TriedClasses = Classes(facts.TriedClasses),
                Suspensions = Each(facts.Suspensions, s => new SuspensionFact(s.Site, s.What, Held(s.Held))),
                EntryLocksHeldAtEveryExit = facts.EntryLocksHeldAtEveryExit.IsEmpty ? facts.EntryLocksHeldAtEveryExit : facts.EntryLocksHeldAtEveryExit.Select(Key).ToImmutableHashSet(),
                DelegateFlows = Each(facts.DelegateFlows, f => new DelegateFlow(f.Kind, Optional(f.Member), Optional(f.Target), Optional(f.Callee), f.Ordinal) { Site = f.Site }),
            };

        private AcquireFact Acquisition(AcquireFact fact)
            => new(Key(fact.Key), fact.Recursive, fact.Site, fact.Description, Held(fact.MayHeld), Classes(fact.EntryLocksReleased), fact.IsTry, fact.Root, Conditions(fact.Conditions));

        private CallFact Call(CallFact call)
            => new(
                Symbol(call.Target),
                call.Site,
                Held(call.MayHeld),
                Held(call.MustHeld),
                Classes(call.EntryLocksReleased),
                Each(call.Required, _key),
                Each(call.Excluded, _key),
                Optional(call.VirtualReceiver),
                call.ReceiverRoot,
                call.ArgumentRoots,
                call.ArgumentConstants,
                Conditions(call.Conditions))
            {
                ReceiverConstruction = Optional(call.ReceiverConstruction),
                ReceiverType = Optional(call.ReceiverType),
                ReceiverPath = call.ReceiverPath,
                ArgumentPaths = call.ArgumentPaths,
                Caller = Optional(call.Caller),
                FireAndForget = call.FireAndForget,
                ReceiverUnshared = call.ReceiverUnshared,
                DelegateSource = Optional(call.DelegateSource),
                KnownNull = call.KnownNull,
                Waits = call.Waits,
                RunsStoredCallbacks = call.RunsStoredCallbacks,
                ResumesAwaitOf = Optional(call.ResumesAwaitOf),
            };

        private GuardedAccessFact GuardedAccess(GuardedAccessFact fact)
            => new(Symbol(fact.Member), Bound(fact.Guard), fact.RequiredInstance, fact.IsWrite, fact.Site, Held(fact.MustHeld));

        private BoundLock Bound(BoundLock bound)
            => new(bound.Root, Optional(bound.Parameter), Optional(bound.StaticType), bound.Members.Select(Symbol).ToImmutableArray(), bound.Text);

        private LockClass Class(LockClass lockClass)
            => lockClass.Symbol is null ? lockClass : Memo(lockClass, _translateClass);

        private ImmutableHashSet<LockClass> Classes(ImmutableHashSet<LockClass> classes)
            => classes.IsEmpty ? classes : classes.Select(Class).ToImmutableHashSet();

        private HeldKey Key(HeldKey key) => new(Class(key.Class), key.Instance, key.Mode);

        private HeldLock Held(HeldLock held)
            => Memo(held, _translateHeld);

        private T Memo<T>(T earlier, System.Func<T, T> translate)
            where T : class
        {
            if (_translated.TryGetValue(earlier, out var known))
            {
                return (T)known;
            }

            var translated = translate(earlier);
            _translated[earlier] = translated;
            return translated;
        }

        /// <summary>Every element translated into an array of its own size (no enumerator, no second copy); a default array stays default.</summary>
        private static ImmutableArray<TOut> Each<TIn, TOut>(ImmutableArray<TIn> items, System.Func<TIn, TOut> translate)
            => items.IsDefault ? default : ImmutableArray.CreateRange(items, translate);

        private ImmutableArray<HeldLock> Held(ImmutableArray<HeldLock> held)
            => held.IsDefaultOrEmpty ? held : ImmutableArray.CreateRange(held, _held);

        /// <summary>Keys are parameter ordinals, fields, markers and <see cref="AfterAwaitOf"/>; only the symbols change.</summary>
        private ImmutableDictionary<object, bool> Conditions(ImmutableDictionary<object, bool> conditions)
        {
            if (conditions.IsEmpty)
            {
                return conditions;
            }

            var builder = ImmutableDictionary.CreateBuilder<object, bool>(conditions.KeyComparer);
            foreach (var pair in conditions)
            {
                object key = pair.Key switch
                {
                    ISymbol symbol => Symbol(symbol),
                    AfterAwaitOf after => new AfterAwaitOf(Symbol(after.Source)),
                    _ => pair.Key,
                };
                builder[key] = pair.Value;
            }

            return builder.ToImmutable();
        }
    }
}
