using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using PercepNet.Modelling;
using PercepNet.Network;

namespace PercepNet.Benchmarks;

/// <summary>Network-only cost per 10 ms frame, per preset, for each weight format and kernel path (random weights).</summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[MedianColumn]
public class NetworkBenchmarks
{
    private readonly float[] _features = new float[ModelShape.Inputs];
    private readonly float[] _gains = new float[ModelShape.Outputs];
    private readonly float[] _strengths = new float[ModelShape.Outputs];
    private readonly float[] _blockFeatures = new float[PercepNetNetwork.BlockFrames * ModelShape.Inputs];
    private readonly float[] _blockGains = new float[PercepNetNetwork.BlockFrames * ModelShape.Outputs];
    private readonly float[] _blockStrengths = new float[PercepNetNetwork.BlockFrames * ModelShape.Outputs];
    private PercepNetNetwork _network = null!;

    [Params("small", "medium", "paper")]
    public string Preset { get; set; } = "medium";

    [Params("int8-avxvnni", "int8-avx2", "int8-vector128", "int8-portable", "float-avx2", "float-vector128", "float-portable")]
    public string Kernel { get; set; } = "int8-avx2";

    [GlobalSetup]
    public void Setup()
    {
        Quantisation quantisation = Kernel.StartsWith("int8", StringComparison.Ordinal) ? Quantisation.Int8 : Quantisation.Float32;
        KernelPath path = Enum.Parse<KernelPath>(Kernel[(Kernel.IndexOf('-', StringComparison.Ordinal) + 1)..], ignoreCase: true);
        var model = new CompiledModel(RandomModel.Create(ModelShape.FromPreset(Preset), 1), quantisation.ToPrecision());
        _network = new PercepNetNetwork(model, path);
        var random = new Random(2);
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < _blockFeatures.Length; i++)
        {
            _blockFeatures[i] = (float)random.NextDouble();
        }
    }

    [Benchmark]
    public void NetworkPerFrame() => _network.Estimate(_features, _gains, _strengths);

    /// <summary>Per frame, when frames come in blocks (files, long calls): <see cref="PercepNetNetwork.EstimateBlock"/>.</summary>
    [Benchmark(OperationsPerInvoke = PercepNetNetwork.BlockFrames)]
    public void NetworkPerFrameInBlocks() => _network.EstimateBlock(_blockFeatures, _blockGains, _blockStrengths);
}

/// <summary>Whole-pipeline cost per 10 ms frame (DSP + network, int8 SIMD): targets ≤ 200 µs medium, ≤ 500 µs paper.</summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[MedianColumn]
public class PipelineBenchmarks
{
    private const int Hops = 200;
    private readonly float[] _input = new float[Hops * 480];
    private readonly float[] _output = new float[480];
    private Denoiser _denoiser = null!;
    private Denoiser _blocks = null!;
    private int _hop;

    [Params("small", "medium", "paper")]
    public string Preset { get; set; } = "medium";

    [GlobalSetup]
    public void Setup()
    {
        var model = new CompiledModel(RandomModel.Create(ModelShape.FromPreset(Preset), 1), Quantisation.Int8.ToPrecision());
        _denoiser = new Denoiser(model);
        _blocks = new Denoiser(model);
        _long = new Denoiser(model);
        var random = new Random(3);
        double phase = 0;
        for (int i = 0; i < _input.Length; i++)
        {
            phase += 2 * Math.PI * (140 + (30 * Math.Sin(i / 20000.0))) / 48000;
            _input[i] = (float)((0.1 * Math.Sin(phase)) + (0.05 * Math.Sin(3 * phase)) + (0.02 * (random.NextDouble() - 0.5)));
        }
    }

    [Benchmark]
    public void DenoiserPerFrame()
    {
        _denoiser.ProcessFrame(_input.AsSpan(_hop * 480, 480), _output);
        _hop = (_hop + 1) % Hops;
    }

    /// <summary>The same through <see cref="Denoiser.Process"/> (any block size) in 10 ms calls, as live hosts call the C library.</summary>
    [Benchmark]
    public void DenoiserBlocksPerFrame()
    {
        _blocks.Process(_input.AsSpan(_hop * 480, 480), _output);
        _hop = (_hop + 1) % Hops;
    }

    /// <summary>
    /// Per frame, through <see cref="Denoiser.Process"/> in 80 ms calls, as the tool reads files: the network runs over
    /// blocks of frames.
    /// </summary>
    [Benchmark(OperationsPerInvoke = LongCallHops)]
    public void DenoiserLongCallsPerFrame()
    {
        _long.Process(_input.AsSpan(_longHop * 480, LongCallHops * 480), _longOutput);
        _longHop = (_longHop + LongCallHops) % Hops;
    }

    private const int LongCallHops = 8;
    private readonly float[] _longOutput = new float[LongCallHops * 480];
    private Denoiser _long = null!;
    private int _longHop;
}

/// <summary>
/// A 10 ms frame of digital silence after the first half second of it, when the denoiser no longer computes
/// (target: ≤ 1 µs), through <see cref="Denoiser.Process"/> as the tools and the C library call it.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[MedianColumn]
public class SilenceBenchmarks
{
    private readonly float[] _silence = new float[480];
    private readonly float[] _output = new float[480];
    private Denoiser _denoiser = null!;

    [GlobalSetup]
    public void Setup()
    {
        _denoiser = new Denoiser();
        for (int hop = 0; hop < 100; hop++)
        {
            _denoiser.Process(_silence, _output);
        }
    }

    [Benchmark]
    public void SilentFrame() => _denoiser.Process(_silence, _output);
}
