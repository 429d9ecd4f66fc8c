using PercepNet.Analysis;
using PercepNet.Dsp;

namespace PercepNet.Gains;

/// <summary>
/// Pitch mixing and band scaling of DESIGN §4: Z(k) = (1 − r(k))·Y(k) + r(k)·P(k) with r(k) interpolated from
/// the band strengths, then every band of Z rescaled so that its energy is (gain_b)²·E_Y,b — the target band
/// magnitude as a ratio of the noisy one. With all strengths 0 this is plain band-gain interpolation.
/// </summary>
internal sealed class BandShaper
{
    private readonly float[] _binStrength = new float[FrameLayout.BinCount];
    private readonly float[] _binScale = new float[FrameLayout.BinCount];
    private readonly float[] _bandScale = new float[ErbBands.Count];
    private readonly float[] _mixedEnergy = new float[ErbBands.Count];

    /// <param name="noisy">Y(k) of the frame.</param>
    /// <param name="comb">P(k), the comb-filtered frame.</param>
    /// <param name="noisyEnergies">E_Y,b.</param>
    /// <param name="gains">Target band magnitude over noisy band magnitude.</param>
    /// <param name="strengths">r_b in [0, 1].</param>
    /// <param name="output">The enhanced spectrum (may not alias the inputs).</param>
    public void Shape(ReadOnlySpan<ComplexF> noisy, ReadOnlySpan<ComplexF> comb, ReadOnlySpan<float> noisyEnergies,
        ReadOnlySpan<float> gains, ReadOnlySpan<float> strengths, Span<ComplexF> output)
    {
        ErbBands.Interpolate(strengths, _binStrength);
        for (int k = 0; k < FrameLayout.BinCount; k++)
        {
            float r = _binStrength[k];
            ComplexF y = noisy[k], p = comb[k];
            output[k] = new ComplexF(y.Re + (r * (p.Re - y.Re)), y.Im + (r * (p.Im - y.Im)));
        }

        ErbBands.Energies(output, _mixedEnergy);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            float target = gains[b] * gains[b] * noisyEnergies[b];
            float scale = MathF.Sqrt(target / (_mixedEnergy[b] + 1e-20f));
            _bandScale[b] = float.IsFinite(scale) ? scale : 0f;
        }

        ErbBands.Interpolate(_bandScale, _binScale);
        for (int k = 0; k < FrameLayout.BinCount; k++)
        {
            output[k] = _binScale[k] * output[k];
        }
    }

    /// <summary>Plain band gains: output(k) = g(k)·Y(k).</summary>
    public void ApplyGains(ReadOnlySpan<ComplexF> noisy, ReadOnlySpan<float> gains, Span<ComplexF> output)
    {
        ErbBands.Interpolate(gains, _binScale);
        for (int k = 0; k < FrameLayout.BinCount; k++)
        {
            output[k] = _binScale[k] * noisy[k];
        }
    }
}
