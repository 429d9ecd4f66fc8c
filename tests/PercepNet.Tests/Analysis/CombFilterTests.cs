using PercepNet.Analysis;

namespace PercepNet.Tests.Analysis;

public class CombFilterTests
{
    [Fact]
    public void TapsAreNormalisedHannWeights()
    {
        Assert.Equal([1 / 12f, 1 / 4f, 1 / 3f, 1 / 4f, 1 / 12f], CombFilter.Taps(240).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Equal([0.3f, 0.4f, 0.3f], CombFilter.Taps(600).ToArray(), new ToleranceComparer(1e-6f));
        Assert.Equal(0.25f, CombFilter.NoisePowerGain(240), 6);
        Assert.Equal(0.34f, CombFilter.NoisePowerGain(600), 6);
    }

    private static double Gain(double frequency, int period)
    {
        int reach = 2 * period, n = 48000;
        var x = new float[n + (2 * reach)];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Math.Sin(2 * Math.PI * frequency * i / 48000);
        }

        var y = new float[n];
        CombFilter.Apply(x, reach, period, y);
        return Math.Sqrt(SyntheticSignals.Power(y) / SyntheticSignals.Power(x.AsSpan(reach, n)));
    }

    [Fact]
    public void ResponseAtPeriod240PeaksAtTheHarmonicsOf200Hz()
    {
        for (int h = 1; h <= 10; h++)
        {
            Assert.Equal(1.0, Gain(200 * h, 240), 3);
            // Half-way between harmonics the response is a0 − 2a1 + 2a2 = 0.
            Assert.True(Gain((200 * h) + 100, 240) < 0.01, $"{(200 * h) + 100} Hz");
            // And every harmonic is a local maximum.
            Assert.True(Gain((200 * h) + 20, 240) < 1.0 && Gain((200 * h) - 20, 240) < 1.0);
        }
    }

    [Theory]
    [InlineData(240)]
    [InlineData(97)]
    [InlineData(700)]
    public void WhiteNoisePowerGainIsTheSumOfSquaredTaps(int period)
    {
        int reach = 2 * period, n = 480000;
        float[] x = SyntheticSignals.WhiteNoise(n + (2 * reach), period);
        var y = new float[n];
        CombFilter.Apply(x, reach, period, y);
        double gain = SyntheticSignals.Power(y) / SyntheticSignals.Power(x.AsSpan(reach, n));
        Assert.Equal(CombFilter.NoisePowerGain(period), gain, 2);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => MathF.Abs(a - b) <= tolerance;

        public int GetHashCode(float value) => 0;
    }
}
