using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    internal enum PathRoot
    {
        /// <summary>The receiver of the annotated member.</summary>
        This,

        /// <summary>A parameter of the annotated method.</summary>
        Parameter,

        /// <summary>A static member reached through its type.</summary>
        Static,

        /// <summary>The annotated method's return value.</summary>
        Return,
    }

    /// <summary>A lock path from an attribute, bound where the attribute stands; resolved against each call site.</summary>
    internal sealed class BoundLock
    {
        public BoundLock(PathRoot root, IParameterSymbol? parameter, INamedTypeSymbol? staticType, ImmutableArray<ISymbol> members, string text)
        {
            Root = root;
            Parameter = parameter;
            StaticType = staticType;
            Members = members;
            Text = text;
        }

        public PathRoot Root { get; }

        public IParameterSymbol? Parameter { get; }

        public INamedTypeSymbol? StaticType { get; }

        /// <summary>The fields and properties after the root, in order.</summary>
        public ImmutableArray<ISymbol> Members { get; }

        /// <summary>The path as written.</summary>
        public string Text { get; }

        /// <summary>The lock class when the path names a member; otherwise it depends on the call site.</summary>
        public LockClass? FixedClass => Members.IsEmpty ? null : LockClass.ForMember(Members[Members.Length - 1]);

        /// <summary>The path as an instance path in the annotated member's own frame.</summary>
        public string? OwnFramePath
        {
            get
            {
                string root = Root switch
                {
                    PathRoot.This => "this",
                    PathRoot.Parameter => Parameter!.Name,
                    PathRoot.Static => StaticType!.ToDisplayString(),
                    _ => "return",
                };
                return Members.IsEmpty ? root : root + "." + string.Join(".", Members.Select(m => m.Name));
            }
        }

        /// <summary>Appends the member chain to the caller-frame path of the root.</summary>
        public string? Rebase(string? rootPath)
        {
            if (Root == PathRoot.Static)
            {
                return OwnFramePath;
            }

            if (rootPath is null)
            {
                return null;
            }

            return Members.IsEmpty ? rootPath : rootPath + "." + string.Join(".", Members.Select(m => m.Name));
        }
    }

    /// <summary>An acquisition, release or wait contract from one attribute.</summary>
    internal sealed class LockContractEntry
    {
        public LockContractEntry(BoundLock target, LockMode mode, int subclass, bool? successValue)
        {
            Target = target;
            Mode = mode;
            Subclass = subclass;
            SuccessValue = successValue;
        }

        public BoundLock Target { get; }

        public LockMode Mode { get; }

        public int Subclass { get; }

        /// <summary>For <c>[TryAcquires]</c>: the return value that means the lock was taken.</summary>
        public bool? SuccessValue { get; }

        /// <summary>Whether the lock is re-entrant, when the contract was inferred from a BCL lock (a monitor); else its annotation says.</summary>
        public bool? Recursive { get; init; }
    }
}
