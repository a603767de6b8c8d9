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

            // Classes are numbered in key order, and each method or member is one line: a key or an ID is written once.
            var classes = Classes.GroupBy(c => c.Key, StringComparer.Ordinal).Select(g => g.First()).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var lockClass in classes)
            {
                ids[lockClass.Key] = ids.Count + 1;
                Line(text, "class", ids[lockClass.Key].ToString(CultureInfo.InvariantCulture), lockClass.Key, lockClass.Display, lockClass.Recursive ? "recursive" : "exclusive");
            }

            foreach (var method in Acquisitions.GroupBy(a => a.Method, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var entries = method.Select(a => ids[a.LockClass].ToString(CultureInfo.InvariantCulture) + " " + (a.Shared ? "s" : "x") + " " + Clean(a.Chain)).Distinct().OrderBy(e => e, StringComparer.Ordinal);
                Line(text, new[] { "acquires", method.Key }.Concat(entries).ToArray());
            }

            foreach (var member in Callbacks.GroupBy(c => c.Member, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var entries = member.Select(c => ids[c.LockClass].ToString(CultureInfo.InvariantCulture) + " " + Clean(c.Chain)).Distinct().OrderBy(e => e, StringComparer.Ordinal);
                Line(text, new[] { "callback", member.Key }.Concat(entries).ToArray());
            }

            return text.ToString();
        }

        /// <summary>Reads a summary; null with <paramref name="error"/> (line number and what is wrong) when the text is not one.</summary>
        public static LockSummaryFile? Parse(string text, out string? error)
        {
            error = null;
            string? assembly = null;
            var modules = ImmutableArray.CreateBuilder<Guid>();
            var classes = new Dictionary<string, SummaryClass>(StringComparer.Ordinal);
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

                var ok = fields[0] switch
                {
                    "assembly" when fields.Length == 2 && fields[1].Length > 0 && assembly is null => (assembly = fields[1]) is not null,
                    "module" when fields.Length == 2 && Guid.TryParseExact(fields[1], "D", out var module) => Add(modules, module),
                    "class" when fields.Length == 5 && fields[1].Length > 0 && fields[2].Length > 0 && fields[4] is "recursive" or "exclusive" && !classes.ContainsKey(fields[1])
                        => Add(classes, fields[1], new SummaryClass(fields[2], fields[3], fields[4] == "recursive")),
                    "acquires" when fields.Length >= 3 && fields[1].Length > 2 => fields.Skip(2).All(f => ReadAcquisition(fields[1], f, classes, acquisitions)),
                    "callback" when fields.Length >= 3 && fields[1].Length > 2 => fields.Skip(2).All(f => ReadCallback(fields[1], f, classes, callbacks)),
                    _ => false,
                };
                if (!ok)
                {
                    error = $"line {number}: '{Shorten(line)}' is not a summary line";
                    return null;
                }
            }

            if (!sawHeader || assembly is null)
            {
                error = sawHeader ? "no 'assembly' line" : "empty: no '" + Header + "' line";
                return null;
            }

            return new LockSummaryFile(assembly, modules.ToImmutable(), classes.Values.ToImmutableArray(), acquisitions.ToImmutable(), callbacks.ToImmutable());
        }

        /// <summary><c>3 x Helper -> lock (_lock)</c>: class 3 (declared above), exclusive, the chain.</summary>
        private static bool ReadAcquisition(string method, string field, Dictionary<string, SummaryClass> classes, ImmutableArray<SummaryAcquisition>.Builder into)
        {
            var parts = field.Split(new[] { ' ' }, 3);
            if (parts.Length != 3 || !classes.TryGetValue(parts[0], out var lockClass) || parts[1] is not ("x" or "s"))
            {
                return false;
            }

            into.Add(new SummaryAcquisition(method, lockClass.Key, parts[1] == "s", parts[2]));
            return true;
        }

        /// <summary><c>3 Notify -> Invoke</c>: class 3 is held around the call, by that chain.</summary>
        private static bool ReadCallback(string member, string field, Dictionary<string, SummaryClass> classes, ImmutableArray<SummaryCallback>.Builder into)
        {
            var parts = field.Split(new[] { ' ' }, 2);
            if (parts.Length != 2 || !classes.TryGetValue(parts[0], out var lockClass))
            {
                return false;
            }

            into.Add(new SummaryCallback(member, lockClass.Key, parts[1]));
            return true;
        }

        private static bool Add<T>(ImmutableArray<T>.Builder builder, T item)
        {
            builder.Add(item);
            return true;
        }

        private static bool Add(Dictionary<string, SummaryClass> classes, string id, SummaryClass lockClass)
        {
            classes[id] = lockClass;
            return true;
        }

        private static void Line(StringBuilder text, params string[] fields) => text.Append(Join(fields)).Append('\n');

        private static string Join(params string[] fields) => string.Join("\t", fields.Select(Clean));

        /// <summary>Tabs and line breaks separate fields and lines: inside a field they become spaces.</summary>
        private static string Clean(string field) => field.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

        private static string Shorten(string line) => line.Length <= 60 ? line : line.Substring(0, 57) + "...";
    }
}
