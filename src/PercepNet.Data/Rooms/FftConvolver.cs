using PercepNet.Dsp;

namespace PercepNet.Data.Rooms;

/// <summary>Linear convolution by FFT overlap-add (the long room impulse responses make direct convolution too slow).</summary>
internal static class FftConvolver
{
    /// <summary>y = x ∗ h, truncated to the length of x (what a room does to a recording of that length).</summary>
    public static float[] Convolve(ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        var y = new float[x.Length];
        if (x.Length == 0 || h.Length == 0)
        {
            return y;
        }

        int size = 1024;
        while (size < 2 * h.Length)
        {
            size <<= 1;
        }

        int block = size - h.Length + 1;
        var fft = new RealFft(size);
        var hSpectrum = new ComplexF[fft.BinCount];
        var xSpectrum = new ComplexF[fft.BinCount];
        var buffer = new float[size];
        h.CopyTo(buffer);
        fft.Forward(buffer, hSpectrum);
        for (int start = 0; start < x.Length; start += block)
        {
            Array.Clear(buffer);
            int n = Math.Min(block, x.Length - start);
            x.Slice(start, n).CopyTo(buffer);
            fft.Forward(buffer, xSpectrum);
            for (int k = 0; k < xSpectrum.Length; k++)
            {
                xSpectrum[k] *= hSpectrum[k];
            }

            fft.Inverse(xSpectrum, buffer);
            int count = Math.Min(size, y.Length - start);
            for (int i = 0; i < count; i++)
            {
                y[start + i] += buffer[i];
            }
        }

        return y;
    }
}
