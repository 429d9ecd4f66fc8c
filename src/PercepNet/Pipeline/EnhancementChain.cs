using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Features;
using PercepNet.Gains;
using PercepNet.Network;
using PercepNet.Synthesis;

namespace PercepNet.Pipeline;

/// <summary>
/// The inference chain (DESIGN §1–§6) around a gain estimator: analysis (spectrum, pitch, comb, coherences) →
/// features → estimator → envelope postfilter → pitch mixing and band scaling → overlap-add. One instance per
/// stream; nothing is allocated per hop.
/// <para>Silence skip: once <see cref="SettleHops"/> consecutive input hops have peaked at or below
/// <see cref="ChainSettings.SilencePeak"/>, further silent hops are not computed: the output is silence and every state is held
/// as it was. After that many hops of digital silence the analysis, features and synthesis sit at a fixed point (a test
/// checks it), so holding them is what computing them would give. Only the network's recurrent state would have kept
/// drifting slowly (its features in silence hold the last pitch, so where it drifts depends on the speech before); it
/// is held as it was after the settle time, and the tests bound what that changes in the speech that follows. The
/// first louder hop is processed normally: same latency, no click.</para>
/// </summary>
internal sealed class EnhancementChain : IHopProcessor
{
    private readonly IGainEstimator _estimator;
    private readonly FrameAnalyzer _analyzer = new();
    private readonly OverlapAddSynthesizer _synthesizer = new();
    private readonly BandShaper _shaper = new();
    private readonly VoiceGate _gate = new();
    private readonly float[] _features = new float[FeatureExtractor.Count];
    private readonly float[] _gains = new float[ErbBands.Count];
    private readonly float[] _strengths = new float[ErbBands.Count];
    private readonly float[] _postfiltered = new float[ErbBands.Count];
    private readonly ComplexF[] _enhanced = new ComplexF[FrameLayout.BinCount];

    // What ProcessHops keeps of each hop of a block between its analysis and its finishing.
    private readonly float[] _blockFeatures = new float[HopStream.BlockHops * FeatureExtractor.Count];
    private readonly float[] _blockGains = new float[HopStream.BlockHops * ErbBands.Count];
    private readonly float[] _blockStrengths = new float[HopStream.BlockHops * ErbBands.Count];
    private readonly ComplexF[][] _blockSpectra = Blocks<ComplexF>(FrameLayout.BinCount);
    private readonly ComplexF[][] _blockCombSpectra = Blocks<ComplexF>(FrameLayout.BinCount);
    private readonly float[][] _blockEnergies = Blocks<float>(ErbBands.Count);

    private static T[][] Blocks<T>(int length) => [.. Enumerable.Range(0, HopStream.BlockHops).Select(_ => new T[length])];

    /// <summary>Silent hops computed before the chain starts skipping them (0.5 s).</summary>
    public const int SettleHops = 50;

    private int _silentHops;
    private long _skippedRun; // silent hops skipped since the last computed one
    private bool _skippedDigital = true; // and whether all of them were exactly zero

    public int Latency => FrameLayout.FrameLatency;

    /// <summary>Hops skipped as silence since creation (for tests and diagnostics).</summary>
    public long SkippedHops { get; private set; }

    /// <summary>A chain around <paramref name="estimator"/> (one per stream), with its settings.</summary>
    public EnhancementChain(IGainEstimator estimator, in ChainSettings settings)
    {
        _estimator = estimator;
        Configure(settings);
    }

    /// <summary>The settings in use.</summary>
    public ChainSettings Settings { get; private set; }

    /// <summary>Replaces every run-time setting at once, from the next hop; allocates nothing.</summary>
    public void Configure(in ChainSettings settings)
    {
        Settings = settings;
        _gate.Threshold = settings.GateThreshold;
        _gate.HoldHops = settings.GateHoldHops;
    }

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
        if (SkipsAsSilence(input, output))
        {
            return;
        }

