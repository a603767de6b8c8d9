using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>Binds lock paths and lock class names exactly as the contract's "Names of locks" says.</summary>
    internal sealed class PathBinder
    {
        private readonly Compilation _compilation;
        private readonly LockTypes _lockTypes;
        private readonly Lazy<Dictionary<string, List<INamedTypeSymbol>>> _typesBySimpleName;

        public PathBinder(Compilation compilation, LockTypes lockTypes)
        {
            _compilation = compilation;
            _lockTypes = lockTypes;
            _typesBySimpleName = new Lazy<Dictionary<string, List<INamedTypeSymbol>>>(IndexSourceTypes);
        }

        /// <summary>Every named type declared in source (indexed once, on first use).</summary>
        public IEnumerable<INamedTypeSymbol> SourceTypes => _typesBySimpleName.Value.Values.SelectMany(list => list);

        /// <summary>Binds <paramref name="path"/> where an attribute on <paramref name="site"/> stands.</summary>
        public BoundLock? BindLockPath(string? path, ISymbol site, out string? error)
        {
            error = null;
            var method = site as IMethodSymbol;
            var owner = site as INamedTypeSymbol ?? site.ContainingType;
            if (path is null || path.Length == 0 || path == "this")
            {
                if (owner is null || (method is not null && method.IsStatic && path is not null))
                {
                    error = "binds to nothing: a static member has no 'this'";
                    return null;
                }

                return new BoundLock(PathRoot.This, null, null, ImmutableArray<ISymbol>.Empty, "this");
            }

            if (path == "return")
            {
                if (method is null || method.ReturnsVoid)
                {
                    error = "binds to nothing: the member returns no lock";
                    return null;
                }

                return new BoundLock(PathRoot.Return, null, null, ImmutableArray<ISymbol>.Empty, path);
            }

            var segments = path.Split('.');
            if (segments.Any(s => s.Length == 0))
            {
                error = "is not a member-access path";
                return null;
            }

            var bound = BindRootAndMembers(segments, method, owner, out error);
            if (bound is null)
            {
                return null;
            }

            var lockedType = bound.Members.IsEmpty ? RootType(bound, owner) : MemberType(bound.Members[bound.Members.Length - 1]);
            if (lockedType is null || (bound.Members.IsEmpty ? !_lockTypes.IsLockType(lockedType) : !_lockTypes.IsLockMember(bound.Members[bound.Members.Length - 1], lockedType)))
            {
                error = $"binds to '{path}' of type '{lockedType?.ToDisplayString() ?? "?"}', which is not a lock";
                return null;
            }

            return bound;
        }

        /// <summary>Binds a parameter name for the reference-count attributes.</summary>
        public IParameterSymbol? BindParameter(string name, IMethodSymbol method, out string? error)
        {
            error = null;
            var found = method.Parameters.Where(p => p.Name == name).ToList();
            if (found.Count == 1)
            {
                return found[0];
            }

            error = "binds to no parameter of '" + method.Name + "'";
            return null;
        }

        /// <summary>Binds a lock class name <c>Type.Member</c> or <c>Type.Member/n</c>.</summary>
        public LockClass? BindClassName(string name, out string? error)
        {
            error = null;
            var subclass = 0;
            var slash = name.LastIndexOf('/');
            var text = name;
            if (slash >= 0)
            {
                if (!int.TryParse(name.Substring(slash + 1), out subclass) || subclass < 0)
                {
                    error = "has a subclass that is not a non-negative number";
                    return null;
                }

                text = name.Substring(0, slash);
            }

            var segments = text.Split('.');
            if (segments.Length < 2 || segments.Any(s => s.Length == 0))
            {
                error = "is not a lock class name of the form 'Type.Member'";
                return null;
            }

            var typeSegments = segments.Take(segments.Length - 1).ToArray();
            var types = ResolveTypes(typeSegments);
            if (types.Count == 0)
            {
                error = "binds to nothing: no type '" + string.Join(".", typeSegments) + "'";
                return null;
            }

            if (types.Count > 1)
            {
                error = "binds to several types: " + string.Join(", ", types.Select(t => t.ToDisplayString()).OrderBy(s => s, StringComparer.Ordinal));
                return null;
            }

            var member = FindMembers(types[0], segments[segments.Length - 1]);
            if (member.Count == 0)
            {
                error = "binds to nothing: '" + types[0].ToDisplayString() + "' has no field or property '" + segments[segments.Length - 1] + "'";
                return null;
            }

            var memberType = MemberType(member[0]);
            if (memberType is null || !_lockTypes.IsLockMember(member[0], memberType))
            {
                error = $"binds to '{text}' of type '{memberType?.ToDisplayString() ?? "?"}', which is not a lock";
                return null;
            }

            return LockClass.ForMember(member[0]).WithSubclass(subclass);
        }

        public static ITypeSymbol? MemberType(ISymbol member) => member switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            IParameterSymbol p => p.Type,
            ILocalSymbol l => l.Type,
            _ => null,
        };

        private static ITypeSymbol? RootType(BoundLock bound, INamedTypeSymbol? owner) => bound.Root switch
        {
            PathRoot.Parameter => bound.Parameter!.Type,
            PathRoot.This => owner,
            _ => null,
        };

        private BoundLock? BindRootAndMembers(string[] segments, IMethodSymbol? method, INamedTypeSymbol? owner, out string? error)
        {
            error = null;
            var index = 0;
            PathRoot root;
            IParameterSymbol? parameter = null;
            INamedTypeSymbol? staticType = null;
            ITypeSymbol? current;

            if (segments[0] == "this")
            {
                root = PathRoot.This;
                current = owner;
                index = 1;
            }
            else if (method is not null && method.Parameters.FirstOrDefault(p => p.Name == segments[0]) is { } p)
            {
                root = PathRoot.Parameter;
                parameter = p;
                current = p.Type;
                index = 1;
            }
            else if (owner is not null && FindMembers(owner, segments[0]).Count > 0)
            {
                var first = FindMembers(owner, segments[0])[0];
                root = first.IsStatic ? PathRoot.Static : PathRoot.This;
                staticType = first.IsStatic ? first.ContainingType : null;
                current = owner;
                if (first.IsStatic)
                {
                    current = first.ContainingType;
                }
            }
            else
            {
                // A static member through its (simple or qualified) type name: the longest type prefix wins.
                root = PathRoot.Static;
                current = null;
                for (var take = segments.Length - 1; take >= 1 && current is null; take--)
                {
                    var types = ResolveTypes(segments.Take(take).ToArray());
                    if (types.Count > 1)
                    {
                        error = "binds to several types: " + string.Join(", ", types.Select(t => t.ToDisplayString()).OrderBy(s => s, StringComparer.Ordinal));
                        return null;
                    }

                    if (types.Count == 1)
                    {
                        staticType = types[0];
                        current = staticType;
                        index = take;
                    }
                }

                if (current is null)
                {
                    error = "binds to nothing: no parameter, member or type '" + segments[0] + "'";
                    return null;
                }
            }

            var members = ImmutableArray.CreateBuilder<ISymbol>();
            for (; index < segments.Length; index++)
            {
                if (current is null)
                {
                    error = "binds to nothing: '" + segments[index] + "' has no containing type";
                    return null;
                }

                var found = FindMembers(current, segments[index]);
                if (found.Count == 0)
                {
                    error = "binds to nothing: '" + current.ToDisplayString() + "' has no field or property '" + segments[index] + "'";
                    return null;
                }

                if (found.Count > 1)
                {
                    error = "binds to several members named '" + segments[index] + "'";
                    return null;
                }

                if (root == PathRoot.Static && members.Count == 0 && !found[0].IsStatic)
                {
                    error = "binds to the instance member '" + found[0].ToDisplayString() + "' through its type";
                    return null;
                }

                members.Add(found[0]);
                current = MemberType(found[0]);
            }

            return new BoundLock(root, parameter, staticType, members.ToImmutable(), string.Join(".", segments));
        }

        private static List<ISymbol> FindMembers(ITypeSymbol type, string name)
        {
            for (var t = type; t is not null; t = t.BaseType)
            {
                var found = t.GetMembers(name).Where(m => m is IFieldSymbol or IPropertySymbol).ToList();
                if (found.Count > 0)
                {
                    return found;
                }
            }

            if (type.TypeKind == TypeKind.Interface)
            {
                foreach (var iface in type.AllInterfaces)
                {
                    var found = iface.GetMembers(name).Where(m => m is IPropertySymbol).ToList();
                    if (found.Count > 0)
                    {
                        return found;
                    }
                }
            }

            return new List<ISymbol>();
        }

        private List<INamedTypeSymbol> ResolveTypes(string[] segments)
        {
            var result = new List<INamedTypeSymbol>();
            if (segments.Length == 1)
            {
                if (_typesBySimpleName.Value.TryGetValue(segments[0], out var byName))
                {
                    result.AddRange(byName);
                }

                return result.Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default).ToList();
            }

            // Qualified: namespace prefix then nested types, tried at every split.
            for (var nsCount = segments.Length - 1; nsCount >= 0; nsCount--)
            {
                var metadataName = string.Join(".", segments.Take(nsCount));
                var nested = segments.Skip(nsCount).ToArray();
                var full = (metadataName.Length > 0 ? metadataName + "." : string.Empty) + string.Join("+", nested);
                var type = _compilation.GetTypeByMetadataName(full);
                if (type is not null)
                {
                    result.Add(type);
                    return result;
                }
            }

            // Nested type named from its outermost simple name, e.g. "KvmArch.KvmXen".
            if (_typesBySimpleName.Value.TryGetValue(segments[segments.Length - 1], out var candidates))
            {
                foreach (var candidate in candidates)
                {
                    if (EndsWith(candidate, segments))
                    {
                        result.Add(candidate);
                    }
                }
            }

            return result;
        }

        private static bool EndsWith(INamedTypeSymbol type, string[] segments)
        {
            ISymbol? current = type;
            for (var i = segments.Length - 1; i >= 0; i--)
            {
                if (current is null || current.Name != segments[i])
                {
                    return false;
                }

                current = current.ContainingSymbol is INamespaceSymbol { IsGlobalNamespace: true } ? null : current.ContainingSymbol;
            }

            return true;
        }

        private Dictionary<string, List<INamedTypeSymbol>> IndexSourceTypes()
        {
            var index = new Dictionary<string, List<INamedTypeSymbol>>(StringComparer.Ordinal);
            var stack = new Stack<INamespaceOrTypeSymbol>();
            stack.Push(_compilation.Assembly.GlobalNamespace);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                foreach (var member in current.GetMembers())
                {
                    if (member is INamespaceOrTypeSymbol nt)
                    {
                        stack.Push(nt);
                    }

                    if (member is INamedTypeSymbol type)
                    {
                        if (!index.TryGetValue(type.Name, out var list))
                        {
                            index[type.Name] = list = new List<INamedTypeSymbol>();
                        }

                        list.Add(type);
                    }
                }
            }

            return index;
        }
    }
}
