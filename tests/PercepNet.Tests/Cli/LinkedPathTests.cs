using System.Diagnostics;
using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// Inputs and outputs reached through symbolic links, loops of links, outputs inside the input tree and unreadable
/// folders: no input is ever written over, every real file is visited once and every walk ends.
/// </summary>
[Collection(nameof(ConsoleCollection))]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LinkedPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-links-").FullName;
    private readonly string _model;

    public LinkedPathTests()
    {
        _model = Path.Combine(_root, "pass.pnm");
        ModelFile.Write(_model, new StoredModel(TestModels.PassThroughParameters(), Quantisation.Int8, "test: pass-through"));
    }

    public void Dispose()
    {
        // Not through the links the tests make: .NET's recursive enumeration follows them (and loops).
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (string folder in Directory.EnumerateDirectories(_root, "*", options))
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(_root, recursive: true);
    }

    private string PathOf(params string[] parts) => Path.Combine([_root, .. parts]);

    private string Recording(params string[] parts)
    {
        string path = PathOf(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, WavFiles.Build(SyntheticSignals.WhiteNoise(4800, path.Length, 0.1), 48000, 1, 16, false, false));
        return path;
    }

    /// <summary>Runs the tool in-process, failing the test (instead of hanging it) when it has not ended within a minute.</summary>
    private static (int Code, string Out, string Error) RunEnding(params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.True(run.Wait(TimeSpan.FromMinutes(1)), "the command did not end within a minute");
        return run.Result;
    }

    private string[] Outputs(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.wav", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void AnOutputFolderLinkedToTheInputFolderIsRefusedAndTheInputsKept()
    {
        string a = Recording("in", "a.wav"), b = Recording("in", "b.wav");
        byte[] beforeA = File.ReadAllBytes(a), beforeB = File.ReadAllBytes(b);
        Directory.CreateSymbolicLink(PathOf("out"), PathOf("in"));
        foreach (string[] extra in new[] { Array.Empty<string>(), ["--root", PathOf("in")] })
        {
            var result = RunEnding(["denoise", PathOf("in"), "-o", PathOf("out"), "--model", _model, .. extra]);
            Assert.Equal(2, result.Code);
            Assert.Contains("refusing to overwrite an input file", result.Error);
            Assert.Equal(beforeA, File.ReadAllBytes(a));
            Assert.Equal(beforeB, File.ReadAllBytes(b));
        }
    }

    [Fact]
    public void AnInputLinkedToTheOutputFileIsRefusedByTheToolAndTheLibrary()
    {
        string real = Recording("real.wav");
        byte[] before = File.ReadAllBytes(real);
        string link = PathOf("link.wav");
        File.CreateSymbolicLink(link, real);
        var result = RunEnding("denoise", link, "-o", real, "--model", _model);
        Assert.Equal(2, result.Code);
        Assert.Contains($"{real}: refusing to overwrite an input file", result.Error);

        // A link to a folder on the way to the input is seen through as well.
        Directory.CreateSymbolicLink(PathOf("via"), _root);
        Assert.Equal(2, RunEnding("denoise", PathOf("via", "real.wav"), "-o", real, "--model", _model).Code);

        var error = Assert.Throws<AudioFormatException>(() => AudioDenoising.DenoiseFile(link, real));
        Assert.Contains("refusing to overwrite the input file", error.Message);
        Assert.Equal(before, File.ReadAllBytes(real));
    }

    [Fact]
    public void ARootWithLoopsOfLinksVisitsEveryRealFileOnceAndEnds()
    {
        Recording("tree", "a.wav");
        Recording("tree", "sub", "b.wav");
        Recording("elsewhere", "c.wav");
        Directory.CreateSymbolicLink(PathOf("tree", "sub", "up"), "..");
        Directory.CreateSymbolicLink(PathOf("tree", "sub", "again"), PathOf("tree", "sub"));
        // A linked folder outside the tree is followed; a second link to a file already seen is not denoised twice.
        Directory.CreateSymbolicLink(PathOf("tree", "linked"), PathOf("elsewhere"));
        File.CreateSymbolicLink(PathOf("tree", "twice.wav"), PathOf("tree", "a.wav"));
        var result = RunEnding("denoise", PathOf("tree"), "--root", PathOf("tree"), "-o", PathOf("out"), "--model", _model);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(["a.wav", Path.Combine("linked", "c.wav"), Path.Combine("sub", "b.wav")], Outputs(PathOf("out")));
        Assert.Contains("3 of 3 file(s) denoised", result.Out);
    }

    [Fact]
    public void AnOutputFolderInsideTheInputTreeResumesOnEveryRerun()
    {
        Recording("nest", "a.wav");
        Recording("nest", "deep", "b.wav");
        for (int run = 0; run < 3; run++)
        {
            var result = RunEnding("denoise", PathOf("nest"), "--root", PathOf("nest"), "-o", PathOf("nest", "cleaned"), "--model", _model);
            Assert.True(result.Code == 0, $"run {run}: {result.Error}");
            Assert.Equal(["a.wav", Path.Combine("deep", "b.wav")], Outputs(PathOf("nest", "cleaned")).Order(StringComparer.Ordinal).ToArray());
            Assert.Contains(run == 0 ? "2 of 2 file(s) denoised" : "nothing to do: all 2 file(s) were done before", result.Out);
        }
    }

    [Fact]
    public void TwoInputsForOneOutputNameAreBothNamed()
    {
        string first = Recording("a", "x.wav"), second = Recording("b", "x.wav");
        var result = RunEnding("denoise", first, second, "-o", PathOf("out"), "--model", _model);
        Assert.Equal(2, result.Code);
        Assert.Contains($"{first} and {second} would both write {PathOf("out", "x.wav")}", result.Error);
    }

    [SkippableFact]
    public void AnUnreadableFolderIsOneLineAndTheRestOfTheTreeIsDenoised()
    {
        // The root user reads any folder, so the tool then runs as nobody (as the Kubernetes image does).
        bool root = Environment.UserName == "root";
        Skip.If(root && !File.Exists("/usr/bin/setpriv"), "running as root without setpriv to drop to an unprivileged user");
        Recording("tree", "a.wav");
        Recording("tree", "locked", "b.wav");
        Recording("tree", "z", "c.wav");
        File.SetUnixFileMode(PathOf("tree", "locked"), UnixFileMode.None);
        Directory.CreateDirectory(PathOf("out"));
        foreach (string folder in new[] { _root, PathOf("tree"), PathOf("tree", "z"), PathOf("out") })
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        }

        foreach (string file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("locked", StringComparison.Ordinal)))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_110_110);
        }

        string tool = Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");
        string[] arguments = ["denoise", PathOf("tree"), "--root", PathOf("tree"), "-o", PathOf("out"), "--model", _model, "-j", "1"];
        Process process = root
            ? ChildProcess.Start("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", tool, .. arguments],
                new Dictionary<string, string> { ["HOME"] = _root, ["DOTNET_CLI_HOME"] = _root })
            : ChildProcess.Start(tool, arguments);
        ChildProcess.Result result = ChildProcess.Finish(process);
        Assert.True(result.Code == 3, result.Output);
        Assert.Single(result.Output.Split('\n'), line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"error: {PathOf("tree", "locked")}: cannot be read", result.Output);
        Assert.Equal(["a.wav", Path.Combine("z", "c.wav")], Outputs(PathOf("out")));
    }
}
