using System.Buffers.Binary;

namespace PercepNet.Audio;

/// <summary>
/// WAV reader: 8/16/24/32-bit integer PCM, 32/64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, any rate and
/// channel count. The RIFF chunks are walked here (odd-sized chunks keep their pad byte); a header that claims more
/// audio than the file holds is a recording cut off: its whole frames are read and <see cref="Truncation"/> says so
/// (one cut before its first frame is refused); a header whose data size is 0 or 0xFFFFFFFF (written by a
/// program that could not seek back) is read to the end of the file. A data chunk that ends inside a frame loses
/// that partial frame (<see cref="IgnoredTrailingBytes"/> says how many bytes).
/// </summary>
internal sealed class WavReader : IAudioReader
{
    /// <summary>The most channels a header may claim.</summary>
    public const int MaxChannels = 1024;

    /// <summary>The highest sample rate a header may claim, in Hz.</summary>
    public const int MaxSampleRate = 1_536_000;

    private const ushort FormatPcm = 1;
    private const ushort FormatALaw = 6;
    private const ushort FormatMuLaw = 7;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly bool _float;
    private readonly float[]? _companding;
    private readonly int _bytesPerSample;
    private long _remaining;
    private byte[] _bytes = [];

    public WavReader(string path)
        : this(Open(path), path)
    {
    }

    /// <summary>Reads a WAV file from <paramref name="stream"/> (seekable or not), naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public WavReader(Stream stream, string path)
    {
        Path = path;
        _stream = stream;
        try
        {
            (Format format, long dataBytes, string? truncation) = ReadHeader(stream, path);
            Truncation = truncation;
            _float = format.Float;
            _companding = format.Companding;
            _bytesPerSample = format.Bits / 8;
            BitsPerSample = format.Companding is null ? format.Bits : 16; // G.711's 8 bits carry about 14 bits of range
            SampleRate = format.Rate;
            Channels = format.Channels;
            int blockAlign = format.Channels * _bytesPerSample;
            if (dataBytes >= 0)
            {
                _remaining = dataBytes;
                LengthFrames = dataBytes / blockAlign;
                IgnoredTrailingBytes = (int)(dataBytes % blockAlign);
            }
            else
            {
                _remaining = long.MaxValue;
                if (stream.CanSeek)
                {
                    long rest = stream.Length - stream.Position;
                    LengthFrames = rest / blockAlign;
                    IgnoredTrailingBytes = (int)(rest % blockAlign);
                }
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <inheritdoc/>
    public int? BitsPerSample { get; }

    /// <inheritdoc/>
    public bool IsFloat => _float;

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames { get; }

    /// <summary>Bytes at the end of the data that do not make a whole frame, and are not read.</summary>
    public int IgnoredTrailingBytes { get; }

    /// <inheritdoc/>
    public string? Truncation { get; }

    public int Read(Span<float> interleaved)
    {
        int frameBytes = Channels * _bytesPerSample;
        long wanted = Math.Min((long)(interleaved.Length / Channels) * frameBytes, _remaining - (_remaining % frameBytes));
        int bytesWanted = (int)Math.Max(0, wanted);
        if (_bytes.Length < bytesWanted)
        {
            _bytes = new byte[bytesWanted];
        }

        int got;
        try
        {
            got = _stream.ReadAtLeast(_bytes.AsSpan(0, bytesWanted), bytesWanted, throwOnEndOfStream: false);
        }
        catch (IOException e)
        {
            throw new AudioFormatException(Path, $"cannot be read ({e.Message.TrimEnd('.')})", e);
        }

        _remaining -= got;
        int samples = got / _bytesPerSample;
        samples -= samples % Channels;
        ReadOnlySpan<byte> b = _bytes;
        for (int i = 0; i < samples; i++)
        {
            int o = i * _bytesPerSample;
            interleaved[i] = _companding is { } table ? table[b[o]] : (_float, _bytesPerSample) switch
            {
                (true, 4) => BinaryPrimitives.ReadSingleLittleEndian(b.Slice(o, 4)),
                (true, _) => (float)BinaryPrimitives.ReadDoubleLittleEndian(b.Slice(o, 8)),
                (false, 1) => (b[o] - 128) / 128f,
                (false, 2) => BinaryPrimitives.ReadInt16LittleEndian(b.Slice(o, 2)) / 32768f,
                (false, 3) => ((b[o] << 8) | (b[o + 1] << 16) | (b[o + 2] << 24)) / 2147483648f,
                _ => BinaryPrimitives.ReadInt32LittleEndian(b.Slice(o, 4)) / 2147483648f,
            };
        }

        return samples / Channels;
    }

    public void Dispose() => _stream.Dispose();

    private static FileStream Open(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot be read ({e.Message.TrimEnd('.')})", e);
        }
    }

    private readonly record struct Format(int Channels, int Rate, int Bits, bool Float, float[]? Companding = null);

    /// <summary>Reads up to the start of the data chunk; returns the format and the data size (−1: to the end).</summary>
    private static (Format Format, long DataBytes, string? Truncation) ReadHeader(Stream stream, string path)
    {
        Span<byte> head = stackalloc byte[12];
        if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12
            || !head[..4].SequenceEqual("RIFF"u8) || !head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new AudioFormatException(path, "not a WAV file (no RIFF/WAVE header)");
        }

        long position = 12;
        long? fileLength = stream.CanSeek ? stream.Length : null;
        Format? format = null;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[40];
        while (true)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
            {
                throw new AudioFormatException(path, format is null ? "truncated WAV file (no fmt chunk)" : "truncated WAV file (no data chunk)");
            }

            position += 8;
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            ReadOnlySpan<byte> id = chunk[..4];
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16)
                {
                    throw new AudioFormatException(path, $"bad WAV fmt chunk ({size} bytes)");
                }

                int take = (int)Math.Min(size, 40);
                if (stream.ReadAtLeast(fmt[..take], take, throwOnEndOfStream: false) < take)
                {
                    throw new AudioFormatException(path, "truncated WAV file (inside the fmt chunk)");
                }

                position += take;
                format = ParseFormat(fmt[..take], path);
                Skip(stream, size - take + (size & 1), ref position, path);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new AudioFormatException(path, "WAV data chunk before its fmt chunk");
                }

