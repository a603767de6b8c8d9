using System;

namespace LockDiscipline
{
    /// <summary>
    /// The method acquires a lock: <c>this</c> when no path is given, otherwise the lock at the given path
    /// (a member-access path such as <c>"group.GroupLock"</c>, <c>"Lock"</c> or <c>"MatrixDev.Lock"</c>, or <c>"return"</c>).
    /// The body is the primitive's implementation and is not checked against this contract.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor, AllowMultiple = true, Inherited = true)]
    public sealed class AcquiresAttribute : Attribute
    {
        /// <summary>Acquires <c>this</c>.</summary>
        public AcquiresAttribute() { }

        /// <summary>Acquires the lock at <paramref name="path"/>.</summary>
        /// <param name="path">A lock path bound where the attribute stands.</param>
        public AcquiresAttribute(string path) { Path = path; }

        /// <summary>The lock path, or <see langword="null"/> for <c>this</c>.</summary>
        public string? Path { get; }

        /// <summary>A shared (reader) acquisition.</summary>
        public bool Shared { get; set; }

        /// <summary>lockdep's nesting subclass (<c>mutex_lock_nested</c>): a non-zero subclass counts as its own lock class for order and recursion.</summary>
        public int Subclass { get; set; }
    }

    /// <summary>The method releases <c>this</c>, or the lock at the given path. The body is not checked against this contract.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class ReleasesAttribute : Attribute
    {
        /// <summary>Releases <c>this</c>.</summary>
        public ReleasesAttribute() { }

        /// <summary>Releases the lock at <paramref name="path"/>.</summary>
        /// <param name="path">A lock path bound where the attribute stands.</param>
        public ReleasesAttribute(string path) { Path = path; }

        /// <summary>The lock path, or <see langword="null"/> for <c>this</c>.</summary>
        public string? Path { get; }

        /// <summary>Releases a shared (reader) hold.</summary>
        public bool Shared { get; set; }
    }

    /// <summary>The bool-returning method acquires the lock only when it returns <see cref="SuccessValue"/>.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
    public sealed class TryAcquiresAttribute : Attribute
    {
        /// <summary>Acquires <c>this</c> when the call returns <paramref name="successValue"/>.</summary>
        /// <param name="successValue">The return value that means the lock was taken.</param>
        public TryAcquiresAttribute(bool successValue) { SuccessValue = successValue; }

        /// <summary>Acquires the lock at <paramref name="path"/> when the call returns <paramref name="successValue"/>.</summary>
        /// <param name="successValue">The return value that means the lock was taken.</param>
        /// <param name="path">A lock path bound where the attribute stands.</param>
        public TryAcquiresAttribute(bool successValue, string path) { SuccessValue = successValue; Path = path; }

        /// <summary>The return value that means the lock was taken.</summary>
        public bool SuccessValue { get; }

        /// <summary>The lock path, or <see langword="null"/> for <c>this</c>.</summary>
        public string? Path { get; }

        /// <summary>A shared (reader) acquisition.</summary>
        public bool Shared { get; set; }

        /// <summary>lockdep's nesting subclass; see <see cref="AcquiresAttribute.Subclass"/>.</summary>
        public int Subclass { get; set; }
    }

    /// <summary>
    /// The call waits until every shared holder of <c>this</c> has left (SRCU/RCU <c>synchronize</c>):
    /// it blocks like an exclusive acquisition that is released at once.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public sealed class WaitsForReadersAttribute : Attribute
    {
        /// <summary>Waits for the readers of <c>this</c>.</summary>
        public WaitsForReadersAttribute() { }

        /// <summary>Waits for the readers of the lock at <paramref name="path"/>.</summary>
        /// <param name="path">A lock path bound where the attribute stands.</param>
        public WaitsForReadersAttribute(string path) { Path = path; }

        /// <summary>The lock path, or <see langword="null"/> for <c>this</c>.</summary>
        public string? Path { get; }
    }

    /// <summary>
    /// Shared acquisitions of this lock type never wait (SRCU/RCU read side): they add no order edge into the lock,
    /// read sections may nest, and they are allowed under a <see cref="LeafLockAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
    public sealed class ReaderNeverBlocksAttribute : Attribute
    {
    }

