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
    private float[] _buffer = [];
    private long _inputFrames;
    private long _toSkip;

    public DenoisePipeline(Model model, DenoiserOptions options, int sampleRate, int channels, bool compensateDelay)
    {
        _stream = new StreamDenoiser(sampleRate, channels, model, options);
        _toSkip = compensateDelay ? _stream.Latency : 0;
    }

    /// <summary>Why audio of this rate and channel count cannot be denoised, or null when it can.</summary>
    public static string? Refuses(int sampleRate, int channels) => StreamDenoiser.Refuses(sampleRate, channels);

    public int SampleRate => _stream.SampleRate;

    public int Channels => _stream.Channels;

    /// <summary>Delay of the output behind the input without compensation, in frames.</summary>
    public int Latency => _stream.Latency;

    /// <summary>Speech activity of the last frame (the most active channel's).</summary>
    public float SpeechActivity => _stream.SpeechActivity;

    /// <summary>Processes interleaved frames and appends the interleaved output that is ready.</summary>
    public void Process(ReadOnlySpan<float> interleaved, List<float> output)
    {
        _inputFrames += interleaved.Length / Channels;
        Run(interleaved, output);
    }

    /// <summary>
    /// Ends the stream: pushes the last <see cref="Latency"/> frames out with silence and appends them. With
    /// compensation the output then has the input's length; without, <see cref="Latency"/> frames more. A stream with
    /// no input gives none.
    /// </summary>
    public void Finish(List<float> output)
    {
        if (_inputFrames == 0)
        {
            return;
        }

        var silence = new float[Math.Min(_stream.Latency, 4800) * Channels];
        for (int left = _stream.Latency; left > 0; left -= silence.Length / Channels)
        {
            int frames = Math.Min(left, silence.Length / Channels);
            Run(silence.AsSpan(0, frames * Channels), output);
        }
    }

    private void Run(ReadOnlySpan<float> interleaved, List<float> output)
    {
        if (_buffer.Length < interleaved.Length)
        {
            _buffer = new float[interleaved.Length];
        }

        Span<float> denoised = _buffer.AsSpan(0, interleaved.Length);
        _stream.Process(interleaved, denoised);
        int skip = (int)Math.Min(_toSkip, interleaved.Length / Channels);
        _toSkip -= skip;
        output.AddRange(denoised[(skip * Channels)..]);
    }
}
