using PercepNet.Analysis;
using PercepNet.Gains;

namespace PercepNet.Tests.Gains;

public class GainTests
{
    [Fact]
    public void PostfilterLeavesUnitGainsAlone()
    {
        var gains = Enumerable.Repeat(1f, ErbBands.Count).ToArray();
        var energies = Enumerable.Range(1, ErbBands.Count).Select(b => (float)b).ToArray();
        var output = new float[ErbBands.Count];
        EnvelopePostfilter.Apply(gains, energies, output);
        Assert.All(output, g => Assert.Equal(1f, g, 5));
    }

    [Fact]
    public void PostfilterGlobalGainPeaksAtAbout5Point6Db()
    {
        float beta = EnvelopePostfilter.DefaultBeta;
        double atPeak = EnvelopePostfilter.GlobalGain(1 / Math.Sqrt(beta), 1, beta);
        Assert.Equal(Math.Sqrt((1 + beta) / (2 * Math.Sqrt(beta))), atPeak, 5);
        Assert.Equal(5.57, 20 * Math.Log10(atPeak), 2);
        for (double ratio = 1; ratio < 1000; ratio *= 1.3)
        {
            Assert.True(EnvelopePostfilter.GlobalGain(ratio, 1, beta) <= atPeak + 1e-6);
        }
    }

    [Fact]
    public void PostfilterAttenuatesNoisyBandsMoreThanCleanOnes()
    {
        var gains = Enumerable.Range(0, ErbBands.Count).Select(b => b % 2 == 0 ? 0.95f : 0.2f).ToArray();
        var energies = Enumerable.Repeat(1f, ErbBands.Count).ToArray();
        var output = new float[ErbBands.Count];
        EnvelopePostfilter.Apply(gains, energies, output);
        Assert.True(output[1] / output[0] < gains[1] / gains[0]);
    }

    [Theory]
    [InlineData(0.9f, 0.3f, 0.25f)]
    [InlineData(0.7f, 0.6f, 0.25f)]
    [InlineData(0.5f, 0.45f, 0.34f)]
    public void StrengthSolvesTheCoherenceEquation(float qx, float qy, float sigma2)
    {
        float r = OracleTargets.Strength(qx, qy, sigma2, out float attenuation);
        float qp = qy / MathF.Sqrt((qy * qy) + (sigma2 * (1 - (qy * qy))));
        if (qp < qx)
        {
            Assert.Equal(1f, r);
            Assert.True(attenuation < 1f);
            return;
        }

        Assert.Equal(1f, attenuation);
        float alpha = r / (1 - r);
        float a = (qp * qp) - (qx * qx), b = qp * qy * (1 - (qx * qx)), c = (qx * qx) - (qy * qy);
        Assert.Equal(0f, (a * alpha * alpha) + (2 * b * alpha) - c, 4);
    }

    [Fact]
    public void NoStrengthWhenTheNoisyIsAlreadyAsPeriodicAsTheClean()
    {
        Assert.Equal(0f, OracleTargets.Strength(0.5f, 0.5f, 0.25f, out _));
        Assert.Equal(0f, OracleTargets.Strength(0.3f, 0.8f, 0.25f, out _));
        Assert.Equal(1f, OracleTargets.Strength(0.9f, 0f, 0.25f, out float attenuation));
        Assert.Equal(MathF.Sqrt((1.03f - 0.81f) / 1.03f), attenuation, 5);
    }

    [Fact]
    public void IdenticalCleanAndNoisyGiveUnitGainsAndNoComb()
    {
        var clean = new FrameAnalyzer();
        var noisy = new FrameAnalyzer();
        float[] signal = SyntheticSignals.Voiced([new(1.0, 150, 180)], 5).Signal;
        var gains = new float[ErbBands.Count];
        var strengths = new float[ErbBands.Count];
        var mask = new float[ErbBands.Count];
        for (int t = 0; t + 480 <= signal.Length; t += 480)
        {
            clean.Push(signal.AsSpan(t, 480));
            noisy.Push(signal.AsSpan(t, 480));
            OracleTargets.Compute(clean, noisy, gains, strengths, mask);
            for (int b = 0; b < ErbBands.Count; b++)
            {
                if (mask[b] > 0)
                {
                    Assert.Equal(1f, gains[b], 4);
                    Assert.Equal(0f, strengths[b], 4);
                }
            }
        }
    }
}
