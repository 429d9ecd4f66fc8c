using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using PercepNet.Dsp;

namespace PercepNet.Benchmarks;

/// <summary>The 960-point real FFT (target ≤ 15 µs per transform; a KissFFT-style real FFT measured 7–9 µs here).</summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[MedianColumn]
public class FftBenchmarks
{
    private readonly RealFft _fft = new(FrameLayout.WindowSize);
    private readonly float[] _signal = new float[FrameLayout.WindowSize];
    private readonly ComplexF[] _spectrum = new ComplexF[FrameLayout.BinCount];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < _signal.Length; i++)
        {
            _signal[i] = (float)(random.NextDouble() - 0.5);
        }

        _fft.Forward(_signal, _spectrum);
    }

    [Benchmark]
    public void Forward960() => _fft.Forward(_signal, _spectrum);

    [Benchmark]
    public void Inverse960() => _fft.Inverse(_spectrum, _signal);
}
