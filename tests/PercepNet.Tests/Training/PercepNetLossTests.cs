using PercepNet.Training;
using static TorchSharp.torch;

namespace PercepNet.Tests.Training;

public class PercepNetLossTests
{
    // One frame of four bands: estimate above, below, equal to the target, and a masked band.
    private static readonly float[] Gains = [0.8f, 0.1f, 0.5f, 0.9f], TargetGains = [0.4f, 0.6f, 0.5f, 0.0f];
    private static readonly float[] Strengths = [0.3f, 0.9f, 0.0f, 0.5f], TargetStrengths = [0.5f, 0.2f, 0.0f, 1.0f];
    private static readonly float[] Mask = [1, 1, 1, 0];

    /// <summary>DESIGN §7 written out per band in double precision, with the over-attenuation weight on ĝ &lt; g.</summary>
    private static double Reference(double overAttenuation)
    {
        double sum = 0, count = 0;
        for (int b = 0; b < Gains.Length; b++)
        {
            double dg = Math.Sqrt(Gains[b] + 1e-6) - Math.Sqrt(TargetGains[b] + 1e-6);
            double dr = Math.Sqrt(1 - Strengths[b] + 1e-6) - Math.Sqrt(1 - TargetStrengths[b] + 1e-6);
            double gainTerm = (dg * dg) + (10 * Math.Pow(dg, 4));
            sum += Mask[b] * (((dg < 0 ? 1 + overAttenuation : 1) * gainTerm) + (dr * dr));
            count += Mask[b];
        }

        return sum / count;
    }

    private static double Loss(double overAttenuation)
    {
        using var scope = NewDisposeScope();
        Tensor T(float[] values) => tensor(values).reshape(1, 1, values.Length);
        return PercepNetLoss.Compute(T(Gains), T(Strengths), T(TargetGains), T(TargetStrengths), T(Mask), overAttenuation).item<float>();
    }

    [SkippableTheory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void MatchesTheFormulaBandByBand(double overAttenuation)
    {
        TorchParityTests.RequireTorch();
        double expected = Reference(overAttenuation);
        Assert.True(Math.Abs(Loss(overAttenuation) - expected) < 1e-6 * expected, $"{Loss(overAttenuation)} vs {expected}");
    }

    [SkippableFact]
    public void OverAttenuationWeighsOnlyBandsBelowTheirTarget()
    {
        TorchParityTests.RequireTorch();

        // Band 1 is the only one under its target, so the difference is w times its gain term alone.
        double dg = Math.Sqrt(0.1 + 1e-6) - Math.Sqrt(0.6 + 1e-6);
        double band1 = ((dg * dg) + (10 * Math.Pow(dg, 4))) / 3;
        Assert.True(Math.Abs(Loss(2) - Loss(0) - (2 * band1)) < 1e-5, $"{Loss(2) - Loss(0)} vs {2 * band1}");
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss(-1));
    }

    [SkippableFact]
    public void BandBalancedLossAveragesEachBandOverItsOwnDefinedFramesThenOverBands()
    {
        TorchParityTests.RequireTorch();

        // Three frames of two bands: band 0 defined in all three, band 1 only in the last.
        float[] gains = [0.2f, 0.5f, 0.4f, 0.5f, 0.9f, 0.1f], targets = [0.3f, 0.0f, 0.4f, 0.0f, 0.5f, 0.6f];
        float[] strengths = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], mask = [1, 0, 1, 0, 1, 1];
        double Term(int i)
        {
            double dg = Math.Sqrt(gains[i] + 1e-6) - Math.Sqrt(targets[i] + 1e-6);
            return (dg * dg) + (10 * Math.Pow(dg, 4));
        }

        double balanced = (((Term(0) + Term(2) + Term(4)) / 3) + Term(5)) / 2;
        double plain = (Term(0) + Term(2) + Term(4) + Term(5)) / 4;
        using var scope = NewDisposeScope();
        Tensor T(float[] values) => tensor(values).reshape(1, 3, 2);
        double Loss(bool balance) => PercepNetLoss.Compute(T(gains), T(strengths), T(targets), T(strengths), T(mask), 0, balance).item<float>();
        Assert.True(Math.Abs(Loss(true) - balanced) < 1e-6 * balanced, $"{Loss(true)} vs {balanced}");
        Assert.True(Math.Abs(Loss(false) - plain) < 1e-6 * plain, $"{Loss(false)} vs {plain}");
    }
}
