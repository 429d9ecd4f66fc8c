using System.Buffers.Binary;
using PercepNet.Audio.Flac;

namespace PercepNet.Audio;

/// <summary>
/// Writes a FLAC file: integer samples of 4 to 32 bits, losslessly compressed by our own encoder at about the
/// reference encoder's default level (fixed and LPC prediction, Rice partitions, stereo decorrelation). To a path, it
/// writes a temporary file and renames it into place on <see cref="Commit"/>, as <see cref="WavWriter"/> does, and the
/// header then carries the length and the MD5 of the samples. To a stream that cannot seek (a pipe), the header
/// leaves the length and the MD5 unset ("unknown"), as the format allows.
/// </summary>
public sealed class FlacWriter : IAudioWriter
{
    private const string Vendor = "percepnet";

    private readonly OutputFile? _file;
    private readonly Stream _stream;
    private readonly int _channels;
    private readonly int _sampleRate;
    private readonly int _bits;
    private readonly FlacEncoder _encoder;
    private readonly long[][] _block;
    private readonly FlacSampleHash _md5;
    private int _filled;
    private long _frames;
    private int _smallestFrame = int.MaxValue;
    private int _largestFrame;

    /// <summary>Starts a FLAC file that will replace <paramref name="path"/> on <see cref="Commit"/>.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="sampleRate">Frames per second (1 Hz to 1,048,575 Hz).</param>
    /// <param name="channels">Interleaved channels (1 to 8).</param>
    /// <param name="bitsPerSample">Bits per stored sample (4 to 32).</param>
    /// <exception cref="AudioFormatException">The file cannot be created (the message names it and says why).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rate, channel count or bit depth cannot be stored in FLAC.</exception>
    public FlacWriter(string path, int sampleRate, int channels, int bitsPerSample = 16)
    {
        Check(sampleRate, channels, bitsPerSample);
        (_sampleRate, _channels, _bits) = (sampleRate, channels, bitsPerSample);
        _encoder = new FlacEncoder(sampleRate, channels, bitsPerSample);
        _block = NewBlock(channels);
        _md5 = new FlacSampleHash(channels, bitsPerSample);
        _file = new OutputFile(path);
        Path = _file.Path;
        _stream = _file.Stream;
        WriteHeader();
    }

    /// <summary>Writes a FLAC file to <paramref name="stream"/> (which stays open).</summary>
    /// <param name="stream">Where the file goes; a pipe or a file.</param>
    /// <param name="sampleRate">Frames per second (1 Hz to 1,048,575 Hz).</param>
    /// <param name="channels">Interleaved channels (1 to 8).</param>
    /// <param name="bitsPerSample">Bits per stored sample (4 to 32).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate, channel count or bit depth cannot be stored in FLAC.</exception>
    public FlacWriter(Stream stream, int sampleRate, int channels, int bitsPerSample = 16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Check(sampleRate, channels, bitsPerSample);
        (_sampleRate, _channels, _bits) = (sampleRate, channels, bitsPerSample);
        _encoder = new FlacEncoder(sampleRate, channels, bitsPerSample);
        _block = NewBlock(channels);
        _md5 = new FlacSampleHash(channels, bitsPerSample);
        Path = "-";
        _stream = stream;
        WriteHeader();
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        double scale = 1L << (_bits - 1);
        long top = (1L << (_bits - 1)) - 1, bottom = -(1L << (_bits - 1));
        for (int i = 0; i + _channels <= interleaved.Length; i += _channels)
        {
            for (int c = 0; c < _channels; c++)
            {
                float v = interleaved[i + c];
                _block[c][_filled] = float.IsFinite(v) ? Math.Clamp((long)Math.Round(v * scale), bottom, top) : 0;
            }

            if (++_filled == FlacEncoder.BlockSize)
            {
                Flush();
            }
        }
    }

    /// <inheritdoc/>
    public void Commit()
    {
        if (_filled > 0)
        {
            Flush();
        }

        if (_stream.CanSeek)
        {
            Span<byte> md5 = stackalloc byte[16];
            _md5.Finish(md5);
            _stream.Position = 8;
            _stream.Write(StreamInfo(_frames, md5));
            _stream.Seek(0, SeekOrigin.End);
        }

        _stream.Flush();
        _file?.Commit();
    }

    /// <summary>
    /// Closes the file; without <see cref="Commit"/>, deletes it and leaves the target as it was. A stream given to
    /// the writer stays open.
    /// </summary>
    public void Dispose()
    {
        _md5.Dispose();
        _file?.Dispose();
    }

    private static void Check(int sampleRate, int channels, int bitsPerSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, (1 << 20) - 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerSample, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitsPerSample, 32);
    }

    private static long[][] NewBlock(int channels)
    {
        var block = new long[channels][];
        for (int c = 0; c < channels; c++)
        {
            block[c] = new long[FlacEncoder.BlockSize];
        }

        return block;
    }

    private void Flush()
    {
        _md5.Append(_block, _filled);
        ReadOnlySpan<byte> frame = _encoder.EncodeFrame(_block, _filled);
        _stream.Write(frame);
        _smallestFrame = Math.Min(_smallestFrame, frame.Length);
        _largestFrame = Math.Max(_largestFrame, frame.Length);
        _frames += _filled;
        _filled = 0;
    }

    /// <summary>"fLaC", STREAMINFO (length and MD5 unknown until the commit) and a VORBIS_COMMENT naming the encoder.</summary>
    private void WriteHeader()
    {
        _stream.Write("fLaC"u8);
        _stream.Write([0x00, 0x00, 0x00, 34]);
        _stream.Write(StreamInfo(0, stackalloc byte[16]));
        int commentLength = 4 + Vendor.Length + 4;
        Span<byte> comment = stackalloc byte[4 + commentLength];
        comment[0] = 0x80 | 4;
        comment[1] = 0;
        comment[2] = 0;
        comment[3] = (byte)commentLength;
        BinaryPrimitives.WriteInt32LittleEndian(comment[4..], Vendor.Length);
        System.Text.Encoding.ASCII.GetBytes(Vendor, comment[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(comment[(8 + Vendor.Length)..], 0);
        _stream.Write(comment);
    }

    private byte[] StreamInfo(long frames, ReadOnlySpan<byte> md5)
    {
        var info = new byte[34];
        BinaryPrimitives.WriteUInt16BigEndian(info, FlacEncoder.BlockSize);
        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(2), FlacEncoder.BlockSize);
        int smallest = _largestFrame == 0 ? 0 : _smallestFrame, largest = _largestFrame;
        info[4] = (byte)(smallest >> 16);
        info[5] = (byte)(smallest >> 8);
        info[6] = (byte)smallest;
        info[7] = (byte)(largest >> 16);
        info[8] = (byte)(largest >> 8);
        info[9] = (byte)largest;
        ulong packed = ((ulong)_sampleRate << 44) | ((ulong)(_channels - 1) << 41) | ((ulong)(_bits - 1) << 36) | ((ulong)frames & 0xFFFFFFFFF);
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(10), packed);
        md5.CopyTo(info.AsSpan(18));
        return info;
    }
}
