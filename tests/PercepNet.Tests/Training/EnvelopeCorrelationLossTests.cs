using PercepNet.Training;
using static TorchSharp.torch;

namespace PercepNet.Tests.Training;

public class EnvelopeCorrelationLossTests
{
    private const int Frames = 120, Bands = 34;

    /// <summary>Target gains that rise and fall (syllables), a steady noisy input, everything defined.</summary>
    private static (float[] Target, float[] Mask, float[] LogEnergies) Inputs()
    {
        var target = new float[Frames * Bands];
        var mask = new float[Frames * Bands];
        var logEnergies = new float[Frames * Bands];
        for (int t = 0; t < Frames; t++)
        {
            for (int b = 0; b < Bands; b++)
            {
                int i = (t * Bands) + b;
                target[i] = (float)(0.55 + (0.4 * Math.Sin((2 * Math.PI * t / 17.0) + b)));
                mask[i] = 1;
                logEnergies[i] = 5;
            }
        }

        return (target, mask, logEnergies);
    }

    private static double Loss(float[] gains, float[] target, float[] mask, float[] logEnergies)
    {
        using var scope = NewDisposeScope();
        Tensor T(float[] values) => tensor(values).reshape(1, Frames, Bands);
        return EnvelopeCorrelationLoss.Compute(T(gains), T(target), T(mask), T(logEnergies)).item<float>();
    }

    [SkippableFact]
    public void IsZeroForTheTargetsShapeAtAnyScaleAndGrowsAsTheEnvelopeFlattens()
    {
        TorchParityTests.RequireTorch();
        (float[] target, float[] mask, float[] energies) = Inputs();
        Assert.InRange(Loss(target, target, mask, energies), -1e-5, 1e-5);
        Assert.InRange(Loss([.. target.Select(g => 0.3f * g)], target, mask, energies), -1e-5, 1e-5);

        // Halfway to a flat gain keeps the shape (correlation 1); adding an unrelated ripple loses some of it.
        float[] rippled = [.. target.Select((g, i) => g + (0.3f * (float)Math.Sin(i * 0.7)))];
        double partial = Loss(rippled, target, mask, energies);
        Assert.InRange(partial, 0.05, 1.0);

        // Gains that move against the target: correlation −1, loss 2.
        Assert.InRange(Loss([.. target.Select(g => 1.1f - g)], target, mask, energies), 1.99, 2.01);
    }

    [SkippableFact]
    public void SilentWindowsAndUndefinedBandsDoNotCount()
    {
        TorchParityTests.RequireTorch();
        (float[] target, float[] mask, float[] energies) = Inputs();

        // The second half of the segment silent (noisy energy at the log floor): a wrong envelope there changes nothing.
        for (int i = Frames / 2 * Bands; i < target.Length; i++)
        {
            energies[i] = -2;
        }

        float[] wrongInSilence = [.. target.Select((g, i) => i >= Frames / 2 * Bands ? 1.1f - g : g)];
        Assert.InRange(Loss(wrongInSilence, target, mask, energies), -1e-5, 1e-5);

        // Band 10 undefined everywhere: nothing it does counts either.
        (target, mask, energies) = Inputs();
        float[] wrongInBand = [.. target.Select((g, i) => i % Bands == 10 ? 1.1f - g : g)];
        for (int t = 0; t < Frames; t++)
        {
            mask[(t * Bands) + 10] = 0;
        }

        Assert.InRange(Loss(wrongInBand, target, mask, energies), -1e-5, 1e-5);
    }
}
