namespace PercepNet.Audio;

/// <summary>A stream of interleaved float samples in [−1, 1], read block by block (never loaded whole).</summary>
public interface IAudioReader : IDisposable
{
    string Path { get; }

    int SampleRate { get; }

    int Channels { get; }

    /// <summary>Frames (samples per channel) in the file, when the container says.</summary>
    long? LengthFrames { get; }

    /// <summary>Reads up to buffer.Length / Channels whole frames; returns the number of frames read, 0 at the end.</summary>
    int Read(Span<float> interleaved);
}
