using PercepNet.Dsp;
using PercepNet.Evaluation.Metrics;

namespace PercepNet.Tests.Evaluation;

/// <summary>The band fidelity measure on signals whose band levels are known by construction.</summary>
public class BandFidelityTests
{
    private const int Rate = 48000;

    /// <summary>3 s of white-noise bursts, 0.3 s on and 0.3 s of digital silence, optionally band-limited by a whole-signal DFT.</summary>
    private static float[] Bursts(int seed, double bandwidthHz = Rate / 2.0)
    {
        float[] noise = SyntheticSignals.WhiteNoise(3 * Rate, seed, rms: 0.1);
        for (int i = 0; i < noise.Length; i++)
        {
            if ((i / (int)(0.3 * Rate)) % 2 == 1)
            {
                noise[i] = 0;
            }
        }

        return ScaleBand(noise, bandwidthHz, Rate / 2.0 + 1, 0);
    }

    /// <summary>Multiplies every DFT bin of the whole signal between the two frequencies by <paramref name="gain"/>.</summary>
    private static float[] ScaleBand(float[] x, double lowHz, double highHz, double gain)
    {
        var fft = new RealFft(x.Length);
        var spectrum = new ComplexF[fft.BinCount];
        fft.Forward(x, spectrum);
        for (int k = 0; k < spectrum.Length; k++)
        {
            double hz = k * (double)Rate / x.Length;
            if (hz >= lowHz && hz < highHz)
            {
                spectrum[k] = new ComplexF((float)(spectrum[k].Re * gain), (float)(spectrum[k].Im * gain));
            }
        }

        var y = new float[x.Length];
        fft.Inverse(spectrum, y);
        return y;
    }

    [Fact]
    public void AHalvedOutputIsSixDecibelsDownInEveryBandAndPauseNoiseCutTenfoldIsTwentyDecibels()
    {
        float[] reference = Bursts(1);
        float[] noise = SyntheticSignals.WhiteNoise(reference.Length, 2, rms: 0.003);
        float[] noisy = [.. reference.Select((r, i) => r + noise[i])];
        float[] output = [.. reference.Select((r, i) => (0.5f * r) + (0.1f * noise[i]))];

        BandFidelityResult[] bands = BandFidelity.Measure(reference, output, noisy, Rate);

        Assert.Equal(6, bands.Length);
        foreach (BandFidelityResult band in bands)
        {
            Assert.InRange(band.SpeechLevelDb!.Value, -6.02 - 0.05, -6.02 + 0.05);
            Assert.InRange(band.PauseAttenuationDb!.Value, 20 - 0.1, 20 + 0.1);
        }
    }

    [Fact]
    public void OneBandCutBySixDecibelsIsFoundThereAndNowhereElse()
    {
        float[] reference = Bursts(3);
        float[] output = ScaleBand(reference, 12000, 16000, 0.5);

        BandFidelityResult[] bands = BandFidelity.Measure(reference, output, [], Rate);

        foreach (BandFidelityResult band in bands)
        {
            // The frames' Hann window leaks a bin or two across each band edge: within 0.3 dB of the cut.
            double expected = band.Band.LowHz == 12000 ? -6.02 : 0;
            Assert.InRange(band.SpeechLevelDb!.Value, expected - 0.3, expected + 0.3);
            Assert.Null(band.PauseAttenuationDb); // no noisy input given
        }
    }

    [Fact]
    public void BandsAboveTheReferencesBandwidthAndPausesWithoutNoiseDoNotCount()
    {
        float[] reference = Bursts(4, bandwidthHz: 7900);
        float[] noise = ScaleBand(SyntheticSignals.WhiteNoise(reference.Length, 5, rms: 0.01), 0, 4000, 1); // noise below 4 kHz only
        noise = ScaleBand(noise, 4000, Rate, 0);
        float[] noisy = [.. reference.Select((r, i) => r + noise[i])];

        BandFidelityResult[] estimated = BandFidelity.Measure(reference, reference, noisy, Rate);
        BandFidelityResult[] given = BandFidelity.Measure(reference, reference, noisy, Rate, referenceBandwidthHz: 3900);

        Assert.Equal([true, true, true, false, false, false], estimated.Select(b => b.SpeechLevelDb is not null));
        Assert.Equal([true, true, false, false, false, false], given.Select(b => b.SpeechLevelDb is not null));
        Assert.Equal([true, true, false, false, false, false], estimated.Select(b => b.PauseAttenuationDb is not null));
        Assert.All(estimated.Where(b => b.SpeechLevelDb is not null), b => Assert.Equal(0, b.SpeechLevelDb!.Value, 6));
    }
}
