using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// What an analysis of an earlier compilation shares with this one when every tree kept its declaration shape and the
    /// references and settings are the same (<see cref="Lineage.Plan"/>): the trees both hold, and whether the referenced
    /// assemblies' symbols are the very same objects.
    /// </summary>
    internal sealed class Continuity
    {
        public Continuity(Compilation earlier, Compilation now, ISet<SyntaxTree> sharedTrees)
        {
            EarlierAssembly = earlier.Assembly;
            Assembly = now.Assembly;
            SharedTrees = sharedTrees;
            ReferencesShared = SymbolMap.ReferencesShared(earlier, now);
        }

        public IAssemblySymbol EarlierAssembly { get; }

        public IAssemblySymbol Assembly { get; }

        public ISet<SyntaxTree> SharedTrees { get; }

        public bool ReferencesShared { get; }
    }

    /// <summary>
    /// Answers a model cache of an earlier compilation gave, taken over by the same cache of a compilation with the same
    /// declarations (<see cref="Continuity"/>) so they need not be computed again: after an edit, computing them afresh for the
    /// new compilation's symbols was most of the link step. Only answers no edit can have changed are taken: for a symbol
    /// declared in source, one declared in the trees the two compilations share (found again where it is declared, or by its
    /// documentation-comment ID when the compiler declares it),
    /// whose computation read no other tree than those; for a referenced definition, the symbol itself (the same object). Only
    /// values that hold no symbol are taken (a flag, an empty contract), so nothing keeps the earlier compilation alive.
    /// </summary>
    internal sealed class EarlierAnswers<TValue>
    {
        // A source member written out in a shared tree, by where it is declared (the same tree object and span name the same
        // declaration in both compilations); one the compiler declares, by its documentation-comment ID, which is dearer to write.
        private readonly Dictionary<(SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span, SymbolKind Kind, string Name), SyntaxReads.Tracked<TValue>> _byDeclaration;
        private readonly Dictionary<string, SyntaxReads.Tracked<TValue>> _bySourceId;
        private readonly Dictionary<ISymbol, SyntaxReads.Tracked<TValue>> _referenced;
        private readonly IAssemblySymbol _assembly;

        private EarlierAnswers(Dictionary<(SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan, SymbolKind, string), SyntaxReads.Tracked<TValue>> byDeclaration, Dictionary<string, SyntaxReads.Tracked<TValue>> bySourceId, Dictionary<ISymbol, SyntaxReads.Tracked<TValue>> referenced, IAssemblySymbol assembly)
        {
            _byDeclaration = byDeclaration;
            _bySourceId = bySourceId;
            _referenced = referenced;
            _assembly = assembly;
        }

        /// <summary>The answers of <paramref name="earlier"/> that carry over, those whose value <paramref name="carries"/> says holds no symbol.</summary>
        public static EarlierAnswers<TValue> From<TKey>(ConcurrentDictionary<TKey, SyntaxReads.Tracked<TValue>> earlier, Continuity continuity, Func<TValue, bool>? carries = null)
            where TKey : ISymbol
        {
            var byDeclaration = new Dictionary<(SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan, SymbolKind, string), SyntaxReads.Tracked<TValue>>();
            var bySourceId = new Dictionary<string, SyntaxReads.Tracked<TValue>>(StringComparer.Ordinal);
            var referenced = new Dictionary<ISymbol, SyntaxReads.Tracked<TValue>>(SymbolEqualityComparer.Default);
            foreach (var pair in earlier)
            {
                ISymbol symbol = pair.Key;
                if ((carries is not null && !carries(pair.Value.Value)) || !pair.Value.Reads.All(r => continuity.SharedTrees.Contains(r.Tree)) || !IsDefinition(symbol))
                {
                    continue;
                }

                if (!SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, continuity.EarlierAssembly))
                {
                    if (continuity.ReferencesShared && IsReferencedDefinition(symbol))
                    {
                        referenced[symbol] = pair.Value;
                    }
                }
                else if (HasId(symbol) && symbol.Locations.All(l => l.SourceTree is { } tree && continuity.SharedTrees.Contains(tree)))
                {
                    if (DeclarationOf(symbol) is { } declaration)
                    {
                        byDeclaration[declaration] = pair.Value;
                    }
                    else if (DocumentationCommentId.CreateDeclarationId(symbol) is { } id)
                    {
                        bySourceId[id] = pair.Value;
                    }
                }
            }

            return new EarlierAnswers<TValue>(byDeclaration, bySourceId, referenced, continuity.Assembly);
        }

        /// <summary>The earlier answer for <paramref name="symbol"/>, its reads counted as read now (the trees are the same objects).</summary>
        public bool TryGet(ISymbol symbol, out TValue value)
        {
            SyntaxReads.Tracked<TValue>? found = null;
            if (IsDefinition(symbol))
            {
                if (!SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _assembly))
                {
                    if (IsReferencedDefinition(symbol))
                    {
                        _referenced.TryGetValue(symbol, out found);
                    }
                }
                else if (HasId(symbol))
                {
                    if (DeclarationOf(symbol) is { } declaration)
                    {
                        _byDeclaration.TryGetValue(declaration, out found);
                    }
                    else if (_bySourceId.Count > 0 && DocumentationCommentId.CreateDeclarationId(symbol) is { } id)
                    {
                        _bySourceId.TryGetValue(id, out found);
                    }
                }
            }

            if (found is null)
            {
                value = default!;
                return false;
            }

            SyntaxReads.Replay(found.Reads);
            value = found.Value;
            return true;
        }

        /// <summary>
        /// Where a member written out in source is declared: its first declaration's tree and span, with its kind and name (an
        /// accessor and its property, or a field and the other variables of its declaration, share no span; the kind and name
        /// keep apart what does). Null for what the compiler declares (an implicit constructor, a record's members), which shares
        /// its type's declaration.
        /// </summary>
        private static (SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan, SymbolKind, string)? DeclarationOf(ISymbol symbol)
            => symbol.IsImplicitlyDeclared || symbol.DeclaringSyntaxReferences is not { Length: > 0 } references
                ? null
                : (references[0].SyntaxTree, references[0].Span, symbol.Kind, symbol.Name);

        /// <summary>Not constructed from a generic definition: such a symbol names no other compilation's symbols.</summary>
        private static bool IsDefinition(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol, symbol.OriginalDefinition);

        /// <summary>
        /// A definition declared in a referenced assembly, which names nothing of either compilation's source: not an array, a
        /// pointer or an error type, which have no assembly of their own and may be made of source types.
        /// </summary>
        private static bool IsReferencedDefinition(ISymbol symbol)
            => symbol.ContainingAssembly is not null && symbol is not (IArrayTypeSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol or IErrorTypeSymbol or ITypeParameterSymbol);

        /// <summary>A member or type a documentation-comment ID names uniquely (not a lambda, a local function or a local).</summary>
        private static bool HasId(ISymbol symbol)
            => symbol is INamedTypeSymbol or IFieldSymbol or IPropertySymbol or IEventSymbol
                   or IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) };
    }
}
