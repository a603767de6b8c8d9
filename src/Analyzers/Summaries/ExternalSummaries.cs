using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LockDiscipline.Analyzers.Flow;
using LockDiscipline.Analyzers.Model;
using LockDiscipline.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LockDiscipline.Analyzers.Summaries
{
    /// <summary>
    /// The lock summaries a build hands the analyzer as additional files (<c>*.lockdiscipline.txt</c>: those of referenced projects
    /// and packages), read once per set of files. Which of them apply is decided per compilation (<see cref="Bind"/>).
    /// </summary>
    internal sealed class ExternalSummaries : IEquatable<ExternalSummaries>
    {
        /// <summary>The marker a build with LockDiscipline leaves in its assembly (<c>[assembly: AssemblyMetadata(...)]</c>): a summary was written beside it.</summary>
        public const string MarkerKey = "LockDiscipline.Summary";

        public static readonly ExternalSummaries None = new(ImmutableArray<(string, LockSummaryFile?, string?)>.Empty, string.Empty);

        private readonly ConditionalWeakTable<Compilation, BoundSummaries> _bound = new();

        private ExternalSummaries(ImmutableArray<(string Name, LockSummaryFile? File, string? Error)> files, string fingerprint)
        {
            Files = files;
            Fingerprint = fingerprint;
        }

        /// <summary>Each file by its name (no folder: messages never carry an absolute path), parsed or with what is wrong with it.</summary>
        public ImmutableArray<(string Name, LockSummaryFile? File, string? Error)> Files { get; }

        /// <summary>The files' names and checksums, for telling two sets apart.</summary>
        public string Fingerprint { get; }

        public static ExternalSummaries From(ImmutableArray<AdditionalText> additionalFiles, CancellationToken cancellationToken)
        {
            var files = ImmutableArray.CreateBuilder<(string, LockSummaryFile?, string?)>();
            var fingerprint = new System.Text.StringBuilder();
            foreach (var additional in additionalFiles.Where(f => f.Path.EndsWith(LockSummaryFile.Extension, StringComparison.OrdinalIgnoreCase)).OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                var name = System.IO.Path.GetFileName(additional.Path);
                if (!Read.TryGetValue(additional, out var read))
                {
                    // Each compilation of an edit session gets the same unchanged additional texts: they are read once.
                    var computed = ReadOne(additional, cancellationToken);
                    read = Read.GetValue(additional, _ => computed);
                }

                fingerprint.Append(name).Append('\0').Append(read.Checksum).Append('\0');
                files.Add((name, read.File, read.Error));
            }

            return files.Count == 0 ? None : new ExternalSummaries(files.ToImmutable(), fingerprint.ToString());
        }

        private static readonly ConditionalWeakTable<AdditionalText, ReadText> Read = new();

        private static ReadText ReadOne(AdditionalText additional, CancellationToken cancellationToken)
        {
            var text = additional.GetText(cancellationToken);
            if (text is null)
            {
                return new ReadText(null, "it cannot be read", string.Empty);
            }

            var file = LockSummaryFile.Parse(text.ToString(), out var error);
            return new ReadText(file, error, string.Concat(text.GetChecksum().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
        }

        /// <summary>One additional file as read: the summary or what is wrong with it, and its checksum (what tells two versions apart).</summary>
        private sealed class ReadText
        {
            public ReadText(LockSummaryFile? file, string? error, string checksum)
            {
                File = file;
                Error = error;
                Checksum = checksum;
            }

            public LockSummaryFile? File { get; }

            public string? Error { get; }

            public string Checksum { get; }
        }

        /// <summary>The summaries that describe this compilation's references as they are, and LD0003 for those that do not.</summary>
        public BoundSummaries Bind(Compilation compilation, CancellationToken cancellationToken, Compilation? earlier = null)
        {
            if (_bound.TryGetValue(compilation, out var bound))
            {
                return bound;
            }

            // What binding reads is the references, their assemblies' attributes and the summary files: a compilation made of the
            // very same reference objects (the IDE's next one after an edit) binds what the one before bound, which names no symbol.
            if (earlier is not null && _bound.TryGetValue(earlier, out var before) && compilation.AssemblyName == earlier.AssemblyName
                && !compilation.References.OfType<CompilationReference>().Any()
                && compilation.References.SequenceEqual(earlier.References, Incremental.SameObject.Instance))
            {
                return _bound.GetValue(compilation, _ => before);
            }

            // In the IDE a project reference is a compilation: its summary is made from its code as it is now, as its build would
            // write it, rather than read from its last build.
            var files = new List<LockSummaryFile>();
            foreach (var reference in compilation.References.OfType<CompilationReference>())
            {
                if (!LiveSummaries.TryGetValue(reference.Compilation, out var live))
                {
                    // Computed outside the table, so a cancelled or failed computation is not remembered.
                    var computed = SummaryOf(reference.Compilation, cancellationToken);
                    live = LiveSummaries.GetValue(reference.Compilation, _ => computed);
                }

                if (live.File is { } file)
                {
                    files.Add(file);
                }
            }

            return _bound.GetValue(compilation, c => BoundSummaries.Create(this, c, files));
        }

        private static readonly ConditionalWeakTable<Compilation, LiveSummary> LiveSummaries = new();

        /// <summary>A referenced compilation's summary, or none when analysing it failed (its last build's file is read then).</summary>
        private sealed class LiveSummary
        {
            public LiveSummary(LockSummaryFile? file) => File = file;

            public LockSummaryFile? File { get; }
        }

        private LiveSummary SummaryOf(Compilation referenced, CancellationToken cancellationToken)
        {
            try
            {
                return new LiveSummary(SummaryWriter.Write(referenced, CompilationAnalysis.Run(referenced, AnalyzerSettings.Default.WithSummaries(this), cancellationToken), Enumerable.Empty<Guid>()));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The referenced project's own analyzer run reports its failure; this one goes on with what the files say.
                return new LiveSummary(null);
            }
        }

        public bool Equals(ExternalSummaries? other) => other is not null && string.Equals(Fingerprint, other.Fingerprint, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as ExternalSummaries);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Fingerprint);
    }

    /// <summary>The summaries that apply to one compilation, indexed by the documentation-comment IDs of the members they name.</summary>
    internal sealed class BoundSummaries
    {
        public static readonly BoundSummaries Empty = new(new(), new(), ImmutableHashSet<string>.Empty, ImmutableArray<Diagnostic>.Empty);

        private readonly Dictionary<(string Assembly, string Method), List<AcquisitionPath>> _acquisitions;
        private readonly Dictionary<(string Assembly, string Member), List<(LockClass Class, bool Recursive, string Assembly, string Chain)>> _callbacks;
        private readonly ImmutableHashSet<string> _assemblies;
        private readonly HashSet<LockClass> _classes;

        private BoundSummaries(Dictionary<(string, string), List<AcquisitionPath>> acquisitions, Dictionary<(string, string), List<(LockClass, bool, string, string)>> callbacks, ImmutableHashSet<string> assemblies, ImmutableArray<Diagnostic> diagnostics)
        {
            _acquisitions = acquisitions;
            _callbacks = callbacks;
            _assemblies = assemblies;
            _classes = new HashSet<LockClass>(acquisitions.Values.SelectMany(l => l).Select(p => p.Class).Concat(callbacks.Values.SelectMany(l => l).Select(c => c.Item1)));
            Diagnostics = diagnostics;
        }

        /// <summary>LD0003 for each summary that is malformed or describes another build, and each summarised reference without one.</summary>
        public ImmutableArray<Diagnostic> Diagnostics { get; }

        public bool IsEmpty => _acquisitions.Count == 0 && _callbacks.Count == 0;

        /// <summary>The simple names of the summarised members (<c>Run</c>, <c>Invoke</c>): a body that names one may reach a lock.</summary>
        public IEnumerable<string> MemberNames => _acquisitions.Keys.Select(k => k.Method).Concat(_callbacks.Keys.Select(k => k.Member)).Select(SimpleName).Distinct();

        /// <summary><c>M:B.Service.Run(B.ICallback)</c>: <c>Run</c>; a constructor is named by its type, an accessor by its property.</summary>
        private static string SimpleName(string documentationId)
        {
            var paren = documentationId.IndexOf('(');
            var name = paren < 0 ? documentationId : documentationId.Substring(0, paren);
            var parts = name.Substring(name.IndexOf(':') + 1).Split('.');
            var last = parts[parts.Length - 1];
            var tick = last.IndexOf('`');
            last = tick < 0 ? last : last.Substring(0, tick);
            return last switch
            {
                "#ctor" or "#cctor" when parts.Length > 1 => parts[parts.Length - 2],
                _ when last.StartsWith("get_", StringComparison.Ordinal) || last.StartsWith("set_", StringComparison.Ordinal) => last.Substring(4),
                _ => last,
            };
        }

        /// <summary>What a call of <paramref name="method"/>, a member of a summarised assembly, may acquire, with the chain inside it.</summary>
        public IEnumerable<AcquisitionPath> AcquisitionsOf(IMethodSymbol method)
        {
            if (_acquisitions.Count == 0 || method.ContainingAssembly is not { } assembly || !_assemblies.Contains(assembly.Name)
                || method.OriginalDefinition.GetDocumentationCommentId() is not { } id || !_acquisitions.TryGetValue((assembly.Name, id), out var paths))
            {
                return Enumerable.Empty<AcquisitionPath>();
            }

            return paths;
        }

        /// <summary>
        /// The locks a summarised assembly holds around its calls of members that <paramref name="method"/> overrides or implements:
        /// the method runs with them held.
        /// </summary>
        public IEnumerable<(LockClass Class, bool Recursive, string Assembly, string Chain)> HeldAroundCallsOf(IMethodSymbol method)
        {
            if (_callbacks.Count == 0 || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation or MethodKind.PropertyGet or MethodKind.PropertySet))
            {
                yield break;
            }

            foreach (var member in ImplementedOrOverridden(method))
            {
                if (member.ContainingAssembly is { } assembly && _assemblies.Contains(assembly.Name)
                    && member.OriginalDefinition.GetDocumentationCommentId() is { } id && _callbacks.TryGetValue((assembly.Name, id), out var held))
                {
                    foreach (var entry in held)
                    {
                        yield return entry;
                    }
                }
            }
        }

        /// <summary>
        /// The locks a summarised assembly holds while it invokes the delegates stored in its <paramref name="member"/> (an event,
        /// or a delegate field or property): a handler stored there runs with them held.
        /// </summary>
        public IReadOnlyList<(LockClass Class, bool Recursive, string Assembly, string Chain)> HeldAroundInvocationsOf(ISymbol member)
            => _callbacks.Count > 0 && member.ContainingAssembly is { } assembly && _assemblies.Contains(assembly.Name)
               && member.OriginalDefinition.GetDocumentationCommentId() is { } id && _callbacks.TryGetValue((assembly.Name, id), out var held)
                ? held
                : Array.Empty<(LockClass, bool, string, string)>();

        /// <summary>Whether <paramref name="lockClass"/> is a lock of a summarised assembly (nothing in this compilation takes or releases it).</summary>
        public bool IsExternal(LockClass lockClass) => _classes.Contains(lockClass);

        private IEnumerable<IMethodSymbol> ImplementedOrOverridden(IMethodSymbol method)
        {
            for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            {
                yield return overridden;
            }

            foreach (var explicitly in method.ExplicitInterfaceImplementations)
            {
                yield return explicitly;
            }

            if (method.DeclaredAccessibility != Accessibility.Public || method.ContainingType is not { } type)
            {
                yield break;
            }

            foreach (var face in type.AllInterfaces.Where(i => _assemblies.Contains(i.ContainingAssembly?.Name ?? string.Empty)))
            {
                foreach (var member in face.GetMembers(method.Name).OfType<IMethodSymbol>())
                {
                    if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                    {
                        yield return member;
                    }
                }
            }
        }

        internal static BoundSummaries Create(ExternalSummaries summaries, Compilation compilation, IReadOnlyList<LockSummaryFile> live)
        {
            var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
            var references = new Dictionary<string, (IAssemblySymbol Assembly, MetadataReference Reference)>(StringComparer.Ordinal);
            foreach (var reference in compilation.References)
            {
                // A reference assembly of this very assembly (Rx.NET compiles against its own, under an alias) is not code outside it.
                if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol assembly && !references.ContainsKey(assembly.Name) && assembly.Name != compilation.AssemblyName)
                {
                    references[assembly.Name] = (assembly, reference);
                }
            }

            var acquisitions = new Dictionary<(string, string), List<AcquisitionPath>>();
            var callbacks = new Dictionary<(string, string), List<(LockClass, bool, string, string)>>();
            var used = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            var liveAssemblies = new HashSet<string>(live.Select(l => l.Assembly), StringComparer.Ordinal);
            foreach (var (name, file, error) in live.Select(l => (l.Assembly + LockSummaryFile.Extension, (LockSummaryFile?)l, (string?)null))
                         .Concat(summaries.Files.Where(f => f.File is null || !liveAssemblies.Contains(f.File.Assembly))))
            {
                if (file is null)
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.LD0003_ExternalSummary, Location.None, name, "is malformed (" + error + ")", "calls into the assembly it describes are analysed as if they took no lock"));
                    continue;
                }

                // A summary of an assembly this compilation does not reference (a transitive one that is not passed on) has nothing to say.
                if (!references.TryGetValue(file.Assembly, out var referenced))
                {
                    continue;
                }

                if (!file.Modules.IsEmpty && ModuleVersionId(referenced.Reference) is { } module && !file.Modules.Contains(module))
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.LD0003_ExternalSummary, Location.None, name, $"describes another build of '{file.Assembly}' than the one referenced (it is stale: build '{file.Assembly}' again)", $"calls into '{file.Assembly}' are analysed as if they took no lock"));
                    continue;
                }

                if (!used.Add(file.Assembly))
                {
                    continue;
                }

                var classes = file.Classes.ToDictionary(c => c.Key, c => (Class: ToClass(c), c.Recursive), StringComparer.Ordinal);
                foreach (var acquisition in file.Acquisitions)
                {
                    var (lockClass, recursive) = classes[acquisition.LockClass];
                    var steps = acquisition.Chain.Split(new[] { " -> " }, StringSplitOptions.RemoveEmptyEntries).Select(s => new ChainStep(s, Location.None)).ToImmutableArray();
                    Add(acquisitions, (file.Assembly, acquisition.Method), new AcquisitionPath(lockClass, acquisition.Shared ? LockMode.Shared : LockMode.Exclusive, recursive, steps, ImmutableHashSet<LockClass>.Empty));
                }

                foreach (var callback in file.Callbacks)
                {
                    var (lockClass, recursive) = classes[callback.LockClass];
                    Add(callbacks, (file.Assembly, callback.Member), (lockClass, recursive, file.Assembly, callback.Chain));
                }
            }

            foreach (var pair in references.Where(r => !used.Contains(r.Key) && !summaries.Files.Any(f => f.File?.Assembly == r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (HasMarker(pair.Value.Assembly))
                {
                    diagnostics.Add(Diagnostic.Create(Descriptors.LD0003_ExternalSummary, Location.None, pair.Key + LockSummaryFile.Extension, $"is missing: '{pair.Key}' was built with LockDiscipline, but no summary of it reached this build", $"calls into '{pair.Key}' are analysed as if they took no lock"));
                }
            }

            return acquisitions.Count == 0 && callbacks.Count == 0 && diagnostics.Count == 0
                ? Empty
                : new BoundSummaries(acquisitions, callbacks, used.ToImmutable(), diagnostics.ToImmutable());
        }

        private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
            where TKey : notnull
        {
            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = new List<TValue>();
            }

            list.Add(value);
        }

        /// <summary>The summary's lock class in this compilation, by its key: a reference assembly may no longer have the (private) member.</summary>
        private static LockClass ToClass(SummaryClass summary)
        {
            var key = summary.Key;
            var subclass = 0;
            var slash = key.LastIndexOf('/');
            if (slash > 0 && int.TryParse(key.Substring(slash + 1), out var parsed))
            {
                subclass = parsed;
                key = key.Substring(0, slash);
            }

            var display = subclass == 0 ? summary.Display : summary.Display.Substring(0, Math.Max(0, summary.Display.LastIndexOf('/')));
            return new LockClass(key, display.Length == 0 ? summary.Display : display, null, subclass);
        }

        private static Guid? ModuleVersionId(MetadataReference reference)
        {
            try
            {
                return reference is PortableExecutableReference executable && executable.GetMetadata() is AssemblyMetadata metadata && metadata.GetModules() is { Length: > 0 } modules
                    ? modules[0].GetModuleVersionId()
                    : null;
            }
            catch (Exception ex) when (ex is BadImageFormatException or System.IO.IOException or InvalidOperationException or NotSupportedException)
            {
                return null;
            }
        }

        private static bool HasMarker(IAssemblySymbol assembly)
            => assembly.GetAttributes().Any(a => a.AttributeClass is { Name: "AssemblyMetadataAttribute" } && a.ConstructorArguments.Length == 2
                                                 && a.ConstructorArguments[0].Value is string key && key == ExternalSummaries.MarkerKey);
    }
}
