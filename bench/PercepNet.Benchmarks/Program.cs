using BenchmarkDotNet.Running;

if (args is ["stream-cpu", string seconds, string rate])
{
    // The managed twin of `c_api_test soak` (same signal, same 10 ms blocks): CPU per block after the first second.
    PercepNet.Benchmarks.StreamCpu.Run(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), int.Parse(rate, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["first-sound", .. var rest])
{
    // A fresh process's slowest 10 ms block, the first sound after a digital silence included.
    PercepNet.Benchmarks.FirstSound.Run(rest.Length > 0 ? rest[0] : null);
    return;
}

if (args is ["model-load", .. var model])
{
    // A fresh process's load of the default model (or a file): time, allocations, peak memory.
    PercepNet.Benchmarks.ModelLoad.Run(model.Length > 0 ? model[0] : null);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PercepNet.Benchmarks.FftBenchmarks).Assembly).Run(args);
