using NVorbis;

namespace PercepNet.Audio;

/// <summary>Ogg Vorbis through NVorbis.</summary>
public sealed class OggVorbisReader : IAudioReader
{
    private readonly VorbisReader _reader;

    public OggVorbisReader(string path)
    {
        Path = path;
        try
        {
            _reader = new VorbisReader(File.OpenRead(path), closeOnDispose: true);
            SampleRate = _reader.SampleRate;
            Channels = _reader.Channels;
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

    public int Read(Span<float> interleaved)
    {
        int wanted = interleaved.Length - (interleaved.Length % Channels);
        try
        {
            int got = 0;
            while (got < wanted)
            {
                int n = _reader.ReadSamples(interleaved[got..wanted]);
                if (n <= 0)
                {
                    break;
                }

                got += n;
            }

            return got / Channels;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new AudioFormatException(Path, $"corrupt Ogg Vorbis data ({e.Message.TrimEnd('.')})", e);
        }
    }

    public void Dispose() => _reader.Dispose();
}
