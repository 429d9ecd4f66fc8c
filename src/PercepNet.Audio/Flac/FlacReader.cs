namespace PercepNet.Audio.Flac;

/// <summary>
/// FLAC decoding in our own code, front to back without seeking (a pipe will do): every block size, 4 to 32 bits per
/// sample, 1 to 8 channels, constant, verbatim, fixed and LPC subframes, wasted bits, the three stereo decorrelations,
/// and both Rice codings with escapes. Each frame's CRC-16 is checked (a mismatch is an error: the audio is damaged);
/// the MD5 of the decoded samples is compared with the stream's at the end, where a mismatch becomes
/// <see cref="ChecksumMismatch"/>. A stream cut inside a frame keeps the frames before it (<see cref="Truncation"/>).
/// </summary>
internal sealed class FlacReader : IAudioReader
{
    /// <summary>The largest block a frame may hold.</summary>
    public const int MaxBlockSize = 65536;

    private static readonly int[] TableRates = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
    private static readonly int[] TableBits = [0, 8, 12, 0, 16, 20, 24, 32];

    private readonly Stream _stream;
    private readonly bool _checkCrcs;
    private readonly FlacBitReader _bits;
    private readonly byte[] _expectedMd5 = new byte[16];
    private readonly FlacSampleHash _md5;
    private readonly long[][] _channels;
    private int _blockSize;
    private int _blockPosition;
    private long _decoded;
    private bool _finished;

    public FlacReader(string path)
        : this(AudioFile.OpenInput(path), path)
    {
    }

    /// <summary>Decodes <paramref name="stream"/>, naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public FlacReader(Stream stream, string path)
        : this(stream, path, checkCrcs: true)
    {
    }

    /// <summary>
    /// As <see cref="FlacReader(Stream, string)"/>; without <paramref name="checkCrcs"/>, frames whose checksums do not
    /// match are decoded all the same (the fuzzing harness's way to reach the subframe decoders with mutated frames).
    /// </summary>
    internal FlacReader(Stream stream, string path, bool checkCrcs)
    {
        _checkCrcs = checkCrcs;
        Path = path;
        _stream = stream;
        _bits = new FlacBitReader(stream);
        try
        {
            ReadMetadata();
        }
        catch (Exception e)
        {
            stream.Dispose();
            throw Wrap(e, "in its metadata");
        }

        _md5 = new FlacSampleHash(Channels, BitsPerSample);
        _channels = new long[Channels][];
        for (int c = 0; c < Channels; c++)
        {
            _channels[c] = new long[MaxBlockSize];
        }
    }

    public string Path { get; }

    public int SampleRate { get; private set; }

    public int Channels { get; private set; }

    /// <summary>Bits per sample of the stream (4 to 32).</summary>
    public int BitsPerSample { get; private set; }

    int? IAudioReader.BitsPerSample => BitsPerSample;

    public long? LengthFrames { get; private set; }

    /// <inheritdoc/>
    public string? Truncation { get; private set; }

    /// <summary>Set at the end of the stream when the decoded samples' MD5 differs from the one the stream carries.</summary>
    public string? ChecksumMismatch { get; private set; }

    public int Read(Span<float> interleaved)
    {
        int wanted = interleaved.Length / Channels;
        int frames = 0;
        float scale = 1f / (1L << (BitsPerSample - 1));
        while (frames < wanted)
        {
            if (_blockPosition == _blockSize)
            {
                if (_finished || !NextFrame())
                {
                    break;
                }
            }

            int take = Math.Min(wanted - frames, _blockSize - _blockPosition);
            for (int i = 0; i < take; i++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    interleaved[((frames + i) * Channels) + c] = _channels[c][_blockPosition + i] * scale;
                }
            }

            frames += take;
            _blockPosition += take;
        }

