namespace PercepNet.Audio;

/// <summary>A stream of interleaved float samples in [−1, 1], read block by block (never loaded whole).</summary>
public interface IAudioReader : IDisposable
{
    /// <summary>The file being read.</summary>
    string Path { get; }

    /// <summary>Frames per second.</summary>
    int SampleRate { get; }

    /// <summary>Interleaved channels.</summary>
    int Channels { get; }

    /// <summary>Frames (samples per channel) in the file, when the container says.</summary>
    long? LengthFrames { get; }

    /// <summary>Reads up to buffer.Length / Channels whole frames.</summary>
    /// <param name="interleaved">Where the samples go, channel by channel within each frame.</param>
    /// <returns>The number of frames read; 0 at the end.</returns>
    /// <exception cref="AudioFormatException">The data is corrupt.</exception>
    int Read(Span<float> interleaved);
}
