using System;

namespace Kernel
{
    /// <summary>struct kobject, reduced to its reference count, its parent and its ktype's release function.</summary>
    public sealed class Kobject
    {
        private readonly Kref _kref = new();

        public Kobject(string name, Kobject? parent, Action<Kobject>? release)
        {
            Name = name;
            Parent = parent;
            Release = release;
            parent?.Get();
        }

        public string Name { get; }

        public Kobject? Parent { get; }

        /// <summary>ktype->release.</summary>
        public Action<Kobject>? Release { get; }

        public int RefCount => _kref.Read();

        // kobject_get
        public Kobject Get()
        {
            _kref.Get();
            return this;
        }

        // kobject_put
        public void Put() => _kref.Put(_ => Cleanup());

        // kobject_cleanup
        private void Cleanup()
        {
            Release?.Invoke(this);
            Parent?.Put();
        }
    }
}
