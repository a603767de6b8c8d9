using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>Objects compared by identity: the same tree, the same symbol object of one compilation.</summary>
    internal sealed class SameObject : IEqualityComparer<object>
    {
        public static readonly SameObject Instance = new();

        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

        public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
