using PercepNet.Analysis;

namespace PercepNet.Gains;

/// <summary>
/// The envelope postfilter of DESIGN §6 (inference only): warped gains g_w = g·sin(π/2·g) push noisy bands down
/// while leaving clean ones, and a global gain G = √((1 + β)(E0/E1) / (1 + β(E0/E1)²)) restores part of the
/// energy, E0 = Σ g²E_b and E1 = Σ g_w²E_b. The result is the band magnitude ratio G·g_w (at most about +5.6 dB).
/// </summary>
internal static class EnvelopePostfilter
{
    public const float DefaultBeta = 0.02f;

    public static void Apply(ReadOnlySpan<float> gains, ReadOnlySpan<float> bandEnergies, Span<float> output,
        float beta = DefaultBeta)
    {
        if (gains.Length != ErbBands.Count || bandEnergies.Length != ErbBands.Count || output.Length != ErbBands.Count)
        {
            throw new ArgumentException($"Expected {ErbBands.Count} bands.");
        }

        double e0 = 0, e1 = 0;
        for (int b = 0; b < ErbBands.Count; b++)
        {
            float g = gains[b];
            float warped = g * MathF.Sin(0.5f * MathF.PI * g);
            output[b] = warped;
            e0 += g * g * (double)bandEnergies[b];
            e1 += warped * warped * (double)bandEnergies[b];
        }

        float global = GlobalGain(e0, e1, beta);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            output[b] *= global;
        }
    }

    /// <summary>G for the energy ratio E0/E1 (1 when there is no energy).</summary>
    public static float GlobalGain(double e0, double e1, float beta)
    {
        if (!(e1 > 1e-30) || !(e0 > 0))
        {
            return 1f;
        }

        double ratio = e0 / e1;
        return (float)Math.Sqrt((1 + beta) * ratio / (1 + (beta * ratio * ratio)));
    }
}
