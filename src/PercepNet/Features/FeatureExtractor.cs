using PercepNet.Analysis;
using PercepNet.Dsp;

namespace PercepNet.Features;

/// <summary>
/// The 70 network inputs of DESIGN §5, computed the same way for training and inference:
/// [0, 34) log10(E_b·κ + 10⁻²) of the newest window (look-ahead), κ = (32768/960)² so that energies are those
/// of 16-bit-scaled samples through a 1/N-normalised FFT (RNNoise's convention);
/// [34, 68) the band pitch coherences q_b of frame ℓ; [68] 0.01·(T − 300); [69] the pitch correlation.
/// </summary>
internal static class FeatureExtractor
{
    public const int Count = (2 * ErbBands.Count) + 2;

    /// <summary>Bumped whenever any feature's definition changes; stored with datasets and models.</summary>
    public const int Version = 1;

    public const float EnergyScale = (32768f / FrameLayout.WindowSize) * (32768f / FrameLayout.WindowSize);

    public static void Extract(FrameAnalyzer frame, Span<float> features)
    {
        if (features.Length != Count)
        {
            throw new ArgumentException($"Expected {Count} features.", nameof(features));
        }

        ReadOnlySpan<float> energies = frame.NewestBandEnergies;
        for (int b = 0; b < ErbBands.Count; b++)
        {
            features[b] = MathF.Log10((energies[b] * EnergyScale) + 1e-2f);
        }

        frame.Coherence.CopyTo(features.Slice(ErbBands.Count, ErbBands.Count));
        features[2 * ErbBands.Count] = 0.01f * (frame.Period - 300);
        features[(2 * ErbBands.Count) + 1] = frame.PitchCorrelation;
    }
}
