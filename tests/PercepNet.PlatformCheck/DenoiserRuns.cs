using System.Buffers.Binary;
using PercepNet.Audio;
using PercepNet.Network;

namespace PercepNet.PlatformCheck;

/// <summary>The default model over a whole recording, as a user's program would run it, for comparison across machines.</summary>
public static class DenoiserRuns
{
    public static float[] ReadWav(string path) => AudioFile.ReadMono48k(path);

    /// <summary>
    /// <see cref="Denoiser.Process"/> over the whole input (the block path) with its flushed tail, then a fresh
    /// <see cref="Denoiser.ProcessFrame"/> run over the whole frames with its tail, one after the other.
    /// </summary>
    internal static float[] BlocksThenFrames(float[] input, KernelPath kernels)
    {
        var denoiser = new Denoiser(options: new DenoiserOptions { Kernels = kernels });
        var blocks = new float[input.Length + denoiser.Latency];
        denoiser.Process(input, blocks.AsSpan(0, input.Length));
        denoiser.Flush(blocks.AsSpan(input.Length));

        int whole = input.Length / Denoiser.FrameSize * Denoiser.FrameSize;
        var frames = new float[whole + Denoiser.FrameLatency];
        for (int at = 0; at < whole; at += Denoiser.FrameSize)
        {
            denoiser.ProcessFrame(input.AsSpan(at, Denoiser.FrameSize), frames.AsSpan(at, Denoiser.FrameSize));
        }

        denoiser.Flush(frames.AsSpan(whole));
        return [.. blocks, .. frames];
    }

    /// <summary>The <see cref="StreamDenoiser"/> over interleaved samples at any rate, as the C library runs it.</summary>
    public static float[] Stream(float[] interleaved, int rate, int channels)
    {
        var output = new float[interleaved.Length];
        new StreamDenoiser(rate, channels).Process(interleaved, output);
        return output;
    }

    public static void Write(float[] samples, string path)
    {
        var bytes = new byte[samples.Length * sizeof(float)];
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), samples[i]);
        }

        File.WriteAllBytes(path, bytes);
    }

    public static float[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var samples = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return samples;
    }
}
