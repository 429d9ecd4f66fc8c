using NLayer;

namespace PercepNet.Audio;

/// <summary>
/// MPEG-1/2/2.5 audio through NLayer, sample-accurate for files with a LAME/Xing "Info" header (lame, ffmpeg): the
/// header frame is kept from the decoder, and the encoder's delay plus the decoder's own 529 samples are skipped at
/// the start and the encoder's padding dropped at the end, so the decoded audio lines up with what was encoded.
/// Files without that header (lame -t, some low-rate MPEG-2 encoders) have no delay written down: LAME's standard
/// encoder delay (576 samples) is assumed with the decoder's 529, the delay of nearly every MP3 in the wild, so that
/// they are not 1,105 samples late. A file holding fewer frames than its Info header promises is a recording cut off:
/// what is there is read and <see cref="Truncation"/> says so. Every call into NLayer runs under a
/// <see cref="DecoderWatchdog"/>: on some malformed streams its frame search never returns (found by fuzzing); the
/// RIFF headers known to cause that are refused beforehand (<see cref="Mp3RiffHeaderCheck"/>).
/// </summary>
internal sealed class Mp3Reader : IAudioReader
{
    /// <summary>The delay of an MPEG layer III decoder's synthesis filter bank, in samples (528 + 1, as in LAME and mpg123).</summary>
    public const int DecoderDelay = 529;

    /// <summary>LAME's encoder delay, assumed for files that do not state theirs.</summary>
    public const int StandardEncoderDelay = 576;

    private readonly Stream _stream;
    private readonly MpegFile? _file;
    private readonly DecoderWatchdog _watchdog;
    private readonly DecoderReads.DecodeSamples _decode;
    private float[] _discard = [];
    private long _toSkip;
    private long _remaining;

    public Mp3Reader(string path)
        : this(AudioFile.OpenInput(path), path)
    {
    }

    /// <summary>Decodes <paramref name="stream"/> (seekable), naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public Mp3Reader(Stream stream, string path)
    {
        Path = path;
        try
        {
            GaplessInfo? gapless = GaplessInfo.Read(stream);
            long origin = 0;
            if (gapless is { } info)
            {
                origin = info.AudioStart;
                stream = new ReadOnlyStreamView(stream, info.AudioStart);
                _toSkip = (long)info.EncoderDelay + DecoderDelay;
                _remaining = info.Frames > 0 ? Math.Max(0, ((long)info.Frames * info.SamplesPerFrame) - info.EncoderDelay - info.Padding) : long.MaxValue;
                LengthFrames = _remaining == long.MaxValue ? null : _remaining;
            }
            else
            {
                stream.Position = 0;
                _toSkip = StandardEncoderDelay + DecoderDelay;
                _remaining = long.MaxValue;
            }

            if (Mp3RiffHeaderCheck.FindHazard(stream) is long hazard)
            {
                stream.Dispose();
                throw new AudioFormatException(path, FormattableString.Invariant(
                    $"not a readable MP3 file (the RIFF header at byte {origin + hazard} has chunk sizes that lead outside the file)"));
            }

            _stream = stream;
            _watchdog = new DecoderWatchdog((buffer, count) => _file!.ReadSamples(buffer, 0, count - (count % Channels)));
            Stream source = stream;
            _file = _watchdog.Call(() => new MpegFile(source));
            SampleRate = _file.SampleRate;
            Channels = _file.Channels;
            _decode = _watchdog.Read;
        }
        catch (Exception e) when (e is not AudioFormatException)
        {
            _watchdog?.Dispose();
            if (_watchdog is not { Stuck: true })
            {
                _file?.Dispose();
                stream.Dispose();
            }

            throw new AudioFormatException(path, e is TimeoutException
                ? "not a readable MP3 file (the decoder found no frame it could finish)"
                : $"not a readable MP3 file ({e.Message.TrimEnd('.')})", e);
        }

        if (SampleRate <= 0 || Channels <= 0)
        {
            Dispose();
            throw new AudioFormatException(path, "no MPEG audio frames found");
        }
    }