    /// <summary>Re-acquiring this lock while it is held is allowed.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class RecursiveAttribute : Attribute
    {
    }

    /// <summary>
    /// The lock must be released by the thread that acquired it (as <c>Monitor</c> and <c>Mutex</c>), so it must not be held across
    /// an <c>await</c> (LD1010).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
    public sealed class ThreadAffineAttribute : Attribute
    {
    }

    /// <summary>A guard returned by an <see cref="AcquiresAttribute"/> method: disposing it (<c>using</c>) releases the lock.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
    public sealed class ScopedLockAttribute : Attribute
    {
    }

    /// <summary>
    /// A documented lock order, outermost first: the first lock class is taken outside the second, and so on.
    /// Names are <c>Type.Member</c>, optionally with a nesting subclass as <c>Type.Member/1</c>. Several attributes combine by transitive closure.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    public sealed class LockOrderAttribute : Attribute
    {
        /// <summary>Declares the order of <paramref name="lockClasses"/>, outermost first.</summary>
        /// <param name="lockClasses">Lock class names, outermost first.</param>
        public LockOrderAttribute(params string[] lockClasses) { LockClasses = lockClasses; }

        /// <summary>The lock class names, outermost first.</summary>
        public string[] LockClasses { get; }
    }

    /// <summary>No other lock may be acquired while this lock is held.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class LeafLockAttribute : Attribute
    {
    }

    /// <summary>
    /// No other thread waits for one of this object's locks while the code here runs: on a parameter, the caller hands over an
    /// object only it uses (one a pool took out of its idle queue, one being closed for good); on a method, <c>this</c> is such an
    /// object for the whole call (a teardown that runs after a state change turned every other thread away). Its locks there take
    /// part in no lock order, as those of an object just created. The analysis takes the word for it: it cannot see a state
    /// protocol or a pool's hand-over.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
    public sealed class UnsharedAttribute : Attribute
    {
    }

    /// <summary>Every caller must hold these locks at the call (Clang <c>REQUIRES</c>); the body is analysed with them held from entry.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class RequiresAttribute : Attribute
    {
        /// <summary>Requires the locks at <paramref name="paths"/>.</summary>
        /// <param name="paths">Lock paths bound where the attribute stands.</param>
        public RequiresAttribute(params string[] paths) { Paths = paths; }

        /// <summary>The required lock paths.</summary>
        public string[] Paths { get; }

        /// <summary>A shared (reader) hold is enough.</summary>
        public bool Shared { get; set; }
    }

    /// <summary>No caller may hold these locks at the call (Clang <c>EXCLUDES</c>).</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
    public sealed class ExcludesAttribute : Attribute
    {
        /// <summary>Excludes the locks at <paramref name="paths"/>.</summary>
        /// <param name="paths">Lock paths bound where the attribute stands.</param>
        public ExcludesAttribute(params string[] paths) { Paths = paths; }

        /// <summary>The excluded lock paths.</summary>
        public string[] Paths { get; }
    }

    /// <summary>
    /// For bodies the analyzer cannot see (interface, abstract, extern, delegate targets): the call may acquire these locks
    /// (lockdep's <c>might_lock</c>). Each entry is a lock path or a lock class name.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Delegate, AllowMultiple = true, Inherited = true)]
    public sealed class MayAcquireAttribute : Attribute
    {
        /// <summary>The call may acquire <paramref name="locks"/>.</summary>
        /// <param name="locks">Lock paths or lock class names.</param>
        public MayAcquireAttribute(params string[] locks) { Locks = locks; }

        /// <summary>The lock paths or lock class names.</summary>
        public string[] Locks { get; }
    }

    /// <summary>
    /// The member may be read only while the lock at the given path is held (shared is enough) and written only while it is
    /// held exclusively (Clang <c>GUARDED_BY</c>). Constructors of the containing object are exempt.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class GuardedByAttribute : Attribute
    {
        /// <summary>Guards the member by the lock at <paramref name="path"/>.</summary>
        /// <param name="path">A lock path bound where the attribute stands.</param>
        public GuardedByAttribute(string path) { Path = path; }

        /// <summary>The guarding lock path.</summary>
        public string Path { get; }
    }
}
