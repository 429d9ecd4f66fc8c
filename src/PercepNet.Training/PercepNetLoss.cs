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
        Tensor g = (gains + Epsilon).sqrt() - (targetGains + Epsilon).sqrt();
        Tensor r = (1 - strengths + Epsilon).sqrt() - (1 - targetStrengths + Epsilon).sqrt();
        Tensor g2 = g * g;
        Tensor perBand = g2 + (10 * g2 * g2) + (r * r);
        Tensor loss = (perBand * mask).sum() / (mask.sum() + 1e-9);
        return loss.MoveToOuterDisposeScope();
    }
}
