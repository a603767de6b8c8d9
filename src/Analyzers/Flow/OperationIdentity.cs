using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>
    /// Operations compared as objects, hashed by where they stand. Roslyn's operations keep object identity hashing, which the
    /// runtime computes on first use through a slow path in the object header (a quarter of the held-lock walk's time on NLog
    /// in the compiler); a body's operations are told apart by position almost always, and equality stays by reference.
    /// </summary>
    internal sealed class OperationIdentity : IEqualityComparer<IOperation>
    {
        public static readonly OperationIdentity Instance = new();

        public bool Equals(IOperation? x, IOperation? y) => ReferenceEquals(x, y);

        public int GetHashCode(IOperation operation)
            => operation.Syntax is { } syntax ? (syntax.SpanStart * 397) ^ (syntax.Span.Length * 31) ^ (int)operation.Kind : RuntimeHelpers.GetHashCode(operation);
    }
}
