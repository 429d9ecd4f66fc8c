using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PercepNet.Tests.Packaging;

/// <summary>
/// Packs the runtime, audio and tool packages (or reads those in $PERCEPNET_PACKAGES, which CI packs once) and checks
/// what a user installs: sizes, dependencies, the tool's dependency closure, and the files every package carries.
/// </summary>
public sealed class PackageTests(PackageTests.Packages packages) : IClassFixture<PackageTests.Packages>
{
    private const long MiB = 1024 * 1024;
    private static readonly string[] Forbidden = ["torch", "onnx", "skiasharp"];

    public sealed class Packages : IDisposable
    {
        private readonly string? _temporary;

        public Packages()
        {
            string? given = Environment.GetEnvironmentVariable("PERCEPNET_PACKAGES");
            if (!string.IsNullOrEmpty(given))
            {
                Folder = given;
                return;
            }

            _temporary = Directory.CreateTempSubdirectory("percepnet-packages-").FullName;
            Folder = _temporary;
            foreach (string project in new[] { "src/PercepNet", "src/PercepNet.Audio", "src/PercepNet.Cli" })
            {
                Pack(project);
            }

            // The tool's implementation packages, as scripts/check-packages.sh makes them.
            Pack("src/PercepNet.Cli", "-r", "any");
            foreach (string rid in new[] { "linux-x64", "linux-arm64" }.Where(BuildsNativeTool))
            {
                Pack("src/PercepNet.Cli", "-r", rid);
            }
        }

        private void Pack(string project, params string[] more) =>
            ChildProcess.Run("dotnet", ["pack", Repository.PathOf(project), "-c", "Release", "-o", Folder, "-nologo", "-v", "q", .. more])
                .Check($"dotnet pack {project} {string.Join(' ', more)}");

        public string Folder { get; }

        public string PathOf(string id) => Directory.EnumerateFiles(Folder, "*.nupkg")
            .Single(p => Regex.IsMatch(Path.GetFileName(p), $@"^{Regex.Escape(id)}\.\d+\.\d+\.\d+(-[\w.]+)?\.nupkg$"));

        public void Dispose()
        {
            if (_temporary is not null)
            {
                Directory.Delete(_temporary, recursive: true);
            }
        }
    }

    private static XDocument Nuspec(ZipArchive package) =>
        XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());

    private static XElement[] Dependencies(ZipArchive package) =>
        [.. Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency")];

    [Fact]
    public void TheRuntimeHasNoDependenciesAndFitsInThreeMegabytes()
    {
        string path = packages.PathOf("PercepNet");
        Assert.InRange(new FileInfo(path).Length, 1, 3 * MiB);
        using ZipArchive package = ZipFile.OpenRead(path);
        Assert.Empty(Dependencies(package));
        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/PercepNet.dll");
        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/PercepNet.xml");
    }

    [Fact]
    public void TheAudioPackageDependsOnTheRuntimeAndTheDecodersOnly()
    {
        using ZipArchive package = ZipFile.OpenRead(packages.PathOf("PercepNet.Audio"));
        string[] ids = [.. Dependencies(package).Select(d => (string)d.Attribute("id")!).Order(StringComparer.Ordinal)];
        Assert.Equal(["Concentus", "NAudio.Core", "NLayer", "NVorbis", "PercepNet"], ids);
    }

    /// <summary>Whether this machine builds the NativeAOT tool package of <paramref name="rid"/> (x86-64 Linux: its own; arm64 with Debian's cross tool chain).</summary>
    private static bool BuildsNativeTool(string rid) =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64
        && (rid == "linux-x64" || ChildProcess.IsInstalled("aarch64-linux-gnu-gcc"));

    [Fact]
    public void TheToolPackagePointsToTheNativeAndTheFrameworkDependentPackages()
    {
        using ZipArchive package = ZipFile.OpenRead(packages.PathOf("PercepNet.Tool"));
        Assert.Empty(Dependencies(package));
        ZipArchiveEntry settings = package.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        string[] rids = [.. XDocument.Load(settings.Open()).Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage")
            .Select(e => (string)e.Attribute("RuntimeIdentifier")!).Order(StringComparer.Ordinal)];
        Assert.Equal(["any", "linux-arm64", "linux-x64"], rids);
        Assert.DoesNotContain(package.Entries, e => e.FullName.EndsWith(".dll", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void TheNativeToolIsOneExecutableOfAtMostTwelveMegabytes(string rid)
    {
        Skip.IfNot(BuildsNativeTool(rid), $"the NativeAOT {rid} tool package is built on x86-64 Linux (linux-arm64 with gcc-aarch64-linux-gnu)");
        using ZipArchive package = ZipFile.OpenRead(packages.PathOf($"PercepNet.Tool.{rid}"));
        ZipArchiveEntry[] files = [.. package.Entries.Where(e => e.FullName.StartsWith("tools/", StringComparison.Ordinal))];
        Assert.Equal(["DotnetToolSettings.xml", "PercepNet.Cli"], files.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.InRange(files.Single(e => e.Name == "PercepNet.Cli").Length, 1, 12 * MiB);
    }

    [Fact]
    public void TheFrameworkDependentToolCarriesNeitherTorchNorOnnxRuntimeAndFitsInThirtyMegabytes()
    {
        string path = packages.PathOf("PercepNet.Tool.any");
        Assert.InRange(new FileInfo(path).Length, 1, 30 * MiB);
        using ZipArchive package = ZipFile.OpenRead(path);
        Assert.Empty(Dependencies(package));
        Assert.Contains(package.Entries, e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        Assert.DoesNotContain(package.Entries, e => Forbidden.Any(f => e.FullName.Contains(f, StringComparison.OrdinalIgnoreCase)));
        ZipArchiveEntry deps = package.Entries.Single(e => e.FullName.EndsWith(".deps.json", StringComparison.Ordinal));
        using var reader = new StreamReader(deps.Open());
        string closure = reader.ReadToEnd();
        Assert.Contains("PercepNet.Audio", closure, StringComparison.Ordinal);
        foreach (string name in Forbidden)
        {
            Assert.DoesNotContain(name, closure, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("PercepNet")]
    [InlineData("PercepNet.Audio")]
    [InlineData("PercepNet.Tool")]
    [InlineData("PercepNet.Tool.any")]
    public void EveryPackageHasReadmeLicenceNoticeVersionAndTheLibrariesSymbols(string id)
    {
        string path = packages.PathOf(id);
        using ZipArchive package = ZipFile.OpenRead(path);
        foreach (string file in new[] { "README.md", "LICENSE", "NOTICE" })
        {
            ZipArchiveEntry? entry = package.GetEntry(file);
            Assert.True(entry is { Length: > 100 }, $"{id} lacks a {file}");
        }

        XDocument nuspec = Nuspec(package);
        string Field(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("MIT", Field("license"));
        Assert.Matches(@"^\d+\.\d+\.\d+", Field("version"));
        Assert.Equal("README.md", Field("readme"));
        if (!id.StartsWith("PercepNet.Tool", StringComparison.Ordinal))
        {
            // The libraries' users step into them; the tool's packages carry the program only.
            Assert.True(File.Exists(Path.ChangeExtension(path, ".snupkg")), $"{id} has no symbol package");
        }
    }
}
