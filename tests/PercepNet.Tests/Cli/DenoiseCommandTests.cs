using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class DenoiseCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-denoise-").FullName;
    private readonly string _model;

    public DenoiseCommandTests()
    {
        // A pass-through model (gains 1, no comb): the output must then be the input, delay compensated.
        _model = Path.Combine(_root, "pass.pnm");
        ModelFile.Write(_model, new StoredModel(TestModels.PassThroughParameters(), Quantisation.Int8, "test: pass-through"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void KeepsRateChannelsLengthAndTiming()
    {
        const int Rate = 44100;
        int frames = Rate * 2;
        var stereo = new float[frames * 2];
        for (int i = 0; i < frames; i++)
        {
            stereo[2 * i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / Rate);
            stereo[(2 * i) + 1] = 0.2f * MathF.Sin(2 * MathF.PI * 700 * i / Rate);
        }

        string input = Path.Combine(_root, "in.wav");
        File.WriteAllBytes(input, WavFiles.Build(stereo, Rate, 2, 16, false, false));
        string output = Path.Combine(_root, "out.wav");
        var result = CliRunner.Run("denoise", input, "-o", output, "--model", _model, "--postfilter-strength", "0");
        Assert.True(result.Code == 0, result.Error);
        Assert.Contains("real time", result.Out);
        using IAudioReader reader = AudioFile.OpenRead(output);
        Assert.Equal(Rate, reader.SampleRate);
        Assert.Equal(2, reader.Channels);
        Assert.Equal(frames, reader.LengthFrames);
        var back = new float[stereo.Length];
        reader.Read(back);
        double error = 0, power = 0;
        for (int i = Rate / 5; i < stereo.Length - (Rate / 5); i++)
        {
            error += (back[i] - stereo[i]) * (double)(back[i] - stereo[i]);
            power += stereo[i] * (double)stereo[i];
        }

        Assert.True(10 * Math.Log10(error / power) < -30, $"error {10 * Math.Log10(error / power):F1} dB");
    }

    [Fact]
    public void SpectrogramShowsNoisyAndDenoisedSideBySide()
    {
        // Stationary white noise through the default model: the right (denoised) panel must be darker than the left.
        string input = Path.Combine(_root, "noise.wav");
        WavWriter.WriteMono(input, SyntheticSignals.WhiteNoise(48000 * 3, 5, 0.05), 48000);
        string picture = Path.Combine(_root, "noise.png");
        var result = CliRunner.Run("denoise", input, "-o", Path.Combine(_root, "out.wav"), "--spectrogram", picture);
        Assert.True(result.Code == 0, result.Error);
        using var bitmap = SkiaSharp.SKBitmap.Decode(picture);
        Assert.NotNull(bitmap);
        int columns = 3 * 48000 / 480;
        var (width, height, noisyLeft, denoisedLeft, top) = PercepNet.Cli.Spectrograms.SpectrogramImage.Layout(columns, 481);
        Assert.Equal(height, bitmap.Height);
        Assert.Equal(width, bitmap.Width);

        // Axes: a black line left of and under each panel, and the colour bar running from bright (0 dB) to dark (-80 dB).
        foreach (int left in new[] { noisyLeft, denoisedLeft })
        {
            Assert.Equal(SkiaSharp.SKColors.Black, bitmap.GetPixel(left - 1, top + 240));
            Assert.Equal(SkiaSharp.SKColors.Black, bitmap.GetPixel(left + (columns / 2), top + 481));
        }

        int bar = denoisedLeft + columns + 20 + 8;
        SkiaSharp.SKColor loud = bitmap.GetPixel(bar, top), quiet = bitmap.GetPixel(bar, top + 480);
        Assert.True(loud.Red + loud.Green + loud.Blue > 600 && quiet.Red + quiet.Green + quiet.Blue < 30, $"colour bar {loud} to {quiet}");
        double Brightness(int left)
        {
            double sum = 0;
            for (int x = left + 20; x < left + columns; x++)
            {
                for (int y = top; y < top + 481; y += 4)
                {
                    SkiaSharp.SKColor c = bitmap.GetPixel(x, y);
                    sum += c.Red + c.Green + c.Blue;
                }
            }

            return sum;
        }

        Assert.True(Brightness(denoisedLeft) < 0.8 * Brightness(noisyLeft), "the denoised panel is not darker than the noisy one");
    }

    [Fact]
    public void BadInputsAreNamedAndOthersStillWritten()
    {
        string good = Path.Combine(_root, "good.wav");
        WavWriter.WriteMono(good, SyntheticSignals.WhiteNoise(48000, 1, 0.1), 48000);
        string corrupt = Path.Combine(_root, "corrupt.wav");
        File.WriteAllBytes(corrupt, [.. "RIFF"u8, .. new byte[40]]);
        string outDir = Path.Combine(_root, "out");
        var result = CliRunner.Run("denoise", good, corrupt, Path.Combine(_root, "missing.wav"), "-o", outDir, "--model", _model);
        Assert.NotEqual(0, result.Code);
        Assert.Contains($"{corrupt}:", result.Error);
        Assert.Contains($"{Path.Combine(_root, "missing.wav")}: no such file", result.Error);
        Assert.True(File.Exists(Path.Combine(outDir, "good.wav")));
        Assert.False(File.Exists(Path.Combine(outDir, "corrupt.wav")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void RefusesToOverwriteItsInput()
    {
        string input = Path.Combine(_root, "x.wav");
        WavWriter.WriteMono(input, SyntheticSignals.WhiteNoise(4800, 2, 0.1), 48000);
        byte[] before = File.ReadAllBytes(input);
        var result = CliRunner.Run("denoise", input, "-o", input, "--model", _model);
        Assert.NotEqual(0, result.Code);
        Assert.Contains("refusing to overwrite", result.Error);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void BadModelFilesAreRefusedSayingWhy()
    {
        string bad = Path.Combine(_root, "bad.pnm");
        File.WriteAllBytes(bad, [1, 2, 3, 4]);
        string input = Path.Combine(_root, "y.wav");
        WavWriter.WriteMono(input, SyntheticSignals.WhiteNoise(4800, 3, 0.1), 48000);
        var result = CliRunner.Run("denoise", input, "-o", Path.Combine(_root, "y-out.wav"), "--model", bad);
        Assert.NotEqual(0, result.Code);
        Assert.Contains("bad magic", result.Error);
    }

    [Theory]
    [InlineData("--postfilter-beta", "-0.5")]
    [InlineData("--postfilter-beta", "NaN")]
    [InlineData("--atten-lim-db", "-3")]
    [InlineData("--silence-threshold-db", "-20")]
    [InlineData("--silence-threshold-db", "Infinity")]
    public void OutOfRangeKnobsAreRefusedByName(string option, string value)
    {
        string input = Path.Combine(_root, "k.wav");
        WavWriter.WriteMono(input, SyntheticSignals.WhiteNoise(4800, 4, 0.1), 48000);
        string output = Path.Combine(_root, "k-out.wav");
        var result = CliRunner.Run("denoise", input, "-o", output, "--model", _model, option, value);
        Assert.NotEqual(0, result.Code);
        Assert.Contains(option, result.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void PostfilterBetaReachesTheDenoiser()
    {
        string input = Path.Combine(_root, "b.wav");
        WavWriter.WriteMono(input, SyntheticSignals.WhiteNoise(48000, 5, 0.1), 48000);
        byte[] Denoise(string name, params string[] extra)
        {
            string output = Path.Combine(_root, name);
            var result = CliRunner.Run(["denoise", input, "-o", output, .. extra]); // the embedded model: its gains are not all 1
            Assert.True(result.Code == 0, result.Error);
            return File.ReadAllBytes(output);
        }

        byte[] standard = Denoise("b-default.wav");
        Assert.Equal(standard, Denoise("b-same.wav", "--postfilter-beta", "0.02"));
        Assert.NotEqual(standard, Denoise("b-other.wav", "--postfilter-beta", "0.5"));
    }
}
