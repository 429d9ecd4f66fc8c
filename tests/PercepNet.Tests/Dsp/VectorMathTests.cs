using PercepNet.Analysis;
using PercepNet.Dsp;

namespace PercepNet.Tests.Dsp;

public class VectorMathTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(240)]
    [InlineData(961)]
    public void SimdAndPortableDotProductsAgree(int length)
    {
        var random = new Random(length);
        var a = new float[length];
        var b = new float[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = (float)(random.NextDouble() - 0.5);
            b[i] = (float)(random.NextDouble() - 0.5);
        }

        double exact = 0;
        for (int i = 0; i < length; i++)
        {
            exact += a[i] * (double)b[i];
        }

        float portable = VectorMath.DotPortable(a, b);
        float simd = VectorMath.DotVector256(a, b);
        float simd128 = VectorMath.DotVector128(a, b);
        float chosen = VectorMath.Dot(a, b);
        double tolerance = 1e-5 * Math.Max(1, length);
        Assert.InRange(portable - exact, -tolerance, tolerance);
        Assert.InRange(simd - exact, -tolerance, tolerance);
        Assert.InRange(simd128 - exact, -tolerance, tolerance);
        Assert.InRange(chosen - exact, -tolerance, tolerance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(17)]
    [InlineData(960)]
    public void DotAndSquaresGivesWhatTwoDotProductsGive(int length)
    {
        var random = new Random(100 + length);
        float[] a = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5))];
        float[] b = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5))];
        (float dot, float squares) = VectorMath.DotAndSquares(a, b);
        Assert.Equal(VectorMath.Dot(a, b), dot);
        Assert.Equal(VectorMath.Dot(b, b), squares);
    }

    [Fact]
    public void BestDifferenceFindsWhatTheSequentialScanFinds()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 2000; trial++)
        {
            int n = random.Next(1, 60);
            // Coarse values so that ties are common.
            float[] score = [.. Enumerable.Range(0, n).Select(_ => random.Next(-4, 5) * 0.25f)];
            float[] cost = [.. Enumerable.Range(0, n).Select(_ => random.Next(0, 3) * 0.25f)];
            Assert.Equal(PitchTracker.BestDifferencePortable(score, cost), PitchTracker.BestDifference(score, cost));
        }
    }
}
