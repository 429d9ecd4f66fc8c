using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// One rule for exit codes everywhere: what cannot be read is 3, what cannot be written is 4 — whether it is an audio
/// file, a model, standard input, an output folder or a spectrogram's folder. And the spectrogram's temporary file cannot
/// be turned against another file.
/// </summary>
[Collection(nameof(ConsoleCollection))]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-codes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(params string[] parts) => Path.Combine([_root, .. parts]);

    private string Input()
    {
        string path = PathOf("in.wav");
        File.WriteAllBytes(path, WavFiles.Build(SyntheticSignals.WhiteNoise(4800, 1, 0.1), 48000, 1, 16, false, false));
        return path;
    }

    [Fact]
    public void AnOutputFolderThatCannotBeMadeIsAnOutputError()
    {
        File.WriteAllText(PathOf("blocker"), "a file where a folder would go");
        var result = CliRunner.Run("denoise", Input(), "-o", PathOf("blocker", "out"));
        Assert.Equal(4, result.Code);
        Assert.Contains($"error: {PathOf("blocker", "out")}: cannot make the output folder", result.Error);
    }

    [Fact]
    public void ABatchSubFolderThatCannotBeMadeFailsItsFileAloneAsAnOutputError()
    {
        Directory.CreateDirectory(PathOf("in", "sub"));
        File.Copy(Input(), PathOf("in", "a.wav"));
        File.Copy(Input(), PathOf("in", "sub", "b.wav"));
        File.Delete(PathOf("in.wav"));
        Directory.CreateDirectory(PathOf("out"));
        File.WriteAllText(PathOf("out", "sub"), "a file where the mirrored folder would go");
        var result = CliRunner.Run("denoise", PathOf("in"), "--root", PathOf("in"), "-o", PathOf("out"));
        Assert.Equal(4, result.Code);
        Assert.Contains($"error: {PathOf("out", "sub", "b.wav")}: cannot be written", result.Error);
        Assert.True(File.Exists(PathOf("out", "a.wav")));
    }

    [Fact]
    public void ASpectrogramFolderThatCannotBeMadeIsAnOutputError()
    {
        File.WriteAllText(PathOf("blocker"), "a file where a folder would go");
        var result = CliRunner.Run("denoise", Input(), "-o", PathOf("out"), "--spectrogram", PathOf("blocker", "pictures"));
        Assert.Equal(4, result.Code);
        Assert.Contains("cannot make the spectrogram folder", result.Error);
    }

    [Fact]
    public void AFolderAsStandardInputIsAnInputError()
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "PercepNet.Cli");
        ChildProcess.Result result = ChildProcess.Run("bash", ["-c", $"'{tool}' stream < '{_root}'"]);
        Assert.Equal(3, result.Code);
        Assert.Contains("error: standard input cannot be read", result.Output);
    }

    [Fact]
    public void TheSpectrogramsTemporaryFileCannotBeALinkSomeonePlanted()
    {
        // The name an earlier version used (NAME.png.PID.tmp), planted as a link to a file the user can write.
        string victim = PathOf("victim.txt");
        File.WriteAllText(victim, "precious");
        string picture = PathOf("out.png");
        File.CreateSymbolicLink($"{picture}.{Environment.ProcessId}.tmp", victim);
        var result = CliRunner.Run("denoise", Input(), "-o", PathOf("out.wav"), "--spectrogram", picture);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(picture)[..4]);
        Assert.Empty(Directory.EnumerateFiles(_root, ".*.tmp"));
    }
}
