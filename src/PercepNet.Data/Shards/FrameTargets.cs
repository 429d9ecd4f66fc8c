using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Features;
using PercepNet.Oracle;

namespace PercepNet.Data.Shards;

/// <summary>How the comb strength targets are computed.</summary>
internal enum StrengthRule
{
    /// <summary>DESIGN §6 (coherence matching; r = 1 with extra attenuation when the comb falls short).</summary>
    Coherence,

    /// <summary>Least squares against the clean spectrum (see docs/ORACLES.md).</summary>
    LeastSquares,
}

/// <summary>Where a band's target starts to be defined, given the speech's bandwidth.</summary>
internal enum BandCoverage
{
    /// <summary>From the band's lower edge (the previous band's centre) up: a band the speech enters at all.</summary>
    LowerEdge,

    /// <summary>
    /// From the band's centre up: the speech covers the band's lower half and its peak, so a clip that stops inside a
    /// band (16 kHz speech in the band centred at 17.8 kHz) does not teach it that speech has nothing there.
    /// </summary>
    Centre,
}

/// <summary>
/// Turns a (noisy, target) pair into per-frame network inputs and targets with the very chain inference uses: at
/// hop t, the 70 features of <see cref="FeatureExtractor"/> and the targets of frame t − 2 (gains, strengths, and a
/// mask that is 0 where the target is undefined: silent noisy bands and bands above the speech's bandwidth).
/// </summary>
internal sealed class FrameTargets(StrengthRule rule = StrengthRule.Coherence, BandCoverage coverage = BandCoverage.LowerEdge)
{
    private readonly FrameAnalyzer _noisy = new();
    private readonly FrameAnalyzer _clean = new();
    private readonly ComplexF[] _a = new ComplexF[FrameLayout.BinCount];
    private readonly ComplexF[] _b = new ComplexF[FrameLayout.BinCount];
    private readonly float[] _numerator = new float[ErbBands.Count];

    public static int FrameCount(int samples) => samples / FrameLayout.HopSize;

    /// <summary>Fills [frames × 70] features and [frames × 34] gains, strengths and mask.</summary>
    public void Compute(ReadOnlySpan<float> noisy, ReadOnlySpan<float> target, double speechBandwidthHz,
        Span<float> features, Span<float> gains, Span<float> strengths, Span<float> mask)
    {
        _noisy.Reset();
        _clean.Reset();
        int frames = FrameCount(noisy.Length);
        int firstMaskedBand = FirstBandAbove(speechBandwidthHz, coverage);
        const int B = ErbBands.Count;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> noisyHop = noisy.Slice(t * FrameLayout.HopSize, FrameLayout.HopSize);
            _noisy.Push(noisyHop);
            _clean.Push(target.Slice(t * FrameLayout.HopSize, FrameLayout.HopSize));
            FeatureExtractor.Extract(_noisy, features.Slice(t * FeatureExtractor.Count, FeatureExtractor.Count));
            Span<float> g = gains.Slice(t * B, B), r = strengths.Slice(t * B, B), m = mask.Slice(t * B, B);
            OracleTargets.Compute(_clean, _noisy, g, r, m);
            if (rule == StrengthRule.LeastSquares)
            {
                OracleTargets.LeastSquaresStrengths(_clean.Spectrum, _noisy.Spectrum, _noisy.CombSpectrum, _a, _b, _numerator, r);
                ReadOnlySpan<float> ex = _clean.BandEnergies, ey = _noisy.BandEnergies;
                for (int b = 0; b < B; b++)
                {
                    g[b] = m[b] > 0 ? MathF.Min(1f, MathF.Sqrt(ex[b] / ey[b])) : 0f;
                }
            }

            for (int b = firstMaskedBand; b < B; b++)
            {
                m[b] = 0f;
            }

            // The first frames see the zeros before the segment, not the segment: no target there.
            if (t < FrameLayout.LookaheadFrames)
            {
                m.Clear();
            }
        }
    }

    /// <summary>
    /// First band the bandwidth does not cover: with <see cref="BandCoverage.LowerEdge"/>, the first whose lower edge (the
    /// previous band's centre) lies at or above it; with <see cref="BandCoverage.Centre"/>, the first whose centre does.
    /// </summary>
    internal static int FirstBandAbove(double bandwidthHz, BandCoverage coverage = BandCoverage.LowerEdge)
    {
        for (int b = 1; b < ErbBands.Count; b++)
        {
            double edgeHz = ErbBands.CentreHz(coverage == BandCoverage.Centre ? b : b - 1);
            if (coverage == BandCoverage.Centre ? edgeHz > bandwidthHz : edgeHz >= bandwidthHz)
            {
                return b;
            }
        }

        return ErbBands.Count;
    }
}
