using PercepNet.Data.Mixing;

namespace PercepNet.Tests.Data;

/// <summary>The noise layers' top cut measured with sines: its gain where it claims to be flat, at its corner and at the top.</summary>
public sealed class HighShelfTests
{
    private const int Rate = 48000;

    [Theory]
    [InlineData(4000.0, -10.0)]
    [InlineData(8000.0, -20.0)]
    [InlineData(12000.0, -30.0)]
    public void TheShelfPassesTheLowsAndCutsTheTopByItsDepth(double corner, double depth)
    {
        Biquad shelf = Biquad.HighShelf(corner, depth, Rate);
        Assert.InRange(GainDb(shelf, 100), -0.3, 0.3);
        Assert.InRange(GainDb(shelf, corner), (depth / 2) - 0.5, (depth / 2) + 0.5);
        // 23.5 kHz lies close enough to Nyquist for the bilinear transform's shelf to have reached its floor.
        Assert.InRange(GainDb(shelf, 23500), depth - 1.0, depth + 0.5);
    }

    /// <summary>The gain of <paramref name="filter"/> at <paramref name="hz"/>: output over input RMS of a sine, after 0.5 s to settle.</summary>
    private static double GainDb(Biquad filter, double hz)
    {
        var x = new float[Rate];
        for (int n = 0; n < x.Length; n++)
        {
            x[n] = (float)Math.Sin(2 * Math.PI * hz * n / Rate);
        }

        float[] y = (float[])x.Clone();
        filter.Apply(y);
        double inPower = 0, outPower = 0;
        for (int n = Rate / 2; n < x.Length; n++)
        {
            inPower += x[n] * (double)x[n];
            outPower += y[n] * (double)y[n];
        }

        return 10 * Math.Log10(outPower / inPower);
    }
}
