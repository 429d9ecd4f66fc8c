using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Features;

namespace PercepNet.Tests.Features;

public class FeatureExtractorTests
{
    private static (FrameAnalyzer Analyzer, float[] Features) Analyse(float[] signal)
    {
        var analyzer = new FrameAnalyzer();
        var features = new float[FeatureExtractor.Count];
        for (int t = 0; t + 480 <= signal.Length; t += 480)
        {
            analyzer.Push(signal.AsSpan(t, 480));
        }

        FeatureExtractor.Extract(analyzer, features);
        return (analyzer, features);
    }

    [Fact]
    public void SilenceGivesTheFloor()
    {
        (_, float[] f) = Analyse(new float[48000]);
        Assert.Equal(70, f.Length);
        for (int b = 0; b < 34; b++)
        {
            Assert.Equal(-2f, f[b], 5); // log10(0 + 0.01)
            Assert.Equal(0f, f[34 + b]);
        }

        Assert.All(f, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ToneEnergyLandsInItsBandAtTheExpectedLevel()
    {
        // A 1.2 kHz tone of amplitude A: bin 24 holds |X|² = (A·Σw/2)², Σw over the Vorbis window.
        const float Amplitude = 0.25f;
        var x = new float[48000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Amplitude * MathF.Sin(2 * MathF.PI * 1200 * i / 48000f);
        }

        (_, float[] f) = Analyse(x);
        double windowSum = 0;
        foreach (float w in VorbisWindow.Frame)
        {
            windowSum += w;
        }

        // Bin 24 is band 10's centre; the window's leakage into bins 23 and 25 adds a little.
        int band = ErbBands.Centres.IndexOf(24);
        double peak = Math.Pow(Amplitude * windowSum / 2, 2);
        double expected = Math.Log10((peak * FeatureExtractor.EnergyScale) + 0.01);
        Assert.InRange(f[band], expected - 0.01, expected + 0.3);
        Assert.True(f[band] > f[band + 4] + 4, "energy stays in the tone's band");
    }

    [Fact]
    public void VoicedSignalIsCoherentAndItsPeriodIsEncoded()
    {
        (float[] voiced, _) = SyntheticSignals.Voiced([new(1.0, 200, 200)], 1, gapSeconds: 0, jitter: 0);
        (FrameAnalyzer analyzer, float[] f) = Analyse(voiced[..(48000 - 9600)]);
        Assert.InRange(analyzer.Period, 238, 242);
        Assert.Equal(0.01f * (analyzer.Period - 300), f[68], 5);
        Assert.True(f[69] > 0.95f, $"pitch correlation {f[69]}");
        // Bands under 2 kHz hold strong harmonics: coherence near 1.
        for (int b = 4; b < 14; b++)
        {
            Assert.True(f[34 + b] > 0.9f, $"band {b} coherence {f[34 + b]}");
        }
    }

    [Fact]
    public void WhiteNoiseHasTheCombsChanceCoherence()
    {
        // For noise, P = Σa_k x(n − kT) shares only the centre tap with x: q ≈ a0/√Σa_k² (2/3 for T ≤ 480).
        (FrameAnalyzer analyzer, float[] f) = Analyse(SyntheticSignals.WhiteNoise(48000, 3, 0.1));
        ReadOnlySpan<float> taps = CombFilter.Taps(analyzer.CombPeriod);
        float chance = taps[taps.Length / 2] / MathF.Sqrt(CombFilter.NoisePowerGain(analyzer.CombPeriod));
        double mean = f.AsSpan(34 + 10, 20).ToArray().Average();
        Assert.InRange(mean, chance - 0.1, chance + 0.1);
    }

    [Fact]
    public void ResetGivesTheSameFeaturesAsANewAnalyzer()
    {
        float[] first = SyntheticSignals.Mix(SyntheticSignals.Voiced([new(1.0, 130, 170)], 41).Signal, SyntheticSignals.WhiteNoise(67200, 42), 5);
        float[] second = SyntheticSignals.Voiced([new(1.0, 220, 180)], 43).Signal;
        var reused = new FrameAnalyzer();
        for (int t = 0; t + 480 <= first.Length; t += 480)
        {
            reused.Push(first.AsSpan(t, 480));
        }

        reused.Reset();
        var fresh = new FrameAnalyzer();
        var a = new float[FeatureExtractor.Count];
        var b = new float[FeatureExtractor.Count];
        for (int t = 0; t + 480 <= second.Length; t += 480)
        {
            reused.Push(second.AsSpan(t, 480));
            fresh.Push(second.AsSpan(t, 480));
            FeatureExtractor.Extract(reused, a);
            FeatureExtractor.Extract(fresh, b);
            Assert.Equal(b, a);
        }
    }
}
