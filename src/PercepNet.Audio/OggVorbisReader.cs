using NVorbis;

namespace PercepNet.Audio;

/// <summary>Ogg Vorbis through NVorbis.</summary>
internal sealed class OggVorbisReader : IAudioReader
{
    private readonly VorbisReader _reader;

    private readonly DecoderReads.DecodeSamples _decode;

    public OggVorbisReader(string path)
    {
        Path = path;
        try
        {
            _reader = new VorbisReader(File.OpenRead(path), closeOnDispose: true);
            SampleRate = _reader.SampleRate;
            Channels = _reader.Channels;
            _decode = _reader.ReadSamples;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not IOException and not UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"not a readable Ogg Vorbis file ({e.Message.TrimEnd('.')})", e);
        }

        long total = _reader.TotalSamples;
        LengthFrames = total > 0 ? total : null;
    }

    public string Path { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames { get; }

    public int Read(Span<float> interleaved) =>
        DecoderReads.ReadFrames(interleaved, Channels, _decode, Path, "Ogg Vorbis");

    public void Dispose() => _reader.Dispose();
}
