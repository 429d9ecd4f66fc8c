using PercepNet.Evaluation.Metrics;

namespace PercepNet.Tests.Evaluation;

/// <summary>Properties every implementation of these metrics must have, on signals the test makes itself.</summary>
public class MetricPropertyTests
{
    private static float[] Speech() => SyntheticSignals.Voiced(
        [new(0.8, 120, 160), new(0.6, 200, 170), new(0.9, 140, 110)], 21, gapSeconds: 0.15).Signal;

    [Fact]
    public void StoiOfASignalWithItselfIsOne()
    {
        float[] x = Speech();
        Assert.Equal(1.0, Stoi.Compute(x, x, 48000), 6);
        Assert.Equal(1.0, Stoi.Compute(x, x, 48000, extended: true), 6);
    }

    [Fact]
    public void ScoresFallMonotonicallyAsWhiteNoiseIsAdded()
    {
        float[] x = Speech();
        float[] noise = SyntheticSignals.WhiteNoise(x.Length, 22);
        double previousStoi = 1.01, previousEstoi = 1.01, previousSdr = double.PositiveInfinity;
        foreach (double snr in new[] { 30.0, 20, 10, 0 })
        {
            float[] y = SyntheticSignals.Mix(x, noise, snr);
            double stoi = Stoi.Compute(x, y, 48000);
            double estoi = Stoi.Compute(x, y, 48000, extended: true);
            double sdr = SignalMetrics.SiSdr(x, y);
            Assert.True(stoi < previousStoi && estoi < previousEstoi && sdr < previousSdr, $"{snr} dB: {stoi} {estoi} {sdr}");
            Assert.InRange(sdr, snr - 1, snr + 1);
            (previousStoi, previousEstoi, previousSdr) = (stoi, estoi, sdr);
        }
    }

    [Fact]
    public void ScalingTheDegradedSignalChangesNothing()
    {
        float[] x = Speech();
        float[] y = SyntheticSignals.Mix(x, SyntheticSignals.WhiteNoise(x.Length, 23), 5);
        float[] half = [.. y.Select(v => v * 0.5f)];
        Assert.Equal(Stoi.Compute(x, y, 48000), Stoi.Compute(x, half, 48000), 9);
        Assert.Equal(Stoi.Compute(x, y, 48000, true), Stoi.Compute(x, half, 48000, true), 9);
        Assert.Equal(SignalMetrics.SiSdr(x, y), SignalMetrics.SiSdr(x, half), 6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(137)]
    [InlineData(-55)]
    [InlineData(2400)]
    public void DelayIsFoundByCrossCorrelation(int delay)
    {
        float[] x = Speech();
        float[] y = DelayEstimator.Compensate(x, -delay); // y(n) = x(n − delay)
        Assert.Equal(delay, DelayEstimator.Estimate(x, y, 4800));
    }

    [Fact]
    public void SegmentalSnrIsClampedPerFrame()
    {
        float[] x = Speech();
        Assert.Equal(35, SignalMetrics.SegmentalSnr(x, x, 48000), 6);
        Assert.Equal(-10, SignalMetrics.SegmentalSnr(x, [.. x.Select(v => -v * 20)], 48000), 6);
    }
}
