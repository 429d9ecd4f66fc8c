namespace PercepNet.Audio;

/// <summary>How <see cref="WavWriter"/> stores samples.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit integer PCM (values clamped to [−1, 1]).</summary>
    Pcm16,

    /// <summary>32-bit IEEE float.</summary>
    Float32,
}
