using PercepNet.Audio;

namespace PercepNet.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private (string Clean, string Noise) MakeInputs()
    {
        (float[] voiced, _) = SyntheticSignals.Voiced([new(1.5, 120, 160), new(1.0, 200, 170)], 3);
        string clean = PathOf("speech.wav");
        string noise = PathOf("noise.wav");
        WavWriter.WriteMono(clean, voiced, 48000, WavSampleFormat.Float32);
        WavWriter.WriteMono(noise, SyntheticSignals.WhiteNoise(20000, 4, 0.1), 16000, WavSampleFormat.Pcm16);
        return (clean, noise);
    }

    [Fact]
    public void MixThenOracleImprovesOnTheNoisyInput()
    {
        (string speech, string noise) = MakeInputs();
        string noisy = PathOf("noisy.wav"), clean = PathOf("clean.wav"), enhanced = PathOf("enhanced.wav"), report = PathOf("report.json");
        var mix = CliRunner.Run("mix", "--speech", speech, "--noise", noise, "--snr", "5", "-o", noisy, "--clean-out", clean, "--seed", "9");
        Assert.Equal(0, mix.Code);
        Assert.Contains("5.0 dB SNR", mix.Out);

        var oracle = CliRunner.Run("oracle", "--clean", clean, "--noisy", noisy, "-o", enhanced, "--mode", "bands+comb", "--report", report);
        Assert.True(oracle.Code == 0, oracle.Error);
        string json = File.ReadAllText(report);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        double input = doc.RootElement.GetProperty("input").GetProperty("siSdr").GetDouble();
        double output = doc.RootElement.GetProperty("enhanced").GetProperty("siSdr").GetDouble();
        Assert.True(output > input + 3, $"SI-SDR {input:F2} → {output:F2}");
        Assert.Equal(0, doc.RootElement.GetProperty("residualDelaySamples").GetInt32());
    }

    [Fact]
    public void MixIsReproducibleForASeed()
    {
        (string speech, string noise) = MakeInputs();
        CliRunner.Run("mix", "--speech", speech, "--noise", noise, "--snr", "0", "-o", PathOf("a.wav"), "--clean-out", PathOf("ac.wav"), "--seed", "5");
        CliRunner.Run("mix", "--speech", speech, "--noise", noise, "--snr", "0", "-o", PathOf("b.wav"), "--clean-out", PathOf("bc.wav"), "--seed", "5");
        CliRunner.Run("mix", "--speech", speech, "--noise", noise, "--snr", "0", "-o", PathOf("c.wav"), "--clean-out", PathOf("cc.wav"), "--seed", "6");
        Assert.Equal(File.ReadAllBytes(PathOf("a.wav")), File.ReadAllBytes(PathOf("b.wav")));
        Assert.NotEqual(File.ReadAllBytes(PathOf("a.wav")), File.ReadAllBytes(PathOf("c.wav")));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("corrupt")]
    [InlineData("truncated")]
    [InlineData("missing")]
    public void BadInputGivesOneLineAndLeavesTheOutputAlone(string kind)
    {
        (string speech, _) = MakeInputs();
        string bad = PathOf($"{kind}.wav");
        byte[] good = File.ReadAllBytes(speech);
        switch (kind)
        {
            case "empty": File.WriteAllBytes(bad, []); break;
            case "corrupt": File.WriteAllBytes(bad, [.. "RIFF"u8, .. new byte[200]]); break;
            case "truncated": File.WriteAllBytes(bad, good[..30]); break;
        }

        string output = PathOf("existing.wav");
        File.WriteAllText(output, "precious");
        var result = CliRunner.Run("oracle", "--clean", speech, "--noisy", bad, "-o", output);
        Assert.NotEqual(0, result.Code);
        Assert.StartsWith($"error: {bad}: ", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal("precious", File.ReadAllText(output));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void RefusesToOverwriteAnInput()
    {
        (string speech, string noise) = MakeInputs();
        byte[] before = File.ReadAllBytes(speech);
        var result = CliRunner.Run("mix", "--speech", speech, "--noise", noise, "--snr", "5", "-o", speech, "--clean-out", PathOf("c.wav"));
        Assert.NotEqual(0, result.Code);
        Assert.Contains("refusing to overwrite", result.Error);
        Assert.Equal(before, File.ReadAllBytes(speech));
    }

    [Fact]
    public void ValidateNamesAMissingModelOrDatasetAndFails()
    {
        string model = PathOf("random.pnm");
        var missingModel = CliRunner.Run("validate", "--dataset", PathOf("no-dataset"), PathOf("absent.pnm"));
        Assert.Equal(3, missingModel.Code);
        Assert.Contains("absent.pnm", missingModel.Error);

        Assert.Equal(0, CliRunner.Run("model", "random", "--preset", "small", "-o", model).Code);
        var missingDataset = CliRunner.Run("validate", "--dataset", PathOf("no-dataset"), model);
        Assert.Equal(3, missingDataset.Code);
        Assert.Contains("no-dataset", missingDataset.Error);
    }

    [Fact]
    public void DatasetBuildRefusesRecipeKnobsOutOfRange()
    {
        string data = Directory.CreateDirectory(PathOf("data")).FullName;
        var babble = CliRunner.Run("dataset", "build", "--data", data, "--output", PathOf("ds"), "--babble", "1.5");
        Assert.Equal(2, babble.Code);
        Assert.Contains("--babble must be a fraction from 0 to 1", babble.Error);
        var both = CliRunner.Run("dataset", "build", "--data", data, "--output", PathOf("ds"), "--synthetic-noise", "0.6", "--babble", "0.6");
        Assert.Equal(2, both.Code);
        Assert.Contains("must not exceed 1", both.Error);
        var families = CliRunner.Run("dataset", "build", "--data", data, "--output", PathOf("ds"), "--music", "0.5", "--weather-noise", "0.5");
        Assert.Equal(2, families.Code);
        Assert.Contains("add up to 1.48", families.Error);
        var early = CliRunner.Run("dataset", "build", "--data", data, "--output", PathOf("ds"), "--early-reflections", "0.5");
        Assert.Equal(2, early.Code);
        Assert.Contains("--early-reflections must be from 0 to 0.2 seconds", early.Error);
        Assert.False(Directory.Exists(PathOf("ds")));
    }

    [Fact]
    public void ModelConvertQuantisesAndRelabels()
    {
        string source = PathOf("random.pnm"), converted = PathOf("int8.pnm");
        Assert.Equal(0, CliRunner.Run("model", "random", "--preset", "small", "--weights", "float32", "-o", source).Code);
        var result = CliRunner.Run("model", "convert", source, "-o", converted, "--weights", "int8", "--description", "test model 2; {old}");
        Assert.True(result.Code == 0, result.Error);
        var model = ModelFile.Read(converted);
        Assert.Equal(PercepNet.Quantisation.Int8, model.Quantisation);
        Assert.StartsWith("test model 2; random weights", model.Description);

        byte[] before = File.ReadAllBytes(source);
        var refused = CliRunner.Run("model", "convert", source, "-o", source, "--weights", "int8");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("refusing to overwrite", refused.Error);
        Assert.Equal(before, File.ReadAllBytes(source));
    }

    [Fact]
    public void ModelAverageWritesTheMeanAndRefusesMixedShapes()
    {
        string a = PathOf("avg-a.pnm"), b = PathOf("avg-b.pnm"), mean = PathOf("avg.pnm"), small = PathOf("avg-small.pnm");
        Assert.Equal(0, CliRunner.Run("model", "random", "--preset", "medium", "--weights", "float32", "--seed", "1", "-o", a).Code);
        Assert.Equal(0, CliRunner.Run("model", "random", "--preset", "medium", "--weights", "float32", "--seed", "2", "-o", b).Code);
        var result = CliRunner.Run("model", "average", a, b, "-o", mean, "--weights", "float32");
        Assert.True(result.Code == 0, result.Error);
        var (first, second, averaged) = (ModelFile.Read(a), ModelFile.Read(b), ModelFile.Read(mean));
        float[] x = first.Parameters["gru2"].RecurrentWeights, y = second.Parameters["gru2"].RecurrentWeights, m = averaged.Parameters["gru2"].RecurrentWeights;
        for (int i = 0; i < m.Length; i += 97)
        {
            Assert.True(Math.Abs(((x[i] + y[i]) / 2) - m[i]) < 1e-7);
        }

        Assert.Contains("avg-a.pnm", averaged.Description);
        Assert.Equal(0, CliRunner.Run("model", "random", "--preset", "small", "-o", small).Code);
        var mixed = CliRunner.Run("model", "average", a, small, "-o", PathOf("avg-mixed.pnm"));
        Assert.NotEqual(0, mixed.Code);
        Assert.Contains("different shapes", mixed.Error);
        Assert.False(File.Exists(PathOf("avg-mixed.pnm")));
        var self = CliRunner.Run("model", "average", a, b, "-o", a);
        Assert.Contains("refusing to overwrite", self.Error);
    }

    [Fact]
    public void UnknownModeIsAUsageError()
    {
        var result = CliRunner.Run("oracle", "--clean", "a.wav", "--noisy", "b.wav", "-o", "c.wav", "--mode", "wiener");
        Assert.NotEqual(0, result.Code);
        Assert.Contains("wiener", result.Error);
    }
}

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
