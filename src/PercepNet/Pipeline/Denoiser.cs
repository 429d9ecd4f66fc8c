using System.Runtime.Intrinsics;
using PercepNet.Dsp;
using PercepNet.Network;
using PercepNet.Pipeline;

namespace PercepNet;

/// <summary>
/// The streaming PercepNet denoiser for one channel of 48 kHz audio: create one per channel or stream. Denoisers made
/// from the same <see cref="Model"/> share its weights and may run on different threads at once; one denoiser is
/// used by one thread at a time.
/// <para><see cref="Process"/> takes blocks of any size and returns as many samples, delayed by exactly
/// <see cref="Latency"/> samples (1919: 30 ms of window overlap and look-ahead plus up to 479 samples waiting for a
/// 10 ms frame to fill, the least any block-size-independent stream can promise). <see cref="ProcessFrame"/> takes
/// whole 480-sample frames and has <see cref="FrameLatency"/> = 1440. Use one or the other on an instance (or
/// <see cref="Reset"/> in between). Nothing is allocated and nothing is computed once-for-all in any call after the
/// constructor, whatever the input (the first sound after a digital silence included).</para>
/// <para>Input samples that are NaN or infinite are taken as 0 and others are clamped to [−1, 1]; the output is
/// always finite and within [−1, 1].</para>
/// </summary>
public sealed class Denoiser
{
    /// <summary>The sample rate the denoiser runs at, in Hz (resample other rates; PercepNet.Audio does).</summary>
    public const int SampleRate = FrameLayout.SampleRate;

    /// <summary>Samples in one 10 ms frame, the unit of <see cref="ProcessFrame"/>.</summary>
    public const int FrameSize = FrameLayout.HopSize;

    private readonly EnhancementChain _chain;
    private readonly HopStream _stream;
    private readonly float[] _frame = new float[FrameLayout.HopSize];
    private readonly float[] _clean = new float[HopStream.BlockHops * FrameLayout.HopSize];
    private Mode _mode;

    /// <summary>A denoiser running <paramref name="model"/>, or the model embedded in the library.</summary>
    /// <param name="model">The network's weights, shared with other denoisers; null for <see cref="Model.Default"/>.</param>
    /// <param name="options">Run-time settings; null for the defaults.</param>
    public Denoiser(Model? model = null, DenoiserOptions? options = null)
        : this(Prepared(model, options).Compiled, options)
    {
    }

    internal Denoiser(StoredModel model, DenoiserOptions? options = null)
        : this(model.Compile(), options)
    {
    }

    internal Denoiser(CompiledModel model, DenoiserOptions? options = null)
    {
        options ??= new DenoiserOptions();
        Network = new PercepNetNetwork(model, options.Kernels, () => SilenceSettling.Of(model));
        _settings = options.Settings;
        _options = options;
        _chain = new EnhancementChain(Network, _settings.ForChain());
        _stream = new HopStream(_chain);
    }

    /// <summary>
    /// <paramref name="model"/> (or the default) with what the silence skip needs computed now, once per model: without
    /// it, the first frame of sound after half a second of digital silence would compute it (about a second in a fresh
    /// process, and megabytes allocated) in the middle of a stream.
    /// </summary>
    internal static Model Prepared(Model? model, DenoiserOptions? options)
    {
        Model chosen = model ?? Model.Default;
        chosen.PrepareForLiveUse();
        if (Interlocked.Exchange(ref _warmedUp, 1) == 0)
        {
            // Once per process, a throw-away denoiser runs every path a stream takes (silence, its skip, the first sound
            // after it), so that their code is compiled here and not in a real-time call (block 0 took 5-20 ms).
            var scratch = new Denoiser(chosen.Compiled, options);
            var block = new float[FrameLayout.HopSize];
            for (int b = 0; b < 70; b++)
            {
                for (int i = 0; i < block.Length; i++)
                {
                    block[i] = b < 60 ? 0f : 0.01f * MathF.Sin(0.37f * ((b * block.Length) + i));
                }

                scratch.Process(block, block);
            }
        }

        return chosen;
    }

    private static int _warmedUp;

    private enum Mode
    {
        None,
        Blocks,
        Frames,
    }

    /// <summary>Delay of <see cref="Process"/>'s output behind its input, in samples (1919).</summary>
    public int Latency => _stream.Latency;

    /// <summary>Delay of <see cref="ProcessFrame"/>'s output behind its input, in samples (1440: 30 ms).</summary>
    public static int FrameLatency => FrameLayout.FrameLatency;

