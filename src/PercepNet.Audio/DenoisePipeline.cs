
namespace PercepNet.Audio;

/// <summary>
/// Denoises interleaved audio of any rate and channel count: each channel is resampled to 48 kHz, run through its own
/// <see cref="Denoiser"/> (all sharing one model), and resampled back. With delay compensation (for files) the output
/// lines up with the input sample for sample and, after <see cref="Finish"/>, has exactly as many frames; without it
/// (for live streams) audio flows through as soon as it is processed, lagging by the denoiser's latency.
/// </summary>
internal sealed class DenoisePipeline
{
    private readonly Channel[] _channels;
    private readonly bool _compensateDelay;
    private float[] _deinterleaved = [];
    private long _inputFrames;
    private long _outputFrames;

    public DenoisePipeline(Model model, DenoiserOptions options, int sampleRate, int channels, bool compensateDelay)
    {
        if (Refuses(sampleRate, channels) is string problem)
        {
            throw new ArgumentOutOfRangeException(sampleRate is < MinRate or > MaxRate ? nameof(sampleRate) : nameof(channels), problem);
        }

        SampleRate = sampleRate;
        _compensateDelay = compensateDelay;
        _channels = [.. Enumerable.Range(0, channels).Select(_ => new Channel(new Denoiser(model, options), sampleRate))];
    }

    public const int MinRate = 8000;
    public const int MaxRate = 384000;
    public const int MaxChannels = 64;

    public int SampleRate { get; }

    /// <summary>Why audio of this rate and channel count cannot be denoised, or null when it can.</summary>
    public static string? Refuses(int sampleRate, int channels) =>
        sampleRate is < MinRate or > MaxRate ? $"sample rate {sampleRate} Hz: the denoiser takes 8 to 384 kHz"
        : channels is < 1 or > MaxChannels ? $"{channels} channels: the denoiser takes 1 to {MaxChannels}"
        : null;

    public int Channels => _channels.Length;

    /// <summary>Speech activity of the last frame, averaged over channels.</summary>
    public float SpeechActivity => _channels.Average(c => c.Denoiser.SpeechActivity);

    /// <summary>Processes interleaved frames and appends the interleaved output that is ready.</summary>
    public void Process(ReadOnlySpan<float> interleaved, List<float> output)
    {
        int frames = interleaved.Length / Channels;
        _inputFrames += frames;
        if (_deinterleaved.Length < frames)
        {
            _deinterleaved = new float[frames];
        }

        Span<float> channel = _deinterleaved.AsSpan(0, frames);
        for (int c = 0; c < Channels; c++)
        {
            for (int i = 0; i < frames; i++)
            {
                channel[i] = interleaved[(i * Channels) + c];
            }

            _channels[c].Process(channel, _compensateDelay);
        }

        Drain(output, long.MaxValue);
    }

    /// <summary>Ends the stream: flushes every stage and appends the rest (with compensation, up to the input's length).</summary>
    /// <remarks>
    /// Without compensation the stream ends with the denoiser's latency worth of tail: at 48 kHz exactly 1919 frames
    /// more than the input, at other rates the same duration rounded to the rate. A stream with no input gives none.
    /// </remarks>
    public void Finish(List<float> output)
    {
        if (_inputFrames == 0)
        {
            return;
        }

        long expected48k = (long)Math.Round(_inputFrames * (double)Denoiser.SampleRate / SampleRate);
        int latency48k = _channels[0].Denoiser.Latency;
        long total = _compensateDelay
            ? _inputFrames
            : SampleRate == Denoiser.SampleRate ? _inputFrames + latency48k : (long)Math.Round((expected48k + latency48k) * (double)SampleRate / Denoiser.SampleRate);
        foreach (Channel channel in _channels)
        {
            channel.Finish(expected48k, _compensateDelay, total - _outputFrames);
        }

        Drain(output, total - _outputFrames);
    }

    private void Drain(List<float> output, long limit)
    {
        int ready = (int)Math.Min(limit, _channels.Min(c => c.Ready.Count));
        for (int i = 0; i < ready; i++)
        {
            foreach (Channel channel in _channels)
            {
                output.Add(channel.Ready[i]);
            }
        }

        foreach (Channel channel in _channels)
        {
            channel.Ready.RemoveRange(0, Math.Min(channel.Ready.Count, ready));
        }

        _outputFrames += ready;
    }

    private sealed class Channel(Denoiser denoiser, int rate)
    {
        private readonly Resampler? _up = rate == Denoiser.SampleRate ? null : new Resampler(rate, Denoiser.SampleRate);
        private readonly Resampler? _down = rate == Denoiser.SampleRate ? null : new Resampler(Denoiser.SampleRate, rate);
        private readonly List<float> _at48k = [];
        private float[] _result = [];
        private long _fed48k;
        private long _skipped;

        public Denoiser Denoiser { get; } = denoiser;

        /// <summary>Output at the input rate, not yet handed out.</summary>
        public List<float> Ready { get; } = [];

        public void Process(ReadOnlySpan<float> input, bool compensate)
        {
            _at48k.Clear();
            if (_up is null)
            {
                _at48k.AddRange(input);
            }
            else
            {
                _up.Process(input, _at48k);
            }

            Denoise(_at48k.Count, compensate);
        }

        public void Finish(long expected48k, bool compensate, long stillExpected)
        {
            _at48k.Clear();
            if (_up is not null)
            {
                // Push the resampler's tail out with silence until the 48 kHz stream has its full length.
                var silence = new float[1024];
                for (int i = 0; i < 64 && _fed48k + _at48k.Count < expected48k; i++)
                {
                    _up.Process(silence, _at48k);
                }

                int keep = (int)Math.Max(0, Math.Min(_at48k.Count, expected48k - _fed48k));
                _at48k.RemoveRange(keep, _at48k.Count - keep);
            }

            Denoise(_at48k.Count, compensate);
            var tail = new float[Denoiser.Latency];
            Denoiser.Flush(tail);
            AppendDenoised(tail, tail.Length, compensate);
            if (_down is not null)
            {
                // Push the last samples out of the resampler back to the input rate.
                var silence = new float[1024];
                for (int i = 0; i < 64 && Ready.Count < stillExpected; i++)
                {
                    _down.Process(silence, Ready);
                }
            }
        }

        private void Denoise(int count, bool compensate)
        {
            if (count == 0)
            {
                return;
            }

            if (_result.Length < count)
            {
                _result = new float[count];
            }

            Denoiser.Process(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_at48k)[..count], _result.AsSpan(0, count));
            _fed48k += count;
            AppendDenoised(_result, count, compensate);
        }

        private void AppendDenoised(float[] samples, int count, bool compensate)
        {
            int start = 0;
            if (compensate && _skipped < Denoiser.Latency)
            {
                start = (int)Math.Min(count, Denoiser.Latency - _skipped);
                _skipped += start;
            }

            if (start >= count)
            {
                return;
            }

            ReadOnlySpan<float> part = samples.AsSpan(start, count - start);
            if (_down is null)
            {
                Ready.AddRange(part);
            }
            else
            {
                _down.Process(part, Ready);
            }
        }
    }
}
