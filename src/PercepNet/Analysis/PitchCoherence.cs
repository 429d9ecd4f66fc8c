using PercepNet.Dsp;

namespace PercepNet.Analysis;

/// <summary>Band pitch coherence of DESIGN §4: q_b = Re-cross-energy(X, P)_b / √(E_X,b·E_P,b), clamped to [0, 1].</summary>
internal static class PitchCoherence
{
    public static void Compute(ReadOnlySpan<ComplexF> x, ReadOnlySpan<ComplexF> p, ReadOnlySpan<float> energyX,
        ReadOnlySpan<float> energyP, Span<float> cross, Span<float> coherence)
    {
        ErbBands.CrossEnergies(x, p, cross);
        FromEnergies(cross, energyX, energyP, coherence);
    }

    public static void FromEnergies(ReadOnlySpan<float> cross, ReadOnlySpan<float> energyX, ReadOnlySpan<float> energyP,
        Span<float> coherence)
    {
        for (int b = 0; b < ErbBands.Count; b++)
        {
            float denominator = MathF.Sqrt((energyX[b] * energyP[b]) + 1e-20f);
            float q = cross[b] / denominator;
            coherence[b] = float.IsFinite(q) ? Math.Clamp(q, 0f, 1f) : 0f;
        }
    }
}
