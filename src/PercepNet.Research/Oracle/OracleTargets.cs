using PercepNet.Analysis;
using PercepNet.Dsp;

namespace PercepNet.Oracle;

/// <summary>
/// Ideal band gains and comb strengths of DESIGN §6, from the clean and the noisy frame analysed by the same
/// chain. g_b = √(E_clean/E_noisy) in [0, 1]; r_b solves a·α² + 2b·α − c = 0 (α = r/(1 − r)) so that the
/// mixture's coherence matches the clean one; where the comb cannot reach the clean periodicity, r_b = 1
/// and the gain takes the extra attenuation √((1 + n0 − q_x²)/(1 + n0 − q_p̂²)). The mask is 0 where the
/// gain is undefined (no energy in the noisy band).
/// </summary>
internal static class OracleTargets
{
    /// <summary>Noise-masking-tone threshold n0 (≈ −15 dB).</summary>
    public const float MaskingThreshold = 0.03f;

    /// <summary>Band energy (in the spectrum's units, samples in [−1, 1]) below which a band counts as silent.</summary>
    public const float SilentBandEnergy = 1e-9f;

    public static void Compute(FrameAnalyzer clean, FrameAnalyzer noisy, Span<float> gains, Span<float> strengths,
        Span<float> mask)
    {
        Compute(clean.BandEnergies, clean.Coherence, noisy.BandEnergies, noisy.Coherence, noisy.CombNoisePowerGain,
            gains, strengths, mask);
    }

    public static void Compute(ReadOnlySpan<float> cleanEnergies, ReadOnlySpan<float> cleanCoherence,
        ReadOnlySpan<float> noisyEnergies, ReadOnlySpan<float> noisyCoherence, float combNoisePowerGain,
        Span<float> gains, Span<float> strengths, Span<float> mask)
    {
        for (int b = 0; b < ErbBands.Count; b++)
        {
            float ey = noisyEnergies[b];
            if (!(ey > SilentBandEnergy))
            {
                gains[b] = 0f;
                strengths[b] = 0f;
                mask[b] = 0f;
                continue;
            }

            mask[b] = 1f;
            float g = MathF.Min(1f, MathF.Sqrt(MathF.Max(0f, cleanEnergies[b]) / ey));
            float r = Strength(cleanCoherence[b], noisyCoherence[b], combNoisePowerGain, out float attenuation);
            gains[b] = g * attenuation;
            strengths[b] = r;
        }
    }

    /// <summary>
    /// Least-squares strengths (DESIGN §6, the training targets): per band, the r in [0, 1] that brings the mixture (1 − r)·Y + r·P
    /// closest to the clean spectrum X in the least-squares sense, r = Re⟨X − Y, P − Y⟩_b / ‖P − Y‖²_b. Unlike the
    /// coherence rule it sees the actual comb output, so a mistuned comb gets a small r.
    /// </summary>
    public static void LeastSquaresStrengths(ReadOnlySpan<ComplexF> clean, ReadOnlySpan<ComplexF> noisy,
        ReadOnlySpan<ComplexF> comb, Span<ComplexF> scratchA, Span<ComplexF> scratchB, Span<float> numerator,
        Span<float> strengths)
    {
        for (int k = 0; k < noisy.Length; k++)
        {
            scratchA[k] = clean[k] - noisy[k];
            scratchB[k] = comb[k] - noisy[k];
        }

        ErbBands.CrossEnergies(scratchA, scratchB, numerator);
        ErbBands.Energies(scratchB, strengths);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            float r = numerator[b] / (strengths[b] + 1e-20f);
            strengths[b] = float.IsFinite(r) ? Math.Clamp(r, 0f, 1f) : 0f;
        }
    }

    /// <summary>r_b from q_x (clean), q_y (noisy) and σ² of the comb; the gain attenuation is 1 unless r = 1 is not enough.</summary>
    public static float Strength(float qx, float qy, float sigma2, out float attenuation)
    {
        attenuation = 1f;
        qx = Math.Clamp(qx, 0f, 1f);
        qy = Math.Clamp(qy, 0f, 1f);
        float qp = qy / MathF.Sqrt((qy * qy) + (sigma2 * (1f - (qy * qy))) + 1e-12f);
        if (qp < qx)
        {
            attenuation = MathF.Sqrt((1f + MaskingThreshold - (qx * qx)) / (1f + MaskingThreshold - (qp * qp)));
            return 1f;
        }

        float a = MathF.Max(0f, (qp * qp) - (qx * qx));
        float bq = qp * qy * (1f - (qx * qx));
        float c = MathF.Max(0f, (qx * qx) - (qy * qy));
        if (c <= 0f)
        {
            return 0f;
        }

        float alpha = a > 1e-9f
            ? (MathF.Sqrt((bq * bq) + (a * c)) - bq) / a
            : c / (2f * bq + 1e-9f);
        float r = alpha / (1f + alpha);
        return float.IsFinite(r) ? Math.Clamp(r, 0f, 1f) : 0f;
    }
}
