using PercepNet.Data.Rooms;
using Xunit.Abstractions;

namespace PercepNet.Tests.Data;

public class RoomSimulatorTests(ITestOutputHelper output)
{
    /// <summary>
    /// RT60 by Schroeder backward integration: the slope of the energy decay curve from −5 to −35 dB (T30; the
    /// simulator calibrates its decay on T20, so this checks a wider part of the decay than it tuned).
    /// </summary>
    private static double SchroederRt60(float[] h, int rate)
    {
        var edc = new double[h.Length];
        double sum = 0;
        for (int i = h.Length - 1; i >= 0; i--)
        {
            sum += h[i] * (double)h[i];
            edc[i] = sum;
        }

        double Db(int i) => 10 * Math.Log10(edc[i] / edc[0]);
        int a = Array.FindIndex(edc, e => 10 * Math.Log10(e / edc[0]) <= -5);
        int b = Array.FindIndex(edc, e => 10 * Math.Log10(e / edc[0]) <= -35);
        // Least-squares line through the decay between the two points.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (int i = a; i <= b; i++)
        {
            double t = i / (double)rate, y = Db(i);
            sx += t;
            sy += y;
            sxx += t * t;
            sxy += t * y;
            n++;
        }

        double slope = ((n * sxy) - (sx * sy)) / ((n * sxx) - (sx * sx));
        return -60 / slope;
    }

    [Theory]
    [InlineData(9.0884, 7.2606, 1.3194, 9.0966, 7.0801, 1.5060)]
    [InlineData(7.9244, 4.4429, 1.5310, 7.2908, 4.6309, 1.5669)]
    [InlineData(2.7610, 4.2579, 1.5656, 3.1402, 4.2739, 1.3384)]
    public void ACloseMicrophoneInALargeAbsorbentRoomGivesAFiniteDecayingResponse(double sx, double sy, double sz, double mx, double my, double mz)
    {
        // Geometries drawn by the dataset recipe (RT60 0.1 s in 338 m³) whose whole-response T20 fell inside the
        // direct impulse: the decay correction then grew without bound and the response became infinite. Now the
        // response keeps Eyring's decay: finite, nothing louder than the direct sound, and a short tail.
        var room = new ShoeboxRoom(11.7, 8.5, 3.4, 0.1005);
        float[] h = RoomSimulator.ImpulseResponse(room, new Point3(sx, sy, sz), new Point3(mx, my, mz), 48000, new Random(1));
        Assert.All(h, v => Assert.True(float.IsFinite(v)));
        int direct = (int)RoomSimulator.DirectDelay(new Point3(sx, sy, sz), new Point3(mx, my, mz), 48000);
        Assert.InRange(h.Max(MathF.Abs), 0.6, 1.1); // a fractionally delayed unit impulse peaks at 0.64–1
        Assert.True(h.Skip(direct + 32).Max(MathF.Abs) < 1, "nothing after the direct sound is louder than it");
        double tail = RoomSimulator.SchroederT20([.. h.Skip(direct + 32).Select(v => (double)v)], 48000);
        Assert.InRange(tail, 0.05, 0.5);
    }

    [Theory]
    [InlineData(0.15, 4.0, 3.5, 2.6, 1.0)]
    [InlineData(0.3, 6.0, 4.5, 3.0, 2.0)]
    [InlineData(0.6, 8.0, 6.0, 3.2, 3.0)]
    [InlineData(1.0, 12.0, 9.0, 4.0, 4.0)]
    [InlineData(2.0, 20.0, 14.0, 6.0, 3.0)]
    [InlineData(4.0, 30.0, 22.0, 10.0, 4.0)]
    public void ResponsesHaveTheRequestedRt60AndDirectDelay(double rt60, double length, double width, double height, double distance)
    {
        var room = new ShoeboxRoom(length, width, height, rt60);
        var source = new Point3(length * 0.3, width * 0.4, 1.5);
        var mic = new Point3(source.X + distance, source.Y, 1.2);
        double trueDistance = source.DistanceTo(mic);
        float[] h = RoomSimulator.ImpulseResponse(room, source, mic, 48000, new Random(1));
        double measured = SchroederRt60(h, 48000);
        output.WriteLine($"RT60 requested {rt60:F2} s, measured {measured:F3} s");
        Assert.InRange(measured, rt60 * 0.8, rt60 * 1.2);

        int peak = 0;
        for (int i = 1; i < h.Length; i++)
        {
            if (Math.Abs(h[i]) > Math.Abs(h[peak]))
            {
                peak = i;
            }
        }

        double expected = trueDistance / RoomSimulator.SpeedOfSound * 48000;
        Assert.InRange(peak, expected - 1, expected + 1);
        // The direct sound, normalised to 1, spread over neighbouring samples by its fractional delay.
        Assert.InRange(h[peak], 0.6, 1.0);
    }

    [Fact]
    public void FftConvolutionMatchesDirectConvolution()
    {
        float[] x = SyntheticSignals.WhiteNoise(20000, 1);
        float[] h = SyntheticSignals.WhiteNoise(3000, 2, 0.1);
        float[] fast = FftConvolver.Convolve(x, h);
        for (int n = 0; n < x.Length; n += 997)
        {
            double direct = 0;
            for (int k = 0; k < h.Length && k <= n; k++)
            {
                direct += h[k] * (double)x[n - k];
            }

            Assert.Equal(direct, fast[n], 3);
        }
    }
}
