using PercepNet.Audio;
using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

[Collection(nameof(ConsoleCollection))]
public sealed class EvalCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Fact]
    public void EveryProblemIsNamedAndTheOtherFilesAreScored()
    {
        string clean = Dir("clean"), degraded = Dir("degraded");
        float[] speech = SyntheticSignals.Voiced([new(1.2, 130, 170), new(1.0, 190, 150)], 31).Signal;
        float[] noisy = SyntheticSignals.Mix(speech, SyntheticSignals.WhiteNoise(speech.Length, 32), 10);
        // A good pair, scored.
        WavWriter.WriteMono(Path.Combine(clean, "good.wav"), speech, 48000);
        WavWriter.WriteMono(Path.Combine(degraded, "good.wav"), noisy, 48000);
        // Lengths differing by 2 s.
        WavWriter.WriteMono(Path.Combine(clean, "long.wav"), [.. speech, .. new float[96000]], 48000);
        WavWriter.WriteMono(Path.Combine(degraded, "long.wav"), noisy, 48000);
        // Sample rates differ.
        WavWriter.WriteMono(Path.Combine(clean, "rate.wav"), speech, 48000);
        WavWriter.WriteMono(Path.Combine(degraded, "rate.wav"), Resampler.Resample(noisy, 48000, 16000), 16000);
        // Channel counts differ.
        WavWriter.WriteMono(Path.Combine(clean, "stereo.wav"), speech, 48000);
        float[] interleaved = [.. noisy.SelectMany(v => new[] { v, v })];
        File.WriteAllBytes(Path.Combine(degraded, "stereo.wav"), WavFiles.Build(interleaved, 48000, 2, 16, false, false));
        // Silent reference.
        WavWriter.WriteMono(Path.Combine(clean, "silent.wav"), new float[speech.Length], 48000);
        WavWriter.WriteMono(Path.Combine(degraded, "silent.wav"), noisy, 48000);
        // Missing partners on both sides.
        WavWriter.WriteMono(Path.Combine(degraded, "orphan.wav"), noisy, 48000);
        WavWriter.WriteMono(Path.Combine(clean, "unmatched.wav"), speech, 48000);
        // A corrupt degraded file.
        File.WriteAllBytes(Path.Combine(clean, "corrupt.wav"), File.ReadAllBytes(Path.Combine(clean, "good.wav")));
        File.WriteAllBytes(Path.Combine(degraded, "corrupt.wav"), [.. "RIFF"u8, .. new byte[40]]);

        string csv = Path.Combine(_root, "scores.csv");
        string missingModels = Path.Combine(_root, "no-models");
        var result = CliRunner.Run("eval", "--reference", clean, "--degraded", degraded, "--dnsmos-dir", missingModels, "--csv", csv, "--per-file");
        Assert.Equal(3, result.Code); // the good pair is scored; the exit code says that others were not
        string errors = result.Error;
        Assert.Contains($"{Path.Combine(missingModels, "sig_bak_ovr.onnx")}: DNSMOS model not found", errors);
        Assert.Contains($"{Path.Combine(degraded, "long.wav")}: length", errors);
        Assert.Contains($"{Path.Combine(degraded, "rate.wav")}: sample rate 16000 Hz differs", errors);
        Assert.Contains($"{Path.Combine(degraded, "stereo.wav")}: 2 channel(s)", errors);
        Assert.Contains($"{Path.Combine(clean, "silent.wav")}: the reference is silent", errors);
        Assert.Contains($"{Path.Combine(degraded, "orphan.wav")}: no reference", errors);
        Assert.Contains($"{Path.Combine(clean, "unmatched.wav")}: no degraded file", errors);
        Assert.Contains($"{Path.Combine(degraded, "corrupt.wav")}:", errors);
        Assert.DoesNotContain("   at ", errors);

        string[] rows = File.ReadAllLines(csv);
        string good = rows.Single(r => r.StartsWith("\"good.wav\"", StringComparison.Ordinal));
        string[] cells = good.Split(',');
        Assert.InRange(double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture), 8, 12); // SI-SDR near 10 dB
        Assert.Contains("1 file(s) scored, 5 failed", result.Out); // only the good pair could be scored
    }

    [Fact]
    public void ListFileAndJsonOutput()
    {
        string dir = Dir("pairs");
        float[] speech = SyntheticSignals.Voiced([new(1.5, 140, 160)], 33).Signal;
        WavWriter.WriteMono(Path.Combine(dir, "c.wav"), speech, 16000);
        float[] noisy = SyntheticSignals.Mix(speech, SyntheticSignals.WhiteNoise(speech.Length, 34), 20);
        WavWriter.WriteMono(Path.Combine(dir, "d.wav"), noisy, 16000);
        string list = Path.Combine(dir, "list.txt");
        File.WriteAllLines(list, ["# reference,degraded", "c.wav,d.wav"]);
        string json = Path.Combine(dir, "out.json");
        var result = CliRunner.Run("eval", "--list", list, "--no-dnsmos", "--json", json);
        Assert.True(result.Code == 0, result.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        double stoi = doc.RootElement.GetProperty("files")[0].GetProperty("stoi").GetDouble();
        // The same as the library's STOI of the two files (16-bit rounding included).
        (float[] c, _) = AudioFile.ReadMono(Path.Combine(dir, "c.wav"));
        (float[] d, _) = AudioFile.ReadMono(Path.Combine(dir, "d.wav"));
        Assert.Equal(PercepNet.Evaluation.Metrics.Stoi.Compute(c, d, 16000), stoi, 9);
        Assert.Equal("STOI", doc.RootElement.GetProperty("summary")[3].GetProperty("metric").GetString());
    }

    [Fact]
    public void AListsThirdColumnNamesTheNoisyInputForThePauseAttenuation()
    {
        string dir = Dir("triples");
        // Speech for 1 s, then a 1 s pause; white noise throughout; the "denoised" file keeps the noise 20 dB down.
        float[] voiced = SyntheticSignals.Voiced([new(1.0, 140, 160)], 35).Signal;
        float[] speech = [.. voiced, .. new float[48000]];
        float[] noise = SyntheticSignals.WhiteNoise(speech.Length, 36, 0.01);
        float[] noisy = [.. speech.Select((v, i) => v + noise[i])];
        float[] quieter = [.. speech.Select((v, i) => v + (noise[i] / 10))];
        WavWriter.WriteMono(Path.Combine(dir, "c.wav"), speech, 48000, WavSampleFormat.Float32);
        WavWriter.WriteMono(Path.Combine(dir, "n.wav"), noisy, 48000, WavSampleFormat.Float32);
        WavWriter.WriteMono(Path.Combine(dir, "d.wav"), quieter, 48000, WavSampleFormat.Float32);
        string list = Path.Combine(dir, "list.txt");
        File.WriteAllLines(list, ["c.wav,d.wav,n.wav", "c.wav,d.wav"]);
        string csv = Path.Combine(dir, "out.csv");
        var result = CliRunner.Run("eval", "--list", list, "--no-dnsmos", "--csv", csv);
        Assert.True(result.Code == 0, result.Error);
        string[] header = File.ReadAllLines(csv)[0].Split(',');
        string[][] rows = [.. File.ReadAllLines(csv).Skip(1).Select(r => r.Split(','))];
        int column = Array.IndexOf(header, "pause_atten_db_8_12");
        Assert.InRange(double.Parse(rows[0][column], System.Globalization.CultureInfo.InvariantCulture), 19, 21);
        Assert.Equal("", rows[1][column]); // two columns: no noisy input, no pause attenuation
    }

    [Fact]
    public void UsageErrorsAreOneLine()
    {
        var result = CliRunner.Run("eval", "--degraded", Path.Combine(_root, "nowhere"));
        Assert.NotEqual(0, result.Code);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains("nowhere", result.Error);
    }
}
