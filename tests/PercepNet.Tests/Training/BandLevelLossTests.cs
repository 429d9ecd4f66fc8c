using PercepNet.Training;

namespace PercepNet.Tests.Training;

public class BandLevelLossTests
{
    private const int Frames = SyllableSegment.Frames, Bands = SyllableSegment.Bands;

    private static (float[] Target, float[] Mask, float[] LogEnergies) Inputs() => SyllableSegment.Inputs();

    private static double Loss(float[] gains, float[] target, float[] mask, float[] logEnergies, float[]? bandWeights = null) =>
        SyllableSegment.Evaluate((g, t, m, e) => BandLevelLoss.Compute(g, t, m, e, bandWeights), gains, target, mask, logEnergies);

    [SkippableFact]
    public void IsZeroAtTheTargetsLevelWhateverTheShapeAndHuberInTheLogRatio()
    {
        TorchParityTests.RequireTorch();
        (float[] target, float[] mask, float[] energies) = Inputs();
        Assert.InRange(Loss(target, target, mask, energies), -1e-5, 1e-5);

        // The shape does not matter: a steady gain at the target's mean square keeps each window's level within a
        // fraction of a dB (a window holds 1.76 periods of the target's ripple).
        double meanSquare = target.Average(g => (double)g * g);
        float flat = (float)Math.Sqrt(meanSquare);
        Assert.InRange(Loss([.. target.Select(_ => flat)], target, mask, energies), 0, 0.02);

        // Half the amplitude everywhere: energy ratio ¼ (with the floor 10⁻³ added to both sides), |ln| > 1, so the
        // term is |ln| − ½ in every window.
        double quarter = Math.Abs(Math.Log((0.25 + 1e-3) / (1 + 1e-3))) - 0.5;
        Assert.InRange(Loss([.. target.Select(g => 0.5f * g)], target, mask, energies), quarter - 1e-4, quarter + 1e-4);

        // 1 dB too loud: |ln| < 1, so the term is ln² / 2.
        double oneDb = Math.Log((Math.Pow(10, 0.1) + 1e-3) / (1 + 1e-3));
        float up = (float)Math.Pow(10, 1 / 20.0);
        Assert.InRange(Loss([.. target.Select(g => up * g)], target, mask, energies), (oneDb * oneDb / 2) - 1e-4, (oneDb * oneDb / 2) + 1e-4);

        // Nothing at all: floored 30 dB below the target (ln 10⁻³ within the rounding of the floor).
        Assert.InRange(Loss([.. target.Select(_ => 0f)], target, mask, energies), Math.Log(1000) - 0.5 - 0.01, Math.Log(1000) - 0.5 + 0.01);
    }

    [SkippableFact]
    public void SilentWindowsAndUndefinedBandsDoNotCount()
    {
        TorchParityTests.RequireTorch();
        (float[] target, float[] mask, float[] energies) = Inputs();

        // The second half of the segment 60 dB down: a wrong level there changes nothing.
        for (int i = Frames / 2 * Bands; i < target.Length; i++)
        {
            energies[i] = -1;
        }

        float[] wrongInSilence = [.. target.Select((g, i) => i >= Frames / 2 * Bands ? 0.1f * g : g)];
        Assert.InRange(Loss(wrongInSilence, target, mask, energies), 0, 1e-3);

        // Band 10 undefined everywhere: nothing it does counts either.
        (target, mask, energies) = Inputs();
        float[] wrongInBand = [.. target.Select((g, i) => i % Bands == 10 ? 0.1f * g : g)];
        for (int t = 0; t < Frames; t++)
        {
            mask[(t * Bands) + 10] = 0;
        }

        Assert.InRange(Loss(wrongInBand, target, mask, energies), -1e-5, 1e-5);
    }

    [Fact]
    public void TheTopWeightCoversTheEightBandsCentredFrom8kHz()
    {
        float[] weights = BandLevelLoss.BandWeights(0.5, 2);
        Assert.Equal(Bands, weights.Length);

        // Centres at 7.85 kHz (band 25) and 8.8 kHz (band 26): the top weight starts at band 26.
        Assert.All(weights[..26], w => Assert.Equal(0.5f, w));
        Assert.All(weights[26..], w => Assert.Equal(2f, w));
    }

    [SkippableFact]
    public void ABandsWeightScalesItsShareOfTheTerm()
    {
        TorchParityTests.RequireTorch();
        (float[] target, float[] mask, float[] energies) = Inputs();
        float[] wrongLow = [.. target.Select((g, i) => i % Bands == 5 ? 0.5f * g : g)];
        float[] wrongTop = [.. target.Select((g, i) => i % Bands == 30 ? 0.5f * g : g)];
        float[] topOnly = BandLevelLoss.BandWeights(0, 3);

        // Unweighted, one band at a quarter of the energy counts once in the mean over the bands.
        double plain = Loss(wrongTop, target, mask, energies);
        Assert.True(plain > 0.01);
        Assert.InRange(Loss(wrongTop, target, mask, energies, topOnly), (3 * plain) - 1e-4, (3 * plain) + 1e-4);
        Assert.InRange(Loss(wrongLow, target, mask, energies, topOnly), -1e-5, 1e-5);
    }
}