        Analyse(input);
        _estimator.Estimate(_features, _gains, _strengths);
        Finish(_analyzer.Spectrum, _analyzer.CombSpectrum, _analyzer.BandEnergies, _gains, _strengths, output);
    }

    /// <summary>
    /// Consecutive whole hops: each analysed in turn, the estimator run over up to <see cref="HopStream.BlockHops"/>
    /// of them at once, then each finished in turn (a hop skipped as silence ends a block first). The outputs and
    /// every state are those of <see cref="ProcessHop"/> on each hop in turn.
    /// </summary>
    public void ProcessHops(ReadOnlySpan<float> input, Span<float> output)
    {
        const int Hop = FrameLayout.HopSize;
        int first = 0, pending = 0;
        for (int h = 0; h < input.Length / Hop; h++)
        {
            ReadOnlySpan<float> hop = input.Slice(h * Hop, Hop);
            if (pending > 0 && _silentHops >= SettleHops && VectorMath.PeakAtMost(hop, Settings.SilencePeak))
            {
                FinishBlock(pending, output.Slice(first * Hop, pending * Hop));
                pending = 0;
            }

            if (SkipsAsSilence(hop, output.Slice(h * Hop, Hop)))
            {
                continue;
            }

            first = pending == 0 ? h : first;
            Analyse(hop);
            _features.CopyTo(_blockFeatures.AsSpan(pending * FeatureExtractor.Count));
            _analyzer.Spectrum.CopyTo(_blockSpectra[pending]);
            _analyzer.CombSpectrum.CopyTo(_blockCombSpectra[pending]);
            _analyzer.BandEnergies.CopyTo(_blockEnergies[pending]);
            if (++pending == HopStream.BlockHops)
            {
                FinishBlock(pending, output.Slice(first * Hop, pending * Hop));
                pending = 0;
            }
        }

        if (pending > 0)
        {
            FinishBlock(pending, output.Slice(first * Hop, pending * Hop));
        }
    }

    private void FinishBlock(int hops, Span<float> output)
    {
        const int Bands = ErbBands.Count;
        _estimator.EstimateBlock(_blockFeatures.AsSpan(0, hops * FeatureExtractor.Count), _blockGains.AsSpan(0, hops * Bands),
            _blockStrengths.AsSpan(0, hops * Bands));
        for (int k = 0; k < hops; k++)
        {
            _blockGains.AsSpan(k * Bands, Bands).CopyTo(_gains);
            Finish(_blockSpectra[k], _blockCombSpectra[k], _blockEnergies[k], _gains, _blockStrengths.AsSpan(k * Bands, Bands),
                output.Slice(k * FrameLayout.HopSize, FrameLayout.HopSize));
        }
    }

    /// <summary>The silence skip (see the class remarks): true when the hop was skipped and its output written.</summary>
    private bool SkipsAsSilence(ReadOnlySpan<float> input, Span<float> output)
    {
        if (VectorMath.PeakAtMost(input, Settings.SilencePeak))
        {
            if (_silentHops >= SettleHops)
            {
                output.Clear();
                SpeechActivity = 0f;
                _gate.Apply(0f, output); // keeps the gate's hold time running as if computed
                SkippedHops++;
                _skippedRun++;
                _skippedDigital = _skippedDigital && VectorMath.PeakAtMost(input, 0f);
                return true;
            }

            _silentHops++;
        }
        else
        {
            _silentHops = 0;
        }

        return false;
    }

    /// <summary>Analysis and features of a computed hop (first telling the estimator of any silence skipped before it).</summary>
    private void Analyse(ReadOnlySpan<float> input)
    {
        if (_skippedRun > 0)
        {
            // Only digital silence has the settled features the model's silence state was computed from; a held
            // state is the better guess after dither or other near-silence.
            if (_skippedDigital)
            {
                _estimator.SkippedSilence(_skippedRun);
            }

            _skippedRun = 0;
            _skippedDigital = true;
        }

        _analyzer.Push(input);
        FeatureExtractor.Extract(_analyzer, _features);
    }

    /// <summary>From the estimator's gains (overwritten) and strengths to the output hop: postfilter, floor, mixing, synthesis, gate.</summary>
    private void Finish(ReadOnlySpan<ComplexF> spectrum, ReadOnlySpan<ComplexF> combSpectrum, ReadOnlySpan<float> energies,
        Span<float> estimated, ReadOnlySpan<float> strengths, Span<float> output)
    {
        SpeechActivity = ActivityOf(estimated, energies);
        Span<float> gains = estimated;
        ChainSettings settings = Settings;
        float strength = settings.PostfilterStrength;
        if (strength > 0)
        {
            EnvelopePostfilter.Apply(estimated, energies, _postfiltered, settings.PostfilterBeta);
            if (strength < 1)
            {
                for (int b = 0; b < _postfiltered.Length; b++)
                {
                    _postfiltered[b] = estimated[b] + (strength * (_postfiltered[b] - estimated[b]));
                }
            }

            gains = _postfiltered;
        }

        for (int b = 0; b < gains.Length; b++)
        {
            gains[b] = float.IsFinite(gains[b]) ? MathF.Max(gains[b], settings.GainFloor) : settings.GainFloor;
        }

        _shaper.Shape(spectrum, combSpectrum, energies, gains, strengths, _enhanced);
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
        _estimator.Reset();
    }
}
