using BenchmarkDotNet.Running;

if (args is ["stream-cpu", string seconds, string rate])
{
    // The managed twin of `c_api_test soak` (same signal, same 10 ms blocks): CPU per block after the first second.
    PercepNet.Benchmarks.StreamCpu.Run(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), int.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PercepNet.Benchmarks.FftBenchmarks).Assembly).Run(args);
