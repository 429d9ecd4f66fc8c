using NVorbis;
using NVorbis.Ogg;

namespace PercepNet.Audio;

/// <summary>
/// Ogg Vorbis through NVorbis: the first logical stream of the file, decoded without NVorbis's own end trimming
/// (see <see cref="UntrimmedPackets"/>) and cut at the stream's length (its last granule position) here instead.
/// </summary>
internal sealed class OggVorbisReader : IAudioReader
{
    private readonly ContainerReader _container;
    private readonly StreamDecoder _decoder;
    private long _framesLeft;

    private readonly DecoderReads.DecodeSamples _decode;
    private readonly DecoderWatchdog _watchdog;

    public OggVorbisReader(string path)
        : this(AudioFile.OpenInput(path), path)
    {
    }

    /// <summary>Decodes <paramref name="stream"/>, naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public OggVorbisReader(Stream stream, string path)
    {
        Path = path;
        try
        {
            long? wholePages = stream.CanSeek ? OggPages.Validate(stream, path) : null;
            if (wholePages is long kept)
            {
                Truncation = FormattableString.Invariant($"truncated Ogg file: cut inside the page at byte {kept}; the {kept} bytes of whole pages before it are read");
            }

            // Every call into NVorbis runs under the watchdog: opening too can loop on crafted headers (found by fuzzing).
            _watchdog = new DecoderWatchdog((buffer, count) => _decoder!.Read(buffer.AsSpan(0, count), 0, count - (count % Channels)));
            Stream source = stream.CanSeek ? ReadOnlyStreamView.WithReadBudget(stream, end: wholePages) : stream;
            _container = new ContainerReader(source, closeOnDispose: true);
            _decoder = _watchdog.Call(() => OpenFirstStream(_container));
            SampleRate = _decoder.SampleRate;
            Channels = _decoder.Channels;
            _decode = _watchdog.Read;

            // The length is read from the last page, where damage shows too (found by fuzzing).
            long total = _watchdog.Call(() => _decoder.TotalSamples);
            LengthFrames = total > 0 ? total : null;
            _framesLeft = total > 0 ? total : long.MaxValue;
            if (Channels < 1 || SampleRate < 1)
            {
                throw new AudioFormatException(path, $"not a readable Ogg Vorbis file ({Channels} channels at {SampleRate} Hz)");
            }
        }
        catch (Exception e)
        {
            _watchdog?.Dispose();
            if (_watchdog is not { Stuck: true })
            {
                _decoder?.Dispose();
                _container?.Dispose();
                stream.Dispose();
            }

            throw e as AudioFormatException ?? new AudioFormatException(path, e is OutOfMemoryException
                ? "not a readable Ogg Vorbis file (the decoder asked for more memory than there is)"
                : $"not a readable Ogg Vorbis file ({e.Message.TrimEnd('.')})", e);
        }
    }

    public string Path { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames { get; }

    /// <inheritdoc/>
    public string? Truncation { get; }

    public int Read(Span<float> interleaved)
    {
        int wanted = (int)Math.Min(interleaved.Length / Channels, _framesLeft);
        int frames = DecoderReads.ReadFrames(interleaved[..(wanted * Channels)], Channels, _decode, Path, "Ogg Vorbis");
        _framesLeft -= frames;
        return frames;
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        if (!_watchdog.Stuck)
        {
            _decoder.Dispose();
            _container.Dispose();
        }
    }

    /// <summary>Finds the first logical stream and reads its headers; other streams in the file are ignored.</summary>
    private static StreamDecoder OpenFirstStream(ContainerReader container)
    {
        StreamDecoder? decoder = null;
        container.NewStreamCallback = packets =>
        {
            if (decoder is not null)
            {
                return false;
            }

            decoder = new StreamDecoder(new UntrimmedPackets(packets));
            return true;
        };
        if (!container.TryInit() || decoder is null)
        {
            throw new InvalidDataException("no Vorbis stream found");
        }

        return decoder;
    }
}
