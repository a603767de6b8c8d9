using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace LockDiscipline.Tests.EndToEnd
{
    /// <summary>Day one for a user: pack, reference the package from a local folder only, build clean code and code with a bad annotation.</summary>
    [Trait("Category", "EndToEnd")]
    public sealed class PackageEndToEndTests : IDisposable
    {
        private readonly string _work = Path.Combine(Path.GetTempPath(), "ld-e2e-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void PackedPackageReportsLD0001AtTheArgumentAndBuildsCleanCodeClean()
        {
            var repo = RepoRoot();
            var packages = Path.Combine(_work, "pkgs");
            var pack = Run("dotnet", $"pack \"{Path.Combine(repo, "src", "Package")}\" -c Release -o \"{packages}\"", repo);
            Assert.True(pack.ExitCode == 0, pack.Output);
            Assert.True(File.Exists(Path.Combine(packages, "LockDiscipline.0.1.0.nupkg")), pack.Output);

            var app = Path.Combine(_work, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $@"<?xml version=""1.0"" encoding=""utf-8""?>
<configuration>
  <packageSources>
    <clear />
    <add key=""local"" value=""{packages}"" />
  </packageSources>
</configuration>");
            File.WriteAllText(Path.Combine(app, "App.csproj"), $@"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""LockDiscipline"" Version=""0.1.0"" />
  </ItemGroup>
</Project>");
            File.WriteAllText(Path.Combine(app, "Program.cs"), @"using LockDiscipline;

var m = new Mu();
m.Lock();
m.Unlock();

public sealed class Mu
{
    [Acquires] public void Lock() { }
    [Releases] public void Unlock() { }
}
");
            var clean = Run("dotnet", "build", app);
            Assert.True(clean.ExitCode == 0, clean.Output);
            Assert.DoesNotContain(" LD", clean.Output);

            File.WriteAllText(Path.Combine(app, "Bad.cs"), @"using LockDiscipline;

public sealed class Bad
{
    [Acquires(""nope"")] public void Lock() { }
}
");
            var bad = Run("dotnet", "build --no-restore", app);
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("Bad.cs(5,15): error LD0001: 'nope' in [Acquires] binds to nothing", bad.Output);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static string RepoRoot()
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

        private static (int ExitCode, string Output) Run(string file, string arguments, string directory)
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["MSBUILDNOINPROCNODE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(300_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out: " + file + " " + arguments);
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
