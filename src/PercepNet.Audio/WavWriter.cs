using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// Writes a WAV file (16- or 24-bit PCM, or 32-bit float). To a path, it writes a temporary file beside the target and
/// renames it into place on <see cref="Commit"/>, so a failed or interrupted run never leaves a half-written or
/// clobbered output (disposing without committing deletes the temporary file; see also <see cref="UnfinishedFiles"/>).
/// To a stream that cannot seek (a pipe), the header's sizes come from the expected length, or are left open
/// (0xFFFFFFFF, "to the end of the stream") when it is unknown.
/// </summary>
public sealed class WavWriter : IAudioWriter
{
    private readonly OutputFile? _file;
    private readonly Stream _stream;
    private readonly WavSampleFormat _format;
    private readonly int _channels;
    private readonly int _sampleRate;
    private byte[] _bytes = [];
    private long _dataBytes;

    /// <summary>Starts a WAV file that will replace <paramref name="path"/> on <see cref="Commit"/>.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="channels">Interleaved channels.</param>
    /// <param name="format">How samples are stored.</param>
    /// <exception cref="AudioFormatException">The file cannot be created (the message names it and says why).</exception>
    public WavWriter(string path, int sampleRate, int channels, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        _file = new OutputFile(path);
        Path = _file.Path;
        _stream = _file.Stream;
        (_sampleRate, _channels, _format) = (sampleRate, channels, format);
        WriteHeader(null);
    }

    /// <summary>Writes a WAV file to <paramref name="stream"/> (which stays open).</summary>
    /// <param name="stream">Where the file goes; a pipe or a file.</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="channels">Interleaved channels.</param>
    /// <param name="format">How samples are stored.</param>
    /// <param name="expectedFrames">The number of frames that will be written, when known, for the header of a stream that cannot seek.</param>
    public WavWriter(Stream stream, int sampleRate, int channels, WavSampleFormat format = WavSampleFormat.Pcm16, long? expectedFrames = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Path = "-";
        _stream = stream;
        (_sampleRate, _channels, _format) = (sampleRate, channels, format);
        WriteHeader(expectedFrames);
    }

    /// <summary>The full path of the file written ("-" for a stream).</summary>
    public string Path { get; }

    private int BytesPerSample => _format switch { WavSampleFormat.Float32 => 4, WavSampleFormat.Pcm24 => 3, _ => 2 };

    /// <summary>Appends interleaved samples (non-finite values are written as 0).</summary>
    /// <param name="interleaved">Whole frames of samples in [−1, 1].</param>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        int needed = interleaved.Length * BytesPerSample;
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
                BinaryPrimitives.WriteSingleLittleEndian(b.Slice(i * 4, 4), v);
            }
            else if (_format == WavSampleFormat.Pcm24)
            {
                int s24 = (int)Math.Clamp(Math.Round(v * 8388608.0), -8388608, 8388607);
                b[i * 3] = (byte)s24;
                b[(i * 3) + 1] = (byte)(s24 >> 8);
                b[(i * 3) + 2] = (byte)(s24 >> 16);
            }
            else
            {
                BinaryPrimitives.WriteInt16LittleEndian(b.Slice(i * 2, 2), (short)Math.Clamp(MathF.Round(v * 32768f), short.MinValue, short.MaxValue));
            }
        }

        _stream.Write(b);
        _dataBytes += needed;
    }

    /// <summary>Finishes the file: sizes in the header, and (for a path) the rename over the target.</summary>
    public void Commit()
    {
        if ((_dataBytes & 1) != 0)
        {
            _stream.WriteByte(0);
        }

        if (_stream.CanSeek)
        {
            _stream.Position = 0;
            WriteHeader(_dataBytes / (BytesPerSample * _channels));
        }

        _stream.Flush();
        _file?.Commit();
    }

    /// <summary>
    /// Closes the file; without <see cref="Commit"/>, deletes it and leaves the target as it was, even when closing
    /// fails (a full disk refuses the last buffered bytes). A stream given to the writer stays open.
    /// </summary>
    public void Dispose() => _file?.Dispose();

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

    /// <summary>
    /// The canonical header: RIFF, WAVE, fmt (16 bytes for PCM; 18 with cbSize for float, followed by the fact chunk
    /// that non-PCM formats carry), data.
    /// </summary>
    private void WriteHeader(long? frames)
    {
        bool isFloat = _format == WavSampleFormat.Float32;
        int blockAlign = BytesPerSample * _channels;
        int headerBytes = isFloat ? 58 : 44;
        long data = frames is long f ? f * blockAlign : uint.MaxValue;
        uint dataSize = (uint)Math.Min(data, uint.MaxValue);
        uint riffSize = (uint)Math.Min(data + headerBytes - 8 + (data & 1), uint.MaxValue);
        Span<byte> h = stackalloc byte[headerBytes];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], riffSize);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], isFloat ? 18u : 16u);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(isFloat ? 3 : 1));
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)_channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)_sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(_sampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(BytesPerSample * 8));
        int at = 36;
        if (isFloat)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0);
            "fact"u8.CopyTo(h[38..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[46..], frames is long n ? (uint)Math.Min(n, uint.MaxValue) : uint.MaxValue);
            at = 50;
        }

        "data"u8.CopyTo(h[at..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(at + 4)..], dataSize);
        _stream.Write(h);
    }
}
