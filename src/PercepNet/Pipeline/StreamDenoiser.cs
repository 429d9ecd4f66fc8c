using PercepNet.Dsp;
using PercepNet.Network;
using PercepNet.Pipeline;

namespace PercepNet;

/// <summary>
/// Denoises a live stream of interleaved audio at any sample rate from 8 to 384 kHz and any number of channels up to
/// 64: each channel is resampled to 48 kHz, run through its own <see cref="Denoiser"/> (all sharing one model) and
/// resampled back. Every call returns as many frames as it was given, delayed by exactly <see cref="Latency"/> frames
/// whatever the block sizes (1919 at 48 kHz; at other rates the resampling filters add about 1 ms). Nothing is
/// allocated per call, so it suits audio callbacks.
/// <para>One stream per instance, used by one thread at a time; instances sharing a <see cref="Model"/> may run
/// on different threads at once. Non-finite input samples count as 0; the output is finite and within [−1, 1].</para>
/// </summary>
public sealed class StreamDenoiser
{
    /// <summary>The lowest sample rate taken, in Hz.</summary>
    public const int MinSampleRate = 8000;

    /// <summary>The highest sample rate taken, in Hz.</summary>
    public const int MaxSampleRate = 384000;

    /// <summary>The most channels taken.</summary>
    public const int MaxChannels = 64;

    /// <summary>
    /// Frames handled per step inside a call (at the stream's rate): at 48 kHz as many as the denoiser takes through
    /// its network at once, so that long calls (whole files) get the blocked network's lower cost.
    /// </summary>
    private const int Chunk = HopStream.BlockHops * FrameLayout.HopSize;

    private readonly ChannelStream[] _channels;
    private readonly float[] _planar; // Chunk samples per channel

    /// <summary>A denoiser for a stream of <paramref name="channels"/> interleaved channels at <paramref name="sampleRate"/> Hz.</summary>
    /// <param name="sampleRate">The stream's rate, 8000 to 384000 Hz.</param>
    /// <param name="channels">Channels per frame, 1 to 64.</param>
    /// <param name="model">The network's weights, shared; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate or the channel count is out of range.</exception>
    public StreamDenoiser(int sampleRate, int channels, Model? model = null, DenoiserOptions? options = null)
    {
        if (Refuses(sampleRate, channels) is string problem)
        {
            throw new ArgumentOutOfRangeException(sampleRate is < MinSampleRate or > MaxSampleRate ? nameof(sampleRate) : nameof(channels), problem);
        }

        SampleRate = sampleRate;
        CompiledModel compiled = Denoiser.Prepared(model, options).Compiled;
        options ??= new DenoiserOptions();
        _channels = new ChannelStream[channels];
        for (int c = 0; c < channels; c++)
        {
            _channels[c] = new ChannelStream(new Denoiser(compiled, options), sampleRate, Chunk);
        }

        _planar = new float[Chunk * channels];
        Latency = _channels[0].Latency;
    }

    /// <summary>Why a stream of this rate and channel count cannot be denoised, or null when it can.</summary>
    public static string? Refuses(int sampleRate, int channels) =>
        sampleRate is < MinSampleRate or > MaxSampleRate ? $"sample rate {sampleRate} Hz: the denoiser takes {MinSampleRate / 1000} to {MaxSampleRate / 1000} kHz"
        : channels is < 1 or > MaxChannels ? $"{channels} channels: the denoiser takes 1 to {MaxChannels}"
        : null;

    /// <summary>The stream's sample rate, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Channels per frame.</summary>
    public int Channels => _channels.Length;

    /// <summary>Delay of the output behind the input, in frames at <see cref="SampleRate"/>.</summary>
    public int Latency { get; }

