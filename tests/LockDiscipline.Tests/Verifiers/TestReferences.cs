using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace LockDiscipline.Tests.Verifiers
{
    /// <summary>What every analyzer and code-fix test compiles against, defined once.</summary>
    public static class TestReferences
    {
        /// <summary>
        /// The net8.0 reference assemblies from Microsoft.NETCore.App.Ref 8.0.28. The test project's
        /// <c>PackageDownload</c> puts that pack in the NuGet global packages folder at restore, and
        /// <see cref="ReferenceAssemblies"/> looks there first, so nothing is downloaded while tests run.
        /// (<c>ReferenceAssemblies.Net.Net80</c> asks for 8.0.0, which the package source does not serve.)
        /// </summary>
        public static readonly ReferenceAssemblies Net80 = new ReferenceAssemblies(
            "net8.0",
            new PackageIdentity("Microsoft.NETCore.App.Ref", "8.0.28"),
            Path.Combine("ref", "net8.0"));

        /// <summary>LockDiscipline.Annotations.dll, as a consumer of the package compiles against it.</summary>
        public static MetadataReference Annotations { get; } = MetadataReference.CreateFromFile(typeof(AcquiresAttribute).Assembly.Location);

        /// <summary>The name the <paramref name="index"/>th source of a test gets, for <c>WithSpan("File1.cs", ...)</c>.</summary>
        public static string FileName(int index) => "File" + index + ".cs";
    }
}
