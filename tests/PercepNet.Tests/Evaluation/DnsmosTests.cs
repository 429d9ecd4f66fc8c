using PercepNet.Audio;
using PercepNet.Evaluation.Metrics;
using Xunit.Abstractions;

namespace PercepNet.Tests.Evaluation;

public class DnsmosTests(ITestOutputHelper output)
{
    private static Dnsmos Open() => new(Path.Combine(SharedData.Require(), "dnsmos"));

    [SkippableFact]
    public void RawP835OfTheCheckClipMatchesTheReference()
    {
        using Dnsmos dnsmos = Open();
        (float[] speech, int rate) = AudioFile.ReadMono(Path.Combine(SharedData.Directory!, "testvectors", "speech.wav"));
        Assert.Equal(16000, rate);
        float[] tiled = speech;
        while (tiled.Length < Dnsmos.WindowSamples)
        {
            tiled = [.. tiled, .. tiled];
        }

        (float sig, float bak, float ovrl) = dnsmos.RawP835(tiled.AsSpan(0, Dnsmos.WindowSamples));
        output.WriteLine($"raw SIG/BAK/OVRL {sig:F4} / {bak:F4} / {ovrl:F4} (reference 4.016 / 4.227 / 3.704)");
        Assert.InRange(sig, 4.016 - 0.005, 4.016 + 0.005);
        Assert.InRange(bak, 4.227 - 0.005, 4.227 + 0.005);
        Assert.InRange(ovrl, 3.704 - 0.005, 3.704 + 0.005);
    }

    [SkippableFact]
    public void ScoresAreRepeatableAndOrdered()
    {
        using Dnsmos dnsmos = Open();
        (float[] clean, _) = AudioFile.ReadMono(Path.Combine(SharedData.Directory!, "testvectors", "speech.wav"));
        (float[] babble, _) = AudioFile.ReadMono(Path.Combine(SharedData.Directory!, "testvectors", "speech_bab_0dB.wav"));
        DnsmosScores a = dnsmos.Score(clean, 16000);
        DnsmosScores b = dnsmos.Score(clean, 16000);
        DnsmosScores noisy = dnsmos.Score(babble, 16000);
        output.WriteLine($"clean: {a}");
        output.WriteLine($"babble 0 dB: {noisy}");
        Assert.Equal(a, b);
        Assert.True(a.Ovrl > noisy.Ovrl + 1 && a.Bak > noisy.Bak + 1 && a.P808Mos > noisy.P808Mos);
        Assert.InRange(a.P808Mos, 1, 5);
        // Mapped values of the reference recipe (README of the models): 3.554 / 4.053 / 3.249 for the first window;
        // the clip has three windows, so only the neighbourhood is checked.
        Assert.InRange(a.Sig, 3.4, 3.7);
    }

    [Fact]
    public void MissingModelsAreNamed()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"no-dnsmos-{Guid.NewGuid():N}");
        var error = Assert.Throws<DnsmosModelsException>(() => new Dnsmos(directory));
        Assert.Contains(Path.Combine(directory, "sig_bak_ovr.onnx"), error.Message);
    }
}
