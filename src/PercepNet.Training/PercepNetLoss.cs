using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// The loss of SPEC §7 with γ = ½: Σ_b m·[(g^γ − ĝ^γ)² + 10·(g^γ − ĝ^γ)⁴ + ((1 − r)^γ − (1 − r̂)^γ)²], averaged over the
/// defined (mask = 1) band values; ε inside the roots keeps the gradients finite at 0.
/// </summary>
public static class PercepNetLoss
{
    private const double Epsilon = 1e-6;

    public static Tensor Compute(Tensor gains, Tensor strengths, Tensor targetGains, Tensor targetStrengths, Tensor mask)
    {
        using var scope = NewDisposeScope();

        // Scalars held until the end, never converted implicitly (see AdamOptimizer for why).
        using Scalar epsilon = Epsilon, one = 1.0, ten = 10.0, tiny = 1e-9;
        Tensor g = (gains + epsilon).sqrt() - (targetGains + epsilon).sqrt();
        Tensor r = (one - strengths + epsilon).sqrt() - (one - targetStrengths + epsilon).sqrt();
        Tensor g2 = g * g;
        Tensor perBand = g2 + (ten * g2 * g2) + (r * r);
        Tensor loss = (perBand * mask).sum() / (mask.sum() + tiny);
        return loss.MoveToOuterDisposeScope();
    }
}
