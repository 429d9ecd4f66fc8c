using PercepNet.Frames;
using PercepNet.Network;
using PercepNet.Synthesis;

namespace PercepNet;

/// <summary>Run-time settings of a <see cref="Denoiser"/>.</summary>
public sealed record DenoiserOptions
{
    /// <summary>Most attenuation applied to any band, in dB (a floor on the gains); 0 passes the input through, ∞ = no limit.</summary>
    public float AttenuationLimitDb { get; init; } = float.PositiveInfinity;

    /// <summary>Apply the envelope postfilter (SPEC §6).</summary>
    public bool Postfilter { get; init; } = true;

    /// <summary>β of the postfilter.</summary>
    public float PostfilterBeta { get; init; } = Gains.EnvelopePostfilter.DefaultBeta;

    /// <summary>Kernel implementation; null picks the fastest this CPU supports.</summary>
    public KernelPath? Kernels { get; init; }
}

/// <summary>
/// The streaming PercepNet denoiser for one channel of 48 kHz audio (create one per channel; instances built from the
/// same <see cref="CompiledModel"/> share its weights and may run on different threads at once).
/// <para><see cref="Process"/> takes blocks of any size and returns as many samples, delayed by exactly
/// <see cref="Latency"/> samples (1919: the 1440 of SPEC §1 plus up to 479 samples waiting for a 10 ms frame to fill,
/// the least any block-size-independent stream can promise). <see cref="ProcessFrame"/> takes whole 480-sample frames
/// and has <see cref="FrameLatency"/> = 1440. Use one or the other on an instance. Nothing is allocated per call.</para>
/// <para>Input samples that are NaN or infinite are taken as 0 and others are clamped to [−1, 1]; the output is
/// always finite and within [−1, 1].</para>
/// </summary>
public sealed class Denoiser
{
    private readonly EnhancementChain _chain;
    private readonly HopStream _stream;
    private readonly float[] _frame = new float[FrameLayout.HopSize];
    private Mode _mode;

    public Denoiser(Model model, DenoiserOptions? options = null)
        : this(new CompiledModel(model), options)
    {
    }

    public Denoiser(CompiledModel model, DenoiserOptions? options = null)
    {
        options ??= new DenoiserOptions();
        Network = new PercepNetNetwork(model, options.Kernels);
        _chain = new EnhancementChain(Network);
        _stream = new HopStream(_chain);
        AttenuationLimitDb = options.AttenuationLimitDb;
        Postfilter = options.Postfilter;
        PostfilterBeta = options.PostfilterBeta;
    }

    /// <summary>A denoiser running the model embedded in the library (see <see cref="DefaultModel"/>).</summary>
    public static Denoiser CreateDefault(DenoiserOptions? options = null) => new(DefaultModel.Get(), options);

    /// <summary>Loads a model file (see <see cref="ModelFile"/>).</summary>
    public static Denoiser FromFile(string path, DenoiserOptions? options = null) => new(ModelFile.Read(path), options);

    private enum Mode
    {
        None,
        Blocks,
        Frames,
    }

    /// <summary>The network this denoiser runs.</summary>
    public PercepNetNetwork Network { get; }

    /// <summary>Delay of <see cref="Process"/>'s output behind its input, in samples.</summary>
    public int Latency => _stream.Latency;

    /// <summary>Delay of <see cref="ProcessFrame"/>'s output behind its input, in samples (SPEC §1).</summary>
    public static int FrameLatency => FrameLayout.FrameLatency;

    /// <summary>Most attenuation of any band, in dB (a floor on the gains); +∞ for none.</summary>
    public float AttenuationLimitDb
    {
        get;
        set
        {
            if (float.IsNaN(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "The attenuation limit is a non-negative number of dB.");
            }

            field = value;
            _chain.GainFloor = float.IsPositiveInfinity(value) ? 0f : MathF.Pow(10f, -value / 20f);
        }
    }

    public bool Postfilter
    {
        get => _chain.Postfilter;
        set => _chain.Postfilter = value;
    }

    public float PostfilterBeta
    {
        get => _chain.PostfilterBeta;
        set => _chain.PostfilterBeta = value >= 0 && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), "β must be a non-negative finite number.");
    }

    /// <summary>Speech activity of the latest frame in [0, 1] (see <see cref="EnhancementChain.SpeechActivity"/>).</summary>
    public float SpeechActivity => _chain.SpeechActivity;

    /// <summary>Denoises any number of samples; output has the input's length and lags it by <see cref="Latency"/>.</summary>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        Use(Mode.Blocks);
        if (output.Length != input.Length)
        {
            throw new ArgumentException("The output must have the input's length.", nameof(output));
        }

        const int Chunk = FrameLayout.HopSize;
        for (int start = 0; start < input.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - start);
            Span<float> clean = _frame.AsSpan(0, n);
            Sanitise(input.Slice(start, n), clean);
            _stream.Process(clean, output.Slice(start, n));
            ClampOutput(output.Slice(start, n));
        }
    }

    /// <summary>Denoises one 480-sample frame; the output lags by <see cref="FrameLatency"/>.</summary>
    public void ProcessFrame(ReadOnlySpan<float> input, Span<float> output)
    {
        Use(Mode.Frames);
        if (input.Length != FrameLayout.HopSize || output.Length != FrameLayout.HopSize)
        {
            throw new ArgumentException($"A frame has {FrameLayout.HopSize} samples.");
        }

        Sanitise(input, _frame);
        _chain.ProcessHop(_frame, output);
        ClampOutput(output);
    }

    /// <summary>
    /// Ends the stream: feeds silence and writes the last <see cref="Latency"/> samples (for <see cref="Process"/>; or
    /// <see cref="FrameLatency"/> for <see cref="ProcessFrame"/>) into <paramref name="output"/>; returns how many.
    /// The denoiser is then ready for a new stream.
    /// </summary>
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

        ClampOutput(output[..count]);
        Reset();
        return count;
    }

    /// <summary>Forgets all state (history, pitch, recurrent state), as if newly created.</summary>
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

    private static void Sanitise(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = float.IsFinite(x) ? Math.Clamp(x, -1f, 1f) : 0f;
        }
    }

    private static void ClampOutput(Span<float> output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            float y = output[i];
            output[i] = float.IsFinite(y) ? Math.Clamp(y, -1f, 1f) : 0f;
        }
    }
}
