using System;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Flow
{
    /// <summary>
    /// How a path leaves a method, for messages: "when it returns at line 12", "at the end of the method". Facts keep the
    /// location and work the line out only when the text is written, so the facts of a body carried over inside an edited tree,
    /// whose locations are moved with the edit, name the line it stands on now. Two exits are the same when their texts are.
    /// </summary>
    internal sealed class ExitPoint : IEquatable<ExitPoint>, Incremental.INamesALine
    {
        public ExitPoint(string words, Location? line = null)
        {
            Words = words;
            Line = line;
        }

        /// <summary>The words before the line number (all of them when there is none).</summary>
        public string Words { get; }

        /// <summary>Where the line named stands; null when none is named.</summary>
        public Location? Line { get; }

        /// <summary>
        /// The line named, as messages write it: facts compare with it (<see cref="Incremental.FactsFingerprint"/>), so an edit that
        /// renumbers the line is a change of what the rules report, not only a move.
        /// </summary>
        public int? LineNumber => Line is null ? null : NumberOf(Line);

        public bool NamesALine => Line is not null;

        /// <summary>An exit through a <c>throw</c> (a path an exception takes), not a return.</summary>
        public bool IsThrow => Words.StartsWith("when it throws", StringComparison.Ordinal);

        public override string ToString() => Line is null ? Words : Words + " " + NumberOf(Line);

        public bool Equals(ExitPoint? other)
            => other is not null && string.Equals(Words, other.Words, StringComparison.Ordinal)
               && (Line is null ? other.Line is null : other.Line is not null && NumberOf(Line) == NumberOf(other.Line));

        public override bool Equals(object? obj) => Equals(obj as ExitPoint);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Words) ^ (Line is null ? 0 : NumberOf(Line));

        private static int NumberOf(Location location) => location.GetLineSpan().StartLinePosition.Line + 1;
    }

    /// <summary>"along a path out of 'M' (when it returns at line 12)": a message argument that writes its line when it is written.</summary>
    internal sealed class PathOutOf
    {
        public PathOutOf(string method, ExitPoint exit)
        {
            Method = method;
            Exit = exit;
        }

        public string Method { get; }

        public ExitPoint Exit { get; }

        public override string ToString() => "along a path out of '" + Method + "' (" + Exit + ")";
    }

    /// <summary>"File.cs:12": a message argument naming where a location stands, worked out when it is written.</summary>
    internal sealed class SourceLine : Incremental.INamesALine
    {
        public SourceLine(Location at) => At = at;

        public bool NamesALine => true;

        public Location At { get; }

        /// <summary>The text messages write: facts compare with it, so an edit that renumbers the line changes them.</summary>
        public string Text => Rules.RuleContext.Where(At);

        public override string ToString() => Text;
    }
}
