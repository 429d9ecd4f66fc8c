using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// The loss of DESIGN §7 with γ = ½: Σ_b m·[(g^γ − ĝ^γ)² + 10·(g^γ − ĝ^γ)⁴ + ((1 − r)^γ − (1 − r̂)^γ)²], averaged over the
/// defined (mask = 1) band values; ε inside the roots keeps the gradients finite at 0.
/// <para>With an over-attenuation weight w > 0 (not in DESIGN; a training option), the gain terms of bands where the
/// estimate is below the target (ĝ &lt; g: speech removed) count 1 + w times, after the over-attenuation term of
/// PercepNet+ (Ge et al., 2022): a suppressor that errs towards keeping speech loses less intelligibility and
/// naturalness than one that errs towards removing it.</para>
/// <para>Band-balanced (a training option, not in DESIGN): each band's terms are averaged over that band's own defined
/// values first, then the bands are averaged, so that a band defined in few frames (the top bands, masked above the
/// bandwidth of most training speech) weighs as much as one defined everywhere.</para>
/// </summary>
internal static class PercepNetLoss
{
    private const double Epsilon = 1e-6;

    public static Tensor Compute(Tensor gains, Tensor strengths, Tensor targetGains, Tensor targetStrengths, Tensor mask,
        double overAttenuation = 0, bool balanceBands = false)
    {
        if (!(overAttenuation >= 0) || double.IsInfinity(overAttenuation))
        {
            throw new ArgumentOutOfRangeException(nameof(overAttenuation), "The over-attenuation weight is a non-negative number.");
        }

        using var scope = NewDisposeScope();

        // Scalars held until the end, never converted implicitly (see AdamOptimizer for why).
        using Scalar epsilon = Epsilon, one = 1.0, ten = 10.0, tiny = 1e-9;
        Tensor g = (gains + epsilon).sqrt() - (targetGains + epsilon).sqrt();
        Tensor r = (one - strengths + epsilon).sqrt() - (one - targetStrengths + epsilon).sqrt();
        Tensor g2 = g * g;
        Tensor perBand = g2 + (ten * g2 * g2) + (r * r);
        if (overAttenuation > 0)
        {
            using Scalar weight = overAttenuation, zero = 0.0;
            Tensor under = g.clamp_max(zero); // ĝ^γ − g^γ where negative
            Tensor under2 = under * under;
            perBand = perBand + (weight * (under2 + (ten * under2 * under2)));
        }

        Tensor loss = balanceBands ? BandBalancedMean(perBand, mask) : (perBand * mask).sum() / (mask.sum() + tiny);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each band's mean of <paramref name="values"/> over everything but the last (band) dimension, weighted by
    /// <paramref name="weight"/> (same shape), then the mean over the bands with any weight.
    /// </summary>
    public static Tensor BandBalancedMean(Tensor values, Tensor weight)
    {
        using var scope = NewDisposeScope();
        using Scalar zero = 0.0, tiny = 1e-9;
        long[] dims = [.. Enumerable.Range(0, (int)weight.dim() - 1).Select(d => (long)d)];
        Tensor count = weight.sum(dims);
        Tensor perBandMean = (values * weight).sum(dims) / (count + tiny);
        Tensor defined = count.gt(zero).to_type(perBandMean.dtype);
        return (perBandMean.sum() / (defined.sum() + tiny)).MoveToOuterDisposeScope();
    }
}
