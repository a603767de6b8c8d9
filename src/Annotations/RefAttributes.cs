using System;

namespace LockDiscipline
{
    /// <summary>
    /// The call adds one reference to <c>this</c> (instance method) or to the named parameter (a static method defaults to its first parameter).
    /// The body is not checked for reference balance.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public sealed class TakesRefAttribute : Attribute
    {
        /// <summary>Takes a reference to <c>this</c>, or to the first parameter of a static method.</summary>
        public TakesRefAttribute() { }

        /// <summary>Takes a reference to the parameter <paramref name="parameter"/>.</summary>
        /// <param name="parameter">The parameter's name.</param>
        public TakesRefAttribute(string parameter) { Parameter = parameter; }

        /// <summary>The parameter's name, or <see langword="null"/> for the default.</summary>
        public string? Parameter { get; }

        /// <summary>For a bool-returning method: the reference is taken only when the call returns this value (<c>kvm_get_kvm_safe</c>).</summary>
        public bool WhenReturns { get; set; }
    }

    /// <summary>
    /// The call drops one reference to <c>this</c> or to the named parameter; the last drop runs the release path (this method's body,
    /// which the analyzer follows to learn which locks it may take).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public sealed class DropsRefAttribute : Attribute
    {
        /// <summary>Drops a reference to <c>this</c>, or to the first parameter of a static method.</summary>
        public DropsRefAttribute() { }

        /// <summary>Drops a reference to the parameter <paramref name="parameter"/>.</summary>
        /// <param name="parameter">The parameter's name.</param>
        public DropsRefAttribute(string parameter) { Parameter = parameter; }

        /// <summary>The parameter's name, or <see langword="null"/> for the default.</summary>
        public string? Parameter { get; }

        /// <summary>
        /// The caller guarantees this is never the last reference (<c>kvm_put_kvm_no_destroy</c>): the release path is not followed
        /// and the final-drop-under-lock rule does not apply.
        /// </summary>
        public bool NotFinal { get; set; }
    }

    /// <summary>The returned object, when not null, carries one reference that the caller owns (<c>vfio_group_get_device</c>, <c>iommu_group_get</c>).</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class ReturnsRefAttribute : Attribute
    {
    }

    /// <summary>The callee takes over the caller's reference passed in this parameter.</summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
    public sealed class ConsumesRefAttribute : Attribute
    {
    }

    /// <summary>
    /// The containing object owns one reference through this member: storing an owned reference here transfers it,
    /// and a reference loaded from it may be dropped.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
    public sealed class HoldsRefAttribute : Attribute
    {
    }
}