    /// <summary>
    /// The run-time settings. Assigning new ones (e.g. <c>denoiser.Options = denoiser.Options with { AttenuationLimitDb = 12 }</c>)
    /// takes effect from the next frame, without a click or a reset.
    /// </summary>
    public DenoiserOptions Options
    {
        get => _options ??= new DenoiserOptions { Settings = _settings };
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Settings = value.Settings;
            _options = value;
        }
    }

    /// <summary>The value of every knob; setting it (without an options record: real-time hosts) allocates nothing.</summary>
    internal DenoiserSettings Settings
    {
        get => _settings;
        set
        {
            _settings = value;
            _options = null;
            _chain.Configure(value.ForChain());
        }
    }

    private DenoiserSettings _settings;
    private DenoiserOptions? _options; // the record last assigned, or made from the settings when asked for

    /// <summary>
    /// Speech activity of the latest frame, from 0 to 1: the share of the input's energy between 100 Hz and 4.35 kHz
    /// that the network keeps. Near 1 for clean speech, near 0 in noise or silence.
    /// </summary>
    public float SpeechActivity => _chain.SpeechActivity;

    /// <summary>Hops skipped as silence since creation (see <see cref="EnhancementChain"/>; for tests and diagnostics).</summary>
    internal long SkippedHops => _chain.SkippedHops;

    /// <summary>The network this denoiser runs.</summary>
    internal PercepNetNetwork Network { get; }

    /// <summary>Denoises any number of samples; the output has the input's length and lags it by <see cref="Latency"/>.</summary>
    /// <param name="input">Samples at 48 kHz, nominally in [−1, 1].</param>
    /// <param name="output">Where the denoised samples go; as long as <paramref name="input"/>, and may be the same memory.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="InvalidOperationException">This denoiser was last used with <see cref="ProcessFrame"/>.</exception>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
        {
            throw new ArgumentException("The output must have the input's length.", nameof(output));
        }

        Use(Mode.Blocks);
        int chunk = _clean.Length; // whole hops, so that long calls reach the chain in blocks
        for (int start = 0; start < input.Length; start += chunk)
        {
            int n = Math.Min(chunk, input.Length - start);
            Span<float> clean = _clean.AsSpan(0, n);
            Sanitise(input.Slice(start, n), clean);
            _stream.Process(clean, output.Slice(start, n));
            Sanitise(output.Slice(start, n), output.Slice(start, n));
        }
    }

    /// <summary>Denoises one 480-sample frame; the output lags by <see cref="FrameLatency"/>.</summary>
    /// <param name="input">480 samples at 48 kHz.</param>
    /// <param name="output">480 denoised samples; may be the same memory as <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">A span is not 480 samples long.</exception>
    /// <exception cref="InvalidOperationException">This denoiser was last used with <see cref="Process"/>.</exception>
    public void ProcessFrame(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != FrameLayout.HopSize || output.Length != FrameLayout.HopSize)
        {
            throw new ArgumentException($"A frame has {FrameLayout.HopSize} samples.");
        }

        Use(Mode.Frames);
        Sanitise(input, _frame);
        _chain.ProcessHop(_frame, output);
        Sanitise(output, output);
    }

    /// <summary>
    /// Ends the stream: feeds silence and writes the last <see cref="Latency"/> samples (after <see cref="Process"/>;
    /// <see cref="FrameLatency"/> after <see cref="ProcessFrame"/>) into <paramref name="output"/>. The denoiser is
    /// then reset, ready for a new stream.
    /// </summary>
    /// <param name="output">At least <see cref="Latency"/> samples long.</param>
    /// <returns>How many samples were written.</returns>
    public int Flush(Span<float> output)
    {
        int count = _mode == Mode.Frames ? FrameLatency : Latency;
        if (output.Length < count)
        {
            throw new ArgumentException($"Flush writes {count} samples.", nameof(output));
        }

        Span<float> silence = stackalloc float[FrameLayout.HopSize];
        silence.Clear();
        if (_mode == Mode.Frames)
        {
            for (int done = 0; done < count; done += FrameLayout.HopSize)
            {
                _chain.ProcessHop(silence, output.Slice(done, FrameLayout.HopSize));
            }
        }
        else
        {
            for (int done = 0; done < count; done += FrameLayout.HopSize)
            {
                int n = Math.Min(FrameLayout.HopSize, count - done);
                _stream.Process(silence[..n], output.Slice(done, n));
            }
        }

        Sanitise(output[..count], output[..count]);
        Reset();
        return count;
    }

    /// <summary>Forgets the whole stream state (signal history, pitch, recurrent state), as if newly created; keeps the options.</summary>
    public void Reset()
    {
        _stream.Reset();
        _mode = Mode.None;
    }

    private void Use(Mode mode)
    {
        if (_mode != Mode.None && _mode != mode)
        {
            throw new InvalidOperationException("Use either Process or ProcessFrame on a Denoiser (Reset to switch).");
        }

        _mode = mode;
    }

    /// <summary>
    /// Clamps to [−1, 1] and turns NaN and ±∞ into 0, eight samples at a time where the CPU allows; used on the input
    /// and, in place, on the output. <paramref name="output"/> may be the same memory as <paramref name="input"/>.
    /// </summary>
    internal static void Sanitise(ReadOnlySpan<float> input, Span<float> output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> lowest = Vector256.Create(-1f), highest = Vector256.Create(1f), largest = Vector256.Create(float.MaxValue);
            for (; i <= input.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.Create(input.Slice(i, Vector256<float>.Count));
                Vector256<float> finite = Vector256.LessThanOrEqual(Vector256.Abs(v), largest);
                Vector256.ConditionalSelect(finite, Vector256.Min(Vector256.Max(v, lowest), highest), Vector256<float>.Zero).CopyTo(output.Slice(i));
            }
        }

        for (; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = float.IsFinite(x) ? Math.Clamp(x, -1f, 1f) : 0f;
        }
    }
}
