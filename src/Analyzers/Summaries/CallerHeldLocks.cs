using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>
    /// The locks every caller holds around every call of a method that no code outside the compilation can call, as Clang users
    /// would write <c>REQUIRES</c> on it: the template method's hook (log4net: <c>DoAppend</c> holds <c>lock (LockObj)</c> around
    /// <c>Append</c>, which calls <c>AdjustFileBeforeAppend</c>, which takes the rolling mutex and then <c>lock (LockObj)</c>
    /// again), the private helper that drops and retakes its caller's semaphore around a user callback (RabbitMQ.Client's
    /// <c>RecoverExchangesAsync</c>). Only locks held on every path to every call count, with the calling method's own such locks,
    /// to a greatest fixpoint; a call whose task nobody waits for holds nothing while the callee runs on.
    /// </summary>
    internal static class CallerHeldLocks
    {
        /// <summary>For each method with any: the locks its callers hold, each with whether it is re-entrant.</summary>
        public static Dictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>> Infer(LockSummaries.CallGraph calls, Func<IMethodSymbol, bool> usedAsValue, CancellationToken cancellationToken)
        {
            var sites = new Dictionary<IMethodSymbol, List<(IMethodSymbol Caller, CallFact Call)>>(SymbolEqualityComparer.Default);
            foreach (var method in calls.Methods)
            {
                // A closed method the compilation never calls (an override of a hook nothing calls any more) never runs, so it
                // constrains its callees not at all: it stays "every lock", as the greatest fixpoint starts.
                if (method.Node.Receiver is null && IsClosedToOutsideCallers(method.Node.Method, usedAsValue) && CallSites(calls, method.Node.Method) is { } list)
                {
                    sites[method.Node.Method] = list;
                }
            }

            // Null is "every lock" (not yet constrained), the start of a greatest fixpoint.
            var entry = new Dictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>?>(SymbolEqualityComparer.Default);
            foreach (var method in sites.Keys)
            {
                entry[method] = null;
            }

            var order = calls.Methods.Where(m => m.Node.Receiver is null).Select(m => m.Node.Method).Where(sites.ContainsKey).ToList();
            for (var changed = true; changed;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                changed = false;
                foreach (var method in order)
                {
                    ImmutableDictionary<HeldKey, bool>? meet = null;
                    foreach (var (caller, call) in sites[method])
                    {
                        var held = HeldAt(caller, call, method, entry.TryGetValue(caller, out var callerEntry) ? callerEntry : ImmutableDictionary<HeldKey, bool>.Empty);
                        meet = meet is null ? held : held is null ? meet : Meet(meet, held);
                    }

                    if (meet is not null && (entry[method] is not { } before || !Same(before, meet)))
                    {
                        entry[method] = meet;
                        changed = true;
                    }
                }
            }

            var inferred = new Dictionary<IMethodSymbol, ImmutableDictionary<HeldKey, bool>>(SymbolEqualityComparer.Default);
            foreach (var pair in entry)
            {
                if (pair.Value is { Count: > 0 } held)
                {
                    inferred[pair.Key] = held;
                }
            }

            return inferred;
        }

        /// <summary>
        /// Whether <paramref name="path"/> (in the frame of the method the lock is held around) takes the very lock
        /// <paramref name="held"/> names: a static one, or the same member of the same object reached from <c>this</c>.
        /// </summary>
        public static bool SameInstance(HeldKey held, AcquisitionPath path)
        {
            if (IsStatic(held))
            {
                return true;
            }

            var member = held.Class.Symbol is IFieldSymbol or IPropertySymbol ? "." + held.Class.Symbol.Name : string.Empty;
            return path.Root.Kind == RootKind.This && held.Instance == "this" + path.Suffix + member;
        }

        /// <summary>
        /// Not callable from outside (public members are; so are overrides and implementations of members declared outside the
        /// compilation, which the framework calls), an ordinary method, and never made into a delegate (then run by callers the
        /// call graph does not show).
        /// </summary>
        private static bool IsClosedToOutsideCallers(IMethodSymbol method, Func<IMethodSymbol, bool> usedAsValue)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.DeclaredAccessibility == Accessibility.Public || usedAsValue(method)
                || !method.ExplicitInterfaceImplementations.IsEmpty)
            {
                return false;
            }

            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                if (!KnownSymbols.IsInSource(overridden))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Every call site that may run the body: direct calls, and calls of members it overrides through their dispatch nodes.
        /// Null when a stored callback's invocation may run it (from wherever the delegate is invoked: callers unknown).
        /// </summary>
        private static List<(IMethodSymbol Caller, CallFact Call)>? CallSites(LockSummaries.CallGraph calls, IMethodSymbol body)
        {
            var found = new List<(IMethodSymbol, CallFact)>();
            foreach (var (reader, call) in calls.ReadersOfBody(body))
            {
                if (call is not null)
                {
                    found.Add((reader.Method, call));
                    continue;
                }

                if (reader.Source is not null)
                {
                    return null;
                }

                if (calls.Readers.TryGetValue(reader, out var dispatchers))
                {
                    found.AddRange(dispatchers.Where(d => d.Call is not null).Select(d => (d.Reader.Method, d.Call!)));
                }
            }

            return found;
        }

        /// <summary>
        /// The locks held on every path to <paramref name="call"/>, with those every caller of the calling method holds, as the
        /// callee names them: a lock of the caller's own object (<c>this.LockObj</c>) or of one of its parameters, through the
        /// call's receiver or the argument that passes that object (a connection calling <c>channel.Recover(this)</c> holds
        /// <c>conn._semaphore</c> as the channel names it). Null when the caller is itself unconstrained so far (the greatest
        /// fixpoint's "every lock").
        /// </summary>
        private static ImmutableDictionary<HeldKey, bool>? HeldAt(IMethodSymbol caller, CallFact call, IMethodSymbol callee, ImmutableDictionary<HeldKey, bool>? callerEntry)
        {
            if (callerEntry is null)
            {
                return null;
            }

            if (call.FireAndForget)
            {
                return ImmutableDictionary<HeldKey, bool>.Empty;
            }

            var held = ImmutableDictionary.CreateBuilder<HeldKey, bool>();
            foreach (var pair in call.MustHeld.Where(h => h.Must && !h.Fresh).Select(h => new KeyValuePair<HeldKey, bool>(h.Key, h.Recursive)).Concat(callerEntry))
            {
                if ((IsStatic(pair.Key) ? pair.Key : AsCalleeNamesIt(pair.Key, caller, call, callee)) is { } key && !held.ContainsKey(key))
                {
                    held[key] = pair.Value;
                }
            }

            return held.ToImmutable();
        }

        /// <summary>The caller's <paramref name="key"/> (<c>this.A</c>, <c>p.A</c>) in the callee's frame, when the call hands it that object.</summary>
        internal static HeldKey? AsCalleeNamesIt(HeldKey key, IMethodSymbol caller, CallFact call, IMethodSymbol callee)
        {
            if (key.Instance is not { } path)
            {
                return null;
            }

            var dot = path.IndexOf('.');
            var head = dot < 0 ? path : path.Substring(0, dot);
            var rest = dot < 0 ? string.Empty : path.Substring(dot);
            ValueRoot root;
            if (head == "this")
            {
                root = ValueRoot.This;
            }
            else if (caller.Parameters.FirstOrDefault(p => p.Name == head) is { } parameter)
            {
                root = ValueRoot.Parameter(parameter.Ordinal);
            }
            else
            {
                return null;
            }

            if (call.ReceiverRoot.Equals(root) && !callee.IsStatic)
            {
                return new HeldKey(key.Class, "this" + rest, key.Mode);
            }

            for (var i = 0; i < call.ArgumentRoots.Length && i < callee.Parameters.Length; i++)
            {
                if (call.ArgumentRoots[i].Equals(root))
                {
                    return new HeldKey(key.Class, callee.Parameters[i].Name + rest, key.Mode);
                }
            }

            return null;
        }

        private static ImmutableDictionary<HeldKey, bool> Meet(ImmutableDictionary<HeldKey, bool> a, ImmutableDictionary<HeldKey, bool> b)
        {
            var met = ImmutableDictionary.CreateBuilder<HeldKey, bool>();
            foreach (var pair in a)
            {
                if (b.TryGetValue(pair.Key, out var recursive))
                {
                    met[pair.Key] = pair.Value && recursive;
                }
            }

            return met.Count == a.Count && a.All(p => met[p.Key] == p.Value) ? a : met.ToImmutable();
        }

        private static bool Same(ImmutableDictionary<HeldKey, bool> a, ImmutableDictionary<HeldKey, bool> b)
            => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

        private static bool IsStatic(HeldKey key) => key.Class.Symbol is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true };
    }
}
