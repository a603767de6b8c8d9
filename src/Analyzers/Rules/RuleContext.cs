using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Graph;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Summaries;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Rules
{
    /// <summary>What every rule reads: the bound annotations, per-method facts, summaries, events and the order graph.</summary>
    internal sealed class RuleContext
    {
        private readonly HashSet<(string, Location, string)> _reported = new();

        public RuleContext(AnnotationModel model, DeclaredOrder declared, IReadOnlyDictionary<IMethodSymbol, MethodLockFacts> facts, LockSummaries summaries, IReadOnlyList<LockEvent> events, AnalyzerSettings settings)
        {
            Model = model;
            Declared = declared;
            Facts = facts;
            Summaries = summaries;
            Events = events;
            Settings = settings;
        }

        public AnnotationModel Model { get; }

        public DeclaredOrder Declared { get; }

        public IReadOnlyDictionary<IMethodSymbol, MethodLockFacts> Facts { get; }

        public LockSummaries Summaries { get; }

        public IReadOnlyList<LockEvent> Events { get; }

        public AnalyzerSettings Settings { get; }

        private ILookup<ISymbol?, LockEvent>? _eventsByMethod;

        /// <summary>The events of one method body, indexed on first use (only code-fix facts need them).</summary>
        public IEnumerable<LockEvent> EventsIn(IMethodSymbol method)
            => (_eventsByMethod ??= Events.ToLookup<LockEvent, ISymbol?>(e => e.Method, SymbolEqualityComparer.Default))[method];

        public OrderGraph Graph { get; } = new OrderGraph();

        /// <summary>Call sites where a more specific rule (LD2004, LD1007) already names the lock, so LD1003 stays quiet.</summary>
        public HashSet<Location> RecursionCoveredSites { get; } = new();

        public IEnumerable<Diagnostic> Diagnostics => _findings.Select(f => f.Diagnostic);

        public void Report(DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, params object[] arguments)
            => Report(descriptor, location, additional, null, arguments);

        /// <summary>Reports with the facts a code fix needs (<see cref="FixProperties"/>), so fixes read them instead of re-deriving them.</summary>
        public void Report(DiagnosticDescriptor descriptor, Location location, IEnumerable<Location>? additional, ImmutableDictionary<string, string?>? properties, params object[] arguments)
        {
            var finding = new Finding(descriptor, location, (additional ?? Enumerable.Empty<Location>()).Where(l => l.IsInSource && l != location).Distinct().ToImmutableArray(), properties, arguments);
            if (_reported.Add((descriptor.Id, location, finding.Diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture))))
            {
                _findings.Add(finding);
            }
        }

        private readonly List<Finding> _findings = new();

        /// <summary>What the rules reported, in the parts a diagnostic is made of (a later analysis may report them again, moved).</summary>
        public IReadOnlyList<Finding> Findings => _findings;

        /// <summary>A method as messages name it: its name, <c>lambda in Owner</c> for a lambda (which has none), <c>static T</c> for a static constructor.</summary>
        public static string NameOf(IMethodSymbol method) => method.MethodKind is MethodKind.AnonymousFunction or MethodKind.StaticConstructor ? LockSummaries.CalleeName(method) : method.Name;

        public static string Where(Location location)
        {
            var span = location.GetLineSpan();
            return System.IO.Path.GetFileName(span.Path) + ":" + (span.StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Diagnostic property keys shared with the code fixes.</summary>
    public static class FixProperties
    {
        /// <summary>Span (<c>start,length</c>) of the acquisition of the held lock the finding is about, in the same document.</summary>
        public const string HeldAt = "HeldAt";

        /// <summary>"true" when swapping the two acquisitions is the fix: both happen in the method itself and this is the edge to reverse.</summary>
        public const string Reorderable = "Reorderable";

        /// <summary>"true" when the held lock is held exactly once on every path to the site, so releasing it there and taking it again is balanced.</summary>
        public const string HeldEverywhere = "HeldEverywhere";

        /// <summary>
        /// "true" when the acquisition is direct and nothing else in the held lock's section acquires, waits, drops a reference or
        /// calls an <c>[Excludes]</c> method outside the acquired lock's own section: taking the acquired lock first, for the whole
        /// section, adds no order edge, so hoisting it is a correct fix.
        /// </summary>
        public const string Hoistable = "Hoistable";

        /// <summary>The path of a lock held from entry through <c>[Requires]</c> (then <see cref="HeldAt"/> is the method's name), as code in the method.</summary>
        public const string HeldPath = "HeldPath";

        public static ImmutableDictionary<string, string?> For(Location heldAt, Location site, bool reorderable)
            => For(heldAt, site, reorderable, heldEverywhere: false, hoistable: false, heldPath: null);

        public static ImmutableDictionary<string, string?> For(Location heldAt, Location site, bool reorderable, bool heldEverywhere, bool hoistable, string? heldPath)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, string?>();
            if (heldAt.SourceTree == site.SourceTree)
            {
                builder[HeldAt] = FormatSpan(heldAt.SourceSpan);
            }

            builder[Reorderable] = reorderable ? "true" : "false";
            if (heldEverywhere)
            {
                builder[HeldEverywhere] = "true";
            }

            if (hoistable)
            {
                builder[Hoistable] = "true";
            }

            if (heldPath is not null)
            {
                builder[HeldPath] = heldPath;
            }

            return builder.ToImmutable();
        }

        /// <summary>
        /// The properties of an order finding (LD1001, LD1002, LD1004): <paramref name="held"/> is the lock held at the event's site, and
        /// <paramref name="reorderable"/> says this direct edge is the one to reverse (a hoist reverses it too).
        /// </summary>
        internal static ImmutableDictionary<string, string?> ForOrderEdge(RuleContext context, LockEvent e, HeldLock held, bool reorderable)
            => held.Class.IsFrameworkModel || e.Class.IsFrameworkModel || context.Model.External.IsExternal(held.Class) || context.Model.External.IsExternal(e.Class)
                // Held by framework code (or a referenced assembly) around this callback, or taken inside it: nothing here to reorder or release.
                ? For(held.AcquiredAt, e.Site, false, false, false, null)
                : For(held.AcquiredAt, e.Site, reorderable, held.Must && held.Depth <= 1, reorderable && IsHoistable(context, e, held), held.FromEntry ? RequiredPath(context, e, held) : null);

        /// <summary>The <c>[Requires]</c> path as the user wrote it, for a lock held from entry.</summary>
        private static string RequiredPath(RuleContext context, LockEvent e, HeldLock held)
            => context.Model.GetEffectiveContract(e.Method).Requires
                .Where(r => r.Target.OwnFramePath == held.Key.Instance && (r.Target.FixedClass is not { } fixedClass || fixedClass.Equals(held.Class)))
                .Select(r => r.Target.Text)
                .FirstOrDefault() ?? held.Key.Display;

        /// <summary>
        /// Whether every acquisition, wait and reference drop (each an event) made under <paramref name="held"/> in this method is made under
        /// <paramref name="e"/>'s lock too, and no call under <paramref name="held"/> alone excludes a lock or may take one.
        /// </summary>
        private static bool IsHoistable(RuleContext context, LockEvent e, HeldLock held)
        {
            if (e.Call is not null || held.FromEntry)
            {
                return false;
            }

            bool Under(ImmutableArray<HeldLock> locks, Location site) => locks.Any(h => h.AcquiredAt == site);

            var otherEventsOutside = context.EventsIn(e.Method).Any(other => !ReferenceEquals(other, e)
                && Under(other.Held, held.AcquiredAt) && !Under(other.Held, e.Site));
            if (otherEventsOutside || !context.Facts.TryGetValue(e.Method, out var facts))
            {
                return false;
            }

            return !facts.Calls.Any(call => Under(call.MayHeld, held.AcquiredAt) && !Under(call.MayHeld, e.Site)
                && (!call.Excluded.IsDefaultOrEmpty || context.Summaries.MayAcquireAnyLock(call)));
        }

        public static Microsoft.CodeAnalysis.Text.TextSpan? ParseHeldAt(ImmutableDictionary<string, string?> properties) => ParseSpan(properties, HeldAt);

        /// <summary>A span as a property value, <c>start,length</c>.</summary>
        public static string FormatSpan(Microsoft.CodeAnalysis.Text.TextSpan span)
            => span.Start.ToString(System.Globalization.CultureInfo.InvariantCulture) + "," + span.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The span stored under <paramref name="key"/> by <see cref="FormatSpan"/>, or null.</summary>
        public static Microsoft.CodeAnalysis.Text.TextSpan? ParseSpan(ImmutableDictionary<string, string?> properties, string key)
        {
            if (!properties.TryGetValue(key, out var value) || value is null)
            {
                return null;
            }

            var parts = value.Split(',');
            return parts.Length == 2 && int.TryParse(parts[0], out var start) && int.TryParse(parts[1], out var length)
                ? new Microsoft.CodeAnalysis.Text.TextSpan(start, length)
                : null;
        }
    }

    /// <summary>Options read from .editorconfig (global options), with typed defaults.</summary>
    internal sealed class AnalyzerSettings
    {
        public static readonly AnalyzerSettings Default = new(32, true, false, false);

        public AnalyzerSettings(int maxCallDepth, bool reportInferredCycles, bool exceptionsFromCalls, bool dispatchFrameworkMembers)
        {
            MaxCallDepth = maxCallDepth;
            ReportInferredCycles = reportInferredCycles;
            ExceptionsFromCalls = exceptionsFromCalls;
            DispatchFrameworkMembers = dispatchFrameworkMembers;
        }

        /// <summary><c>lockdiscipline.max_call_depth</c>: how many calls deep acquisitions are followed.</summary>
        public int MaxCallDepth { get; }

        /// <summary><c>lockdiscipline.report_inferred_cycles</c>: whether LD1002 is reported.</summary>
        public bool ReportInferredCycles { get; }

        /// <summary><c>lockdiscipline.exceptions_from_calls</c>: whether an exception from any call is a path for LD2001.</summary>
        public bool ExceptionsFromCalls { get; }

        /// <summary>
        /// <c>lockdiscipline.dispatch_framework_members</c>: whether a call to a framework member on a framework-typed receiver
        /// (<c>object.ToString()</c>, <c>IDisposable.Dispose()</c>, <c>IEnumerator.MoveNext()</c>) is followed into every
        /// implementation in the compilation.
        /// </summary>
        public bool DispatchFrameworkMembers { get; }

        /// <summary>
        /// Summaries carry every chain of every class, not only of the classes a rule can report on (<see cref="Summaries.OrderLink"/>):
        /// the reference the link step is tested against; no option sets it.
        /// </summary>
        public bool WholeChainsForEveryClass { get; init; }

        /// <summary>The lock summaries of referenced projects and packages the build passed as additional files.</summary>
        public ExternalSummaries Summaries { get; init; } = ExternalSummaries.None;

        public AnalyzerSettings WithSummaries(ExternalSummaries summaries)
            => new(MaxCallDepth, ReportInferredCycles, ExceptionsFromCalls, DispatchFrameworkMembers) { WholeChainsForEveryClass = WholeChainsForEveryClass, Summaries = summaries };

        public override bool Equals(object? obj)
            => obj is AnalyzerSettings other && other.MaxCallDepth == MaxCallDepth && other.ReportInferredCycles == ReportInferredCycles
               && other.ExceptionsFromCalls == ExceptionsFromCalls && other.DispatchFrameworkMembers == DispatchFrameworkMembers
               && other.WholeChainsForEveryClass == WholeChainsForEveryClass && other.Summaries.Equals(Summaries);

        public override int GetHashCode() => MaxCallDepth * 16 + (WholeChainsForEveryClass ? 8 : 0) + (ReportInferredCycles ? 4 : 0) + (ExceptionsFromCalls ? 2 : 0) + (DispatchFrameworkMembers ? 1 : 0);
    }
}
