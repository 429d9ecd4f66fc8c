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

    /// <summary>
    /// Bits per stored sample: of integer PCM (WAV, FLAC; a WAV's container size), or 32 or 64 for float WAV; null for
    /// lossy formats, which store no bit depth.
    /// </summary>
    int? BitsPerSample => null;

    /// <summary>True when the file stores floating-point samples.</summary>
    bool IsFloat => false;

    /// <summary>Frames (samples per channel) in the file, when the container says.</summary>
    long? LengthFrames { get; }

    /// <summary>
    /// Why the file holds less audio than its container promises — a recording cut off by a crash, a full disk or an
    /// interrupted copy — or null. What the file holds is read all the same (as sox does); for some formats this is
    /// known only once the last frame has been read.
    /// </summary>
    string? Truncation => null;

    /// <summary>
    /// Why the audio read may differ from what was recorded although every part of the file could be decoded — a
    /// checksum of the whole stream (FLAC's MD5) that does not match — or null. Known once the last frame has been read.
    /// </summary>
    string? ChecksumMismatch => null;

    /// <summary>Reads up to buffer.Length / Channels whole frames.</summary>
    /// <param name="interleaved">Where the samples go, channel by channel within each frame.</param>
    /// <returns>The number of frames read; 0 at the end.</returns>
    /// <exception cref="AudioFormatException">The data is corrupt.</exception>
    int Read(Span<float> interleaved);
}
