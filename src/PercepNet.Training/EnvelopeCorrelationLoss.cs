using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// An intelligibility-aimed training term (a training option, not in DESIGN), after STOI (Taal et al., 2011): in the
/// bands STOI hears (centres 150 Hz to 4.35 kHz: bands 3–20) and over windows of 30 frames (300 ms, every 10 frames),
/// the correlation between the band amplitude envelope the estimated gains give, ĝ·A, and the one the target gains
/// give, g·A (A: the noisy band amplitude of the frame). The term is 1 − the mean correlation over the windows with
/// speech (within 40 dB of the segment's loudest), so it is 0 when every envelope has its target's shape, whatever its
/// scale: it asks for the rises and falls of speech (onsets, weak consonants between vowels) to be kept, which the
/// per-frame loss weighs by their small energy.
/// </summary>
internal static class EnvelopeCorrelationLoss
{
    public const int Window = 30;
    public const int Hop = 10;
    public const int FirstBand = 3;
    public const int LastBand = 20;

    /// <param name="gains">Estimated gains [batch, frames, 34].</param>
    /// <param name="targetGains">Target gains, same shape.</param>
    /// <param name="mask">1 where the target is defined, same shape.</param>
    /// <param name="noisyLogEnergies">The same frames' noisy band log-energies, log10(E·κ + 10⁻²) as the features hold them.</param>
    public static Tensor Compute(Tensor gains, Tensor targetGains, Tensor mask, Tensor noisyLogEnergies)
    {
        using var scope = NewDisposeScope();
        using Scalar tiny = 1e-12, one = 1.0, quiet = 1e-4, flat = 1e-6;
        const long Bands = LastBand - FirstBand + 1;
        Tensor amplitude = NoisyBandEnergy.FromLogFeatures(noisyLogEnergies.narrow(2, FirstBand, Bands)).sqrt();
        Tensor m = mask.narrow(2, FirstBand, Bands);
        Tensor estimated = (gains.narrow(2, FirstBand, Bands) * amplitude * m).unfold(1, Window, Hop);   // [B, W, bands, 30]
        Tensor target = (targetGains.narrow(2, FirstBand, Bands) * amplitude * m).unfold(1, Window, Hop);
        Tensor e = estimated - estimated.mean([-1], keepdim: true);
        Tensor t = target - target.mean([-1], keepdim: true);
        Tensor covariance = (e * t).sum(-1);
        Tensor targetVariance = (t * t).sum(-1);
        Tensor correlation = covariance / ((e * e).sum(-1) * targetVariance + tiny).sqrt();               // [B, W, bands]

        // Windows with speech: target energy within 40 dB of the segment's loudest window; bands whose target moves.
        Tensor windowEnergy = (target * target).sum([-1, -2]);                                                  // [B, W]
        Tensor loudest = windowEnergy.amax([1], keepdim: true);
        Tensor speech = windowEnergy.gt(quiet * loudest).unsqueeze(-1);
        Tensor moving = targetVariance.gt(flat * loudest.unsqueeze(-1));
        Tensor weight = speech.logical_and(moving).to_type(correlation.dtype).detach();
        Tensor loss = one - ((correlation * weight).sum() / (weight.sum() + tiny));
        return loss.MoveToOuterDisposeScope();
    }
}
