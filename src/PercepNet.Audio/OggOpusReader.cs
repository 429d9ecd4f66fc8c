using System.Buffers.Binary;
using Concentus.Structs;

namespace PercepNet.Audio;

/// <summary>
/// Ogg Opus (RFC 7845) through Concentus's managed decoder, front to back without seeking: the first logical stream,
/// decoded at 48 kHz (Opus's own rate, whatever rate the encoder was given), with the header's pre-skip dropped from
/// the start, the end trimmed to the last page's granule position, and the header's output gain applied — so that an
/// opusenc file of 48 kHz audio decodes to exactly the source's length and alignment. Surround streams (mapping family
/// 1) come out in WAV's channel order, as opusdec gives them. Pages are checked against their
/// CRC; a file cut inside a page keeps the audio of the whole pages before it (<see cref="Truncation"/>).
/// </summary>
internal sealed class OggOpusReader : IAudioReader
{
    private const int Rate = 48000;
    private const int MostSamplesPerPacket = 5760; // 120 ms at 48 kHz

    /// <summary>
    /// For mapping family 1, where each WAV channel comes from in the Vorbis order the stream uses (3.0 to 7.1
    /// surround: left, centre, right, … → left, right, centre, LFE, …), as opusdec writes them.
    /// </summary>
    private static readonly int[][] WavOrder =
    [
        [0], [0, 1], [0, 2, 1], [0, 1, 2, 3], [0, 2, 1, 3, 4], [0, 2, 1, 5, 3, 4], [0, 2, 1, 6, 5, 3, 4], [0, 2, 1, 7, 5, 6, 3, 4],
    ];

    private readonly Stream _stream;
    private readonly OpusMSDecoder _decoder;
    private readonly int _serial;
    private readonly float _gain;
    private readonly float[] _decoded;
    private readonly int[]? _order;
    private readonly List<byte[]> _packets = [];
    private readonly MemoryStream _partial = new();
    private readonly byte[] _header = new byte[27 + 255];
    private readonly byte[] _body = new byte[255 * 255];
    private float[] _ready = [];
    private int _readyStart;
    private int _readyEnd;
    private long _skip;
    private long _decodedTotal;
    private bool _ended;
    private long _offset;
    private int _pages;
    private int _lastSerial;
    private bool _sawLastPage;

    public OggOpusReader(string path)
        : this(AudioFile.OpenInput(path), path)
    {
    }

    /// <summary>Decodes <paramref name="stream"/>, naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public OggOpusReader(Stream stream, string path)
    {
        Path = path;
        _stream = stream;
        try
        {
            byte[] head = NextPacket(out _) ?? throw new AudioFormatException(path, "not a readable Ogg Opus file (no header)");
            _serial = _lastSerial;
            if (head.Length < 19 || !head.AsSpan(0, 8).SequenceEqual("OpusHead"u8) || (head[8] >> 4) != 0)
            {
                throw new AudioFormatException(path, "not a readable Ogg Opus file (its first packet is not an OpusHead of version 0)");
            }

            Channels = head[9];
            _skip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
            _gain = MathF.Pow(10, BinaryPrimitives.ReadInt16LittleEndian(head.AsSpan(16)) / (20f * 256));
            int family = head[18];
            int streams = 1, coupled = Channels == 2 ? 1 : 0;
            byte[] mapping = Channels == 2 ? [0, 1] : [0];
            if (family != 0)
            {
                if (head.Length < 21 + Channels)
                {
                    throw new AudioFormatException(path, "not a readable Ogg Opus file (its channel mapping is cut)");
                }

                (streams, coupled, mapping) = (head[19], head[20], head[21..(21 + Channels)]);
                _order = family == 1 && Channels <= 8 && Channels > 2 ? WavOrder[Channels - 1] : null;
            }
            else if (Channels is < 1 or > 2)
            {
                throw new AudioFormatException(path, $"not a readable Ogg Opus file ({Channels} channels without a channel mapping)");
            }

            if (Channels < 1 || streams < 1 || coupled > streams || mapping.Any(m => m != 255 && m >= streams + coupled))
            {
                throw new AudioFormatException(path, "not a readable Ogg Opus file (an impossible channel mapping)");
            }

            byte[] tags = NextPacket(out _) ?? throw new AudioFormatException(path, "not a readable Ogg Opus file (no comment header)");
            if (tags.Length < 8 || !tags.AsSpan(0, 8).SequenceEqual("OpusTags"u8))
            {
                throw new AudioFormatException(path, "not a readable Ogg Opus file (its second packet is not OpusTags)");
            }

            // The managed decoder, the same on every machine (the factory would take a native libopus where one is installed).
#pragma warning disable CS0618
            _decoder = new OpusMSDecoder(Rate, Channels, streams, coupled, mapping);
#pragma warning restore CS0618
            _decoded = new float[MostSamplesPerPacket * Channels];
        }
        catch (Exception e)
        {
            stream.Dispose();
            throw e as AudioFormatException ?? new AudioFormatException(path, $"not a readable Ogg Opus file ({e.Message.TrimEnd('.')})", e);
        }
    }

