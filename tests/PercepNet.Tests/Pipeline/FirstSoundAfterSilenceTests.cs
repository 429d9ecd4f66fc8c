namespace PercepNet.Tests.Pipeline;

/// <summary>
/// The public denoisers do everything once-for-all in their constructors: in a model loaded afresh, the first sound
/// after half a second of digital silence (when the silence skip hands the network back its state) allocates nothing.
/// </summary>
public sealed class FirstSoundAfterSilenceTests
{
    private static Model FreshDefaultModel() => Model.Load(Repository.PathOf("src", "PercepNet", "Models", "default.pnm"));

    /// <summary>One second of digital silence, then one of noise, in 10 ms blocks.</summary>
    private static float[] SilenceThenSound()
    {
        var signal = new float[2 * 48000];
        SyntheticSignals.WhiteNoise(48000, 9, 0.1).CopyTo(signal, 48000);
        return signal;
    }

    [Fact]
    public void ADenoiserAllocatesNothingFromItsFirstCall()
    {
        var denoiser = new Denoiser(FreshDefaultModel());
        float[] input = SilenceThenSound();
        var output = new float[480];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int start = 0; start < input.Length; start += 480)
        {
            denoiser.Process(input.AsSpan(start, 480), output);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated while processing");
    }

    [Fact]
    public void AStreamDenoiserAllocatesNothingFromItsFirstCall()
    {
        var denoiser = new StreamDenoiser(44100, 2, FreshDefaultModel());
        float[] mono = SilenceThenSound();
        var input = new float[2 * 441 * 200];
        for (int i = 0; i < input.Length / 2; i++)
        {
            input[2 * i] = input[(2 * i) + 1] = mono[(int)(i * 48000L / 44100)];
        }

        var output = new float[2 * 441];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int start = 0; start < input.Length; start += output.Length)
        {
            denoiser.Process(input.AsSpan(start, output.Length), output);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated while processing");
    }
}
