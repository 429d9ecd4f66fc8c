using PercepNet.Analysis;
using PercepNet.Features;
using PercepNet.Frames;
using PercepNet.Gains;
using PercepNet.Network;

namespace PercepNet.Synthesis;

/// <summary>
/// The inference chain (DESIGN §1–§6) around a gain estimator: analysis (spectrum, pitch, comb, coherences) →
/// features → estimator → envelope postfilter → pitch mixing and band scaling → overlap-add. One instance per
/// stream; nothing is allocated per hop.
/// <para>Silence skip: once <see cref="SettleHops"/> consecutive input hops have peaked at or below
/// <see cref="SilencePeak"/>, further silent hops are not computed: the output is silence and every state is held
/// as it was. After that many hops of digital silence the analysis, features and synthesis sit at a fixed point (a test
/// checks it), so holding them is what computing them would give. Only the network's recurrent state would have kept
/// drifting slowly (its features in silence hold the last pitch, so where it drifts depends on the speech before); it
/// is held as it was after the settle time, and the tests bound what that changes in the speech that follows. The
/// first louder hop is processed normally: same latency, no click.</para>
/// </summary>
internal sealed class EnhancementChain(IGainEstimator estimator) : IHopProcessor
{
    private readonly FrameAnalyzer _analyzer = new();
    private readonly OverlapAddSynthesizer _synthesizer = new();
    private readonly BandShaper _shaper = new();
    private readonly VoiceGate _gate = new();
    private readonly float[] _features = new float[FeatureExtractor.Count];
    private readonly float[] _gains = new float[ErbBands.Count];
    private readonly float[] _strengths = new float[ErbBands.Count];
    private readonly float[] _postfiltered = new float[ErbBands.Count];
    private readonly ComplexF[] _enhanced = new ComplexF[FrameLayout.BinCount];

    /// <summary>Silent hops computed before the chain starts skipping them (0.5 s).</summary>
    public const int SettleHops = 50;

    private int _silentHops;
    private long _skippedRun; // silent hops skipped since the last computed one
    private bool _skippedDigital = true; // and whether all of them were exactly zero

    public int Latency => FrameLayout.FrameLatency;

    /// <summary>Largest absolute input sample of a hop that counts as silent; negative: never skip.</summary>
    public float SilencePeak { get; set; } = MathF.Pow(10f, DenoiserOptions.DefaultSilenceThresholdDb / 20f);

    /// <summary>Hops skipped as silence since creation (for tests and diagnostics).</summary>
    public long SkippedHops { get; private set; }

    /// <summary>How much of the envelope postfilter is applied: 0 off, 1 full, a linear blend of the gains between.</summary>
    public float PostfilterStrength { get; set; } = 1;

    /// <summary>β of the postfilter.</summary>
    public float PostfilterBeta { get; set; } = EnvelopePostfilter.DefaultBeta;

    /// <summary>Smallest band gain applied (linear); 0 = no limit. See <c>DenoiserOptions.AttenuationLimitDb</c>.</summary>
    public float GainFloor { get; set; }

    /// <summary>Sets every run-time knob (their meanings and ranges are <see cref="DenoiserOptions"/>'s); allocates nothing.</summary>
    public void Configure(float attenuationLimitDb, float postfilterStrength, float postfilterBeta, float gateThreshold, float gateHoldMs,
        float silenceThresholdDb)
    {
        SilencePeak = float.IsNegativeInfinity(silenceThresholdDb) ? -1f : MathF.Pow(10f, silenceThresholdDb / 20f);
        GainFloor = float.IsPositiveInfinity(attenuationLimitDb) ? 0f : MathF.Pow(10f, -attenuationLimitDb / 20f);
        PostfilterStrength = postfilterStrength;
        PostfilterBeta = postfilterBeta;
        _gate.Threshold = gateThreshold;
        _gate.HoldHops = VoiceGate.HopsIn(gateHoldMs);
    }

    /// <summary>The voice gate on the output (see <see cref="Synthesis.VoiceGate"/>); off unless given a threshold.</summary>
    public VoiceGate Gate => _gate;

    /// <summary>
    /// Speech activity of the last frame, in [0, 1]: the share of the noisy energy between 100 Hz and 4.35 kHz (bands
    /// 2–20) that the estimated gains keep, Σ g_b²·E_b / Σ E_b. Near 1 when the estimator hears clean speech, near 0 in
    /// noise or silence.
    /// </summary>
    public float SpeechActivity { get; private set; }

    /// <summary>The features of the last frame (for inspection and dataset building).</summary>
    public ReadOnlySpan<float> Features => _features;

    public void ProcessHop(ReadOnlySpan<float> input, Span<float> output)
    {
        if (VectorMath.PeakAtMost(input, SilencePeak))
        {
            if (_silentHops >= SettleHops)
            {
                output.Clear();
                SpeechActivity = 0f;
                _gate.Apply(0f, output); // keeps the gate's hold time running as if computed
                SkippedHops++;
                _skippedRun++;
                _skippedDigital = _skippedDigital && VectorMath.PeakAtMost(input, 0f);
                return;
            }

            _silentHops++;
        }
        else
        {
            _silentHops = 0;
        }

        if (_skippedRun > 0)
        {
            // Only digital silence has the settled features the model's silence state was computed from; a held
            // state is the better guess after dither or other near-silence.
            if (_skippedDigital)
            {
                estimator.SkippedSilence(_skippedRun);
            }

            _skippedRun = 0;
            _skippedDigital = true;
        }

        _analyzer.Push(input);
        FeatureExtractor.Extract(_analyzer, _features);
        estimator.Estimate(_features, _gains, _strengths);
        SpeechActivity = ActivityOf(_gains, _analyzer.BandEnergies);
        Span<float> gains = _gains;
        float strength = PostfilterStrength;
        if (strength > 0)
        {
            EnvelopePostfilter.Apply(_gains, _analyzer.BandEnergies, _postfiltered, PostfilterBeta);
            if (strength < 1)
            {
                for (int b = 0; b < _postfiltered.Length; b++)
                {
                    _postfiltered[b] = _gains[b] + (strength * (_postfiltered[b] - _gains[b]));
                }
            }

            gains = _postfiltered;
        }

        for (int b = 0; b < gains.Length; b++)
        {
            gains[b] = float.IsFinite(gains[b]) ? MathF.Max(gains[b], GainFloor) : GainFloor;
        }

        _shaper.Shape(_analyzer.Spectrum, _analyzer.CombSpectrum, _analyzer.BandEnergies, gains, _strengths, _enhanced);
        _synthesizer.Synthesize(_enhanced, output);
        _gate.Apply(SpeechActivity, output);
    }

    private static float ActivityOf(ReadOnlySpan<float> gains, ReadOnlySpan<float> energies)
    {
        double kept = 0, total = 0;
        for (int b = 2; b <= 20; b++)
        {
            kept += gains[b] * gains[b] * (double)energies[b];
            total += energies[b];
        }

        return total > 1e-9 ? (float)Math.Clamp(kept / total, 0, 1) : 0f;
    }

    public void Reset()
    {
        SpeechActivity = 0f;
        _silentHops = 0;
        _skippedRun = 0;
        _skippedDigital = true;
        _gate.Reset();
        _analyzer.Reset();
        _synthesizer.Reset();
        estimator.Reset();
    }
}
