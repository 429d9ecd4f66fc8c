using NVorbis;

namespace PercepNet.Audio;

/// <summary>Ogg Vorbis through NVorbis.</summary>
internal sealed class OggVorbisReader : IAudioReader
{
    private readonly VorbisReader _reader;

    private readonly DecoderReads.DecodeSamples _decode;
    private readonly DecoderWatchdog _watchdog;

    public OggVorbisReader(string path)
        : this(OpenFile(path), path)
    {
    }

    /// <summary>Decodes <paramref name="stream"/>, naming it <paramref name="path"/> in errors; disposes the stream.</summary>
    public OggVorbisReader(Stream stream, string path)
    {
        Path = path;
        try
        {
            if (stream.CanSeek)
            {
                OggPages.Validate(stream, path);
            }

            // Every call into NVorbis runs under the watchdog: opening too can loop on crafted headers (found by fuzzing).
            _watchdog = new DecoderWatchdog((buffer, count) => _reader!.ReadSamples(buffer.AsSpan(0, count)));
            Stream source = stream.CanSeek ? ReadOnlyStreamView.WithReadBudget(stream) : stream;
            _reader = _watchdog.Call(() => new VorbisReader(source, closeOnDispose: true));
            SampleRate = _reader.SampleRate;
            Channels = _reader.Channels;
            _decode = _watchdog.Read;

            // The length is read from the last page, where damage shows too (found by fuzzing).
            long total = _watchdog.Call(() => _reader.TotalSamples);
            LengthFrames = total > 0 ? total : null;
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
                _reader?.Dispose();
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

    public int Read(Span<float> interleaved) =>
        DecoderReads.ReadFrames(interleaved, Channels, _decode, Path, "Ogg Vorbis");

    public void Dispose()
    {
        _watchdog.Dispose();
        if (!_watchdog.Stuck)
        {
            _reader.Dispose();
        }
    }

    private static FileStream OpenFile(string path)
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
}