    public string Path { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames { get; }

    /// <inheritdoc/>
    public string? Truncation { get; private set; }

    public int Read(Span<float> interleaved)
    {
        while (_toSkip > 0)
        {
            int n = (int)Math.Min(_toSkip, 4096);
            if (_discard.Length < n * Channels)
            {
                _discard = new float[n * Channels];
            }

            int skipped = DecoderReads.ReadFrames(_discard.AsSpan(0, n * Channels), Channels, _decode, Path, "MP3");
            if (skipped == 0)
            {
                _toSkip = 0;
                return 0;
            }

            _toSkip -= skipped;
        }

        int wanted = (int)Math.Min(interleaved.Length / Channels, _remaining);
        if (wanted <= 0)
        {
            return 0;
        }

        int got = DecoderReads.ReadFrames(interleaved[..(wanted * Channels)], Channels, _decode, Path, "MP3");
        _remaining -= got;
        if (got == 0 && LengthFrames is long promised && _remaining > 0)
        {
            long held = promised - _remaining;
            Truncation = FormattableString.Invariant(
                $"truncated MP3 file: its Info header promises {promised / (double)SampleRate:F2} s of audio, the file holds {held / (double)SampleRate:F2} s");
            _remaining = 0;
        }

        return got;
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        if (!_watchdog.Stuck)
        {
            _file?.Dispose();
            _stream?.Dispose();
        }
    }

    /// <summary>What a LAME/Xing "Info" header frame says: where the audio frames start, how many there are, delay and padding.</summary>
    internal readonly record struct GaplessInfo(long AudioStart, int Frames, int SamplesPerFrame, int EncoderDelay, int Padding)
    {
        private static readonly int[] Mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
        private static readonly int[] Mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        private static readonly int[] Mpeg1Rates = [44100, 48000, 32000];

        /// <summary>Reads the header frame after any ID3v2 tag; null when the first frame is not a layer III Xing/Info frame.</summary>
        public static GaplessInfo? Read(Stream stream)
        {
            stream.Position = 0;
            Span<byte> head = stackalloc byte[10];
            if (stream.ReadAtLeast(head, 10, throwOnEndOfStream: false) < 10)
            {
                return null;
            }

            long start = 0;
            if (head[..3].SequenceEqual("ID3"u8))
            {
                int size = ((head[6] & 0x7F) << 21) | ((head[7] & 0x7F) << 14) | ((head[8] & 0x7F) << 7) | (head[9] & 0x7F);
                start = 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0);
            }

            var frame = new byte[200];
            stream.Position = start;
            int got = stream.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false);
            if (got < 4 || frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0)
            {
                return null;
            }

            int version = (frame[1] >> 3) & 3;          // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
            int layer = (frame[1] >> 1) & 3;            // 1: layer III
            int bitrateIndex = frame[2] >> 4;
            int rateIndex = (frame[2] >> 2) & 3;
            int padding = (frame[2] >> 1) & 1;
            bool mono = (frame[3] >> 6) == 3;
            if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3)
            {
                return null;
            }

            bool mpeg1 = version == 3;
            int rate = Mpeg1Rates[rateIndex] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
            int bitrate = (mpeg1 ? Mpeg1Bitrates : Mpeg2Bitrates)[bitrateIndex] * 1000;
            int frameBytes = ((mpeg1 ? 144 : 72) * bitrate / rate) + padding;
            int tag = 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
            if (got < tag + 8 || frameBytes <= tag + 8)
            {
                return null;
            }

            ReadOnlySpan<byte> id = frame.AsSpan(tag, 4);
            if (!id.SequenceEqual("Xing"u8) && !id.SequenceEqual("Info"u8))
            {
                return null;
            }

            int flags = (frame[tag + 4] << 24) | (frame[tag + 5] << 16) | (frame[tag + 6] << 8) | frame[tag + 7];
            int at = tag + 8;
            int frames = 0;
            if ((flags & 1) != 0 && at + 4 <= got)
            {
                frames = (frame[at] << 24) | (frame[at + 1] << 16) | (frame[at + 2] << 8) | frame[at + 3];
                at += 4;
            }

            at += ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
            int delay = 0, pad = 0;
            if (at + 24 <= got && at + 24 <= frameBytes)
            {
                // The LAME extension (also written by ffmpeg): 9 bytes of encoder name, then at +21 delay and padding, 12 bits each.
                delay = (frame[at + 21] << 4) | (frame[at + 22] >> 4);
                pad = ((frame[at + 22] & 0x0F) << 8) | frame[at + 23];
            }

            return new GaplessInfo(start + frameBytes, Math.Max(0, frames), mpeg1 ? 1152 : 576, delay, pad);
        }
    }
}
