using PercepNet.Features;
using PercepNet.Frames;
using PercepNet.Gains;
using PercepNet.Network;

namespace PercepNet.Synthesis;

/// <summary>
/// The inference chain of SPEC §13 around a gain estimator: analysis (spectrum, pitch, comb, coherences) →
/// features → estimator → envelope postfilter → pitch mixing and band scaling → overlap-add. One instance per
/// stream; nothing is allocated per hop.
/// </summary>
public sealed class EnhancementChain(IGainEstimator estimator) : IHopProcessor
{
    private readonly FrameAnalyzer _analyzer = new();
    private readonly OverlapAddSynthesizer _synthesizer = new();
    private readonly BandShaper _shaper = new();
    private readonly float[] _features = new float[FeatureExtractor.Count];
    private readonly float[] _gains = new float[ErbBands.Count];
    private readonly float[] _strengths = new float[ErbBands.Count];
    private readonly float[] _postfiltered = new float[ErbBands.Count];
    private readonly ComplexF[] _enhanced = new ComplexF[FrameLayout.BinCount];

    public int Latency => FrameLayout.FrameLatency;

    /// <summary>Apply the envelope postfilter (SPEC §6).</summary>
    public bool Postfilter { get; set; } = true;

    /// <summary>β of the postfilter.</summary>
    public float PostfilterBeta { get; set; } = EnvelopePostfilter.DefaultBeta;

    /// <summary>The features of the last frame (for inspection and dataset building).</summary>
    public ReadOnlySpan<float> Features => _features;

    public void ProcessHop(ReadOnlySpan<float> input, Span<float> output)
    {
        _analyzer.Push(input);
        FeatureExtractor.Extract(_analyzer, _features);
        estimator.Estimate(_features, _gains, _strengths);
        ReadOnlySpan<float> gains = _gains;
        if (Postfilter)
        {
            EnvelopePostfilter.Apply(_gains, _analyzer.BandEnergies, _postfiltered, PostfilterBeta);
            gains = _postfiltered;
        }

        _shaper.Shape(_analyzer.Spectrum, _analyzer.CombSpectrum, _analyzer.BandEnergies, gains, _strengths, _enhanced);
        _synthesizer.Synthesize(_enhanced, output);
    }

    public void Reset()
    {
        _analyzer.Reset();
        _synthesizer.Reset();
        estimator.Reset();
    }
}
