
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
        if (sampleRate < 8000 || sampleRate > 384000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), $"Sample rate {sampleRate} Hz is outside 8–384 kHz.");
        }

        if (channels < 1 || channels > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"{channels} channels: 1 to 64 are supported.");
        }

        SampleRate = sampleRate;
        _compensateDelay = compensateDelay;
        _channels = [.. Enumerable.Range(0, channels).Select(_ => new Channel(new Denoiser(model, options), sampleRate))];
    }

    public int SampleRate { get; }

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
    public void Finish(List<float> output)
    {
        long expected48k = (long)Math.Round(_inputFrames * (double)Denoiser.SampleRate / SampleRate);
        foreach (Channel channel in _channels)
        {
            channel.Finish(expected48k, _compensateDelay, _inputFrames - _outputFrames);
        }

        Drain(output, _compensateDelay ? _inputFrames - _outputFrames : long.MaxValue);
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
            if (_down is not null && compensate)
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
