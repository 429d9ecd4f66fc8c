using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(PercepNet.Benchmarks.FftBenchmarks).Assembly).Run(args);
