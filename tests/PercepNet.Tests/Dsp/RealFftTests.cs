using PercepNet.Dsp;

namespace PercepNet.Tests.Dsp;

public class RealFftTests
{
    private static (double Re, double Im)[] ReferenceDft(float[] x)
    {
        int n = x.Length;
        var result = new (double, double)[(n / 2) + 1];
        for (int k = 0; k <= n / 2; k++)
        {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++)
            {
                double angle = -2.0 * Math.PI * ((long)k * t % n) / n;
                re += x[t] * Math.Cos(angle);
                im += x[t] * Math.Sin(angle);
            }

            result[k] = (re, im);
        }

        return result;
    }

    [Theory]
    [InlineData(960)]
    [InlineData(480)]
    [InlineData(120)]
    [InlineData(30)]
    [InlineData(2)]
    public void ForwardMatchesDoublePrecisionDft(int length)
    {
        var random = new Random(length);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var fft = new RealFft(length);
        var spectrum = new ComplexF[fft.BinCount];
        fft.Forward(x, spectrum);
        var reference = ReferenceDft(x);

        double errorPower = 0, signalPower = 0;
        for (int k = 0; k < reference.Length; k++)
        {
            double dr = spectrum[k].Re - reference[k].Re, di = spectrum[k].Im - reference[k].Im;
            errorPower += (dr * dr) + (di * di);
            signalPower += (reference[k].Re * reference[k].Re) + (reference[k].Im * reference[k].Im);
        }

        double relativeRmsError = Math.Sqrt(errorPower / signalPower);
        Assert.True(relativeRmsError < 1e-5, $"relative RMS error {relativeRmsError:E2}");
    }

    [Fact]
    public void SinusoidLandsInItsBin()
    {
        var fft = new RealFft(960);
        var x = new float[960];
        for (int n = 0; n < 960; n++)
        {
            x[n] = MathF.Cos(2 * MathF.PI * 37 * n / 960f);
        }

        var spectrum = new ComplexF[481];
        fft.Forward(x, spectrum);
        Assert.Equal(480, spectrum[37].Re, 2);
        for (int k = 0; k < 481; k++)
        {
            if (k != 37)
            {
                Assert.True(MathF.Sqrt(spectrum[k].MagnitudeSquared) < 1e-3f, $"bin {k}");
            }
        }
    }

    [Fact]
    public void InverseUndoesForward()
    {
        var random = new Random(7);
        var fft = new RealFft(960);
        var x = new float[960];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var spectrum = new ComplexF[481];
        var back = new float[960];
        fft.Forward(x, spectrum);
        fft.Inverse(spectrum, back);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(x[i] - back[i]) < 1e-5, $"sample {i}");
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(0)]
    public void RejectsLengthsWithOtherFactors(int length) =>
        Assert.ThrowsAny<ArgumentException>(() => new MixedRadixFft(length == 0 ? 0 : length));

    [Theory]
    [InlineData(480)]
    [InlineData(240)]
    [InlineData(960)]
    [InlineData(64)]
    [InlineData(7500)]
    public void VectorStagesGiveThePortableResultBitForBit(int length)
    {
        var random = new Random(length);
        var data = new ComplexF[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = new ComplexF((float)(random.NextDouble() - 0.5), (float)(random.NextDouble() - 0.5));
        }

        ComplexF[] portable = [.. data], vector = [.. data];
        new MixedRadixFft(length, vectors: false).Forward(portable);
        new MixedRadixFft(length, vectors: true).Forward(vector);
        Assert.Equal(portable, vector);
    }
}
