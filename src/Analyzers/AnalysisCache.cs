using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;

namespace LockDiscipline.Analyzers
{
    /// <summary>
    /// The analysis of a set of syntax trees and references, reused by every compilation made of exactly those (the IDE's
    /// per-request clones, each driver's event-queue copy), so a warm document request only reads it. Keyed weakly by the first
    /// tree: an edit makes new trees, and the old entry goes with them.
    /// </summary>
    internal static class AnalysisCache
    {
        private static readonly ConditionalWeakTable<SyntaxTree, Entry> Entries = new();

        // Remove and Add are not one step, and analyses of two compilations may store at once.
        private static readonly object Gate = new();

        public static CompilationAnalysis? TryGet(Compilation compilation, AnalyzerSettings settings)
        {
            var first = compilation.SyntaxTrees.FirstOrDefault();
            Entry? entry;
            lock (Gate)
            {
                if (first is null || !Entries.TryGetValue(first, out entry))
                {
                    return null;
                }
            }

            return entry.Matches(compilation, settings) ? entry.Analysis : null;
        }

        public static void Set(Compilation compilation, AnalyzerSettings settings, CompilationAnalysis analysis)
        {
            var first = compilation.SyntaxTrees.FirstOrDefault();
            if (first is null)
            {
                return;
            }

            lock (Gate)
            {
                Entries.Remove(first);
                Entries.Add(first, new Entry(compilation, settings, analysis));
            }
        }

        private sealed class Entry
        {
            private readonly ImmutableArray<SyntaxTree> _trees;
            private readonly ImmutableArray<MetadataReference> _references;
            private readonly CompilationOptions _options;
            private readonly AnalyzerSettings _settings;

            public Entry(Compilation compilation, AnalyzerSettings settings, CompilationAnalysis analysis)
            {
                _trees = compilation.SyntaxTrees.ToImmutableArray();
                _references = compilation.References.ToImmutableArray();
                _options = compilation.Options;
                _settings = settings;
                Analysis = analysis;
            }

            public CompilationAnalysis Analysis { get; }

            public bool Matches(Compilation compilation, AnalyzerSettings settings)
                => settings.Equals(_settings)
                   && ReferenceEquals(compilation.Options, _options)
                   && compilation.SyntaxTrees.SequenceEqual(_trees, ReferenceEqualityComparer.Instance)
                   && compilation.References.SequenceEqual(_references, ReferenceEqualityComparer.Instance);
        }

        private sealed class ReferenceEqualityComparer : System.Collections.Generic.IEqualityComparer<object>
        {
            public static readonly ReferenceEqualityComparer Instance = new();

            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);

            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
