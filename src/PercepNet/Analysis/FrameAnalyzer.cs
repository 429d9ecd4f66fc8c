using PercepNet.Dsp;

namespace PercepNet.Analysis;

/// <summary>
/// The analysis half of the chain (DESIGN §1–§4), one instance per stream. Each <see cref="Push(ReadOnlySpan{float})"/> of a 480-sample
/// hop windows and transforms the newest 20 ms (window t) and completes frame ℓ = t − 2, whose window ends
/// 20 ms before the newest sample: its spectrum Y(ℓ), the pitch chosen for it, its comb-filtered spectrum
/// P(ℓ) (the comb's future taps reach into the look-ahead) and the band pitch coherences. Nothing is allocated
/// after construction.
/// </summary>
internal sealed class FrameAnalyzer
{
    /// <summary>Samples kept: the look-ahead window, frame ℓ's window, and the comb's reach before it.</summary>
    public const int HistoryLength = (FrameLayout.LookaheadFrames * FrameLayout.HopSize) + FrameLayout.WindowSize + CombFilter.MaxReach;

    private const int Depth = FrameLayout.LookaheadFrames + 1;
    private const int FrameWindowStart = HistoryLength - FrameLayout.WindowSize - (FrameLayout.LookaheadFrames * FrameLayout.HopSize);

    private readonly float[] _history = new float[HistoryLength];
    private readonly float[] _windowed = new float[FrameLayout.WindowSize];
    private readonly float[] _comb = new float[FrameLayout.WindowSize];
    private readonly ComplexF[][] _spectra = new ComplexF[Depth][];
    private readonly float[][] _energies = new float[Depth][];
    private readonly RealFft _fft = new(FrameLayout.WindowSize);
    private readonly PitchTracker _pitch;
    private readonly float[] _cross = new float[ErbBands.Count];
    private readonly ComplexF[] _combSpectrum = new ComplexF[FrameLayout.BinCount];
    private readonly float[] _combEnergies = new float[ErbBands.Count];
    private readonly float[] _coherence = new float[ErbBands.Count];
    private int _newest;

    public FrameAnalyzer(bool trackPitchWithViterbi = true)
    {
        _pitch = new PitchTracker(trackPitchWithViterbi);
        for (int i = 0; i < Depth; i++)
        {
            _spectra[i] = new ComplexF[FrameLayout.BinCount];
            _energies[i] = new float[ErbBands.Count];
        }
    }

    /// <summary>Y(ℓ): spectrum of the frame being completed.</summary>
    public ReadOnlySpan<ComplexF> Spectrum => _spectra[(_newest + 1) % Depth];

    /// <summary>E_Y,b(ℓ).</summary>
    public ReadOnlySpan<float> BandEnergies => _energies[(_newest + 1) % Depth];

    /// <summary>E_Y,b(ℓ + 2): band energies of the newest window (the look-ahead feature of DESIGN §5).</summary>
    public ReadOnlySpan<float> NewestBandEnergies => _energies[_newest];

    /// <summary>P(ℓ): spectrum of the comb-filtered frame.</summary>
    public ReadOnlySpan<ComplexF> CombSpectrum => _combSpectrum;

    /// <summary>E_P,b(ℓ).</summary>
    public ReadOnlySpan<float> CombBandEnergies => _combEnergies;

    /// <summary>q_b(ℓ), the band pitch coherences of Y and P.</summary>
    public ReadOnlySpan<float> Coherence => _coherence;

    /// <summary>Pitch period of frame ℓ, in 48 kHz samples.</summary>
    public int Period => _pitch.Period;

    /// <summary>Pitch correlation of frame ℓ, in [0, 1].</summary>
    public float PitchCorrelation => _pitch.Correlation;

    /// <summary>Period the comb filter used for frame ℓ (the tracked pitch unless one was imposed).</summary>
    public int CombPeriod { get; private set; } = PitchTracker.MaxPeriod / 2;

    /// <summary>σ² = Σa_k² of the comb used for frame ℓ.</summary>
    public float CombNoisePowerGain => CombFilter.NoisePowerGain(CombPeriod);


    public void Reset()
    {
        Array.Clear(_history);
        foreach (ComplexF[] s in _spectra)
        {
            Array.Clear(s);
        }

        foreach (float[] e in _energies)
        {
            Array.Clear(e);
        }

        Array.Clear(_combSpectrum);
        Array.Clear(_combEnergies);
        Array.Clear(_coherence);
        _pitch.Reset();
        CombPeriod = PitchTracker.MaxPeriod / 2;
        _newest = 0;
    }

    public void Push(ReadOnlySpan<float> hop) => Push(hop, combPeriod: null);

    /// <summary>
    /// As <see cref="Push(ReadOnlySpan{float})"/>, but the comb filter of frame ℓ uses <paramref name="combPeriod"/>
    /// when given (an ideal pitch, e.g. the clean signal's, for oracle experiments); the tracker still runs.
    /// </summary>
    public void Push(ReadOnlySpan<float> hop, int? combPeriod)
    {
        Guard.Length(hop.Length, FrameLayout.HopSize, "hop");

        Array.Copy(_history, FrameLayout.HopSize, _history, 0, HistoryLength - FrameLayout.HopSize);
        hop.CopyTo(_history.AsSpan(HistoryLength - FrameLayout.HopSize));

        _newest = (_newest + 1) % Depth;
        VorbisWindow.Apply(_history.AsSpan(HistoryLength - FrameLayout.WindowSize), _windowed);
        _fft.Forward(_windowed, _spectra[_newest]);
        ErbBands.Energies(_spectra[_newest], _energies[_newest]);

        _pitch.Update(_history, FrameWindowStart);
        CombPeriod = combPeriod ?? _pitch.Period;
        CombFilter.Apply(_history, FrameWindowStart, CombPeriod, _comb);
        VorbisWindow.Apply(_comb, _windowed);
        _fft.Forward(_windowed, _combSpectrum);
        ErbBands.Energies(_combSpectrum, _combEnergies);
        PitchCoherence.Compute(Spectrum, _combSpectrum, BandEnergies, _combEnergies, _cross, _coherence);
    }
}
