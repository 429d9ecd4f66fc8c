using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Gains;
using PercepNet.Synthesis;

namespace PercepNet.Oracle;

/// <summary>
/// Runs the signal chain on a noisy signal with ideal gains and strengths taken from the clean one (the
/// article's oracle conditions). Clean and noisy are analysed by two instances of the same analyser. The comb
/// filter on the noisy signal is tuned either to the clean signal's pitch (an ideal pitch, the default: every
/// quantity of an oracle comes from the clean signal) or to the pitch tracked on the noisy signal (what the
/// network will have at inference); docs/ORACLES.md shows both.
/// </summary>
internal sealed class OracleEnhancer(OracleCondition condition)
{
    private readonly FrameAnalyzer _clean = new();
    private readonly FrameAnalyzer _noisy = new();
    private readonly OverlapAddSynthesizer _synthesizer = new();
    private readonly BandShaper _shaper = new();
    private readonly ComplexF[] _enhanced = new ComplexF[FrameLayout.BinCount];
    private readonly float[] _gains = new float[ErbBands.Count];
    private readonly float[] _strengths = new float[ErbBands.Count];
    private readonly float[] _mask = new float[ErbBands.Count];
    private readonly float[] _postfiltered = new float[ErbBands.Count];

    private readonly ComplexF[] _scratchA = new ComplexF[FrameLayout.BinCount];
    private readonly ComplexF[] _scratchB = new ComplexF[FrameLayout.BinCount];
    private readonly float[] _numerator = new float[ErbBands.Count];

    public OracleEnhancer(OracleMode mode)
        : this(new OracleCondition(mode))
    {
    }

    public OracleCondition Condition { get; } = condition;

    public OracleMode Mode => Condition.Mode;

    public OraclePitch Pitch => Condition.Pitch;

    /// <summary>Delay of <see cref="ProcessHop"/>'s output behind its input.</summary>
    public static int Latency => FrameLayout.FrameLatency;

    public void ProcessHop(ReadOnlySpan<float> cleanHop, ReadOnlySpan<float> noisyHop, Span<float> output)
    {
        _clean.Push(cleanHop);
        _noisy.Push(noisyHop, Pitch == OraclePitch.Clean ? _clean.Period : null);
        ReadOnlySpan<ComplexF> y = _noisy.Spectrum;
        switch (Mode)
        {
            case OracleMode.Magnitude:
                ReadOnlySpan<ComplexF> x = _clean.Spectrum;
                for (int k = 0; k < FrameLayout.BinCount; k++)
                {
                    float ratio = MathF.Sqrt(x[k].MagnitudeSquared / (y[k].MagnitudeSquared + 1e-30f));
                    _enhanced[k] = float.IsFinite(ratio) ? ratio * y[k] : default;
                }

                break;
            case OracleMode.Bands:
                OracleTargets.Compute(_clean, _noisy, _gains, _strengths, _mask);
                // Without the comb, the ideal band gain is the plain magnitude ratio.
                PlainGains(_clean.BandEnergies, _noisy.BandEnergies, _mask, _gains);

                _shaper.ApplyGains(y, _gains, _enhanced);
                break;
            default:
                OracleTargets.Compute(_clean, _noisy, _gains, _strengths, _mask);
                if (Condition.Strength == OracleStrength.LeastSquares)
                {
                    OracleTargets.LeastSquaresStrengths(_clean.Spectrum, y, _noisy.CombSpectrum, _scratchA, _scratchB,
                        _numerator, _strengths);
                    PlainGains(_clean.BandEnergies, _noisy.BandEnergies, _mask, _gains);
                }

                ReadOnlySpan<float> gains = _gains;
                if (Mode == OracleMode.BandsCombPostfilter)
                {
                    EnvelopePostfilter.Apply(_gains, _noisy.BandEnergies, _postfiltered);
                    gains = _postfiltered;
                }

                _shaper.Shape(y, _noisy.CombSpectrum, _noisy.BandEnergies, gains, _strengths, _enhanced);
                break;
        }

        _synthesizer.Synthesize(_enhanced, output);
    }

    private static void PlainGains(ReadOnlySpan<float> clean, ReadOnlySpan<float> noisy, ReadOnlySpan<float> mask, Span<float> gains)
    {
        for (int b = 0; b < ErbBands.Count; b++)
        {
            gains[b] = mask[b] > 0 ? MathF.Min(1f, MathF.Sqrt(clean[b] / noisy[b])) : 0f;
        }
    }

    /// <summary>Enhances whole signals of equal length; the result is aligned with the input (delay removed).</summary>
    public float[] Enhance(ReadOnlySpan<float> clean, ReadOnlySpan<float> noisy)
    {
        if (clean.Length != noisy.Length)
        {
            throw new ArgumentException("Clean and noisy signals must have the same length.");
        }

        int hops = (clean.Length + Latency + FrameLayout.HopSize - 1) / FrameLayout.HopSize;
        var output = new float[clean.Length];
        Span<float> cleanHop = stackalloc float[FrameLayout.HopSize];
        Span<float> noisyHop = stackalloc float[FrameLayout.HopSize];
        Span<float> outHop = stackalloc float[FrameLayout.HopSize];
        for (int h = 0; h < hops; h++)
        {
            int start = h * FrameLayout.HopSize;
            cleanHop.Clear();
            noisyHop.Clear();
            if (start < clean.Length)
            {
                int n = Math.Min(FrameLayout.HopSize, clean.Length - start);
                clean.Slice(start, n).CopyTo(cleanHop);
                noisy.Slice(start, n).CopyTo(noisyHop);
            }

            ProcessHop(cleanHop, noisyHop, outHop);
            for (int i = 0; i < FrameLayout.HopSize; i++)
            {
                int target = start + i - Latency;
                if (target >= 0 && target < output.Length)
                {
                    output[target] = outHop[i];
                }
            }
        }

        return output;
    }
}
