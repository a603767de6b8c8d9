using System;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// What a search of a declaration looks for (the assignments to a member of one name, <c>lock (this)</c>), told as a test
    /// of one member's syntax: an edit of a member that the test finds nothing in, before or after the edit, leaves the
    /// search's answer as it was. Holds no symbol or tree, so reads that carry it outlive their compilation.
    /// </summary>
    internal sealed class SyntaxSearch : IEquatable<SyntaxSearch>
    {
        private readonly Func<SyntaxNode, bool> _foundIn;

        public SyntaxSearch(string key, Func<SyntaxNode, bool> foundIn)
        {
            Key = key;
            _foundIn = foundIn;
        }

        /// <summary>Tells searches apart: two with the same key look for the same thing.</summary>
        public string Key { get; }

        /// <summary>Whether <paramref name="member"/> has anything the search could find.</summary>
        public bool FoundIn(SyntaxNode member) => _foundIn(member);

        public bool Equals(SyntaxSearch? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as SyntaxSearch);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
    }
}
