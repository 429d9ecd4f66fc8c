using PercepNet.Network;
using PercepNet.PlatformCheck;

// PercepNet.PlatformCheck report                  the architecture, the instruction sets .NET sees, the kernel paths
// PercepNet.PlatformCheck kernels                 every kernel this CPU can run against the portable int8 results
// PercepNet.PlatformCheck denoise IN.wav OUT.f32 [PATH]
//                                                 the default model on IN, in blocks and then frame by frame, as raw
//                                                 little-endian float32 (the two runs one after the other), on kernel
//                                                 path PATH (portable, vector128, avx2, avxvnni; default: the best)
// PercepNet.PlatformCheck stream IN.f32 OUT.f32 RATE CHANNELS
//                                                 the StreamDenoiser (the C library's code) on raw interleaved float32
// Exit codes: 0 all held, 1 a check failed, 2 usage.
switch (args)
{
    case ["report"]:
        PlatformReport.Write(Console.Out);
        return 0;
    case ["kernels"]:
        PlatformReport.Write(Console.Out);
        return KernelChecks.Run(Console.Out) ? 0 : 1;
    case ["denoise", string input, string output, .. var path] when path.Length <= 1:
        PlatformReport.Write(Console.Out);
        KernelPath kernels = path.Length == 1 ? Enum.Parse<KernelPath>(path[0], ignoreCase: true) : KernelPaths.Default;
        DenoiserRuns.Write(DenoiserRuns.BlocksThenFrames(DenoiserRuns.ReadWav(input), kernels), output);
        Console.WriteLine($"denoised {input} into {output} on the {kernels} kernels");
        return 0;
    case ["stream", string input, string output, string rate, string channels]:
        PlatformReport.Write(Console.Out);
        DenoiserRuns.Write(DenoiserRuns.Stream(DenoiserRuns.Read(input), int.Parse(rate, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(channels, System.Globalization.CultureInfo.InvariantCulture)), output);
        Console.WriteLine($"denoised {input} into {output}");
        return 0;
    default:
        Console.Error.WriteLine("usage: PercepNet.PlatformCheck report | kernels | denoise IN.wav OUT.f32 [PATH] | stream IN.f32 OUT.f32 RATE CHANNELS");
        return 2;
}
