using NAudio.Wave;

namespace PercepNet.Audio;

/// <summary>
/// Writes a WAV file (16-bit PCM or 32-bit float) to a temporary file beside the target and renames it into
/// place on <see cref="Commit"/>, so a failed run never leaves a half-written or clobbered output.
/// Disposing without committing deletes the temporary file.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private readonly string _temporary;
    private readonly WaveFileWriter _writer;
    private readonly WavSampleFormat _format;
    private byte[] _bytes = [];
    private bool _committed;

    /// <summary>Starts a WAV file that will replace <paramref name="path"/> on <see cref="Commit"/>.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="channels">Interleaved channels.</param>
    /// <param name="format">How samples are stored.</param>
    public WavWriter(string path, int sampleRate, int channels, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        Path = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(Path) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new AudioFormatException(path, $"output directory {directory} does not exist");
        }

        _format = format;
        _temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        WaveFormat waveFormat = format == WavSampleFormat.Float32
            ? WaveFormat.CreateIeeeFloatWaveFormat(sampleRate, channels)
            : new WaveFormat(sampleRate, 16, channels);
        _writer = new WaveFileWriter(_temporary, waveFormat);
    }

    /// <summary>The full path of the file written.</summary>
    public string Path { get; }

    /// <summary>Appends interleaved samples (non-finite values are written as 0).</summary>
    /// <param name="interleaved">Whole frames of samples in [−1, 1].</param>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        int bytesPerSample = _format == WavSampleFormat.Float32 ? 4 : 2;
        int needed = interleaved.Length * bytesPerSample;
        if (_bytes.Length < needed)
        {
            _bytes = new byte[needed];
        }

        Span<byte> b = _bytes.AsSpan(0, needed);
        for (int i = 0; i < interleaved.Length; i++)
        {
            float v = interleaved[i];
            if (!float.IsFinite(v))
            {
                v = 0f;
            }

            if (_format == WavSampleFormat.Float32)
            {
                BitConverter.TryWriteBytes(b.Slice(i * 4, 4), v);
            }
            else
            {
                var s = (short)Math.Clamp(MathF.Round(v * 32768f), short.MinValue, short.MaxValue);
                BitConverter.TryWriteBytes(b.Slice(i * 2, 2), s);
            }
        }

        _writer.Write(_bytes, 0, needed);
    }

    /// <summary>Finishes the file and moves it over the target path.</summary>
    public void Commit()
    {
        _writer.Dispose();
        File.Move(_temporary, Path, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the file; without <see cref="Commit"/>, deletes it and leaves the target as it was.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        if (!_committed && File.Exists(_temporary))
        {
            File.Delete(_temporary);
        }
    }

    /// <summary>Writes a whole mono signal.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="samples">The samples.</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="format">How samples are stored.</param>
    public static void WriteMono(string path, ReadOnlySpan<float> samples, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        using var writer = new WavWriter(path, sampleRate, 1, format);
        writer.Write(samples);
        writer.Commit();
    }
}
