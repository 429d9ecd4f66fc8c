namespace PercepNet.Data.Mixing;

/// <summary>The knobs of the mixing recipe (SPEC §9); defaults are the documented recipe.</summary>
public sealed record MixtureRecipe
{
    public double SegmentSeconds { get; init; } = 10;

    /// <summary>Fraction of segments with reverberation (0 for dry-only data).</summary>
    public double ReverbFraction { get; init; } = 0.4;

    /// <summary>Of the reverberant segments, the fraction that use a real RIR from the data folder.</summary>
    public double RealRirFraction { get; init; } = 0.15;

    /// <summary>Time after the direct sound that the target keeps (early reflections), then a 10 ms fade.</summary>
    public double EarlyReflectionSeconds { get; init; } = 0.03;

    public double SpeechOnlyFraction { get; init; } = 0.08;

    public double NoiseOnlyFraction { get; init; } = 0.04;

    public double LowPassFraction { get; init; } = 0.3;

    public double ClippingFraction { get; init; } = 0.03;
}

/// <summary>What a segment was made of (kept in the dataset manifest and used by the stats).</summary>
public sealed record MixtureInfo(
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
public sealed record Mixture(float[] Noisy, float[] Target, MixtureInfo Info);
