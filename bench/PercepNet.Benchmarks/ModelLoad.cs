using System.Diagnostics;
using System.Globalization;

namespace PercepNet.Benchmarks;

/// <summary>
/// A fresh process's cost of loading a model (the embedded default, or a file): wall time (JIT included, as a tool
/// pays it), bytes allocated and the peak working set before and after. Run it a few times and take the median.
/// </summary>
internal static class ModelLoad
{
    public static void Run(string? path)
    {
        long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        Model model = path is null ? Model.Default : Model.Load(path);
        watch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path ?? "default model"}: {watch.Elapsed.TotalMilliseconds:F1} ms, {allocated / 1e6:F2} MB allocated, peak working set {peakBefore / 1e6:F1} → {process.PeakWorkingSet64 / 1e6:F1} MB ({model.ParameterCount:N0} parameters)"));
    }
}
