using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Model
{
    /// <summary>
    /// The cheap pre-filter in front of the dataflow (as CA2000 has): from syntax alone, the bodies that could matter. A body matters
    /// when it has a <c>lock</c> statement, carries one of our attributes, or names something that matters: a BCL lock method, an
    /// annotated member, or another body that matters (a fixpoint over simple names, an over-approximation of the call graph).
    /// Every other body is never bound, so code with no locking pays nothing for it. A member accessed on a receiver the syntax
    /// shows to be of a type declared outside the compilation (<c>StringBuilder sb; sb.Append(x)</c>) cannot be a source member
    /// (bar an extension method), so its name counts only when it matters outside the source too (a BCL lock method, a framework
    /// model, a summarised member); <see cref="ReceiverTypes"/> says what the syntax shows. A second pass
    /// (<see cref="WithBoundNames"/>) runs the fixpoint again over the bodies the first kept, with the names their bound operations
    /// reach (<see cref="BoundNames"/>).
    /// </summary>
    internal sealed class RelevanceFilter
    {
        private static readonly HashSet<string> BclLockMethods = new(StringComparer.Ordinal)
        {
            "Enter", "Exit", "TryEnter", "EnterScope", "Wait", "WaitAsync", "Release", "WaitOne", "ReleaseMutex",
            "EnterReadLock", "ExitReadLock", "EnterWriteLock", "ExitWriteLock", "EnterUpgradeableReadLock", "ExitUpgradeableReadLock",
            "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock",
        };

        private static readonly HashSet<string> OurAttributes = new(StringComparer.Ordinal)
        {
            "Acquires", "Releases", "TryAcquires", "WaitsForReaders", "ReaderNeverBlocks", "Recursive", "ScopedLock", "LeafLock",
            "Requires", "Excludes", "MayAcquire", "GuardedBy", "TakesRef", "DropsRef", "ReturnsRef", "ConsumesRef", "HoldsRef",
        };

        // Calls the compiler inserts for these statements, so a body using them names the members they call.
        private static readonly string[] ImplicitCallNames = { "Dispose", "DisposeAsync", "GetEnumerator", "MoveNext", "Current", "GetAwaiter", "GetResult" };

        // Keyed by tree and span, not by node: red nodes under large lists are held weakly and may be recreated.
        private HashSet<(SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span)> _relevant = new();

        private RelevanceFilter()
        {
        }

        // Every name that matters once the fixpoint is done.
        private HashSet<string> _relevantNames = new(StringComparer.Ordinal);

        public bool IsRelevant(SyntaxNode body) => _relevant.Contains((body.SyntaxTree, body.Span));

        /// <summary>How many bodies the scans found, and how many of them are relevant (for benchmarks).</summary>
        public int BodyCount => _index.Bodies.Count;

        public int RelevantCount => _relevant.Count;

        /// <summary>
        /// Whether an initializer outside any body names <paramref name="name"/> other than to call it: a method of that name may be
        /// turned into a delegate there, and then run by callers nobody sees.
        /// </summary>
        public bool IsNamedAsValueOutsideBodies(string name) => _index.ValueNames.Contains(name);

        /// <summary>
        /// The compilation-wide sets every tree's relevance is decided by: with the same sets, a tree keeps which of its bodies are
        /// relevant.
        /// </summary>
        public NameSets Names { get; private set; } = new(new HashSet<string>(), new HashSet<string>());

        /// <summary>The names that make a body relevant, and the delegate members some body invokes.</summary>
        internal sealed class NameSets
        {
            private readonly HashSet<string> _relevant;
            private readonly HashSet<string> _invoked;

            public NameSets(HashSet<string> relevant, HashSet<string> invoked)
            {
                _relevant = relevant;
                _invoked = invoked;
            }

            public bool SameAs(NameSets other) => ReferenceEquals(this, other) || (_relevant.SetEquals(other._relevant) && _invoked.SetEquals(other._invoked));
        }

        /// <summary>Whether code outside any body (a field initializer) names something that matters.</summary>
        public bool Mentions(SyntaxNode node)
            => node.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().Any(n => _relevantNames.Contains(n.Identifier.ValueText));

        /// <summary>
        /// The filter from every tree's <see cref="ScanTree"/>, in file order; <paramref name="externalNames"/> are members outside the
        /// compilation that take locks or call back under them (from lock summaries).
        /// </summary>
        /// <param name="typedReceivers">
        /// Whether a name accessed on a receiver of a type outside the source is told apart (<see cref="ReceiverTypes"/>); off when
        /// framework members are followed into source implementations (<see cref="Rules.AnalyzerSettings.DispatchFrameworkMembers"/>).
        /// </param>
        public static RelevanceFilter FromScans(IReadOnlyList<TreeScan> scans, CancellationToken cancellationToken, IEnumerable<string>? externalNames = null, bool typedReceivers = true)
            => Build(NameIndex.Of(scans, externalNames), cancellationToken, typedReceivers, boundNames: null, candidates: null);

        /// <summary>
        /// The second pass, over this filter's relevant bodies only: each body's names are those its bound operations reach
        /// (<see cref="BoundNames"/>) where <paramref name="boundNames"/> gives them (by tree index in the scans this filter was
        /// built from), its syntax names elsewhere. A body this filter left out stays out, so the second pass only ever removes
        /// bodies.
        /// </summary>
        public RelevanceFilter WithBoundNames(Func<int, Body, HashSet<string>?> boundNames, CancellationToken cancellationToken)
            => Build(_index, cancellationToken, _typedReceivers, boundNames, this);

        /// <summary>
        /// This filter for a later compilation of the same trees bar edits inside some of them (<paramref name="earlierScans"/>
        /// gives each edited tree's scan before the edit, null for a tree that is the very same): when every edited tree adds the
        /// same names it added before, and each of its bodies names what it named then (of the names that can matter), the
        /// fixpoint would give every body the relevance it has here, so it is not run again. Null when something differs.
        /// <paramref name="boundNames"/> and <paramref name="earlierBoundNames"/> are the second pass's names now and before;
        /// <paramref name="candidates"/> the first pass's filter now (both null for the first pass).
        /// </summary>
        public RelevanceFilter? TakeOver(IReadOnlyList<TreeScan> scans, IReadOnlyList<TreeScan?> earlierScans, RelevanceFilter? candidates, Func<int, Body, HashSet<string>?>? boundNames, Func<int, Body, HashSet<string>?>? earlierBoundNames)
        {
            if (scans.Count != _index.TreeCount || earlierScans.Count != scans.Count)
            {
                return null;
            }

            var edited = new List<int>();
            for (var tree = 0; tree < scans.Count; tree++)
            {
                if (earlierScans[tree] is { } earlier)
                {
                    if (!_index.SameDeclarations(earlier, scans[tree]))
                    {
                        return null;
                    }

                    edited.Add(tree);
                }
            }

            var index = _index.Over(scans, edited);
            var relevant = new HashSet<(SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span)>(_relevant);
            var before = new List<string>();
            var after = new List<string>();
            foreach (var tree in edited)
            {
                var earlierBodies = earlierScans[tree]!.Bodies;
                var laterBodies = scans[tree].Bodies;
                for (var i = 0; i < laterBodies.Count; i++)
                {
                    var (earlierBody, laterBody) = (earlierBodies[i], laterBodies[i]);
                    var wasRelevant = relevant.Remove((earlierBody.Node.SyntaxTree, earlierBody.Node.Span));
                    if (earlierBody.OwnName != laterBody.OwnName || earlierBody.Intrinsic != laterBody.Intrinsic
                        || (candidates?.IsRelevant(laterBody.Node) ?? true) != (_candidateKeys?.Contains((earlierBody.Node.SyntaxTree, earlierBody.Node.Span)) ?? true))
                    {
                        return null;
                    }

                    if (!SameNamesThatCanMatter(NamesOf(tree, earlierBody, earlierBoundNames, before), NamesOf(tree, laterBody, boundNames, after)))
                    {
                        return null;
                    }

                    if (wasRelevant)
                    {
                        relevant.Add((laterBody.Node.SyntaxTree, laterBody.Node.Span));
                    }
                }
            }

            return new RelevanceFilter
            {
                _index = index, _typedReceivers = _typedReceivers, _relevantNames = _relevantNames, Names = Names,
                _candidateKeys = candidates?._relevant, TakenOver = true, _relevant = relevant,
            };
        }

        /// <summary>Whether this filter was taken over from an earlier compilation's rather than built (<see cref="TakeOver"/>).</summary>
        public bool TakenOver { get; private init; }

        // The first pass's relevant bodies, for a second pass (whose bodies were those candidates).
        private HashSet<(SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span)>? _candidateKeys;

        /// <summary>The names a body is indexed by: those its bound operations reach where <paramref name="boundNames"/> gives them, else its syntax names.</summary>
        private List<string> NamesOf(int tree, Body body, Func<int, Body, HashSet<string>?>? boundNames, List<string> into)
        {
            into.Clear();
            if (boundNames?.Invoke(tree, body) is { } bound)
            {
                into.AddRange(bound);
            }
            else
            {
                body.AddNames(into, _typedReceivers, _index.SourceTypeNames, _index.SourceMemberNames, _index.ReachableFromOutside);
            }

            return into;
        }

        private bool SameNamesThatCanMatter(List<string> a, List<string> b)
        {
            var set = new HashSet<string>(a.Where(_index.CanMatter), StringComparer.Ordinal);
            return set.SetEquals(b.Where(_index.CanMatter));
        }

        /// <summary>
        /// Names that count even on a member declared outside the source: what is known outside it (BCL lock methods, framework
        /// models, summarised members), our attributes' targets, <c>Invoke</c> and the source's extension methods.
        /// </summary>
        public ISet<string> ReachableFromOutside => _index.ReachableFromOutside;

        /// <summary>Whether every member's name counts whatever declares it (framework members dispatched into the source).</summary>
        public bool CountsEveryName => !_typedReceivers;

        private NameIndex _index = NameIndex.Empty;
        private bool _typedReceivers;

        /// <summary>What every tree's scan adds to the compilation's names, gathered once for both passes.</summary>
        private sealed class NameIndex
        {
            public static readonly NameIndex Empty = Of(Array.Empty<TreeScan>(), null);

            private NameIndex(List<(int Tree, Body Body)> bodies, int treeCount, HashSet<string> relevantNames, HashSet<string> invoked, List<(int Body, string Name)> stores, HashSet<string> valueNames, HashSet<string> sourceTypeNames, HashSet<string> sourceMemberNames, HashSet<string> reachableFromOutside)
            {
                Bodies = bodies;
                TreeCount = treeCount;
                RelevantNames = relevantNames;
                Invoked = invoked;
                Stores = stores;
                ValueNames = valueNames;
                SourceTypeNames = sourceTypeNames;
                SourceMemberNames = sourceMemberNames;
                ReachableFromOutside = reachableFromOutside;
            }

            /// <summary>Every body of every tree, in file order, with its tree's index.</summary>
            public List<(int Tree, Body Body)> Bodies { get; }

            /// <summary>How many trees the scans were of.</summary>
            public int TreeCount { get; }

            /// <summary>The names relevant from the start: BCL lock methods, framework models, summarised members, our attributes' targets.</summary>
            public HashSet<string> RelevantNames { get; }

            public HashSet<string> Invoked { get; }

            /// <summary>The members each body (by index in <see cref="Bodies"/>) assigns to.</summary>
            public List<(int Body, string Name)> Stores { get; }

            public HashSet<string> ValueNames { get; }

            public HashSet<string> SourceTypeNames { get; }

            public HashSet<string> SourceMemberNames { get; }

            public HashSet<string> ReachableFromOutside { get; }

            public static NameIndex Of(IReadOnlyList<TreeScan> scans, IEnumerable<string>? externalNames)
            {
                var relevantNames = new HashSet<string>(BclLockMethods.Concat(FrameworkModels.MethodNames).Concat(externalNames ?? Enumerable.Empty<string>()), StringComparer.Ordinal);
                var bodies = new List<(int Tree, Body Body)>();
                var invoked = new HashSet<string>(StringComparer.Ordinal);
                var stores = new List<(int Body, string Name)>();
                var valueNames = new HashSet<string>(StringComparer.Ordinal);
                var sourceTypeNames = new HashSet<string>(StringComparer.Ordinal);
                var sourceMemberNames = new HashSet<string>(StringComparer.Ordinal);
                var extensionNames = new HashSet<string>(StringComparer.Ordinal);
                for (var tree = 0; tree < scans.Count; tree++)
                {
                    var scan = scans[tree];
                    relevantNames.UnionWith(scan.AnnotatedNames);
                    invoked.UnionWith(scan.InvokedMembers);
                    valueNames.UnionWith(scan.ValueNames);
                    foreach (var (body, name) in scan.Stores)
                    {
                        stores.Add((bodies.Count + body, name));
                    }

                    foreach (var body in scan.Bodies)
                    {
                        bodies.Add((tree, body));
                    }

                    sourceTypeNames.UnionWith(scan.DeclaredTypeNames);
                    sourceMemberNames.UnionWith(scan.DeclaredMemberNames);
                    extensionNames.UnionWith(scan.ExtensionMethodNames);
                }

                // Names that matter even on a receiver of an outside type: what is known outside the source, our attributes' names,
                // and the source's extension methods (an outside receiver reaches them).
                var reachableFromOutside = new HashSet<string>(relevantNames, StringComparer.Ordinal) { "Invoke" };
                reachableFromOutside.UnionWith(extensionNames);
                return new NameIndex(bodies, scans.Count, relevantNames, invoked, stores, valueNames, sourceTypeNames, sourceMemberNames, reachableFromOutside);
            }

            /// <summary>This index over <paramref name="scans"/>, whose trees add the same names as those it was built from.</summary>
            public NameIndex Over(IReadOnlyList<TreeScan> scans, IReadOnlyCollection<int> edited)
            {
                // Only the edited trees' bodies are other objects now (each has as many as before): the rest is copied as it is.
                var bodies = new List<(int Tree, Body Body)>(Bodies);
                var edits = new HashSet<int>(edited);
                for (var i = 0; i < bodies.Count; i++)
                {
                    var tree = bodies[i].Tree;
                    if (edits.Contains(tree))
                    {
                        var later = scans[tree].Bodies;
                        for (var k = 0; k < later.Count; k++)
                        {
                            bodies[i + k] = (tree, later[k]);
                        }

                        i += later.Count - 1;
                    }
                }

                return new NameIndex(bodies, TreeCount, RelevantNames, Invoked, Stores, ValueNames, SourceTypeNames, SourceMemberNames, ReachableFromOutside);
            }

            /// <summary>
            /// Whether <paramref name="later"/> adds to this index what <paramref name="earlier"/> added (the same tree before an
            /// edit), bar its bodies' names, which <see cref="TakeOver"/> compares. A store matters only into a member some body
            /// invokes (the invoked members being the same).
            /// </summary>
            public bool SameDeclarations(TreeScan earlier, TreeScan later)
                => earlier.Bodies.Count == later.Bodies.Count
                   && new HashSet<string>(earlier.AnnotatedNames, StringComparer.Ordinal).SetEquals(later.AnnotatedNames)
                   && earlier.InvokedMembers.SetEquals(later.InvokedMembers)
                   && earlier.ValueNames.SetEquals(later.ValueNames)
                   && earlier.DeclaredTypeNames.SetEquals(later.DeclaredTypeNames)
                   && earlier.DeclaredMemberNames.SetEquals(later.DeclaredMemberNames)
                   && earlier.ExtensionMethodNames.SetEquals(later.ExtensionMethodNames)
                   && new HashSet<(int, string)>(earlier.Stores.Where(s => Invoked.Contains(s.Name))).SetEquals(later.Stores.Where(s => Invoked.Contains(s.Name)));

            /// <summary>
            /// Whether a body naming <paramref name="name"/> could be made relevant by it: the name is relevant from the start,
            /// or some body may be reached by it (a body is reached by its member's or its type's name).
            /// </summary>
            public bool CanMatter(string name) => RelevantNames.Contains(name) || SourceMemberNames.Contains(name) || SourceTypeNames.Contains(name);
        }

        private static RelevanceFilter Build(NameIndex index, CancellationToken cancellationToken, bool typedReceivers, Func<int, Body, HashSet<string>?>? boundNames, RelevanceFilter? candidates)
        {
            var filter = new RelevanceFilter { _index = index, _typedReceivers = typedReceivers, _candidateKeys = candidates?._relevant };
            var bodies = index.Bodies;
            var relevantNames = index.RelevantNames;

            // Fixpoint: a body that names something relevant is relevant, and then so is its own name. Only names that can
            // matter are indexed (not locals, framework members, parameters): the index is rebuilt on every analysis, edits included.
            var byName = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            var candidate = new bool[bodies.Count];
            var marked = new bool[bodies.Count];
            var work = new Queue<int>();
            void Mark(int i)
            {
                if (!marked[i] && candidate[i])
                {
                    marked[i] = true;
                    work.Enqueue(i);
                }
            }

            var names = new List<string>();
            for (var i = 0; i < bodies.Count; i++)
            {
                var (tree, body) = bodies[i];
                if (candidates is not null && !candidates.IsRelevant(body.Node))
                {
                    continue;
                }

                candidate[i] = true;
                filter.NamesOf(tree, body, boundNames, names);
                var seed = body.Intrinsic;
                foreach (var name in names)
                {
                    if (!index.CanMatter(name))
                    {
                        continue;
                    }

                    seed |= relevantNames.Contains(name);
                    if (!byName.TryGetValue(name, out var list))
                    {
                        byName[name] = list = new List<int>();
                    }

                    if (list.Count == 0 || list[list.Count - 1] != i)
                    {
                        list.Add(i);
                    }
                }

                if (seed)
                {
                    Mark(i);
                }
            }

            // A body that stores into a member some body invokes as a delegate (`_onTick = tick`, `Changed += h`) says what that
            // invocation runs, so it is read too.
            foreach (var (body, name) in index.Stores)
            {
                if (index.Invoked.Contains(name))
                {
                    Mark(body);
                }
            }

            var expanded = new HashSet<string>(relevantNames, StringComparer.Ordinal);
            while (work.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var i = work.Dequeue();
                var node = bodies[i].Body.Node;
                filter._relevant.Add((node.SyntaxTree, node.Span));
                if (bodies[i].Body.OwnName is { } own && expanded.Add(own) && byName.TryGetValue(own, out var readers))
                {
                    foreach (var reader in readers)
                    {
                        Mark(reader);
                    }
                }
            }

            filter._relevantNames = expanded;
            filter.Names = new NameSets(expanded, index.Invoked);
            return filter;
        }

        /// <summary>One walk over a tree's declarations (never into bodies): the names our attributes annotate, and each body's names.</summary>
        public static TreeScan ScanTree(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var annotatedNames = new List<string>();
            var bodies = new List<Body>();
            var typeNames = new HashSet<string>(StringComparer.Ordinal);
            var memberNames = new HashSet<string>(StringComparer.Ordinal);
            var extensionNames = new HashSet<string>(StringComparer.Ordinal);
            var invokedMembers = new HashSet<string>(StringComparer.Ordinal);
            var stores = new List<(int Body, string Name)>();
            var valueNames = new HashSet<string>(StringComparer.Ordinal);
            var root = tree.GetRoot(cancellationToken);
            var receiverTree = new ReceiverTypes.Tree(root);

            // One walk over declarations (never into bodies) finds both the attributes and the bodies.
            foreach (var node in root.DescendantNodes(n => n is not (ExpressionSyntax or StatementSyntax)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (node is AttributeSyntax attribute)
                {
                    if (OurAttributes.Contains(AttributeName(attribute)) && NameOfAnnotated(attribute) is { } annotated)
                    {
                        annotatedNames.Add(annotated);
                    }

                    continue;
                }

                // A Lazy<T> member: reading its Value may wait on its factory's lock (FrameworkModels), so bodies naming it matter.
                if (node is FieldDeclarationSyntax { Declaration: { Type: var fieldType } declaration } && FrameworkModels.IsLazyTypeName(fieldType))
                {
                    annotatedNames.AddRange(declaration.Variables.Select(v => v.Identifier.ValueText));
                }
                else if (node is PropertyDeclarationSyntax { Type: var propertyType } lazyProperty && FrameworkModels.IsLazyTypeName(propertyType))
                {
                    annotatedNames.Add(lazyProperty.Identifier.ValueText);
                }

                DeclaredNames(node, typeNames, memberNames, extensionNames);
                if (node is EqualsValueClauseSyntax initializer)
                {
                    // A field's or property's initializer, a parameter's default: never bound, so a method group there (`Action a = M;`)
                    // is found by name (bodies' method groups are found when they are bound).
                    valueNames.UnionWith(initializer.DescendantNodes().OfType<SimpleNameSyntax>().Where(IsValueUse).Select(n => n.Identifier.ValueText));
                    continue;
                }

                if (BodyOwner(node) is not { } owner)
                {
                    continue;
                }

                var names = new HashSet<string>(StringComparer.Ordinal);
                var receivers = new ReceiverTypes(node, receiverTree);
                List<(string Name, ExpressionSyntax Receiver)>? accessed = null;
                var intrinsic = HasOurAttribute(node);
                foreach (var inner in BodyParts(node).SelectMany(part => part.DescendantNodesAndSelf()))
                {
                    receivers.Declare(inner);
                    switch (inner)
                    {
                        case SimpleNameSyntax name:
                            if (ReceiverTypes.ReceiverOf(name) is { } receiver)
                            {
                                (accessed ??= new List<(string, ExpressionSyntax)>()).Add((name.Identifier.ValueText, receiver));
                            }
                            else
                            {
                                names.Add(name.Identifier.ValueText);
                            }

                            break;
                        case LockStatementSyntax:
                        case MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Trace" }, Name.Identifier.ValueText: var traced }
                            when FrameworkModels.IsTraceOutputName(traced):
                            intrinsic = true;
                            break;
                        case InvocationExpressionSyntax { Expression: var callee } when DelegateMemberName(callee) is { } delegateName:
                            invokedMembers.Add(delegateName);
                            break;
                        case AssignmentExpressionSyntax { Left: var left } when AssignedMember.NameOf(left) is { } stored:
                            stores.Add((bodies.Count, stored));
                            break;
                        case UsingStatementSyntax or LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } or CommonForEachStatementSyntax or AwaitExpressionSyntax:
                            names.UnionWith(ImplicitCallNames);
                            break;
                    }
                }

                // Receivers are typed once every variable of the body is known (a use may come before a declaration of its name).
                var typed = new List<(string Name, ReceiverTypeGuess Receiver)>();
                foreach (var (name, receiver) in accessed ?? Enumerable.Empty<(string, ExpressionSyntax)>())
                {
                    if (receivers.Guess(receiver) is { } guess)
                    {
                        typed.Add((name, guess));
                    }
                    else
                    {
                        names.Add(name);
                    }
                }

                bodies.Add(new Body(node, owner, names, typed, intrinsic));
            }

            return new TreeScan(annotatedNames, bodies)
            {
                InvokedMembers = invokedMembers, Stores = stores, ValueNames = valueNames,
                DeclaredTypeNames = typeNames, DeclaredMemberNames = memberNames, ExtensionMethodNames = extensionNames,
            };
        }

        /// <summary>The names a declaration adds to the compilation's types, members and extension methods.</summary>
        private static void DeclaredNames(SyntaxNode node, HashSet<string> typeNames, HashSet<string> memberNames, HashSet<string> extensionNames)
        {
            switch (node)
            {
                case BaseTypeDeclarationSyntax type:
                    typeNames.Add(type.Identifier.ValueText);
                    break;
                case DelegateDeclarationSyntax @delegate:
                    typeNames.Add(@delegate.Identifier.ValueText);
                    break;
                case VariableDeclaratorSyntax variable:
                    memberNames.Add(variable.Identifier.ValueText);
                    break;
                case PropertyDeclarationSyntax property:
                    memberNames.Add(property.Identifier.ValueText);
                    break;
                case EventDeclarationSyntax @event:
                    memberNames.Add(@event.Identifier.ValueText);
                    break;
                case EnumMemberDeclarationSyntax enumMember:
                    memberNames.Add(enumMember.Identifier.ValueText);
                    break;
                case MethodDeclarationSyntax method:
                    memberNames.Add(method.Identifier.ValueText);
                    if (method.ParameterList.Parameters.FirstOrDefault()?.Modifiers.Any(m => m.ValueText == "this") == true)
                    {
                        extensionNames.Add(method.Identifier.ValueText);
                    }

                    break;
            }
        }

        /// <summary>One body: its node, the name callers reach it by, the names it uses, and whether it matters by itself.</summary>
        internal sealed class Body
        {
            private readonly HashSet<string> _names;
            private readonly List<(string Name, ReceiverTypeGuess Receiver)> _typed;

            public Body(SyntaxNode node, string? ownName, HashSet<string> names, List<(string Name, ReceiverTypeGuess Receiver)> typed, bool intrinsic)
            {
                Node = node;
                OwnName = ownName;
                _names = names;
                _typed = typed;
                Intrinsic = intrinsic;
            }

            public SyntaxNode Node { get; }

            public string? OwnName { get; }

            public bool Intrinsic { get; }

            /// <summary>
            /// Adds the names that may reach a source member: with <paramref name="typedReceivers"/>, a name on a receiver of an
            /// outside type only when it is one of <paramref name="reachableFromOutside"/>; without, every name the body uses.
            /// </summary>
            public void AddNames(List<string> into, bool typedReceivers, ISet<string> sourceTypeNames, ISet<string> sourceMemberNames, ISet<string> reachableFromOutside)
            {
                into.AddRange(_names);
                foreach (var (name, receiver) in _typed)
                {
                    if (!typedReceivers || (!_names.Contains(name) && (reachableFromOutside.Contains(name) || !receiver.IsOutsideSource(sourceTypeNames, sourceMemberNames))))
                    {
                        into.Add(name);
                    }
                }
            }
        }

        /// <summary>A name used other than as the callee of an invocation: a method there is a method group (a delegate, or <c>nameof</c>).</summary>
        private static bool IsValueUse(SimpleNameSyntax name)
        {
            ExpressionSyntax expression = name.Parent switch
            {
                MemberAccessExpressionSyntax access when access.Name == name => access,
                MemberBindingExpressionSyntax binding when binding.Name == name => binding,
                _ => name,
            };
            return !(expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression);
        }

        /// <summary>The member a delegate invocation reads: <c>_f()</c>, <c>_f.Invoke()</c>, <c>_f?.Invoke()</c>.</summary>
        private static string? DelegateMemberName(ExpressionSyntax callee) => callee switch
        {
            IdentifierNameSyntax id => id.Identifier.ValueText,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Invoke", Expression: var target } => AssignedMember.NameOf(target),
            MemberBindingExpressionSyntax { Name.Identifier.ValueText: "Invoke", Parent.Parent: ConditionalAccessExpressionSyntax access } => AssignedMember.NameOf(access.Expression),
            _ => null,
        };


        /// <summary>What one tree contributes: the names our attributes annotate, and each body with the names it uses.</summary>
        internal sealed class TreeScan
        {
            public TreeScan(List<string> annotatedNames, List<Body> bodies)
            {
                AnnotatedNames = annotatedNames;
                Bodies = bodies;
            }

            public List<string> AnnotatedNames { get; }

            public List<Body> Bodies { get; }

            /// <summary>The names of the types the tree declares, and of their fields, properties, events, enum members and methods.</summary>
            public HashSet<string> DeclaredTypeNames { get; init; } = new(StringComparer.Ordinal);

            public HashSet<string> DeclaredMemberNames { get; init; } = new(StringComparer.Ordinal);

            public HashSet<string> ExtensionMethodNames { get; init; } = new(StringComparer.Ordinal);

            /// <summary>Members invoked as delegates (<c>_f()</c>, <c>_f?.Invoke()</c>) anywhere in the tree.</summary>
            public HashSet<string> InvokedMembers { get; init; } = new(StringComparer.Ordinal);

            /// <summary>The members each body (by index in <see cref="Bodies"/>) assigns to.</summary>
            public List<(int Body, string Name)> Stores { get; init; } = new();

            /// <summary>Names initializers outside bodies use other than as an invocation's callee (<see cref="IsValueUse"/>).</summary>
            public HashSet<string> ValueNames { get; init; } = new(StringComparer.Ordinal);
        }

        private static IEnumerable<SyntaxNode> BodyParts(SyntaxNode node) => node switch
        {
            BaseMethodDeclarationSyntax m => new SyntaxNode?[] { (m as ConstructorDeclarationSyntax)?.Initializer, m.Body, m.ExpressionBody }.OfType<SyntaxNode>(),
            AccessorDeclarationSyntax a => new SyntaxNode?[] { a.Body, a.ExpressionBody }.OfType<SyntaxNode>(),
            _ => new[] { node },
        };

        /// <summary>The name by which callers reach a body: the method, the constructor's type, the property; null for none.</summary>
        private static string? BodyOwner(SyntaxNode node) => node switch
        {
            MethodDeclarationSyntax m => m.Identifier.ValueText,
            ConstructorDeclarationSyntax c => c.Identifier.ValueText,
            DestructorDeclarationSyntax d => d.Identifier.ValueText,
            BaseMethodDeclarationSyntax => string.Empty,
            AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax p } => p.Identifier.ValueText,
            AccessorDeclarationSyntax { Parent.Parent: EventDeclarationSyntax e } => e.Identifier.ValueText,
            AccessorDeclarationSyntax { Parent.Parent: IndexerDeclarationSyntax } => string.Empty,
            ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax p } => p.Identifier.ValueText,
            ArrowExpressionClauseSyntax { Parent: IndexerDeclarationSyntax } => string.Empty,
            _ => null,
        };

        private static bool HasOurAttribute(SyntaxNode node)
        {
            var lists = node switch
            {
                BaseMethodDeclarationSyntax m => m.AttributeLists.Concat(m.ParameterList.Parameters.SelectMany(p => p.AttributeLists)),
                AccessorDeclarationSyntax a => a.AttributeLists.Concat((a.Parent?.Parent as BasePropertyDeclarationSyntax)?.AttributeLists ?? default),
                ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax p } => p.AttributeLists,
                _ => Enumerable.Empty<AttributeListSyntax>(),
            };
            return lists.SelectMany(l => l.Attributes).Any(a => OurAttributes.Contains(AttributeName(a)));
        }

        /// <summary>An attribute's simple name without the <c>Attribute</c> suffix, however it is written (qualified, aliased).</summary>
        internal static string AttributeName(AttributeSyntax attribute)
        {
            var name = attribute.Name switch
            {
                QualifiedNameSyntax q => q.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
                SimpleNameSyntax s => s.Identifier.ValueText,
                _ => attribute.Name.ToString(),
            };
            return name.EndsWith("Attribute", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        }

        /// <summary>The simple name of what an attribute annotates (for a parameter, its method).</summary>
        private static string? NameOfAnnotated(AttributeSyntax attribute)
        {
            var target = attribute.Parent?.Parent;
            if (target is ParameterSyntax { Parent.Parent: BaseMethodDeclarationSyntax method })
            {
                target = method;
            }

            return target switch
            {
                MethodDeclarationSyntax m => m.Identifier.ValueText,
                ConstructorDeclarationSyntax c => c.Identifier.ValueText,
                PropertyDeclarationSyntax p => p.Identifier.ValueText,
                EventDeclarationSyntax e => e.Identifier.ValueText,
                BaseTypeDeclarationSyntax t => t.Identifier.ValueText,
                DelegateDeclarationSyntax d => d.Identifier.ValueText,
                FieldDeclarationSyntax f => f.Declaration.Variables.FirstOrDefault()?.Identifier.ValueText,
                AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax p } => p.Identifier.ValueText,
                _ => null,
            };
        }
    }
}
