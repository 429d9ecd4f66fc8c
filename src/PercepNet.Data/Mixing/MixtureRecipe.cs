namespace PercepNet.Data.Mixing;

/// <summary>The knobs of the mixing recipe (DESIGN §9); defaults are the documented recipe.</summary>
internal sealed record MixtureRecipe
{
    public double SegmentSeconds { get; init; } = 10;

    /// <summary>Fraction of segments with reverberation (0 for dry-only data).</summary>
    public double ReverbFraction { get; init; } = 0.4;

    /// <summary>Of the reverberant segments, the fraction that use a real RIR from the data folder.</summary>
    public double RealRirFraction { get; init; } = 0.15;

    /// <summary>
    /// Of the simulated rooms, the fraction that are halls: RT60 drawn from 1 to <see cref="MaxHallRt60"/> seconds
    /// and dimensions up to 2.5 times an ordinary room's, so that the network also learns to remove long tails (real
    /// churches, halls and stairwells reach several seconds; ordinary rooms stop at 1 s). 0 reproduces the recipe
    /// before 2026-11-26 (session 4).
    /// </summary>
    public double HallFraction { get; init; } = 0.3;

    /// <summary>The longest RT60 of <see cref="HallFraction"/>, in seconds.</summary>
    public double MaxHallRt60 { get; init; } = 4.0;

    /// <summary>Time after the direct sound that the target keeps (early reflections), then a 10 ms fade.</summary>
    public double EarlyReflectionSeconds { get; init; } = 0.03;

    /// <summary>
    /// Fraction of utterances played faster or slower (pitch, formants and tempo together, as Kaldi's speed
    /// perturbation): each such utterance is resampled by a factor drawn log-uniformly in
    /// [1/<see cref="MaxSpeedFactor"/>, <see cref="MaxSpeedFactor"/>], which multiplies the few hours of speech into more
    /// distinct voices.
    /// </summary>
    public double SpeedPerturbationFraction { get; init; } = 0.5;

    /// <summary>The largest speed factor of <see cref="SpeedPerturbationFraction"/> (1.15: about ±2.4 semitones).</summary>
    public double MaxSpeedFactor { get; init; } = 1.15;

    /// <summary>
    /// Of the noise layers, the fraction that are synthetic instead of a recording: Gaussian noise with a spectral slope
    /// from −7 to +3 dB per octave, or (a third of them) machine hum over a quieter coloured floor. 0 reproduces the
    /// recipe before session 6.
    /// </summary>
    public double SyntheticNoiseFraction { get; init; } = 0.15;

    /// <summary>
    /// Of the noise layers, the fraction that are babble: 3–8 talkers of the split's own speech, summed (the cafés,
    /// stations and trains of real life). 0 reproduces the recipe before session 6.
    /// </summary>
    public double BabbleFraction { get; init; } = 0.1;

    /// <summary>
    /// Of the noise layers, the fraction whose level wanders: a smooth random trajectory up to 3–20 dB deep with knots
    /// every 0.3–2 s (recordings are otherwise played at a constant gain). 0 reproduces the recipe before session 6.
    /// </summary>
    public double NoiseModulationFraction { get; init; } = 0.25;

    /// <summary>
    /// Of the segments with speech, the fraction whose utterances are all drawn from fullband clips (content up to at
    /// least <see cref="FullbandMinHz"/>), so that the top bands have targets in more than the few segments whose randomly
    /// joined clips all happen to be fullband. 0 (the default) draws every segment's clips from all speech.
    /// </summary>
    public double FullbandSegmentFraction { get; init; }

    /// <summary>
    /// The bandwidth from which a clip counts as fullband for <see cref="FullbandSegmentFraction"/>. 16 kHz (the
    /// default) covers every band up to 15.85 kHz; 20 kHz gives the top band (centred on 20 kHz) a target in every such
    /// segment, from the fewer clips that reach it, where a segment joining clips of mixed bandwidths rarely has one.
    /// </summary>
    public double FullbandMinHz { get; init; } = 16000;