    public string Path { get; }

    public int SampleRate => Rate;

    public int Channels { get; }

    /// <summary>Not known before the last page has been read.</summary>
    public long? LengthFrames => null;

    /// <inheritdoc/>
    public string? Truncation { get; private set; }

    public int Read(Span<float> interleaved)
    {
        int wanted = interleaved.Length / Channels;
        int frames = 0;
        while (frames < wanted)
        {
            if (_readyStart == _readyEnd && !DecodeNextPage())
            {
                break;
            }

            int take = Math.Min(wanted - frames, (_readyEnd - _readyStart) / Channels);
            _ready.AsSpan(_readyStart, take * Channels).CopyTo(interleaved[(frames * Channels)..]);
            _readyStart += take * Channels;
            frames += take;
        }

        return frames;
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>Decodes the packets that end on the next page of the stream; false at its end.</summary>
    private bool DecodeNextPage()
    {
        if (_ended)
        {
            return false;
        }

        _readyStart = _readyEnd = 0;
        long granule;
        bool last;
        try
        {
            if (!ReadPage(out granule, out last))
            {
                _ended = true;
                if (!_sawLastPage)
                {
                    Truncation = "truncated Ogg file: it ends without its last page; the audio of the pages it holds is read";
                }

                return false;
            }
        }
        catch (EndOfStreamException)
        {
            Truncation = FormattableString.Invariant($"truncated Ogg file: cut inside the page at byte {_offset}; the whole pages before it are read");
            _ended = true;
            return false;
        }

        long before = _decodedTotal;
        foreach (byte[] packet in _packets)
        {
            int count;
            try
            {
                count = _decoder.DecodeMultistream(packet, _decoded, MostSamplesPerPacket, false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new AudioFormatException(Path, $"not a readable Ogg Opus file (a damaged packet: {e.Message.TrimEnd('.')})", e);
            }

            if (count < 0)
            {
                throw new AudioFormatException(Path, $"not a readable Ogg Opus file (a damaged packet, error {count})");
            }

            Reorder(_decoded.AsSpan(0, count * Channels));
            Append(_decoded.AsSpan(0, count * Channels));
            _decodedTotal += count;
        }

        _packets.Clear();
        if (last && granule >= 0 && granule < _decodedTotal)
        {
            // The end of the stream: the last page's granule position says where the audio stops.
            long drop = Math.Min(_decodedTotal - granule, _decodedTotal - before);
            _readyEnd = Math.Max(_readyStart, _readyEnd - (int)(drop * Channels));
        }

        // The pre-skip: decoder warm-up at the start, not audio.
        int skipped = (int)Math.Min(_skip, (_readyEnd - _readyStart) / Channels);
        _readyStart += skipped * Channels;
        _skip -= skipped;
        for (int i = _readyStart; i < _readyEnd; i++)
        {
            _ready[i] *= _gain;
        }

        if (last)
        {
            _ended = true;
        }

        return _readyEnd > _readyStart || DecodeNextPage();
    }

    private void Reorder(Span<float> interleaved)
    {
        if (_order is null)
        {
            return;
        }

        Span<float> frame = stackalloc float[8];
        for (int at = 0; at < interleaved.Length; at += Channels)
        {
            interleaved.Slice(at, Channels).CopyTo(frame);
            for (int c = 0; c < Channels; c++)
            {
                interleaved[at + c] = frame[_order[c]];
            }
        }
    }

    private void Append(ReadOnlySpan<float> samples)
    {
        if (_ready.Length < _readyEnd + samples.Length)
        {
            Array.Resize(ref _ready, Math.Max(_ready.Length * 2, _readyEnd + samples.Length));
        }

        samples.CopyTo(_ready.AsSpan(_readyEnd));
        _readyEnd += samples.Length;
    }

    /// <summary>The next whole packet of the first stream, reading pages as needed; null at the end.</summary>
    private byte[]? NextPacket(out long granule)
    {
        granule = -1;
        while (_packets.Count == 0)
        {
            if (!ReadPage(out granule, out _))
            {
                return null;
            }
        }

        byte[] packet = _packets[0];
        _packets.RemoveAt(0);
        return packet;
    }

    /// <summary>
    /// Reads pages up to one of the first stream that ends a packet, adding its whole packets to <see cref="_packets"/>;
    /// false at a clean end of the stream.
    /// </summary>
    private bool ReadPage(out long granule, out bool last)
    {
        while (true)
        {
            granule = -1;
            last = false;
            int got = _stream.ReadAtLeast(_header.AsSpan(0, 27), 27, throwOnEndOfStream: false);
            if (got == 0)
            {
                return false;
            }

            if (got < 27)
            {
                throw new EndOfStreamException();
            }

            if (!_header.AsSpan(0, 4).SequenceEqual("OggS"u8) || _header[4] != 0)
            {
                throw new AudioFormatException(Path, $"corrupt Ogg file (no page starts at byte {_offset})");
            }

            int segments = _header[26];
            _stream.ReadExactly(_header.AsSpan(27, segments));
            int bodyLength = 0;
            foreach (byte lacing in _header.AsSpan(27, segments))
            {
                bodyLength += lacing;
            }

            _stream.ReadExactly(_body.AsSpan(0, bodyLength));
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(22));
            _header.AsSpan(22, 4).Clear();
            uint crc = OggPages.Checksum(_header.AsSpan(0, 27 + segments), _body.AsSpan(0, bodyLength));
            if (crc != stored)
            {
                throw new AudioFormatException(Path, $"corrupt Ogg file (the page at byte {_offset} fails its checksum)");
            }

            _offset += 27 + segments + bodyLength;
            int serial = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(14));
            if (_pages++ == 0)
            {
                _lastSerial = serial;
            }
            else if (serial != _serial)
            {
                continue; // another logical stream: not ours
            }

            granule = BinaryPrimitives.ReadInt64LittleEndian(_header.AsSpan(6));
            last = (_header[5] & 0x04) != 0;
            _sawLastPage |= last;
            int at = 0;
            foreach (byte lacing in _header.AsSpan(27, segments))
            {
                _partial.Write(_body, at, lacing);
                at += lacing;
                if (lacing < 255)
                {
                    _packets.Add(_partial.ToArray());
                    _partial.SetLength(0);
                }
                else if (_partial.Length > 1 << 24)
                {
                    throw new AudioFormatException(Path, "not a readable Ogg Opus file (a packet over 16 MB)");
                }
            }

            if (_packets.Count > 0 || last)
            {
                return true;
            }
        }
    }
}