        return frames;
    }

    public void Dispose()
    {
        _md5.Dispose();
        _stream.Dispose();
    }

    private AudioFormatException Wrap(Exception e, string where) => e switch
    {
        AudioFormatException format => format,
        FlacEndOfStreamException => new AudioFormatException(Path, $"truncated FLAC file: it ends {where}"),
        InvalidDataException invalid => new AudioFormatException(Path, $"not a readable FLAC file ({invalid.Message})", e),
        IOException io => new AudioFormatException(Path, $"cannot be read ({io.Message.TrimEnd('.')})", e),
        _ => throw e,
    };

    private void ReadMetadata()
    {
        uint magic = _bits.ReadBits(32);
        if (magic == 0x49443303 || magic == 0x49443304 || magic == 0x49443302)
        {
            // An ID3v2 tag before the stream, as some taggers write: skipped by its synchsafe size.
            _bits.ReadBits(16);
            uint size = 0;
            for (int i = 0; i < 4; i++)
            {
                size = (size << 7) | (_bits.ReadBits(8) & 0x7F);
            }

            _bits.SkipBytes(size);
            magic = _bits.ReadBits(32);
        }

        if (magic != 0x664C6143)
        {
            throw new InvalidDataException("no fLaC marker");
        }

        bool last, first = true;
        do
        {
            last = _bits.ReadBit();
            int type = (int)_bits.ReadBits(7);
            int length = (int)_bits.ReadBits(24);
            if (first != (type == 0))
            {
                throw new InvalidDataException(first ? "the first metadata block is not STREAMINFO" : "a second STREAMINFO block");
            }

            if (type == 127)
            {
                throw new InvalidDataException("a metadata block of the forbidden type 127");
            }

            if (type == 0)
            {
                if (length != 34)
                {
                    throw new InvalidDataException($"a STREAMINFO block of {length} bytes, not 34");
                }

                ReadStreamInfo();
            }
            else
            {
                _bits.SkipBytes(length);
            }

            first = false;
        }
        while (!last);
    }

    private void ReadStreamInfo()
    {
        _bits.ReadBits(16); // smallest block
        _bits.ReadBits(16); // largest block
        _bits.ReadBits(24); // smallest frame
        _bits.ReadBits(24); // largest frame
        SampleRate = (int)_bits.ReadBits(20);
        Channels = (int)_bits.ReadBits(3) + 1;
        BitsPerSample = (int)_bits.ReadBits(5) + 1;
        long total = ((long)_bits.ReadBits(4) << 32) | _bits.ReadBits(32);
        _bits.ReadBytes(_expectedMd5);
        if (SampleRate == 0)
        {
            throw new InvalidDataException("a sample rate of 0 Hz");
        }

        if (BitsPerSample < 4)
        {
            throw new InvalidDataException($"{BitsPerSample} bits per sample (at least 4)");
        }

        LengthFrames = total > 0 ? total : null;
    }

    /// <summary>Decodes the next frame into the channel buffers; false at the end of the stream.</summary>
    private bool NextFrame()
    {
        _blockPosition = 0;
        _blockSize = 0;
        if (LengthFrames is long promised && _decoded >= promised)
        {
            // Everything promised is read: what follows (an ID3v1 tag, padding) is not audio.
            Finish();
            return false;
        }

        long frameStart = _bits.BytesRead;
        try
        {
            if (_bits.AtEnd)
            {
                if (LengthFrames is long expected && _decoded < expected)
                {
                    Truncation = FormattableString.Invariant($"truncated FLAC file: {_decoded} of the {expected} samples per channel its header promises; those are read");
                }

                Finish();
                return false;
            }

            DecodeFrame();
        }
        catch (Exception e) when (e is FlacEndOfStreamException)
        {
            Truncation = FormattableString.Invariant($"truncated FLAC file: cut inside the frame at byte {frameStart}; the {_decoded} samples per channel before it are read");
            _finished = true;
            _blockSize = 0;
            return false;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw Wrap(e, "");
        }

        if (LengthFrames is long limit && _decoded + _blockSize > limit)
        {
            // A last frame longer than the stream's length: the length wins.
            _blockSize = (int)(limit - _decoded);
        }

        _decoded += _blockSize;
        _md5.Append(_channels, _blockSize);
        return _blockSize > 0 || NextFrame();
    }

    private void Finish()
    {
        _finished = true;
        if (_expectedMd5.AsSpan().ContainsAnyExcept((byte)0) && Truncation is null)
        {
            Span<byte> actual = stackalloc byte[16];
            _md5.Finish(actual);
            if (!actual.SequenceEqual(_expectedMd5))
            {
                ChecksumMismatch = "the decoded audio does not match the MD5 checksum in the FLAC header (damaged, or written by a faulty encoder); it is used as decoded";
            }
        }
    }

    private void DecodeFrame()
    {
        _bits.Crc8 = 0;
        _bits.Crc16 = 0;
        uint sync = _bits.ReadBits(15);
        if (sync != 0x7FFC)
        {
            throw new InvalidDataException(FormattableString.Invariant($"no frame at byte {_bits.BytesRead - 2}"));
        }

        _bits.ReadBit(); // blocking strategy: fixed or variable; the sample numbers are not needed front to back
        int sizeCode = (int)_bits.ReadBits(4);
        int rateCode = (int)_bits.ReadBits(4);
        int assignment = (int)_bits.ReadBits(4);
        int bitsCode = (int)_bits.ReadBits(3);
        if (_bits.ReadBit())
        {
            throw new InvalidDataException("a frame header's reserved bit is set");
        }

        ReadCodedNumber();
        int blockSize = sizeCode switch
        {
            0 => throw new InvalidDataException("a frame with the reserved block size code 0"),
            1 => 192,
            <= 5 => 576 << (sizeCode - 2),
            6 => (int)_bits.ReadBits(8) + 1,
            7 => (int)_bits.ReadBits(16) + 1,
            _ => 256 << (sizeCode - 8),
        };
        int rate = rateCode switch
        {
            0 => SampleRate,
            <= 11 => TableRates[rateCode],
            12 => (int)_bits.ReadBits(8) * 1000,
            13 => (int)_bits.ReadBits(16),
            14 => (int)_bits.ReadBits(16) * 10,
            _ => throw new InvalidDataException("a frame with the invalid sample rate code 15"),
        };
        byte expectedCrc8 = _bits.Crc8;
        if (_bits.ReadBits(8) != expectedCrc8 && _checkCrcs)
        {
            throw new InvalidDataException("a frame header fails its CRC-8 (damaged data)");
        }

        int bits = bitsCode == 0 ? BitsPerSample : TableBits[bitsCode];
        if (bits == 0)
        {
            throw new InvalidDataException("a frame with the reserved sample size code 3");
        }

        int channels = assignment < 8 ? assignment + 1 : assignment <= 10 ? 2 : throw new InvalidDataException($"the reserved channel assignment {assignment}");
        if (rate != SampleRate || bits != BitsPerSample || channels != Channels)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"a frame of {channels} channel(s), {bits} bits at {rate} Hz in a stream of {Channels}, {BitsPerSample} bits at {SampleRate} Hz"));
        }

        for (int c = 0; c < channels; c++)
        {
            // The side channel of a stereo decorrelation carries one bit more.
            bool side = (assignment == 8 && c == 1) || (assignment == 9 && c == 0) || (assignment == 10 && c == 1);
            DecodeSubframe(_channels[c].AsSpan(0, blockSize), bits + (side ? 1 : 0));
        }

        _bits.AlignToByte();
        ushort expectedCrc16 = _bits.Crc16;
        if (_bits.ReadBits(16) != expectedCrc16 && _checkCrcs)
        {
            throw new InvalidDataException("a frame fails its CRC-16 (damaged data)");
        }

        Decorrelate(assignment, blockSize);
        _blockSize = blockSize;
    }

    /// <summary>The frame or sample number, coded in one to seven bytes as UTF-8 codes characters.</summary>
    private void ReadCodedNumber()
    {
        uint first = _bits.ReadBits(8);
        int extra = first < 0x80 ? 0 : first < 0xC0 ? -1 : first < 0xE0 ? 1 : first < 0xF0 ? 2 : first < 0xF8 ? 3 : first < 0xFC ? 4 : first < 0xFE ? 5 : first == 0xFE ? 6 : -1;
        if (extra < 0)
        {
            throw new InvalidDataException("a frame number that is not coded correctly");
        }

        for (int i = 0; i < extra; i++)
        {
            if ((_bits.ReadBits(8) & 0xC0) != 0x80)
            {
                throw new InvalidDataException("a frame number that is not coded correctly");
            }
        }
    }

    private void DecodeSubframe(Span<long> samples, int bits)
    {
        if (_bits.ReadBit())
        {
            throw new InvalidDataException("a subframe's padding bit is set");
        }

        int type = (int)_bits.ReadBits(6);
        int wasted = 0;
        if (_bits.ReadBit())
        {
            wasted = (int)_bits.ReadUnary() + 1;
            if (wasted >= bits)
            {
                throw new InvalidDataException($"{wasted} wasted bits of {bits}");
            }

            bits -= wasted;
        }

        switch (type)
        {
            case 0:
                samples.Fill(_bits.ReadSigned(bits));
                break;
            case 1:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = _bits.ReadSigned(bits);
                }

                break;
            case >= 8 and <= 12:
                DecodeFixed(samples, bits, type - 8);
                break;
            case >= 32:
                DecodeLpc(samples, bits, type - 31);
                break;
            default:
                throw new InvalidDataException($"the reserved subframe type {type}");
        }

        if (wasted > 0)
        {
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] <<= wasted;
            }
        }
    }

    private void DecodeFixed(Span<long> samples, int bits, int order)
    {
        if (order > samples.Length)
        {
            throw new InvalidDataException($"a fixed predictor of order {order} in a block of {samples.Length}");
        }

        for (int i = 0; i < order; i++)
        {
            samples[i] = _bits.ReadSigned(bits);
        }

        ReadResidual(samples, order);
        switch (order)
        {
            case 1:
                for (int i = 1; i < samples.Length; i++)
                {
                    samples[i] += samples[i - 1];
                }

                break;
            case 2:
                for (int i = 2; i < samples.Length; i++)
                {
                    samples[i] += (2 * samples[i - 1]) - samples[i - 2];
                }

                break;
            case 3:
                for (int i = 3; i < samples.Length; i++)
                {
                    samples[i] += (3 * (samples[i - 1] - samples[i - 2])) + samples[i - 3];
                }

                break;
            case 4:
                for (int i = 4; i < samples.Length; i++)
                {
                    samples[i] += (4 * (samples[i - 1] + samples[i - 3])) - (6 * samples[i - 2]) - samples[i - 4];
                }

                break;
        }
    }

    private void DecodeLpc(Span<long> samples, int bits, int order)
    {
        if (order > samples.Length)
        {
            throw new InvalidDataException($"a predictor of order {order} in a block of {samples.Length}");
        }

        for (int i = 0; i < order; i++)
        {
            samples[i] = _bits.ReadSigned(bits);
        }

        int precision = (int)_bits.ReadBits(4) + 1;
        if (precision == 16)
        {
            throw new InvalidDataException("a predictor with the invalid precision code 15");
        }

        int shift = (int)_bits.ReadSigned(5);
        if (shift < 0)
        {
            throw new InvalidDataException("a predictor with a negative shift");
        }

        Span<long> coefficients = stackalloc long[32];
        for (int j = 0; j < order; j++)
        {
            coefficients[j] = _bits.ReadSigned(precision);
        }

        ReadResidual(samples, order);
        for (int i = order; i < samples.Length; i++)
        {
            long sum = 0;
            for (int j = 0; j < order; j++)
            {
                sum += coefficients[j] * samples[i - 1 - j];
            }

            samples[i] += sum >> shift;
        }
    }

    /// <summary>Reads the Rice-coded residual into <paramref name="samples"/> after the <paramref name="order"/> warm-up samples.</summary>
    private void ReadResidual(Span<long> samples, int order)
    {
        int method = (int)_bits.ReadBits(2);
        if (method > 1)
        {
            throw new InvalidDataException($"the reserved residual coding {method}");
        }

        int parameterBits = method == 0 ? 4 : 5;
        uint escape = method == 0 ? 15u : 31u;
        int partitionOrder = (int)_bits.ReadBits(4);
        int partitions = 1 << partitionOrder;
        if (samples.Length % partitions != 0 || (samples.Length >> partitionOrder) < order)
        {
            throw new InvalidDataException($"{partitions} residual partitions in a block of {samples.Length} with a predictor of order {order}");
        }

        int perPartition = samples.Length >> partitionOrder;
        int i = order;
        for (int p = 0; p < partitions; p++)
        {
            int end = (p + 1) * perPartition;
            uint parameter = _bits.ReadBits(parameterBits);
            if (parameter == escape)
            {
                int raw = (int)_bits.ReadBits(5);
                for (; i < end; i++)
                {
                    samples[i] = _bits.ReadSigned(raw);
                }
            }
            else
            {
                int k = (int)parameter;
                for (; i < end; i++)
                {
                    ulong folded = ((ulong)_bits.ReadUnary() << k) | _bits.ReadBits(k);
                    samples[i] = (long)(folded >> 1) ^ -(long)(folded & 1);
                }
            }
        }
    }

    private void Decorrelate(int assignment, int blockSize)
    {
        if (assignment < 8)
        {
            return;
        }

        Span<long> a = _channels[0].AsSpan(0, blockSize), b = _channels[1].AsSpan(0, blockSize);
        for (int i = 0; i < blockSize; i++)
        {
            switch (assignment)
            {
                case 8: // left, side
                    b[i] = a[i] - b[i];
                    break;
                case 9: // side, right
                    a[i] += b[i];
                    break;
                default: // mid, side
                    long mid = (a[i] << 1) | (b[i] & 1);
                    a[i] = (mid + b[i]) >> 1;
                    b[i] = (mid - b[i]) >> 1;
                    break;
            }
        }
    }
}
