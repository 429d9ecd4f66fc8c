using System.Diagnostics;
using System.Globalization;

namespace PercepNet.Benchmarks;

/// <summary>
/// The worst 10 ms block of a fresh process: constructs a <see cref="Denoiser"/> (timed), then feeds 1 s of digital
/// silence and 2 s of sound in 10 ms blocks, and prints the constructor's time, the slowest block, the first block of
/// sound and the median block, all wall-clock. The real-time promise is that no block after construction takes more
/// than 1 ms (a tenth of its own duration) on the development machine.
/// </summary>
internal static class FirstSound
{
    public static void Run(string? modelPath)
    {
        var clock = Stopwatch.StartNew();
        var denoiser = new Denoiser(modelPath is null ? null : Model.Load(modelPath));
        double constructMs = clock.Elapsed.TotalMilliseconds;
        var block = new float[480];
        var output = new float[480];
        var times = new List<double>();
        var random = new Random(1);
        double firstSound = 0;
        for (int b = 0; b < 300; b++)
        {
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = b < 100 ? 0f : (float)(0.1 * (random.NextDouble() - 0.5));
            }

            clock.Restart();
            denoiser.Process(block, output);
            double ms = clock.Elapsed.TotalMilliseconds;
            times.Add(ms);
            firstSound = b == 100 ? ms : firstSound;
        }

        double median = times.Order().ElementAt(times.Count / 2);
        int worst = times.IndexOf(times.Max());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"construct-ms={constructMs:F1} worst-block-ms={times.Max():F3} worst-block={worst} first-sound-block-ms={firstSound:F3} median-block-ms={median:F3}"));
    }
}