    /// <summary>
    /// Of the noise layers, the fraction whose top is cut: a second-order high shelf with its corner drawn log-uniformly
    /// from 4 to 12 kHz and a depth from 10 to 30 dB. Real noises (rain on a window, traffic through a wall, a fan) are
    /// often strong in the mid bands and weak above them, where fullband speech then stands clear; without such layers
    /// the top bands' SNR mostly follows the mid bands' and so do their gains. 0 (the default) cuts none.
    /// </summary>
    public double NoiseTopCutFraction { get; init; }

    /// <summary>
    /// Of the noise layers, the fraction that are stationary noise with an exact spectral slope from −9 to +6 dB per
    /// octave, a third of them flat white to 24 kHz, left uncoloured by the layer filter, unmodulated and uncut (hiss,
    /// fans, air conditioning, tape and preamplifier noise). 0 reproduces the recipe before these families existed.
    /// </summary>
    public double StationaryNoiseFraction { get; init; } = 0.06;

    /// <summary>Of the noise layers, the fraction that are insect- and bird-like tonal choruses (<see cref="Noises.TonalNoise"/>).</summary>
    public double TonalNoiseFraction { get; init; } = 0.06;

    /// <summary>Of the noise layers, the fraction that are impulsive: keyboard, mouse, dishes, door (<see cref="Noises.ImpulsiveNoise"/>).</summary>
    public double ImpulsiveNoiseFraction { get; init; } = 0.06;

    /// <summary>Of the noise layers, the fraction that are synthesised music with drums (<see cref="Noises.SynthesisedMusic"/>).</summary>
    public double MusicFraction { get; init; } = 0.05;

    /// <summary>Of the noise layers, the fraction that are cars, buses and trains (<see cref="Noises.VehicleNoise"/>).</summary>
    public double VehicleNoiseFraction { get; init; } = 0.05;

    /// <summary>Of the noise layers, the fraction that are wind, rain, or both (<see cref="Noises.WeatherNoise"/>).</summary>
    public double WeatherNoiseFraction { get; init; } = 0.05;

    /// <summary>The share of noise layers that are not recordings: synthetic, babble and every procedural family.</summary>
    public double GeneratedNoiseFraction => SyntheticNoiseFraction + BabbleFraction + StationaryNoiseFraction + TonalNoiseFraction
        + ImpulsiveNoiseFraction + MusicFraction + VehicleNoiseFraction + WeatherNoiseFraction;

    /// <summary>This recipe with every procedural noise family (stationary, tonal, impulsive, music, vehicle, weather) off.</summary>
    public MixtureRecipe WithoutProceduralFamilies() => this with
    {
        StationaryNoiseFraction = 0,
        TonalNoiseFraction = 0,
        ImpulsiveNoiseFraction = 0,
        MusicFraction = 0,
        VehicleNoiseFraction = 0,
        WeatherNoiseFraction = 0,
    };

    public double SpeechOnlyFraction { get; init; } = 0.08;

    public double NoiseOnlyFraction { get; init; } = 0.04;

    public double LowPassFraction { get; init; } = 0.3;

    public double ClippingFraction { get; init; } = 0.03;
}

/// <summary>What a segment was made of (kept in the dataset manifest and used by the stats).</summary>
internal sealed record MixtureInfo(
    IReadOnlyList<string> Speech,
    IReadOnlyList<string> Noise,
    double SnrDb,
    bool HasSpeech,
    bool HasNoise,
    string Room,
    double Rt60,
    double LowPassHz,
    double SpeechBandwidthHz,
    bool Clipped);

/// <summary>One segment's signals at 48 kHz: the network input and the target it should produce.</summary>
internal sealed record Mixture(float[] Noisy, float[] Target, MixtureInfo Info);
