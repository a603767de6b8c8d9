using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers
{
    /// <summary>Every diagnostic the package reports, in one place. IDs and severities are the public contract.</summary>
    public static class Descriptors
    {
        public const string HelpBase = "https://github.com/LockDiscipline/LockDiscipline/blob/main/docs/rules/";

        private const string AnnotationsCategory = "LockDiscipline.Annotations";
        private const string OrderCategory = "LockDiscipline.LockOrder";
        private const string HoldingCategory = "LockDiscipline.Locking";
        private const string RefCategory = "LockDiscipline.RefCount";
        private const string BaselineCategory = "LockDiscipline.Baseline";

        public static readonly DiagnosticDescriptor LD0001_BadAnnotationArgument = Create(
            "LD0001", "Annotation argument does not bind",
            "'{0}' in [{1}] {2}",
            AnnotationsCategory, DiagnosticSeverity.Error,
            "An annotation argument must name exactly one lock (or parameter) reachable where the attribute stands.");

        public static readonly DiagnosticDescriptor LD0002_ContradictoryLockOrder = Create(
            "LD0002", "Declared lock orders contradict each other",
            "[LockOrder] declarations contradict each other: {0}",
            AnnotationsCategory, DiagnosticSeverity.Error,
            "The transitive closure of the declared [LockOrder]s contains a cycle, so no acquisition order can satisfy them.");

        public static readonly DiagnosticDescriptor LD0003_ExternalSummary = new(
            "LD0003", "Lock summary of code outside the compilation is missing, stale or malformed",
            "Lock summary '{0}' {1}: {2}",
            AnnotationsCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            "A referenced project's or package's lock summary (*.lockdiscipline.txt beside its assembly) says which locks calls into it take and which of its callbacks run under its locks. Without a usable one, cycles that run through that code are not found.",
            HelpLink("LD0003"), WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor LD0100_Baselined = Create(
            "LD0100", "Finding recorded in the baseline",
            "{0} (in the baseline): {1}",
            BaselineCategory, DiagnosticSeverity.Hidden,
            "A finding that LockDiscipline.baseline lists: it existed when the baseline was written, so it is shown hidden rather than failing the build. Fix it and write the baseline again to drop its entry.");

        public static readonly DiagnosticDescriptor LD1001_DeclaredOrderInversion = Create(
            "LD1001", "Lock-order inversion against a declared order",
            "Lock-order inversion: '{0}' is acquired while '{1}' is held, but [LockOrder] declares '{0}' outside '{1}'{2}",
            OrderCategory, DiagnosticSeverity.Error,
            "A lock is acquired while a lock that the declared order places inside it is held.");

        public static readonly DiagnosticDescriptor LD1002_InferredCycle = Create(
            "LD1002", "Lock-order cycle",
            "Lock-order cycle {0}: '{1}' is acquired while '{2}' is held here{3}, and elsewhere {4}",
            OrderCategory, DiagnosticSeverity.Warning,
            "Two or more code paths take the same locks in opposite orders (lockdep's circular dependency): run concurrently, they deadlock.");

        public static readonly DiagnosticDescriptor LD1003_RecursiveAcquisition = Create(
            "LD1003", "Recursive acquisition of a non-recursive lock",
            "'{0}' is acquired while already held (taken at {1}) and {2}{3}",
            HoldingCategory, DiagnosticSeverity.Warning,
            "Acquiring a non-recursive lock class that the thread already holds deadlocks or throws.");

        public static readonly DiagnosticDescriptor LD1004_AcquiredUnderLeafLock = Create(
            "LD1004", "Lock acquired under a leaf lock",
            "'{0}' is acquired while leaf lock '{1}' is held{2}",
            OrderCategory, DiagnosticSeverity.Error,
            "No other lock may be acquired while a [LeafLock] is held.");

        public static readonly DiagnosticDescriptor LD1005_WaitForReadersUnderReaderLock = Create(
            "LD1005", "Waiting for readers while holding a lock a reader takes",
            "Waiting for readers of '{0}' while holding '{1}' deadlocks: {2}{3}",
            OrderCategory, DiagnosticSeverity.Error,
            "synchronize_srcu-like waits block until every reader leaves; a reader that needs a lock the waiter holds never leaves.");

        public static readonly DiagnosticDescriptor LD1006_RequiresNotHeld = Create(
            "LD1006", "Required lock not held at the call",
            "Calling '{0}' requires holding '{1}'{2}",
            HoldingCategory, DiagnosticSeverity.Error,
            "A method annotated [Requires] must be called with the lock held on every path to the call.");

        public static readonly DiagnosticDescriptor LD1007_ExcludedLockHeld = Create(
            "LD1007", "Excluded lock held at the call",
            "Calling '{0}' while holding '{1}', which it excludes{2}",
            HoldingCategory, DiagnosticSeverity.Error,
            "A method annotated [Excludes] must not be called while the lock is held.");

        public static readonly DiagnosticDescriptor LD1008_UnbalancedLock = Create(
            "LD1008", "Unbalanced lock",
            "{0}",
            HoldingCategory, DiagnosticSeverity.Warning,
            "Every lock a method acquires must be released on every path out of it, and only a held lock may be released.");

        public static readonly DiagnosticDescriptor LD1009_GuardedMemberAccess = Create(
            "LD1009", "Guarded member accessed without its lock",
            "'{0}' is {1} without holding '{2}'{3}{4}",
            HoldingCategory, DiagnosticSeverity.Error,
            "A [GuardedBy] member may be read only while its lock is held, and written only while it is held exclusively.");

        public static readonly DiagnosticDescriptor LD1010_ThreadAffineLockAcrossAwait = Create(
            "LD1010", "Thread-affine lock held across an await",
            "'{0}' ({1}) is held across this {2} (acquired at {3}{4}): the code after it may run on another thread, where releasing the lock throws or never happens",
            HoldingCategory, DiagnosticSeverity.Error,
            "A lock that must be released by the thread that took it (Monitor, lock, System.Threading.Lock, Mutex, ReaderWriterLockSlim, SpinLock, [ThreadAffine] types) must not be held where the method can suspend: an await, or a yield return in an iterator.");

        public static readonly DiagnosticDescriptor LD2001_ReferenceLeak = Create(
            "LD2001", "Reference leak",
            "The reference taken by '{0}' is neither dropped nor handed on {1}",
            RefCategory, DiagnosticSeverity.Error,
            "A reference this method takes must be dropped, returned, stored in a [HoldsRef] member or passed to a [ConsumesRef] parameter on every path.");

        public static readonly DiagnosticDescriptor LD2002_DoubleDrop = Create(
            "LD2002", "Reference dropped twice",
            "'{0}' drops the reference held in '{1}' a second time on this path (first dropped at {2})",
            RefCategory, DiagnosticSeverity.Error,
            "Dropping the same reference twice frees the object while others still use it.");

        public static readonly DiagnosticDescriptor LD2003_UseAfterDrop = Create(
            "LD2003", "Use after drop",
            "'{0}' is used after this method dropped its reference at {1}",
            RefCategory, DiagnosticSeverity.Warning,
            "Once a method drops the reference it owned, the object may already be freed.");

        public static readonly DiagnosticDescriptor LD2004_FinalDropUnderLock = Create(
            "LD2004", "Final drop under a lock its release path takes",
            "'{0}' may drop the final reference while '{1}' is held (acquired at {2}), and its release path acquires '{1}': {3}",
            RefCategory, DiagnosticSeverity.Error,
            "The last put runs the release path; if that path takes a lock the caller holds, the thread deadlocks on itself (seed 000: kvm_put_kvm under group_lock).");

        public static readonly DiagnosticDescriptor LD2005_DropOfUnownedReference = Create(
            "LD2005", "Drop of a reference the method does not own",
            "'{0}' drops a reference to '{1}' that this method does not own",
            RefCategory, DiagnosticSeverity.Warning,
            "Only a reference this method took, or one handed to it through [ConsumesRef] or a [HoldsRef] member, may be dropped here.");

        public static readonly DiagnosticDescriptor LD2006_HeldReferenceNeverDropped = Create(
            "LD2006", "Held reference never dropped by its owner",
            "'{0}' holds a reference that {1}",
            RefCategory, DiagnosticSeverity.Warning,
            "The object that stores a reference in a [HoldsRef] member must drop it or hand it on in its teardown (Dispose, or the release path of its own [DropsRef] method); without a teardown, some code must load it and drop it.");

        public static string HelpLink(string id) => HelpBase + id + ".md";

        private static DiagnosticDescriptor Create(
            string id, string title, string message, string category, DiagnosticSeverity severity, string description)
            => new DiagnosticDescriptor(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLink(id));
    }
}
