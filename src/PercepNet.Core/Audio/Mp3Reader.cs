using NLayer;

namespace PercepNet.Audio;

/// <summary>MPEG-1/2 layer III (and I/II) through NLayer.</summary>
public sealed class Mp3Reader : IAudioReader
{
    private readonly FileStream _stream;
    private readonly MpegFile _file;

    public Mp3Reader(string path)
    {
        Path = path;
        _stream = File.OpenRead(path);
        try
        {
            _file = new MpegFile(_stream);
            SampleRate = _file.SampleRate;
            Channels = _file.Channels;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _stream.Dispose();
            throw new AudioFormatException(path, $"not a readable MP3 file ({e.Message.TrimEnd('.')})", e);
        }

        if (SampleRate <= 0 || Channels <= 0)
        {
            _stream.Dispose();
            throw new AudioFormatException(path, "no MPEG audio frames found");
        }
    }

    public string Path { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public long? LengthFrames => null;

    public int Read(Span<float> interleaved)
    {
        int wanted = interleaved.Length - (interleaved.Length % Channels);
        try
        {
            int got = 0;
            while (got < wanted)
            {
                int n = _file.ReadSamples(interleaved[got..wanted]);
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
            throw new AudioFormatException(Path, $"corrupt MP3 data ({e.Message.TrimEnd('.')})", e);
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _stream.Dispose();
    }
}
