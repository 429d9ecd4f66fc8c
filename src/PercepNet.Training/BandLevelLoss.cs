using PercepNet.Analysis;
using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// A band-level training term (a training option, not in DESIGN): over windows of 30 frames (300 ms, every 10 frames)
/// and in every band, the log ratio of the output energy the estimated gains give, Σ ĝ²·E, to the one the target
/// gains give, Σ g²·E (E: the noisy band energy of the frame; the target's is the clean speech energy), through a
/// Huber function (quadratic within e¹ ≈ 4.3 dB, linear beyond), averaged per band over the windows where that band
/// carries speech (within 30 dB of its loudest window in the segment), then over the bands.
/// <para>Why: the per-frame loss compares square roots of gains, so where the speech in a band is buried under the
/// noise and the network cannot tell in which frames it is, the gain it learns is the mean of the roots, far below
/// the root of the mean energy ratio: such a band comes out tens of dB below the speech's own level (the top octave
/// in heavy rain). The level term asks for the band's energy over 300 ms to be the speech's, whatever the frame-by-frame
/// shape.</para>
/// </summary>
internal static class BandLevelLoss
{
    public const int Window = 30;
    public const int Hop = 10;

    /// <summary>Windows whose target energy lies within this many dB of the band's loudest window count.</summary>
    public const double SpeechRangeDb = 30;

    /// <summary>The output energy is floored at this many dB below the target's, which bounds the term.</summary>
    public const double FloorDb = 30;

    /// <summary>Bands whose centre lies at or above this frequency form the top bands that can be weighted apart.</summary>
    public const double TopBandsFromHz = 8000;

    /// <summary>
    /// Per-band weights of the term: <paramref name="weight"/> in the bands centred below 8 kHz and
    /// <paramref name="topWeight"/> in those centred at or above it, which no 16 kHz measure (STOI, DNSMOS) sees.
    /// </summary>
    public static float[] BandWeights(double weight, double topWeight)
    {
        var weights = new float[ErbBands.Count];
        for (int b = 0; b < weights.Length; b++)
        {
            weights[b] = (float)(ErbBands.CentreHz(b) >= TopBandsFromHz ? topWeight : weight);
        }

        return weights;
    }

    /// <param name="gains">Estimated gains [batch, frames, 34].</param>
    /// <param name="targetGains">Target gains, same shape.</param>
    /// <param name="mask">1 where the target is defined, same shape.</param>
    /// <param name="noisyLogEnergies">The same frames' noisy band log-energies, log10(E·κ + 10⁻²) as the features hold them.</param>
    /// <param name="bandWeights">Each band's weight (34 values, see <see cref="BandWeights"/>); null weighs every band 1.</param>
    public static Tensor Compute(Tensor gains, Tensor targetGains, Tensor mask, Tensor noisyLogEnergies, float[]? bandWeights = null)
    {
        using var scope = NewDisposeScope();
        double floorRatio = Math.Pow(10, -FloorDb / 10);
        using Scalar tiny = 1e-12, one = 1.0, half = 0.5, floor = floorRatio, onePlusFloor = 1 + floorRatio,
            range = Math.Pow(10, -SpeechRangeDb / 10), defined = Window / 2.0;
        Tensor energy = NoisyBandEnergy.FromLogFeatures(noisyLogEnergies);
        Tensor estimated = (gains * gains * energy * mask).unfold(1, Window, Hop).sum(-1);                 // [B, W, bands]
        Tensor target = (targetGains * targetGains * energy * mask).unfold(1, Window, Hop).sum(-1).detach();
        Tensor definedFrames = mask.unfold(1, Window, Hop).sum(-1);

        Tensor ratio = ((estimated + (floor * target) + tiny) / ((target * onePlusFloor) + tiny)).log();
        Tensor magnitude = ratio.abs();
        Tensor huber = torch.where(magnitude.lt(one), half * ratio * ratio, magnitude - half);

        Tensor loudest = target.amax([1], keepdim: true);
        Tensor speech = target.gt(range * loudest).logical_and(target.gt(tiny)).logical_and(definedFrames.ge(defined));
        Tensor weight = speech.to_type(huber.dtype).detach();
        if (bandWeights is not null)
        {
            huber = huber * torch.tensor(bandWeights, dtype: huber.dtype, device: huber.device);
        }

        return PercepNetLoss.BandBalancedMean(huber, weight).MoveToOuterDisposeScope();
    }
}
