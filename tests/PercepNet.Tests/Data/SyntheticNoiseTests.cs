using PercepNet.Data.Mixing;

namespace PercepNet.Tests.Data;

/// <summary>The synthetic noises of the mixing recipe measured against what they claim to be.</summary>
public sealed class SyntheticNoiseTests
{
    private const int Rate = 48000;

    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    [InlineData(-6.0)]
    [InlineData(3.0)]
    public void ColouredNoiseHasTheRequestedSlopeAndUnitRms(double slope)
    {
        float[] noise = SyntheticNoise.Coloured(new Random(3), 10 * Rate, slope);
        Assert.Equal(1.0, Rms(noise), 3);

        // Mean power density per octave band from 250 Hz to 16 kHz (Welch: Hann-windowed 4096-point periodograms,
        // by a plain DFT on the bins of each band, independent of the generator's FFT).
        double[] density = OctaveDensities(noise, [250, 500, 1000, 2000, 4000, 8000, 16000]);
        double[] db = [.. density.Select(d => 10 * Math.Log10(d))];
        // Least-squares slope over the octave index.
        double meanX = (db.Length - 1) / 2.0, meanY = db.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < db.Length; i++)
        {
            sxy += (i - meanX) * (db[i] - meanY);
            sxx += (i - meanX) * (i - meanX);
        }

        Assert.InRange(sxy / sxx, slope - 0.4, slope + 0.4);
    }

    [Fact]
    public void ColouredNoiseIsStationaryFromTheFirstSample()
    {
        // Overlap-add leaves no gap or bump: every 10 ms block of white noise is near unit RMS.
        float[] noise = SyntheticNoise.Coloured(new Random(4), 3 * Rate, 0);
        for (int start = 0; start + 480 <= noise.Length; start += 480)
        {
            Assert.InRange(Rms(noise.AsSpan(start, 480)), 0.8, 1.2);
        }
    }

    [Fact]
    public void HumIsItsHarmonicSeries()
    {
        const double f0 = 100;
        float[] hum = SyntheticNoise.Hum(new Random(5), 2 * Rate, f0, harmonics: 8, rolloff: 1);
        Assert.Equal(1.0, Rms(hum), 3);
        // Power within ±3 Hz of k·f0 (k = 1..8), from a 1 Hz-resolution DFT of the second second.
        ReadOnlySpan<float> second = hum.AsSpan(Rate, Rate);
        double total = 0, harmonic = 0;
        for (int f = 20; f < 1500; f++)
        {
            double p = DftPower(second, f);
            total += p;
            double k = Math.Round(f / f0);
            if (k >= 1 && k <= 8 && Math.Abs(f - (k * f0)) <= 3)
            {
                harmonic += p;
            }
        }

        Assert.True(harmonic / total > 0.95, $"harmonic share {harmonic / total:F3}");
        // Amplitudes fall as 1/k: the fundamental is about 6 dB above the second harmonic.
        double ratio = 10 * Math.Log10(BandPower(second, 97, 103) / BandPower(second, 197, 203));
        Assert.InRange(ratio, 4.5, 7.5);
    }

    [Fact]
    public void ModulationIsASmoothAttenuationWithinItsDepth()
    {
        var random = new Random(6);
        float[] ones = [.. Enumerable.Repeat(1f, 10 * Rate)];
        SyntheticNoise.Modulate(random, ones, 12);
        double lowest = ones.Min(), highest = ones.Max();
        Assert.InRange(lowest, Math.Pow(10, -12 / 20.0) * 0.999, 1.0);
        Assert.InRange(highest, 0, 1.0);
        Assert.True(20 * Math.Log10(highest / lowest) > 3, "the level should move");
        // At most 12 dB over the shortest knot span (0.3 s): well under 0.01 dB per sample.
        for (int n = 1; n < ones.Length; n++)
        {
            Assert.True(Math.Abs(20 * Math.Log10(ones[n] / ones[n - 1])) < 0.01, $"jump at {n}");
        }
    }

    private static double Rms(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum / x.Length);
    }

    private static double[] OctaveDensities(float[] x, int[] edges)
    {
        const int n = 4096;
        var sums = new double[edges.Length - 1];
        int frames = 0;
        var frame = new float[n];
        for (int start = 0; start + n <= x.Length && frames < 20; start += n, frames++)
        {
            for (int i = 0; i < n; i++)
            {
                frame[i] = x[start + i] * (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * i / n)));
            }

            for (int b = 0; b < sums.Length; b++)
            {
                int lo = edges[b] * n / Rate, hi = edges[b + 1] * n / Rate;
                double power = 0;
                for (int k = lo; k < hi; k += 4)
                {
                    power += DftPower(frame, k * (double)Rate / n);
                }

                sums[b] += power / ((hi - lo + 3) / 4);
            }
        }

        return [.. sums.Select(s => s / frames)];
    }

    private static double BandPower(ReadOnlySpan<float> x, int fromHz, int toHz)
    {
        double sum = 0;
        for (int f = fromHz; f <= toHz; f++)
        {
            sum += DftPower(x, f);
        }

        return sum;
    }

    private static double DftPower(ReadOnlySpan<float> x, double frequency)
    {
        double re = 0, im = 0, w = 2 * Math.PI * frequency / Rate;
        for (int i = 0; i < x.Length; i++)
        {
            re += x[i] * Math.Cos(w * i);
            im -= x[i] * Math.Sin(w * i);
        }

        return (re * re) + (im * im);
    }
}
