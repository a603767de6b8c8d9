using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace LockDiscipline.Tests.EndToEnd
{
    /// <summary>
    /// A solution built the normal way with the packed package: an app that references a library project and a library
    /// package, each built with LockDiscipline. The cycles that run through their code are reported in the app's build from
    /// their lock summaries (docs/summaries.md), a change to the library reaches the app's findings on the next build, and
    /// the solution made acyclic builds clean.
    /// </summary>
    [Trait("Category", "EndToEnd")]
    [Collection(PackedPackageCollection.Name)]
    public sealed class SolutionSummaryEndToEndTests
    {
        private const string Library = @"namespace Lib;

public interface ICallback
{
    void Invoke();
}

public sealed class Service
{
    private readonly object _lock = new object();
    private ICallback? _callback;

    public void Register(ICallback callback)
    {
        lock (_lock)
        {
            _callback = callback;
        }
    }

    public void Notify()
    {
        lock (_lock)
        {
            _callback?.Invoke();
        }
    }
}
";

        /// <summary>The library after the fix: it copies the callback under its lock and calls it after letting the lock go.</summary>
        private static readonly string LibraryCallingBackOutsideItsLock = Library.Replace(@"        lock (_lock)
        {
            _callback?.Invoke();
        }", @"        ICallback? callback;
        lock (_lock)
        {
            callback = _callback;
        }

        callback?.Invoke();", StringComparison.Ordinal);

        private const string Package = @"namespace Pkg;

public abstract class Handler
{
    public abstract void Handle(string message);
}

public sealed class Bus
{
    private readonly object _sync = new object();
    private Handler? _handler;

    public void Subscribe(Handler handler)
    {
        lock (_sync)
        {
            _handler = handler;
        }
    }

    public void Publish(string message)
    {
        lock (_sync)
        {
            _handler?.Handle(message);
        }
    }
}
";

        private const string App = @"public sealed class Listener : Lib.ICallback
{
    private readonly object _gate = new object();
    private readonly Lib.Service _service = new Lib.Service();

    public void Invoke()
    {
        lock (_gate)
        {
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            _service.Register(this);
        }
    }
}

public sealed class Printer : Pkg.Handler
{
    private readonly object _page = new object();
    private readonly Pkg.Bus _bus = new Pkg.Bus();

    public override void Handle(string message)
    {
        lock (_page)
        {
        }
    }

    public void Attach()
    {
        lock (_page)
        {
            _bus.Subscribe(this);
        }
    }
}

public static class Program
{
    public static void Main()
    {
        new Listener().Start();
        new Printer().Attach();
    }
}
";

        private static readonly Regex OurDiagnostic = new(@"\b(error|warning) LD\d{4}: [^\r\n]*");

        private readonly PackedPackage _package;

        public SolutionSummaryEndToEndTests(PackedPackage package) => _package = package;

        [Fact]
        public void CyclesThroughAProjectAndAPackageAreReportedInTheAppAndFollowChangesToTheProject()
        {
            _package.AssertPacked();
            var root = Path.Combine(_package.Work, "solution");
            var feed = Path.Combine(root, "feed");
            Directory.CreateDirectory(feed);
            File.WriteAllText(Path.Combine(root, "nuget.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <clear />
    <add key=""lockdiscipline"" value=""{_package.Packages}"" />
    <add key=""feed"" value=""{feed}"" />
  </packageSources>
</configuration>
");
            Project(root, "Lib", "Library", ("Service.cs", Library));
            Project(root, "Pkg", "Library", ("Bus.cs", Package));
            Project(root, "App", "Exe", ("Program.cs", App), references: "<ProjectReference Include=\"../Lib/Lib.csproj\" />\n    <PackageReference Include=\"Pkg\" Version=\"1.0.0\" />");

            // The package carries its summary beside its assembly.
            var pack = ProcessRunner.Run(Path.Combine(root, "Pkg"), TimeSpan.FromMinutes(5), "dotnet", "pack", "-o", feed, "--disable-build-servers", "-p:PackageVersion=1.0.0");
            Assert.True(pack.ExitCode == 0, pack.Output);
            using (var zip = ZipFile.OpenRead(Path.Combine(feed, "Pkg.1.0.0.nupkg")))
            {
                Assert.Contains("lib/net10.0/Pkg.lockdiscipline.txt", zip.Entries.Select(e => e.FullName));
            }

            var first = Build(root);
            Assert.True(File.Exists(Path.Combine(root, "Lib", "bin", "Debug", "net10.0", "Lib.lockdiscipline.txt")), first.Output);
            Assert.Equal(
                string.Join("\n", new[]
                {
                    "warning LD1002: Lock-order cycle Bus._sync -> Printer._page -> Bus._sync: 'Printer._page' is acquired while 'Bus._sync' is held here (held by Pkg's Publish -> Handle), and elsewhere 'Bus._sync' is acquired while 'Printer._page' is held at Program.cs:38 in Attach (via Subscribe -> lock (_sync))",
                    "warning LD1002: Lock-order cycle Listener._gate -> Service._lock -> Listener._gate: 'Service._lock' is acquired while 'Listener._gate' is held here (via Register -> lock (_lock)), and elsewhere 'Listener._gate' is acquired while 'Service._lock' is held at Program.cs:8 in Invoke (held by Lib's Notify -> Invoke)",
                    "warning LD1002: Lock-order cycle Printer._page -> Bus._sync -> Printer._page: 'Bus._sync' is acquired while 'Printer._page' is held here (via Subscribe -> lock (_sync)), and elsewhere 'Printer._page' is acquired while 'Bus._sync' is held at Program.cs:29 in Handle (held by Pkg's Publish -> Handle)",
                    "warning LD1002: Lock-order cycle Service._lock -> Listener._gate -> Service._lock: 'Listener._gate' is acquired while 'Service._lock' is held here (held by Lib's Notify -> Invoke), and elsewhere 'Service._lock' is acquired while 'Listener._gate' is held at Program.cs:17 in Start (via Register -> lock (_lock))",
                }),
                Ours(first));

            // Nothing changed: the library's summary is not written again.
            var again = Build(root, "-v:n");
            Assert.Contains("Skipping target \"_LockDisciplineWriteSummary\" because all output files are up-to-date", again.Output);

            // The library now calls back outside its lock: its cycle is gone from the app's build, the package's stays.
            File.WriteAllText(Path.Combine(root, "Lib", "Service.cs"), LibraryCallingBackOutsideItsLock);
            var changed = Build(root);
            Assert.Equal(
                string.Join("\n", new[]
                {
                    "warning LD1002: Lock-order cycle Bus._sync -> Printer._page -> Bus._sync: 'Printer._page' is acquired while 'Bus._sync' is held here (held by Pkg's Publish -> Handle), and elsewhere 'Bus._sync' is acquired while 'Printer._page' is held at Program.cs:38 in Attach (via Subscribe -> lock (_sync))",
                    "warning LD1002: Lock-order cycle Printer._page -> Bus._sync -> Printer._page: 'Bus._sync' is acquired while 'Printer._page' is held here (via Subscribe -> lock (_sync)), and elsewhere 'Printer._page' is acquired while 'Bus._sync' is held at Program.cs:29 in Handle (held by Pkg's Publish -> Handle)",
                }),
                Ours(changed));

            // The app now subscribes outside its lock too: the solution is acyclic and its build has nothing of ours to say.
            File.WriteAllText(Path.Combine(root, "App", "Program.cs"), App.Replace("        lock (_page)\n        {\n            _bus.Subscribe(this);\n        }", "        _bus.Subscribe(this);", StringComparison.Ordinal));
            Assert.Equal(string.Empty, Ours(Build(root)));
        }

        private static ProcessResult Build(string root, params string[] extra)
        {
            var build = ProcessRunner.Run(Path.Combine(root, "App"), TimeSpan.FromMinutes(5), "dotnet", new[] { "build", "--disable-build-servers" }.Concat(extra).ToArray());
            Assert.True(build.ExitCode == 0, build.Output);
            return build;
        }

        /// <summary>Our diagnostics in the build's output, each once (a build prints them again in its summary), in order.</summary>
        private static string Ours(ProcessResult build)
            => string.Join("\n", OurDiagnostic.Matches(build.Output).Select(m => Regex.Replace(m.Value, @" \(https://[^)]*\)| \[[^\]]*\]$", string.Empty)).Distinct().OrderBy(s => s, StringComparer.Ordinal));

        private void Project(string root, string name, string kind, (string File, string Text) file, string references = "")
        {
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, name + ".csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>{kind}</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <RestorePackagesPath>{_package.RestoreCache}</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""LockDiscipline"" Version=""{PackedPackage.Version}"" PrivateAssets=""all"" />
    {references}
  </ItemGroup>
</Project>
");
            File.WriteAllText(Path.Combine(folder, file.File), file.Text);
        }
    }
}
