using System.Diagnostics;

namespace PercepNet.Benchmarks;

/// <summary>
/// Streams synthetic audio through <see cref="StreamDenoiser"/> in 10 ms blocks and prints the process CPU time per
/// block after the first second, in the format of tests/native/c_api_test.c's soak (bench/native-vs-managed.sh compares the two).
/// </summary>
internal static class StreamCpu
{
    public static void Run(double seconds, int rate)
    {
        var stream = new StreamDenoiser(rate, 1);
        int block = rate / 100;
        var buffer = new float[block];
        long blocks = (long)(seconds * 100);
        uint seed = 1;
        TimeSpan start = TimeSpan.Zero;
        for (long b = 0; b < blocks; b++)
        {
            for (int i = 0; i < block; i++)
            {
                seed = (seed * 1103515245u) + 12345u;
                buffer[i] = (0.05f * MathF.Sin(((b * block) + i) * 0.031f)) + (0.01f * (((seed >> 16) / 32768.0f) - 1.0f));
            }

            if (b == 100)
            {
                start = Process.GetCurrentProcess().TotalProcessorTime;
            }

            stream.Process(buffer);
        }

        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds;
        Console.WriteLine($"managed seconds={seconds:F0} rate={rate} cpu-us-per-10ms={1e6 * cpu / (blocks - 100):F1}");
    }
}
