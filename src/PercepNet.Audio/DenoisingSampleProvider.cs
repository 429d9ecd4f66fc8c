using NAudio.Wave;

namespace PercepNet.Audio;

/// <summary>
/// An NAudio <see cref="ISampleProvider"/> that denoises another: any sample rate and channel count, live (the output
/// lags the source by the denoiser's latency, 40 ms at 48 kHz). When the source ends, that much more audio follows,
/// then the provider ends too. Compose it like any sample provider, e.g. between an <c>AudioFileReader</c> and
/// <c>WaveFileWriter.CreateWaveFile16</c>, or a capture device and a playback one.
/// </summary>
public sealed class DenoisingSampleProvider : ISampleProvider
{
    private readonly ISampleProvider _source;
    private readonly DenoisePipeline _pipeline;
    private bool _ended;

    /// <summary>Denoises <paramref name="source"/>.</summary>
    /// <param name="source">The noisy audio, IEEE float samples.</param>
    /// <param name="model">The model; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The source's rate is outside 8–384 kHz or it has more than 64 channels.</exception>
    public DenoisingSampleProvider(ISampleProvider source, Model? model = null, DenoiserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        WaveFormat = WaveFormat.CreateIeeeFloatWaveFormat(source.WaveFormat.SampleRate, source.WaveFormat.Channels);
        _pipeline = new DenoisePipeline(model ?? Model.Default, options ?? new DenoiserOptions(), WaveFormat.SampleRate, WaveFormat.Channels, compensateDelay: false);
        (model ?? Model.Default).PrepareForLiveUse();
    }

    /// <summary>The source's rate and channels, as IEEE float.</summary>
    public WaveFormat WaveFormat { get; }

    /// <summary>Speech activity of the last frame (0 to 1), averaged over channels.</summary>
    public float SpeechActivity => _pipeline.SpeechActivity;

    /// <summary>Fills <paramref name="buffer"/> with denoised samples, reading the source as needed.</summary>
    /// <param name="buffer">Where the samples go (whole frames).</param>
    /// <returns>How many samples were written; fewer than the buffer holds only at the end.</returns>
    public int Read(Span<float> buffer)
    {
        // The source's samples are denoised where they land: the stream gives back as many as it is given (lagging by
        // its latency), and when the source ends its last Latency frames come out of silence fed after it.
        int channels = WaveFormat.Channels;
        Span<float> whole = buffer[..(buffer.Length - (buffer.Length % channels))];
        int filled = 0;
        while (filled < whole.Length)
        {
            Span<float> rest = whole[filled..];
            if (!_ended)
            {
                int got = _source.Read(rest);
                got -= got % channels;
                if (got > 0)
                {
                    filled += _pipeline.Process(rest[..got]).Length;
                    continue;
                }

                _ended = true;
            }

            int tail = _pipeline.Finish(rest).Length;
            if (tail == 0)
            {
                break;
            }

            filled += tail;
        }

        return filled;
    }
}
