using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Network;
using PercepNet.Pipeline;

namespace PercepNet.Benchmarks;

/// <summary>
/// Cost per 10 ms frame of everything but the network (target ≤ 60 µs): analysis with pitch tracking and the
/// comb, features, postfilter, pitch mixing and band scaling, synthesis. The network is replaced by constant
/// gains. One operation = one 480-sample hop of noisy speech-like audio.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[MedianColumn]
public class DspBenchmarks
{
    private const int Hops = 200;
    private readonly float[] _input = new float[Hops * FrameLayout.HopSize];
    private readonly float[] _output = new float[FrameLayout.HopSize];
    private readonly EnhancementChain _chain = new(new ConstantGainEstimator(0.7f, 0.5f), new DenoiserSettings().ForChain());
    private readonly FrameAnalyzer _analyzer = new();
    private readonly PitchTracker _pitch = new();
    private readonly float[] _history = new float[FrameAnalyzer.HistoryLength];
    private int _hop;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        double phase = 0;
        for (int i = 0; i < _input.Length; i++)
        {
            double f0 = 140 + (40 * Math.Sin(i / 24000.0));
            phase += 2 * Math.PI * f0 / 48000;
            double voiced = 0;
            for (int h = 1; h < 20; h++)
            {
                voiced += Math.Sin(h * phase) / h;
            }

            _input[i] = (float)((0.1 * voiced) + (0.02 * (random.NextDouble() - 0.5)));
        }

        _input.AsSpan(_input.Length - _history.Length).CopyTo(_history);
    }

    private ReadOnlySpan<float> NextHop()
    {
        int start = _hop * FrameLayout.HopSize;
        _hop = (_hop + 1) % Hops;
        return _input.AsSpan(start, FrameLayout.HopSize);
    }

    /// <summary>The whole per-frame DSP (the acceptance figure).</summary>
    [Benchmark(Baseline = true)]
    public void WholeDspPerFrame() => _chain.ProcessHop(NextHop(), _output);

    /// <summary>Analysis only: FFT, bands, pitch, comb, coherence.</summary>
    [Benchmark]
    public void AnalysisPerFrame() => _analyzer.Push(NextHop());

    /// <summary>Pitch tracking only.</summary>
    [Benchmark]
    public void PitchPerFrame() => _pitch.Update(_history, FrameAnalyzer.HistoryLength - 1920);
}
