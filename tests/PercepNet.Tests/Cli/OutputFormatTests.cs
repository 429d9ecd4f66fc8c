using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>What `percepnet denoise` writes: WAV or FLAC by the output's name, at the input's bit depth unless told.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class OutputFormatTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-formats-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Input(string name, int bits, bool isFloat = false, int channels = 1)
    {
        float[] voice = SyntheticSignals.Voiced([new(0.6, 150, 170)], 21).Signal;
        float[] noisy = SyntheticSignals.Mix(voice, SyntheticSignals.WhiteNoise(voice.Length, 22), 10);
        float[] interleaved = [.. noisy.SelectMany(v => Enumerable.Repeat(v * 0.5f, channels))];
        string path = Path.Combine(_root, name);
        File.WriteAllBytes(path, WavFiles.Build(interleaved, 48000, channels, bits, isFloat, false));
        return path;
    }

    private static (int Bits, bool IsFloat, long Frames) Stored(string path)
    {
        using IAudioReader reader = AudioFile.OpenRead(path);
        return (reader.BitsPerSample ?? 0, reader.IsFloat, reader.LengthFrames ?? -1);
    }

    [Theory]
    [InlineData(16, false, 16, false)]
    [InlineData(24, false, 24, false)]
    [InlineData(32, true, 32, true)]
    [InlineData(8, false, 16, false)]
    [InlineData(32, false, 32, true)]
    public void AWavOutputKeepsTheInputsResolution(int bits, bool isFloat, int outBits, bool outFloat)
    {
        string input = Input("in.wav", bits, isFloat), output = Path.Combine(_root, "out.wav");
        var result = CliRunner.Run("denoise", input, "-o", output);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal((outBits, outFloat, Stored(input).Frames), Stored(output));
    }

    [Theory]
    [InlineData("--bits", "16", 16, false)]
    [InlineData("--bits", "24", 24, false)]
    [InlineData("--bits", "32", 32, true)]
    [InlineData("--float", null, 32, true)]
    public void BitsOrFloatChooseTheOutputsResolution(string option, string? value, int outBits, bool outFloat)
    {
        string input = Input("in.wav", 24), output = Path.Combine(_root, "out.wav");
        var result = CliRunner.Run(["denoise", input, "-o", output, option, .. value is null ? Array.Empty<string>() : [value]]);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal((outBits, outFloat), (Stored(output).Bits, Stored(output).IsFloat));
    }

    [Fact]
    public void ConflictingOrImpossibleDepthsAreUsageErrors()
    {
        string input = Input("in.wav", 16);
        var both = CliRunner.Run("denoise", input, "-o", Path.Combine(_root, "out.wav"), "--float", "--bits", "24");
        Assert.Equal(2, both.Code);
        Assert.Contains("--float writes 32-bit samples; it cannot go with --bits 24", both.Error);
        var odd = CliRunner.Run("denoise", input, "-o", Path.Combine(_root, "out.wav"), "--bits", "20");
        Assert.Equal(2, odd.Code);
        Assert.Contains("--bits takes 16, 24 or 32 (got 20)", odd.Error);
    }

    [SkippableFact]
    public void AFlacOutputIsValidFlacOfTheInputsLengthAndDepth()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        string input = Input("in.wav", 24, channels: 2), flac = Path.Combine(_root, "in.flac");
        Assert.Equal(0, ChildProcess.Run("flac", ["-s", "-f", "-o", flac, input]).Code);
        string output = Path.Combine(_root, "out.flac");
        var result = CliRunner.Run("denoise", flac, "-o", output);
        Assert.True(result.Code == 0, result.Error);
        ChildProcess.Result test = ChildProcess.Run("flac", ["-s", "-t", output]);
        Assert.True(test.Code == 0, test.Output);
        Assert.Equal((24, false, Stored(input).Frames), Stored(output));

        // The same samples as the WAV output of the same input, to 24 bits.
        string wav = Path.Combine(_root, "out.wav");
        Assert.Equal(0, CliRunner.Run("denoise", flac, "-o", wav).Code);
        (float[] fromFlac, _) = AudioFile.ReadMono(output);
        (float[] fromWav, _) = AudioFile.ReadMono(wav);
        Assert.Equal(fromWav, fromFlac);
    }

    [SkippableFact]
    public void AFolderKeepsFlacAsFlacAndWritesTheRestAsWav()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        string folder = Directory.CreateDirectory(Path.Combine(_root, "takes")).FullName;
        string wav = Input(Path.Combine("takes", "a.wav"), 16);
        Assert.Equal(0, ChildProcess.Run("flac", ["-s", "-f", "-o", Path.Combine(folder, "b.flac"), wav]).Code);
        string output = Path.Combine(_root, "out");
        var result = CliRunner.Run("denoise", folder, "-o", output);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(["a.wav", "b.flac"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(16, Stored(Path.Combine(output, "b.flac")).Bits);
    }
}
