using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.Analyzers.Incremental
{
    /// <summary>
    /// A fingerprint of everything in a tree other than member bodies: types, signatures, attributes, field and property
    /// initializers, constructor initializers, preprocessor directives. Two versions of a tree with the same shape declare the
    /// same symbols, so an edit that keeps every tree's shape changes what calls resolve to in no other tree; what other trees'
    /// walks read of its bodies is tracked on its own (<see cref="SyntaxReads"/>).
    /// </summary>
    internal readonly struct DeclarationShape : IEquatable<DeclarationShape>
    {
        private readonly ulong _hash;
        private readonly int _tokens;

        private DeclarationShape(ulong hash, int tokens)
        {
            _hash = hash;
            _tokens = tokens;
        }

        public static DeclarationShape Of(SyntaxTree tree, System.Threading.CancellationToken cancellationToken)
        {
            var hash = 14695981039346656037UL;
            var count = 0;
            foreach (var token in tree.GetRoot(cancellationToken).DescendantTokens(node => !IsBody(node)))
            {
                if (token.HasLeadingTrivia)
                {
                    foreach (var trivia in token.LeadingTrivia)
                    {
                        if (trivia.IsDirective)
                        {
                            hash = Mix(hash, trivia.ToString());
                        }
                    }
                }

                hash = Mix(hash, token.Text);
                count++;
            }

            return new DeclarationShape(hash, count);
        }

        /// <summary>A member's body (block or expression), whose tokens do not make the shape.</summary>
        private static bool IsBody(SyntaxNode node)
            => node is BlockSyntax or ArrowExpressionClauseSyntax
               && node.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or BasePropertyDeclarationSyntax;

        private static ulong Mix(ulong hash, string text)
        {
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (hash ^ 0xFF) * 1099511628211UL;
        }

        public bool Equals(DeclarationShape other) => _hash == other._hash && _tokens == other._tokens;

        public override bool Equals(object? obj) => obj is DeclarationShape other && Equals(other);

        public override int GetHashCode() => _hash.GetHashCode();
    }
}
