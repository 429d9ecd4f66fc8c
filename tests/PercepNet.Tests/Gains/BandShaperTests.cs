using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Gains;

namespace PercepNet.Tests.Gains;

public class BandShaperTests
{
    private static ComplexF[] RandomSpectrum(int seed)
    {
        var random = new Random(seed);
        var s = new ComplexF[FrameLayout.BinCount];
        for (int k = 0; k < s.Length; k++)
        {
            s[k] = new ComplexF((float)(random.NextDouble() - 0.5), (float)(random.NextDouble() - 0.5));
        }

        return s;
    }

    [Fact]
    public void WithoutTheCombItIsPlainBandGains()
    {
        ComplexF[] y = RandomSpectrum(1), p = RandomSpectrum(2);
        var energies = new float[ErbBands.Count];
        ErbBands.Energies(y, energies);
        var gains = Enumerable.Range(0, ErbBands.Count).Select(b => 0.1f + (0.025f * b)).ToArray();
        var zero = new float[ErbBands.Count];
        var shaper = new BandShaper();
        var shaped = new ComplexF[FrameLayout.BinCount];
        var plain = new ComplexF[FrameLayout.BinCount];
        shaper.Shape(y, p, energies, gains, zero, shaped);
        shaper.ApplyGains(y, gains, plain);
        for (int k = 0; k < shaped.Length; k++)
        {
            Assert.Equal(plain[k].Re, shaped[k].Re, 4);
            Assert.Equal(plain[k].Im, shaped[k].Im, 4);
        }
    }

    [Fact]
    public void FullStrengthTakesTheCombSpectrumScaledToTheTargetBandEnergy()
    {
        ComplexF[] y = RandomSpectrum(3), p = RandomSpectrum(4);
        var ey = new float[ErbBands.Count];
        var ep = new float[ErbBands.Count];
        ErbBands.Energies(y, ey);
        ErbBands.Energies(p, ep);
        var gains = Enumerable.Repeat(0.5f, ErbBands.Count).ToArray();
        var ones = Enumerable.Repeat(1f, ErbBands.Count).ToArray();
        var shaped = new ComplexF[FrameLayout.BinCount];
        new BandShaper().Shape(y, p, ey, gains, ones, shaped);
        // Each bin is P scaled by a positive factor (phase of P kept).
        for (int k = 0; k < shaped.Length; k++)
        {
            float cross = (shaped[k].Re * p[k].Re) + (shaped[k].Im * p[k].Im);
            float scale = cross / p[k].MagnitudeSquared;
            Assert.True(scale > 0);
            Assert.Equal(shaped[k].Re, scale * p[k].Re, 4);
        }

        // Band energies come out close to the target gain² · E_Y (exact at band centres, interpolated between).
        var es = new float[ErbBands.Count];
        ErbBands.Energies(shaped, es);
        double total = es.Sum(), target = ey.Sum() * 0.25;
        Assert.InRange(total / target, 0.8, 1.2);
    }
}
