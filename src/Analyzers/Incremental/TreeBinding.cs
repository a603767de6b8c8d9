using System.Collections.Generic;
using System.Threading;
using LockDiscipline.Analyzers.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// One tree's candidate bodies (those the syntax pass of <see cref="RelevanceFilter"/> kept) bound, and the names each reaches
    /// (<see cref="BoundNames"/>). The names carry over with the tree while no declaration changes; the semantic model is lent to
    /// the tree's walk, which finds its bodies bound already, and is never kept.
    /// </summary>
    internal sealed class TreeBinding
    {
        private static readonly Dictionary<TextSpan, HashSet<string>?> None = new();

        // By the body's span: null where binding could not tell (the syntax names stand). Never changed once published.
        private readonly Dictionary<TextSpan, HashSet<string>?> _names;
        private SemanticModel? _model;

        // Whether this binding is of the very tree it is kept with (not moved from the tree before an edit).
        private readonly bool _sameTree;

        private TreeBinding(Dictionary<TextSpan, HashSet<string>?> names, SemanticModel? model, bool sameTree)
        {
            _names = names;
            _model = model;
            _sameTree = sameTree;
        }

        /// <summary>
        /// The tree's candidates bound, those <paramref name="earlier"/> (the same tree, under the same declarations) bound taken
        /// over. A body that is relevant by itself (a <c>lock</c>, one of our attributes) needs no names.
        /// </summary>
        public static TreeBinding For(Compilation compilation, SyntaxTree tree, RelevanceFilter.TreeScan scan, RelevanceFilter candidates, TreeBinding? earlier, CancellationToken cancellationToken)
        {
            if (earlier is { _sameTree: true } && candidates.TakenOver)
            {
                // The same tree's bodies, and the same candidates among them (the first pass taken over): bound already, every one.
                return new TreeBinding(earlier._names, model: null, sameTree: true);
            }

            var known = earlier?._names ?? None;
            Dictionary<TextSpan, HashSet<string>?>? names = null;
            SemanticModel? model = null;
            foreach (var body in scan.Bodies)
            {
                if (body.Intrinsic || !candidates.IsRelevant(body.Node) || known.ContainsKey(body.Node.Span))
                {
                    continue;
                }

                names ??= new Dictionary<TextSpan, HashSet<string>?>(known);
                model ??= CompilationAnalysis.SemanticModelOf(compilation, tree);
                names[body.Node.Span] = BoundNames.Of(model, body.Node, candidates, cancellationToken);
            }

            return new TreeBinding(names ?? known, model, sameTree: true);
        }

        /// <summary>
        /// What binding the tree before <paramref name="edit"/> gave, for the bodies the edit left standing, where they stand after
        /// it (a body binds to the same members while no declaration changes; an edit of one body leaves the others' names).
        /// </summary>
        public TreeBinding MovedBy(Lineage.Edit edit)
        {
            var moved = new Dictionary<TextSpan, HashSet<string>?>(_names.Count);
            foreach (var pair in _names)
            {
                if (edit.Moved(pair.Key) is { } span)
                {
                    moved[span] = pair.Value;
                }
            }

            return new TreeBinding(moved, model: null, sameTree: false);
        }

        /// <summary>The names <paramref name="body"/> reaches bound; null when it was not bound or binding could not tell.</summary>
        public HashSet<string>? NamesOf(RelevanceFilter.Body body) => _names.TryGetValue(body.Node.Span, out var names) ? names : null;

        /// <summary>The model the bodies were bound in, for the walk (once).</summary>
        public SemanticModel? TakeModel()
        {
            var model = _model;
            _model = null;
            return model;
        }

        /// <summary>Kept with the tree's facts for the next compilation, without the model.</summary>
        public TreeFacts Keep(TreeFacts facts)
        {
            _model = null;
            facts.Binding = this;
            return facts;
        }
    }
}
