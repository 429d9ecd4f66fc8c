using PercepNet.Analysis;
using PercepNet.Dsp;

namespace PercepNet.Tests.Analysis;

public class ErbBandsTests
{
    [Fact]
    public void WeightsOfEveryBinUpTo20kHzSumToOne()
    {
        for (int k = 0; k <= ErbBands.LastBandBin; k++)
        {
            double sum = 0;
            for (int b = 0; b < ErbBands.Count; b++)
            {
                sum += ErbBands.Weight(b, k);
            }

            Assert.Equal(1.0, sum, 6);
        }
    }

    [Fact]
    public void EnergiesUseTheTriangularWeights()
    {
        var random = new Random(3);
        var spectrum = new ComplexF[FrameLayout.BinCount];
        for (int k = 0; k < spectrum.Length; k++)
        {
            spectrum[k] = new ComplexF((float)random.NextDouble(), (float)random.NextDouble());
        }

        var energies = new float[ErbBands.Count];
        ErbBands.Energies(spectrum, energies);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            double expected = 0;
            for (int k = 0; k < spectrum.Length; k++)
            {
                expected += ErbBands.Weight(b, k) * spectrum[k].MagnitudeSquared;
            }

            Assert.Equal(expected, energies[b], 3);
        }

        // Partition of unity: total band energy is the energy of bins 0..400.
        double total = 0;
        for (int k = 0; k <= ErbBands.LastBandBin; k++)
        {
            total += spectrum[k].MagnitudeSquared;
        }

        Assert.Equal(total, energies.Sum(), 2);
    }

    [Fact]
    public void CrossEnergyOfASpectrumWithItselfIsItsEnergy()
    {
        var random = new Random(4);
        var spectrum = new ComplexF[FrameLayout.BinCount];
        for (int k = 0; k < spectrum.Length; k++)
        {
            spectrum[k] = new ComplexF((float)random.NextDouble(), (float)random.NextDouble());
        }

        var energies = new float[ErbBands.Count];
        var cross = new float[ErbBands.Count];
        ErbBands.Energies(spectrum, energies);
        ErbBands.CrossEnergies(spectrum, spectrum, cross);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            Assert.Equal(energies[b], cross[b], 4);
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.37f)]
    [InlineData(1f)]
    public void ConstantBandGainsInterpolateToThatConstant(float gain)
    {
        var bands = Enumerable.Repeat(gain, ErbBands.Count).ToArray();
        var bins = new float[FrameLayout.BinCount];
        ErbBands.Interpolate(bands, bins);
        Assert.All(bins, g => Assert.Equal(gain, g, 6));
    }

    [Fact]
    public void InterpolationHitsEachBandAtItsCentre()
    {
        var bands = Enumerable.Range(0, ErbBands.Count).Select(b => (float)b).ToArray();
        var bins = new float[FrameLayout.BinCount];
        ErbBands.Interpolate(bands, bins);
        for (int b = 0; b < ErbBands.Count; b++)
        {
            Assert.Equal(b, bins[ErbBands.Centres[b]], 5);
        }

        Assert.Equal(33f, bins[480]);
    }
}
