namespace PercepNet.Audio;

/// <summary>
/// An audio file being written (<see cref="WavWriter"/>, <see cref="FlacWriter"/>): samples go in with
/// <see cref="Write"/>, and the file is finished by <see cref="Commit"/>. Written to a path, nothing replaces the
/// target before the commit, and disposing without one leaves no file behind.
/// </summary>
public interface IAudioWriter : IDisposable
{
    /// <summary>The full path of the file written ("-" for a stream).</summary>
    string Path { get; }

    /// <summary>Appends interleaved samples (non-finite values are written as 0).</summary>
    /// <param name="interleaved">Whole frames of samples in [−1, 1].</param>
    void Write(ReadOnlySpan<float> interleaved);

    /// <summary>Finishes the file: what the header can only say at the end, and (for a path) the rename over the target.</summary>
    void Commit();
}
