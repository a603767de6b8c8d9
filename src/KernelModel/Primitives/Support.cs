using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Kernel
{
    /// <summary>WARN_ON and friends: record the warning and let the caller carry on, as the kernel does.</summary>
    public static class Bug
    {
        private static int _warnings;

        public static int Warnings => Volatile.Read(ref _warnings);

        public static event Action<string>? OnWarn;

        // WARN_ON
        public static bool WarnOn(bool condition, string what = "WARN_ON")
        {
            if (condition)
            {
                Interlocked.Increment(ref _warnings);
                OnWarn?.Invoke(what);
            }

            return condition;
        }
    }

    /// <summary>kzalloc/kfree with fault injection: an allocation fails when <see cref="FailureInjector"/> says so.</summary>
    public static class Slab
    {
        /// <summary>Called with the allocated type's name; returning true makes that allocation fail (should_failslab).</summary>
        public static Func<string, bool>? FailureInjector { get; set; }

        // kzalloc
        public static T? Kzalloc<T>(Func<T> construct) where T : class
            => ShouldFail<T>() ? null : construct();

        /// <summary>should_failslab() for an allocation of <typeparamref name="T"/> that the caller constructs itself.</summary>
        public static bool ShouldFail<T>() => FailureInjector?.Invoke(typeof(T).Name) == true;
    }

    /// <summary>struct module, reduced to try_module_get/module_put.</summary>
    public sealed class Module
    {
        private int _refs;

        public Module(string name) { Name = name; }

        public string Name { get; }

        public bool Unloading { get; set; }

        public int Refs => Volatile.Read(ref _refs);

        // try_module_get
        public static bool TryModuleGet(Module? module)
        {
            if (module is null)
            {
                return true;
            }

            if (module.Unloading)
            {
                return false;
            }

            Interlocked.Increment(ref module._refs);
            return true;
        }

        // module_put
        public static void ModulePut(Module? module)
        {
            if (module is not null)
            {
                Interlocked.Decrement(ref module._refs);
            }
        }
    }

    /// <summary>struct ida, reduced to a thread-safe id allocator.</summary>
    public sealed class Ida
    {
        private readonly ConcurrentDictionary<int, bool> _used = new();

        // ida_alloc
        public int Alloc()
        {
            for (var id = 0; ; id++)
            {
                if (_used.TryAdd(id, true))
                {
                    return id;
                }
            }
        }

        // ida_free
        public void Free(int id) => _used.TryRemove(id, out _);
    }
}
