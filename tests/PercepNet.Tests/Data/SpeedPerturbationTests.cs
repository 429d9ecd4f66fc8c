using PercepNet.Data.Mixing;

namespace PercepNet.Tests.Data;

/// <summary>Speed perturbation: a tone played faster is higher and shorter by the same factor, and not distorted.</summary>
public sealed class SpeedPerturbationTests
{
    [Theory]
    [InlineData(1.1)]
    [InlineData(0.9)]
    [InlineData(1.15)]
    public void AToneComesOutAtFactorTimesItsFrequencyAndOneOverFactorItsLength(double requested)
    {
        const int rate = 48000;
        const double f0 = 200;
        var tone = new float[rate];
        for (int i = 0; i < tone.Length; i++)
        {
            tone[i] = 0.5f * (float)Math.Sin(2 * Math.PI * f0 * i / rate);
        }

        (float[] played, double factor) = MixtureGenerator.ChangeSpeed(tone, requested);

        Assert.InRange(factor, requested * 0.999, requested * 1.001);
        Assert.InRange(played.Length, (rate / factor) - 2, (rate / factor) + 2);
        Assert.InRange(ZeroCrossingFrequency(played, rate, 2000, played.Length - 2000), f0 * factor * 0.999, f0 * factor * 1.001);

        // Band-limited resampling keeps a sine a sine: the amplitude away from the ends stays 0.5.
        float peak = 0;
        for (int i = 2000; i < played.Length - 2000; i++)
        {
            peak = Math.Max(peak, Math.Abs(played[i]));
        }

        Assert.InRange(peak, 0.49f, 0.51f);
    }

    [Fact]
    public void FactorOneReturnsTheInputUnchanged()
    {
        float[] input = [0.1f, -0.2f, 0.3f];
        (float[] played, double factor) = MixtureGenerator.ChangeSpeed(input, 1.0001);
        Assert.Equal(1.0, factor);
        Assert.Same(input, played);
    }

    /// <summary>Frequency from the first and last upward zero crossings (linearly interpolated) between two indices.</summary>
    private static double ZeroCrossingFrequency(float[] x, int rate, int from, int to)
    {
        double first = double.NaN, last = double.NaN;
        int count = 0;
        for (int i = from; i < to; i++)
        {
            if (x[i - 1] < 0 && x[i] >= 0)
            {
                double t = i - 1 + (x[i - 1] / (x[i - 1] - x[i]));
                if (count == 0)
                {
                    first = t;
                }

                last = t;
                count++;
            }
        }

        return (count - 1) * rate / (last - first);
    }
}
