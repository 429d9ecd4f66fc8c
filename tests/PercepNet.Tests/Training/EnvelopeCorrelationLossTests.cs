using PercepNet.Training;

namespace PercepNet.Tests.Training;

public class EnvelopeCorrelationLossTests
{
    private const int Frames = SyllableSegment.Frames, Bands = SyllableSegment.Bands;

    private static (float[] Target, float[] Mask, float[] LogEnergies) Inputs() => SyllableSegment.Inputs();

    private static double Loss(float[] gains, float[] target, float[] mask, float[] logEnergies) =>
        SyllableSegment.Evaluate(EnvelopeCorrelationLoss.Compute, gains, target, mask, logEnergies);

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
