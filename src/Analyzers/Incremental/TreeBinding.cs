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

        private TreeBinding(Dictionary<TextSpan, HashSet<string>?> names, SemanticModel? model)
        {
            _names = names;
            _model = model;
        }

        /// <summary>
        /// The tree's candidates bound, those <paramref name="earlier"/> (the same tree, under the same declarations) bound taken
        /// over. A body that is relevant by itself (a <c>lock</c>, one of our attributes) needs no names.
        /// </summary>
        public static TreeBinding For(Compilation compilation, SyntaxTree tree, RelevanceFilter.TreeScan scan, RelevanceFilter candidates, TreeBinding? earlier, CancellationToken cancellationToken)
        {
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

            return new TreeBinding(names ?? known, model);
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
