using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LockDiscipline.CodeFixes
{
    /// <summary>Recognises acquire and release statements the way the analyzer's effects do, for the fixes' syntax edits.</summary>
    internal static class LockStatements
    {
        private static readonly string[] BclReleases = { "Exit", "Release", "ExitReadLock", "ExitWriteLock", "ExitUpgradeableReadLock", "ReleaseMutex" };

        /// <summary>The lock expression an acquire or release call works on, as text: the receiver, or the first argument of <c>Monitor</c>.</summary>
        public static string? LockExpressionText(InvocationExpressionSyntax invocation, SemanticModel model)
        {
            if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            if (method.ContainingType?.ToDisplayString() == "System.Threading.Monitor")
            {
                return invocation.ArgumentList.Arguments.FirstOrDefault()?.Expression.ToString();
            }

            return invocation.Expression is MemberAccessExpressionSyntax access ? access.Expression.ToString() : "this";
        }

        public static bool IsRelease(InvocationExpressionSyntax invocation, SemanticModel model)
        {
            if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method)
            {
                return false;
            }

            if (method.GetAttributes().Any(a => a.AttributeClass?.Name == "ReleasesAttribute"))
            {
                return true;
            }

            var ns = method.ContainingType?.ContainingNamespace?.ToDisplayString();
            return ns == "System.Threading" && BclReleases.Contains(method.Name);
        }

        /// <summary>The statement in <paramref name="block"/>'s list after <paramref name="after"/> that releases <paramref name="lockText"/>.</summary>
        public static ExpressionStatementSyntax? FindRelease(BlockSyntax block, StatementSyntax after, string lockText, SemanticModel model)
        {
            var index = block.Statements.IndexOf(after);
            if (index < 0)
            {
                return null;
            }

            foreach (var statement in block.Statements.Skip(index + 1))
            {
                if (statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax invocation } release
                    && IsRelease(invocation, model) && LockExpressionText(invocation, model) == lockText)
                {
                    return release;
                }
            }

            return null;
        }

        /// <summary>Every identifier the enclosing member declares or uses, so a new local shadows and clashes with none.</summary>
        public static HashSet<string> NamesInMember(SyntaxNode node)
        {
            var member = node.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? node;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in member.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken))
                {
                    names.Add(token.ValueText);
                }
            }

            return names;
        }

        /// <summary><paramref name="baseName"/>, else <c>baseName2</c>, <c>baseName3</c>...: the first name <paramref name="isTaken"/> does not hold.</summary>
        public static string FreshName(string baseName, Func<string, bool> isTaken)
        {
            var name = baseName;
            for (var i = 2; isTaken(name); i++)
            {
                name = baseName + i;
            }

            return name;
        }

        /// <summary>The expression statement that consists of the call (plain, or through <c>?.</c>).</summary>
        public static ExpressionStatementSyntax? StatementOf(SyntaxNode node)
        {
            for (var current = node; current is not null; current = current.Parent)
            {
                if (current is ExpressionStatementSyntax statement)
                {
                    return statement;
                }

                if (current is StatementSyntax or LambdaExpressionSyntax)
                {
                    return null;
                }
            }

            return null;
        }
    }
}
