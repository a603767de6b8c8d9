using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace LockDiscipline.Tests.EndToEnd
{
    /// <summary>
    /// Day one for a user: the package as <c>dotnet pack</c> writes it, referenced from a local folder only by a fresh
    /// console project, built clean, then built with a bad annotation. One pack serves every test of the class.
    /// </summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class PackageEndToEndTests
    {
        private static readonly Regex AnyLockDisciplineDiagnostic = new Regex(@"\b(error|warning|info|hidden) LD\d{4}\b");

        private const string CleanProgram = @"using LockDiscipline;

var account = new Account();
account.Deposit(5);
System.Console.WriteLine(account.Read());

public sealed class Mutex
{
    private readonly object _gate = new object();

    [Acquires] public void Lock() => System.Threading.Monitor.Enter(_gate);

    [Releases] public void Unlock() => System.Threading.Monitor.Exit(_gate);
}

public sealed class Account
{
    public readonly Mutex Mu = new Mutex();

    [GuardedBy(""Mu"")] private int _balance;

    public void Deposit(int amount)
    {
        Mu.Lock();
        try
        {
            _balance += amount;
        }
        finally
        {
            Mu.Unlock();
        }
    }

    public int Read()
    {
        Mu.Lock();
        try
        {
            return _balance;
        }
        finally
        {
            Mu.Unlock();
        }
    }
}
";

        private const string BadAnnotation = @"using LockDiscipline;

public sealed class Bad
{
    [Acquires(""nope"")] public void Lock() { }
}
";

        private readonly PackedPackage _package;

        public PackageEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void PackageHoldsTheAnalyzersTheCodeFixesAndTheAnnotationsAndNoDependency()
        {
            _package.AssertPacked();
            using var zip = ZipFile.OpenRead(_package.Nupkg);
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("analyzers/dotnet/cs/LockDiscipline.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/LockDiscipline.CodeFixes.dll", entries);
            Assert.Contains("lib/netstandard2.0/LockDiscipline.Annotations.dll", entries);
            Assert.Contains("lib/netstandard2.0/LockDiscipline.Annotations.xml", entries);
            Assert.Equal(
                new[] { "analyzers/dotnet/cs/LockDiscipline.Analyzers.dll", "analyzers/dotnet/cs/LockDiscipline.CodeFixes.dll", "lib/netstandard2.0/LockDiscipline.Annotations.dll" },
                entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !e.StartsWith("tools/", StringComparison.Ordinal)).OrderBy(e => e, StringComparer.Ordinal));
            Assert.Contains("build/LockDiscipline.targets", entries);
            Assert.Contains("tools/net10.0/LockDiscipline.GraphTool.dll", entries);

            using var nuspec = new StreamReader(zip.GetEntry("LockDiscipline.nuspec")!.Open());
            var text = nuspec.ReadToEnd();
            Assert.Contains("<id>LockDiscipline</id>", text);
            Assert.Contains("<version>" + PackedPackage.Version + "</version>", text);
            Assert.DoesNotContain("<dependency ", text);
            Assert.DoesNotContain("Microsoft.CodeAnalysis", text);
        }

        [Fact]
        public void CleanCodeBuildsWithoutAnyDiagnosticOfOurs()
        {
            _package.AssertPacked();
            var app = _package.CreateApp("clean", ("Program.cs", CleanProgram));
            var build = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "build", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.Output);
            Assert.DoesNotMatch(AnyLockDisciplineDiagnostic, build.Output);
        }

        [Fact]
        public void BadAnnotationFailsTheBuildWithLD0001AtTheArgument()
        {
            _package.AssertPacked();
            var app = _package.CreateApp("bad", ("Program.cs", CleanProgram), ("Bad.cs", BadAnnotation));
            var build = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "build", "--disable-build-servers");
            Assert.True(build.ExitCode != 0, build.Output);

            // Line 5, column 15: the "nope" literal inside [Acquires(...)].
            Assert.Matches(new Regex(@"Bad\.cs\(5,15\): error LD0001: 'nope' in \[Acquires\]"), build.Output);
            var ours = AnyLockDisciplineDiagnostic.Matches(build.Output).Select(m => m.Value).Distinct().ToArray();
            Assert.Equal(new[] { "error LD0001" }, ours);
        }
    }

    /// <summary>What a user's CI and tools read: the SARIF log with the chain, and the lock-order graph.</summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class PackageOutputsEndToEndTests
    {
        private const string Chain = @"using LockDiscipline;

[assembly: LockOrder(""Outer.Gate"", ""Inner.Gate"")]

public sealed class Mu { [Acquires] public void Lock() { } [Releases] public void Unlock() { } }
public sealed class Outer { public static Mu Gate = new Mu(); }
public sealed class Inner
{
    public static Mu Gate = new Mu();
    public static void Work() { Gate.Lock(); Helper(); Gate.Unlock(); }
    private static void Helper() { Outer.Gate.Lock(); Outer.Gate.Unlock(); }
}
";

        private readonly PackedPackage _package;

        public PackageOutputsEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void SarifCarriesTheChainAndTheGraphPropertyWritesTheGraph()
        {
            _package.AssertPacked();
            var app = _package.CreateApp("outputs", ("Program.cs", "Inner.Work();\n"), ("Chain.cs", Chain));
            var sarif = Path.Combine(app, "build.sarif");
            var graph = Path.Combine(app, "graph.dot");
            var build = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "build", "--disable-build-servers", "-p:ErrorLog=" + sarif + "%2Cversion=2.1", "-p:LockDisciplineGraph=graph.dot");
            Assert.True(build.ExitCode != 0, build.Output);
            Assert.Contains("Chain.cs(10,46): error LD1001: Lock-order inversion: 'Outer.Gate' is acquired while 'Inner.Gate' is held, but [LockOrder] declares 'Outer.Gate' outside 'Inner.Gate' (via Helper -> Outer.Gate.Lock())", build.Output);

            var log = File.ReadAllText(sarif);
            Assert.Contains("\"ruleId\": \"LD1001\"", log);
            Assert.Contains("\"relatedLocations\"", log);
            Assert.Contains("\"startLine\": 11", log);

            var dot = File.ReadAllText(graph);
            Assert.Contains("\"Outer.Gate\" -> \"Inner.Gate\" [style=dashed, color=blue, label=\"declared\"];", dot);
            Assert.Contains(dot.Split('\n'), l => l.StartsWith("  \"Inner.Gate\" -> \"Outer.Gate\"", StringComparison.Ordinal) && l.Contains("color=red"));
        }
    }

    /// <summary>The code fixes as a user's tooling applies them: <c>dotnet format analyzers</c> with the packed package.</summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class DotnetFormatEndToEndTests
    {
        private const string Before = @"using LockDiscipline;

public sealed class Mutex
{
    [Acquires] public void Lock() { }
    [Releases] public void Unlock() { }
}

public sealed class Kvm
{
    [DropsRef] public void PutKvm() => Group.Current.SetKvm();
}

public sealed class Group
{
    public static Group Current = new Group();
    public Mutex GroupLock = new Mutex();
    public void SetKvm() { GroupLock.Lock(); GroupLock.Unlock(); }
}

public sealed class Device
{
    public Group Group = new Group();
    public int OpenCount;
    [HoldsRef] public Kvm? Kvm;

    public void Close()
    {
        Group.GroupLock.Lock();
        if (--OpenCount == 0)
        {
            var kvm = Kvm;
            Kvm = null;
            kvm?.PutKvm();
        }
        Group.GroupLock.Unlock();
    }
}
";

        private readonly PackedPackage _package;

        public DotnetFormatEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void DotnetFormatMovesTheFinalPutAfterTheUnlock()
        {
            _package.AssertPacked();
            var app = _package.CreateApp("format", ("Vfio.cs", "#nullable enable\n" + Before), ("Program.cs", "new Device().Close();\n"));
            var restore = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "restore");
            Assert.True(restore.ExitCode == 0, restore.Output);
            var format = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "format", "analyzers", "--diagnostics", "LD2004", "--severity", "error", "--no-restore");
            Assert.True(format.ExitCode == 0, format.Output);

            var after = File.ReadAllText(Path.Combine(app, "Vfio.cs")).Replace("\r\n", "\n");
            Assert.StartsWith("#nullable enable\n", after);
            Assert.Contains(@"    public void Close()
    {
        Kvm? kvmToDrop = null;
        Group.GroupLock.Lock();
        if (--OpenCount == 0)
        {
            var kvm = Kvm;
            Kvm = null;
            kvmToDrop = kvm;
        }
        Group.GroupLock.Unlock();
        kvmToDrop?.PutKvm();
    }", after);

            var build = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "build", "--no-restore", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.Output);
        }

        /// <summary>Every fixable ID in the files of <c>EndToEnd/Sources/Format</c> (one shape per fix).</summary>
        private static readonly string[] FixableIds = { "LD1001", "LD1002", "LD1004", "LD1008", "LD1010", "LD2001", "LD2004" };

        /// <summary>
        /// Issue 17: bulk fixing used to fix a different set of files on each run. All fixable IDs at once, three times, and with no
        /// <c>--diagnostics</c> at all, must give one output, with every finding fixed.
        /// </summary>
        [Fact]
        public void BulkFixingEveryIdAtOnceIsDeterministicAndLeavesNothingToFix()
        {
            _package.AssertPacked();
            var listed = FixableIds.Prepend("--diagnostics").Concat(new[] { "--severity", "info" }).ToArray();
            var first = FormatFreshCopy("bulk-1", listed, out var firstApp);
            Assert.Equal(first, FormatFreshCopy("bulk-2", listed, out _));
            Assert.Equal(first, FormatFreshCopy("bulk-3", listed, out _));
            Assert.Equal(first, FormatFreshCopy("bulk-unlisted", new[] { "--severity", "warn" }, out _));

            foreach (var applied in new[] { "lock (A)\n            {\n                lock (B)", "kvmToDrop?.PutKvm();", "finally\n            {\n                _mu.Unlock();", "using var guard = _mu.Scoped();",
                         "group?.Put();", "Shapes.MatrixDev.Lock.Unlock();", "await _gate.WaitAsync();" })
            {
                Assert.Contains(applied, first, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("guard.Dispose();", first, StringComparison.Ordinal);

            var build = ProcessRunner.Run(firstApp, TimeSpan.FromMinutes(5), "dotnet", "build", "--no-restore", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.Output);
            Assert.DoesNotMatch(new Regex(@"\b(error|warning) LD\d{4}\b"), build.Output);
        }

        /// <summary>Formats a fresh app made of the format sources; returns every source file after it, in name order.</summary>
        private string FormatFreshCopy(string name, string[] formatArguments, out string app)
        {
            var sources = Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Sources", "Format");
            var files = Directory.GetFiles(sources, "*.cs").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(f), File.ReadAllText(f)))
                .Append(("Program.cs", "System.Console.WriteLine();\n"))
                .ToArray();
            app = _package.CreateApp(name, files);
            var restore = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", "restore");
            Assert.True(restore.ExitCode == 0, restore.Output);
            var format = ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", new[] { "format", "analyzers", "--no-restore" }.Concat(formatArguments).ToArray());
            Assert.True(format.ExitCode == 0, format.Output);
            var root = app;
            return string.Join("\n", files.Select(f => "// " + f.Item1 + "\n" + File.ReadAllText(Path.Combine(root, f.Item1)).Replace("\r\n", "\n")));
        }
    }

    /// <summary>Adopting the package on code with findings: a baseline written by the build, read back by the analyzer.</summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class BaselineEndToEndTests
    {
        private const string Cache = @"public class Cache
{
    private readonly object _index = new object();
    private readonly object _store = new object();
    private int _n;
    public void Add() { lock (_index) { lock (_store) { _n++; } } }
    public void Evict() { lock (_store) { lock (_index) { _n = 0; } } }
}
";

        private const string NewCycle = @"public class Queue
{
    private readonly object _head = new object();
    private readonly object _tail = new object();
    private int _n;
    public void Push() { lock (_head) { lock (_tail) { _n++; } } }
    public void Pop() { lock (_tail) { lock (_head) { _n--; } } }
}
";

        private static readonly Regex Finding = new(@"(?<file>\w+\.cs)\((?<line>\d+),(?<column>\d+)\): (error|warning) (?<id>LD\d{4})");

        private readonly PackedPackage _package;

        public BaselineEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void TheBaselineSilencesTodaysFindingsAcrossEditsAndOnlyNewOnesFailTheBuild()
        {
            _package.AssertPacked();
            var app = _package.CreateApp("baseline", ("Cache.cs", Cache), ("Program.cs", "System.Console.WriteLine();\n"));
            var baseline = Path.Combine(app, "LockDiscipline.baseline");
            string[] Findings(ProcessResult build) => Finding.Matches(build.Output).Select(m => $"{m.Groups["file"].Value}({m.Groups["line"].Value}) {m.Groups["id"].Value}").Distinct().OrderBy(f => f, StringComparer.Ordinal).ToArray();
            ProcessResult Build(params string[] extra)
                => ProcessRunner.Run(app, TimeSpan.FromMinutes(5), "dotnet", new[] { "build", "--disable-build-servers", "-p:TreatWarningsAsErrors=true" }.Concat(extra).ToArray());
            string[] Entries() => File.ReadAllLines(baseline).Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal)).ToArray();

            var before = Build();
            Assert.True(before.ExitCode != 0, before.Output);
            Assert.Equal(new[] { "Cache.cs(6) LD1002", "Cache.cs(7) LD1002" }, Findings(before));

            var written = Build("-p:LockDisciplineBaseline=write");
            Assert.True(written.ExitCode == 0, written.Output);
            Assert.Empty(Findings(written));
            Assert.Equal(2, Entries().Length);
            Assert.All(Entries(), e => Assert.StartsWith("LD1002|M:Cache.", e, StringComparison.Ordinal));

            // Unrelated edits move every line: the entries still match.
            File.WriteAllText(Path.Combine(app, "Cache.cs"), "// Moved down.\n\n" + Cache.Replace("    private int _n;\n", "    private int _n;\n    public int Count => _n;\n"));
            var edited = Build();
            Assert.True(edited.ExitCode == 0, edited.Output);
            Assert.Empty(Findings(edited));

            // A new cycle fails the build, alone.
            File.WriteAllText(Path.Combine(app, "Queue.cs"), NewCycle);
            var added = Build();
            Assert.True(added.ExitCode != 0, added.Output);
            Assert.Equal(new[] { "Queue.cs(6) LD1002", "Queue.cs(7) LD1002" }, Findings(added));

            // Fixed findings drop out when the baseline is written again.
            File.Delete(Path.Combine(app, "Queue.cs"));
            File.WriteAllText(Path.Combine(app, "Cache.cs"), Cache.Replace("lock (_store) { lock (_index) { _n = 0; } }", "lock (_index) { lock (_store) { _n = 0; } }"));
            var rewritten = Build("-p:LockDisciplineBaseline=write");
            Assert.True(rewritten.ExitCode == 0, rewritten.Output);
            Assert.Empty(Entries());
        }
    }

    /// <summary>Packs the repository once into a fresh temporary folder; each app restores into a fresh packages folder there.</summary>
    /// <summary>The end-to-end classes share one pack (each pack takes a while on the CI machine), and so run one after another.</summary>
    [CollectionDefinition(Name)]
    public sealed class PackedPackageCollection : ICollectionFixture<PackedPackage>
    {
        public const string Name = "Packed package";
    }

    public sealed class PackedPackage : IDisposable
    {
        public const string Version = "0.1.0";

        private readonly ProcessResult _pack;

        public PackedPackage()
        {
            RepoRoot = FindRepoRoot();
            Work = Path.Combine(Path.GetTempPath(), "ld-e2e-" + Guid.NewGuid().ToString("N"));
            Packages = Path.Combine(Work, "pkgs");
            RestoreCache = Path.Combine(Work, "packages");
            Directory.CreateDirectory(Packages);
            Nupkg = Path.Combine(Packages, "LockDiscipline." + Version + ".nupkg");
            _pack = ProcessRunner.Run(
                RepoRoot,
                TimeSpan.FromMinutes(10),
                "dotnet", "pack", Path.Combine(RepoRoot, "src", "Package"), "-c", "Release", "-o", Packages, "--disable-build-servers");
        }

        public string RepoRoot { get; }

        public string Work { get; }

        /// <summary>The local folder the package is packed into: the apps' only package source.</summary>
        public string Packages { get; }

        /// <summary>The apps' global packages folder: fresh, so no package from an earlier run is used.</summary>
        public string RestoreCache { get; }

        public string Nupkg { get; }

        public void AssertPacked()
        {
            Assert.True(_pack.ExitCode == 0, "dotnet pack failed:\n" + _pack.Output);
            Assert.True(File.Exists(Nupkg), Nupkg + " was not written:\n" + _pack.Output);
        }

        public string CreateApp(string name, params (string File, string Text)[] files)
        {
            var app = Path.Combine(Work, name);
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <clear />
    <add key=""local"" value=""{Packages}"" />
  </packageSources>
</configuration>
");
            File.WriteAllText(Path.Combine(app, "App.csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>{RestoreCache}</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""LockDiscipline"" Version=""{Version}"" />
  </ItemGroup>
</Project>
");
            foreach (var (file, text) in files)
            {
                File.WriteAllText(Path.Combine(app, file), text);
            }

            return app;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Work, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public readonly record struct ProcessResult(int ExitCode, string Output);

    internal static class ProcessRunner
    {
        /// <summary>Runs a command to completion or kills its process tree at <paramref name="timeout"/>; output is stdout then stderr.</summary>
        public static ProcessResult Run(string directory, TimeSpan timeout, string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // A build started from inside `dotnet test` must not inherit the outer MSBuild's paths.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

            var command = file + " " + string.Join(" ", arguments);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + command);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
                return new ProcessResult(-1, "timed out after " + timeout + ": " + command + "\n" + Drain(stdout, stderr));
            }

            process.WaitForExit();
            return new ProcessResult(process.ExitCode, command + "\n" + Drain(stdout, stderr));
        }

        private static string Drain(Task<string> stdout, Task<string> stderr)
        {
            // A leftover grandchild holding the pipes must not hang the test.
            Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(30));
            var parts = new List<string>();
            if (stdout.IsCompletedSuccessfully)
            {
                parts.Add(stdout.Result);
            }

            if (stderr.IsCompletedSuccessfully)
            {
                parts.Add(stderr.Result);
            }

            return string.Join("\n", parts);
        }
    }
}
