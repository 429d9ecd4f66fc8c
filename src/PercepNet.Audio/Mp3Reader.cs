using NLayer;

namespace PercepNet.Audio;

/// <summary>MPEG-1/2 layer III (and I/II) through NLayer.</summary>
internal sealed class Mp3Reader : IAudioReader
{
    private readonly FileStream _stream;
    private readonly MpegFile _file;

    private readonly DecoderReads.DecodeSamples _decode;

    public Mp3Reader(string path)
    {
        Path = path;
        _stream = File.OpenRead(path);
        try
        {
            _file = new MpegFile(_stream);
            SampleRate = _file.SampleRate;
            Channels = _file.Channels;
            _decode = _file.ReadSamples;
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

    public int Read(Span<float> interleaved) =>
        DecoderReads.ReadFrames(interleaved, Channels, _decode, Path, "MP3");

    public void Dispose()
    {
        _file.Dispose();
        _stream.Dispose();
    }
}