    /// <summary>
    /// The run-time settings; assigning new ones takes effect from the next 10 ms frame without a click or a reset.
    /// </summary>
    public DenoiserOptions Options
    {
        get => _channels[0].Denoiser.Options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (ChannelStream channel in _channels)
            {
                channel.Denoiser.Options = value;
            }
        }
    }

    /// <summary>
    /// The value of every knob, the same in every channel; setting it allocates nothing (the C library's parameter
    /// calls change one knob at a time through it).
    /// </summary>
    internal DenoiserSettings Settings
    {
        get => _channels[0].Denoiser.Settings;
        set
        {
            foreach (ChannelStream channel in _channels)
            {
                channel.Denoiser.Settings = value;
            }
        }
    }

    /// <summary>Speech activity of the latest 10 ms frame, 0 to 1: the highest of the channels' <see cref="Denoiser.SpeechActivity"/>.</summary>
    public float SpeechActivity
    {
        get
        {
            float most = 0;
            foreach (ChannelStream channel in _channels)
            {
                most = MathF.Max(most, channel.Denoiser.SpeechActivity);
            }

            return most;
        }
    }

    /// <summary>Denoises interleaved frames in place.</summary>
    /// <param name="interleaved">Whole frames: a multiple of <see cref="Channels"/> samples.</param>
    public void Process(Span<float> interleaved) => Process(interleaved, interleaved);

    /// <summary>Denoises interleaved frames; the output lags the input by <see cref="Latency"/> frames.</summary>
    /// <param name="input">Whole frames: a multiple of <see cref="Channels"/> samples.</param>
    /// <param name="output">As long as <paramref name="input"/>; may be the same memory (but not partly overlap it).</param>
    /// <exception cref="ArgumentException">The lengths differ or are not whole frames.</exception>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        int channels = _channels.Length;
        if (output.Length != input.Length || input.Length % channels != 0)
        {
            throw new ArgumentException($"The input and output must be the same whole number of {channels}-sample frames.", nameof(output));
        }

        int frames = input.Length / channels;
        for (int start = 0; start < frames; start += Chunk)
        {
            int n = Math.Min(Chunk, frames - start);
            ReadOnlySpan<float> from = input.Slice(start * channels, n * channels);
            Span<float> to = output.Slice(start * channels, n * channels);
            if (channels == 1)
            {
                _channels[0].Process(from, to);
                continue;
            }

            for (int c = 0; c < channels; c++)
            {
                Span<float> plane = _planar.AsSpan(c * Chunk, n);
                for (int i = 0; i < n; i++)
                {
                    plane[i] = from[(i * channels) + c];
                }
            }

            for (int c = 0; c < channels; c++)
            {
                Span<float> plane = _planar.AsSpan(c * Chunk, n);
                _channels[c].Process(plane, plane);
                for (int i = 0; i < n; i++)
                {
                    to[(i * channels) + c] = plane[i];
                }
            }
        }
    }

    /// <summary>
    /// Denoises one channel's samples (for hosts with a buffer per channel): call it for every channel with the same
    /// number of frames. <paramref name="output"/> may be the same memory as <paramref name="input"/>.
    /// </summary>
    internal void ProcessChannel(int channel, ReadOnlySpan<float> input, Span<float> output)
    {
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - start);
            _channels[channel].Process(input.Slice(start, n), output.Slice(start, n));
        }
    }

    /// <summary>Forgets the stream (signal history, recurrent state, resampler history, voice gate); keeps the settings.</summary>
    public void Reset()
    {
        foreach (ChannelStream channel in _channels)
        {
            channel.Reset();
        }
    }

    /// <summary>Samples that a channel could not deliver in time (always 0 unless the latency is wrong; for tests).</summary>
    internal long Underruns
    {
        get
        {
            long sum = 0;
            foreach (ChannelStream channel in _channels)
            {
                sum += channel.Underruns;
            }

            return sum;
        }
    }

    /// <summary>
    /// One channel: the stream's rate → 48 kHz → <see cref="Denoiser.Process"/> → the stream's rate. The way back
    /// samples the denoised signal at the instants of the input frames themselves (undoing the denoiser's delay), and
    /// a queue primed with <see cref="Latency"/> zeros holds each output until its frame is due, so the delay is a
    /// whole number of frames at the stream's rate and no block size changes it.
    /// </summary>
    private sealed class ChannelStream
    {
        private readonly SincResampler? _up;
        private readonly SincResampler? _down;
        private readonly float[] _at48k;
        private readonly float[] _back;
        private readonly float[] _queue;
        private int _queueStart;
        private int _queueCount;

        public ChannelStream(Denoiser denoiser, int rate, int chunk)
        {
            Denoiser = denoiser;
            if (rate == Denoiser.SampleRate)
            {
                Latency = denoiser.Latency;
                _at48k = _back = _queue = [];
                return;
            }

            _up = new SincResampler(rate, Denoiser.SampleRate, 0, chunk);
            int most48k = _up.MaxOutput(chunk);
            _down = new SincResampler(Denoiser.SampleRate, rate, (long)denoiser.Latency * rate, most48k);
            _at48k = new float[most48k];
            _back = new float[_down.MaxOutput(most48k)];

            // The last input a frame's output needs lies at most this far after the frame (see SincResampler).
            Latency = (int)Math.Ceiling((denoiser.Latency + _down.HalfTaps + 1) * (double)rate / Denoiser.SampleRate) + _up.HalfTaps + 1;
            _queue = new float[Latency + _back.Length + chunk];
            Reset();
        }

        public Denoiser Denoiser { get; }

        public int Latency { get; }

        public long Underruns { get; private set; }

        public void Process(ReadOnlySpan<float> input, Span<float> output)
        {
            if (_up is null)
            {
                Denoiser.Process(input, output);
                return;
            }

            int n = input.Length;
            Span<float> clean = _back.AsSpan(0, n); // free until the way back below
            PercepNet.Denoiser.Sanitise(input, clean);

            int count48k = _up.Process(clean, _at48k);
            Span<float> at48k = _at48k.AsSpan(0, count48k);
            Denoiser.Process(at48k, at48k);
            int back = _down!.Process(at48k, _back);
            for (int i = 0; i < back; i++)
            {
                _queue[(_queueStart + _queueCount + i) % _queue.Length] = _back[i];
            }

            _queueCount += back;
            for (int i = 0; i < n; i++)
            {
                if (_queueCount == 0)
                {
                    Underruns++;
                    output[i] = 0f;
                    continue;
                }

                output[i] = _queue[_queueStart];
                _queueStart = (_queueStart + 1) % _queue.Length;
                _queueCount--;
            }

            PercepNet.Denoiser.Sanitise(output, output);
        }

        public void Reset()
        {
            Denoiser.Reset();
            if (_up is null)
            {
                return;
            }

            _up.Reset();
            _down!.Reset();
            Array.Clear(_queue);
            _queueStart = 0;
            _queueCount = Latency;
        }
    }
}
