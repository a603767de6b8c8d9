using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>One lock class a summary names: its stable key, what a user reads, and whether re-taking it while held is allowed.</summary>
    internal sealed class SummaryClass
    {
        public SummaryClass(string key, string display, bool recursive)
        {
            Key = key;
            Display = display;
            Recursive = recursive;
        }

        public string Key { get; }

        public string Display { get; }

        public bool Recursive { get; }
    }

    /// <summary>A method callable from outside may acquire a lock class while holding nothing of its own; the chain is inside the method.</summary>
    internal sealed class SummaryAcquisition
    {
        public SummaryAcquisition(string method, string lockClass, bool shared, string chain)
        {
            Method = method;
            LockClass = lockClass;
            Shared = shared;
            Chain = chain;
        }

        /// <summary>The method's documentation-comment ID (<c>M:B.Service.Run(B.ICallback)</c>).</summary>
        public string Method { get; }

        public string LockClass { get; }

        public bool Shared { get; }

        public string Chain { get; }
    }

    /// <summary>
    /// Code of the summarised assembly holds a lock class while it calls an interface or virtual member that other assemblies may
    /// implement: their implementations run with that lock held.
    /// </summary>
    internal sealed class SummaryCallback
    {
        public SummaryCallback(string member, string lockClass, string chain)
        {
            Member = member;
            LockClass = lockClass;
            Chain = chain;
        }

        /// <summary>The documentation-comment ID of the interface or virtual member called.</summary>
        public string Member { get; }

        public string LockClass { get; }

        /// <summary>Who holds the lock around the call, from the holding method to the member (<c>Service.Run -> ICallback.Invoke</c>).</summary>
        public string Chain { get; }
    }

    /// <summary>
    /// A lock summary: what calls into one assembly do to locks, written next to it by its build (<c>B.lockdiscipline.txt</c>
    /// beside <c>B.dll</c>) and read by the builds of assemblies that reference it. Line-based, tab-separated, sorted, with no
    /// absolute path, so the same code always gives the same bytes. The format is documented in docs/summaries.md.
    /// </summary>
    internal sealed class LockSummaryFile
    {
        public const int FormatVersion = 1;

        /// <summary>The file name's ending: the assembly's file name without <c>.dll</c>, then this.</summary>
        public const string Extension = ".lockdiscipline.txt";

        private const string Header = "lockdiscipline-summary";

        public LockSummaryFile(string assembly, ImmutableArray<Guid> modules, ImmutableArray<SummaryClass> classes, ImmutableArray<SummaryAcquisition> acquisitions, ImmutableArray<SummaryCallback> callbacks)
        {
            Assembly = assembly;
            Modules = modules;
            Classes = classes;
            Acquisitions = acquisitions;
            Callbacks = callbacks;
        }

        /// <summary>The summarised assembly's name.</summary>
        public string Assembly { get; }

        /// <summary>The module version IDs of the builds the summary describes (the assembly and its reference assembly).</summary>
        public ImmutableArray<Guid> Modules { get; }

        public ImmutableArray<SummaryClass> Classes { get; }

        public ImmutableArray<SummaryAcquisition> Acquisitions { get; }

        public ImmutableArray<SummaryCallback> Callbacks { get; }

        public string Render()
        {
            var text = new StringBuilder();
            text.Append("# LockDiscipline lock summary of ").Append(Clean(Assembly)).Append(": what calls into it do to locks (docs/summaries.md)\n");
            Line(text, Header, FormatVersion.ToString(CultureInfo.InvariantCulture));
            Line(text, "assembly", Assembly);
            foreach (var module in Modules.Select(m => m.ToString("D")).Distinct().OrderBy(m => m, StringComparer.Ordinal))
            {
                Line(text, "module", module);
            }

            var lines = new List<string>();
            lines.AddRange(Classes.Select(c => Join("class", c.Key, c.Display, c.Recursive ? "recursive" : "exclusive")));
            lines.AddRange(Acquisitions.Select(a => Join("acquires", a.Method, a.LockClass, a.Shared ? "shared" : "exclusive", a.Chain)));
            lines.AddRange(Callbacks.Select(c => Join("callback", c.Member, c.LockClass, c.Chain)));
            foreach (var line in lines.Distinct().OrderBy(l => Order(l)).ThenBy(l => l, StringComparer.Ordinal))
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }

        /// <summary>Reads a summary; null with <paramref name="error"/> (line number and what is wrong) when the text is not one.</summary>
        public static LockSummaryFile? Parse(string text, out string? error)
        {
            error = null;
            string? assembly = null;
            var modules = ImmutableArray.CreateBuilder<Guid>();
            var classes = ImmutableArray.CreateBuilder<SummaryClass>();
            var acquisitions = ImmutableArray.CreateBuilder<SummaryAcquisition>();
            var callbacks = ImmutableArray.CreateBuilder<SummaryCallback>();
            var sawHeader = false;
            var number = 0;
            foreach (var raw in text.Split('\n'))
            {
                number++;
                var line = raw.TrimEnd('\r');
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var fields = line.Split('\t');
                if (!sawHeader)
                {
                    if (fields[0] != Header || fields.Length != 2)
                    {
                        error = $"line {number}: expected '{Header}<TAB>{FormatVersion}' first";
                        return null;
                    }

                    if (fields[1] != FormatVersion.ToString(CultureInfo.InvariantCulture))
                    {
                        error = $"line {number}: format version {fields[1]}, this LockDiscipline reads version {FormatVersion}";
                        return null;
                    }

                    sawHeader = true;
                    continue;
                }

                switch (fields[0])
                {
                    case "assembly" when fields.Length == 2 && fields[1].Length > 0 && assembly is null:
                        assembly = fields[1];
                        break;
                    case "module" when fields.Length == 2 && Guid.TryParseExact(fields[1], "D", out var module):
                        modules.Add(module);
                        break;
                    case "class" when fields.Length == 4 && fields[1].Length > 0 && fields[3] is "recursive" or "exclusive":
                        classes.Add(new SummaryClass(fields[1], fields[2], fields[3] == "recursive"));
                        break;
                    case "acquires" when fields.Length == 5 && fields[1].Length > 2 && fields[2].Length > 0 && fields[3] is "shared" or "exclusive":
                        acquisitions.Add(new SummaryAcquisition(fields[1], fields[2], fields[3] == "shared", fields[4]));
                        break;
                    case "callback" when fields.Length == 4 && fields[1].Length > 2 && fields[2].Length > 0:
                        callbacks.Add(new SummaryCallback(fields[1], fields[2], fields[3]));
                        break;
                    default:
                        error = $"line {number}: '{Shorten(line)}' is not a summary line";
                        return null;
                }
            }

            if (!sawHeader || assembly is null)
            {
                error = sawHeader ? "no 'assembly' line" : "empty: no '" + Header + "' line";
                return null;
            }

            var known = new HashSet<string>(classes.Select(c => c.Key), StringComparer.Ordinal);
            var unknown = acquisitions.Select(a => a.LockClass).Concat(callbacks.Select(c => c.LockClass)).FirstOrDefault(k => !known.Contains(k));
            if (unknown is not null)
            {
                error = $"lock class '{unknown}' is used but has no 'class' line";
                return null;
            }

            return new LockSummaryFile(assembly, modules.ToImmutable(), classes.ToImmutable(), acquisitions.ToImmutable(), callbacks.ToImmutable());
        }

        private static int Order(string line) => line.StartsWith("class\t", StringComparison.Ordinal) ? 0 : line.StartsWith("acquires\t", StringComparison.Ordinal) ? 1 : 2;

        private static void Line(StringBuilder text, params string[] fields) => text.Append(Join(fields)).Append('\n');

        private static string Join(params string[] fields) => string.Join("\t", fields.Select(Clean));

        /// <summary>Tabs and line breaks separate fields and lines: inside a field they become spaces.</summary>
        private static string Clean(string field) => field.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

        private static string Shorten(string line) => line.Length <= 60 ? line : line.Substring(0, 57) + "...";
    }
}