                if (size is 0 or uint.MaxValue)
                {
                    return (format.Value, -1, null);
                }

                if (fileLength is long length && position + size > length)
                {
                    // A recording cut off (a crash, a full disk, a copy stopped): what is there is read, and said.
                    Format f = format.Value;
                    int frameBytes = f.Channels * (f.Bits / 8);
                    long heldBytes = Math.Max(0, length - position);
                    string promised = FormattableString.Invariant($"{size / (double)(frameBytes * f.Rate):F2} s");
                    string held = FormattableString.Invariant($"{heldBytes / (double)(frameBytes * f.Rate):F2} s");
                    if (heldBytes < frameBytes)
                    {
                        throw new AudioFormatException(path, $"truncated WAV file: the header promises {promised} of audio, the file holds none");
                    }

                    return (format.Value, heldBytes - (heldBytes % frameBytes), $"truncated WAV file: the header promises {promised} of audio, the file holds {held}");
                }

                return (format.Value, size, null);
            }
            else
            {
                Skip(stream, size + (size & 1), ref position, path);
            }
        }
    }

    private static Format ParseFormat(ReadOnlySpan<byte> fmt, string path)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40)
            {
                throw new AudioFormatException(path, "bad WAV fmt chunk (WAVE_FORMAT_EXTENSIBLE without its sub-format)");
            }

            // The sub-format GUID starts with the format tag it stands for: 00000001-0000-0010-8000-00aa00389b71 is PCM.
            ReadOnlySpan<byte> guidTail = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            uint sub = BinaryPrimitives.ReadUInt32LittleEndian(fmt[24..]);
            tag = fmt.Slice(28, 12).SequenceEqual(guidTail) && sub <= ushort.MaxValue ? (ushort)sub : (ushort)0;
        }

        bool isFloat = tag == FormatFloat;
        bool companded = tag is FormatALaw or FormatMuLaw && bits == 8;
        bool supported = (tag == FormatPcm && bits is 8 or 16 or 24 or 32) || (isFloat && bits is 32 or 64) || companded;
        if (!supported)
        {
            string encoding = tag switch
            {
                FormatPcm => "integer PCM",
                FormatFloat => "float",
                FormatALaw => "A-law",
                FormatMuLaw => "µ-law",
                0x0002 or 0x0011 => "ADPCM",
                0x0055 => "MP3",
                0 => "unknown sub-format",
                _ => $"format tag 0x{tag:X4}",
            };
            throw new AudioFormatException(path, $"unsupported WAV encoding ({encoding} with {bits} bits per sample)");
        }

        if (channels < 1 || channels > MaxChannels)
        {
            throw new AudioFormatException(path, $"the WAV header claims {channels} channels (1 to {MaxChannels} are read)");
        }

        if (rate < 1 || rate > MaxSampleRate)
        {
            throw new AudioFormatException(path, $"the WAV header claims a sample rate of {rate} Hz (1 Hz to {MaxSampleRate / 1000} kHz are read)");
        }

        if (blockAlign != channels * bits / 8)
        {
            throw new AudioFormatException(path, $"inconsistent WAV header ({channels} channels of {bits} bits in blocks of {blockAlign} bytes)");
        }

        return new Format(channels, (int)rate, bits, isFloat, companded ? G711(tag == FormatMuLaw) : null);
    }

    /// <summary>The 256 values of G.711 µ-law or A-law bytes (ITU-T G.711's expansion), scaled to [−1, 1].</summary>
    private static float[] G711(bool muLaw)
    {
        var table = new float[256];
        for (int code = 0; code < 256; code++)
        {
            int value;
            if (muLaw)
            {
                int u = ~code & 0xFF;
                int magnitude = ((((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
                value = (u & 0x80) != 0 ? -magnitude : magnitude;
            }
            else
            {
                int a = code ^ 0x55;
                int exponent = (a >> 4) & 0x07;
                int magnitude = exponent == 0 ? ((a & 0x0F) << 4) + 8 : (((a & 0x0F) << 4) + 0x108) << (exponent - 1);
                value = (a & 0x80) != 0 ? magnitude : -magnitude;
            }

            table[code] = value / 32768f;
        }

        return table;
    }

    private static void Skip(Stream stream, long count, ref long position, string path)
    {
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            if (position + count > stream.Length)
            {
                throw new AudioFormatException(path, "truncated WAV file (inside a chunk before the audio)");
            }

            stream.Seek(count, SeekOrigin.Current);
        }
        else
        {
            Span<byte> sink = stackalloc byte[4096];
            for (long left = count; left > 0;)
            {
                int n = stream.Read(sink[..(int)Math.Min(left, sink.Length)]);
                if (n <= 0)
                {
                    throw new AudioFormatException(path, "truncated WAV file (inside a chunk before the audio)");
                }

                left -= n;
            }
        }

        position += count;
    }
}
