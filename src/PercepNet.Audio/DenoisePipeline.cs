namespace PercepNet.Audio;

/// <summary>
/// Denoises interleaved audio of any rate and channel count through one <see cref="StreamDenoiser"/> (the same path
/// as the C library and the plugins). With delay compensation (for files) the output lines up with the input sample
/// for sample and, after <see cref="Finish"/>, has exactly as many frames; without it (for live streams) audio flows
/// through as soon as it is processed, lagging by the stream's latency.
/// </summary>
internal sealed class DenoisePipeline
{
    private readonly StreamDenoiser _stream;
    private long _inputFrames;
    private long _toSkip;
    private long _tailLeft; // frames of the tail still to push out

    public DenoisePipeline(Model model, DenoiserOptions options, int sampleRate, int channels, bool compensateDelay)
    {
        _stream = new StreamDenoiser(sampleRate, channels, model, options);
        _toSkip = compensateDelay ? _stream.Latency : 0;
        _tailLeft = _stream.Latency;
    }

    /// <summary>Why audio of this rate and channel count cannot be denoised, or null when it can.</summary>
    public static string? Refuses(int sampleRate, int channels) => StreamDenoiser.Refuses(sampleRate, channels);

    public int SampleRate => _stream.SampleRate;

    public int Channels => _stream.Channels;

    /// <summary>Delay of the output behind the input without compensation, in frames.</summary>
    public int Latency => _stream.Latency;

    /// <summary>Speech activity of the last frame (the most active channel's).</summary>
    public float SpeechActivity => _stream.SpeechActivity;

    /// <summary>
    /// Denoises interleaved frames in place and returns the part of them that is output: all of it, except, with delay
    /// compensation, the first <see cref="Latency"/> frames of the stream (the denoiser's warm-up, dropped).
    /// </summary>
    public Span<float> Process(Span<float> interleaved)
    {
        _inputFrames += interleaved.Length / Channels;
        return Run(interleaved);
    }

    /// <summary>
    /// Ends the stream, a block at a time: denoises silence into <paramref name="block"/> (whole frames) to push the
    /// last <see cref="Latency"/> frames out, and returns what of it is output; an empty span once the tail is out.
    /// With compensation the output then has had the input's length; without, <see cref="Latency"/> frames more. A
    /// stream with no input has no tail.
    /// </summary>
    public Span<float> Finish(Span<float> block)
    {
        if (_inputFrames == 0 || _tailLeft == 0)
        {
            return [];
        }

        int frames = (int)Math.Min(_tailLeft, block.Length / Channels);
        _tailLeft -= frames;
        Span<float> silence = block[..(frames * Channels)];
        silence.Clear();
        return Run(silence);
    }


    private Span<float> Run(Span<float> interleaved)
    {
        _stream.Process(interleaved);
        int skip = (int)Math.Min(_toSkip, interleaved.Length / Channels);
        _toSkip -= skip;
        return interleaved[(skip * Channels)..];
    }
}
