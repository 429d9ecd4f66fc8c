using NAudio.Wave;

namespace PercepNet.Audio;

/// <summary>
/// WAV reader: 8/16/24/32-bit integer PCM, 32/64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, any rate and
/// channel count. NAudio parses the RIFF chunks; the sample decoding is ours so that every format above is covered.
/// </summary>
internal sealed class WavReader : IAudioReader
{
    private static readonly Guid PcmSubFormat = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubFormat = new("00000003-0000-0010-8000-00aa00389b71");

    private readonly WaveFileReader _reader;
    private readonly bool _float;
    private readonly int _bytesPerSample;
    private byte[] _bytes = [];

    public WavReader(string path)
    {
        Path = path;
        try
        {
            _reader = new WaveFileReader(path);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            throw new AudioFormatException(path, $"not a readable WAV file ({e.Message.TrimEnd('.')})", e);
        }

        WaveFormat format = _reader.WaveFormat;
        WaveFormatEncoding encoding = format.Encoding;
        if (encoding == WaveFormatEncoding.Extensible)
        {
            Guid subFormat = format is WaveFormatExtensible extensible ? extensible.SubFormat : ReadSubFormat(path);
            encoding = subFormat == PcmSubFormat ? WaveFormatEncoding.Pcm
                : subFormat == FloatSubFormat ? WaveFormatEncoding.IeeeFloat
                : WaveFormatEncoding.Unknown;
        }

        int bits = format.BitsPerSample;
        _float = encoding == WaveFormatEncoding.IeeeFloat;
        bool supported = (encoding == WaveFormatEncoding.Pcm && bits is 8 or 16 or 24 or 32)
            || (_float && bits is 32 or 64);
        if (!supported)
        {
            _reader.Dispose();
            throw new AudioFormatException(path, $"unsupported WAV encoding {encoding} with {bits} bits per sample");
        }

        if (format.Channels < 1 || format.SampleRate < 1 || format.BlockAlign != format.Channels * bits / 8)
        {
            _reader.Dispose();
            throw new AudioFormatException(path, "inconsistent WAV header (channels, rate or block size)");
        }

        _bytesPerSample = bits / 8;
        SampleRate = format.SampleRate;
        Channels = format.Channels;
        LengthFrames = _reader.Length / format.BlockAlign;
    }

    public string Path { get; }

    /// <summary>The sub-format GUID of a WAVE_FORMAT_EXTENSIBLE fmt chunk (bytes 24..39 of the chunk).</summary>
    private static Guid ReadSubFormat(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        reader.BaseStream.Position = 12;
        while (reader.BaseStream.Position + 8 <= reader.BaseStream.Length)
        {
            string id = new(reader.ReadChars(4));
            uint size = reader.ReadUInt32();
            if (id == "fmt " && size >= 40)
            {
                reader.BaseStream.Position += 24;
                return new Guid(reader.ReadBytes(16));
            }

            reader.BaseStream.Position += size + (size & 1);
        }

        return Guid.Empty;
    }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames { get; }

    public int Read(Span<float> interleaved)
    {
        int frames = interleaved.Length / Channels;
        int bytesWanted = frames * Channels * _bytesPerSample;
        if (_bytes.Length < bytesWanted)
        {
            _bytes = new byte[bytesWanted];
        }

        int got = 0;
        while (got < bytesWanted)
        {
            int n = _reader.Read(_bytes, got, bytesWanted - got);
            if (n <= 0)
            {
                break;
            }

            got += n;
        }

        int samples = got / _bytesPerSample;
        samples -= samples % Channels;
        ReadOnlySpan<byte> b = _bytes;
        for (int i = 0; i < samples; i++)
        {
            int o = i * _bytesPerSample;
            interleaved[i] = (_float, _bytesPerSample) switch
            {
                (true, 4) => BitConverter.ToSingle(b.Slice(o, 4)),
                (true, _) => (float)BitConverter.ToDouble(b.Slice(o, 8)),
                (false, 1) => (b[o] - 128) / 128f,
                (false, 2) => BitConverter.ToInt16(b.Slice(o, 2)) / 32768f,
                (false, 3) => ((b[o] << 8) | (b[o + 1] << 16) | (b[o + 2] << 24)) / 2147483648f,
                _ => BitConverter.ToInt32(b.Slice(o, 4)) / 2147483648f,
            };
        }

        return samples / Channels;
    }

    public void Dispose() => _reader.Dispose();
}
