namespace PercepNet.Audio;

/// <summary>
/// How <see cref="WavWriter"/> stores samples; for a <see cref="FlacWriter"/> the same names choose 16, 24 or 32
/// bits (FLAC stores integers only).
/// </summary>
public enum WavSampleFormat
{
    /// <summary>16-bit integer PCM (values clamped to [−1, 1]).</summary>
    Pcm16,

    /// <summary>32-bit IEEE float.</summary>
    Float32,

    /// <summary>24-bit integer PCM (values clamped to [−1, 1]).</summary>
    Pcm24,
}
