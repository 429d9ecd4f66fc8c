namespace PercepNet.Dsp;

/// <summary>
/// Real FFT of an even length N through a complex FFT of N/2 (even samples as real part, odd as imaginary)
/// and a split step. Forward is unnormalised, X(k) = Σ x(n)·e^(−2πikn/N) for k = 0..N/2; Inverse includes 1/N,
/// so Inverse(Forward(x)) = x. An instance owns scratch buffers: use one per thread.
/// </summary>
internal sealed class RealFft
{
    private readonly MixedRadixFft _half;
    private readonly ComplexF[] _work;
    private readonly ComplexF[] _split; // e^(−2πik/N), k = 0..N/2

    public RealFft(int length)
    {
        if (length < 2 || length % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Real FFT length must be even and at least 2.");
        }

        Length = length;
        _half = new MixedRadixFft(length / 2);
        _work = new ComplexF[length / 2];
        _split = new ComplexF[(length / 2) + 1];
        for (int k = 0; k <= length / 2; k++)
        {
            double angle = -2.0 * Math.PI * k / length;
            _split[k] = new ComplexF((float)Math.Cos(angle), (float)Math.Sin(angle));
        }
    }

    public int Length { get; }

    /// <summary>Number of spectrum bins, N/2 + 1.</summary>
    public int BinCount => (Length / 2) + 1;

    public void Forward(ReadOnlySpan<float> input, Span<ComplexF> spectrum)
    {
        Guard.Length(input.Length, Length, "FFT input");
        Guard.Length(spectrum.Length, BinCount, "FFT spectrum");

        int m = Length / 2;
        Span<ComplexF> z = _work;
        for (int n = 0; n < m; n++)
        {
            z[n] = new ComplexF(input[2 * n], input[(2 * n) + 1]);
        }

        _half.Forward(z);
        for (int k = 0; k <= m; k++)
        {
            ComplexF zk = z[k == m ? 0 : k];
            ComplexF zc = z[k == 0 ? 0 : m - k].Conjugate();
            // even part E = (Z[k] + conj Z[m−k]) / 2, odd part O = −i (Z[k] − conj Z[m−k]) / 2
            ComplexF e = 0.5f * (zk + zc);
            ComplexF diff = zk - zc;
            ComplexF o = new(0.5f * diff.Im, -0.5f * diff.Re);
            spectrum[k] = e + (_split[k] * o);
        }
    }

    public void Inverse(ReadOnlySpan<ComplexF> spectrum, Span<float> output)
    {
        Guard.Length(spectrum.Length, BinCount, "FFT spectrum");
        Guard.Length(output.Length, Length, "FFT output");

        int m = Length / 2;
        Span<ComplexF> z = _work;
        for (int k = 0; k < m; k++)
        {
            ComplexF xk = spectrum[k];
            ComplexF xc = spectrum[m - k].Conjugate();
            ComplexF e = 0.5f * (xk + xc);
            ComplexF o = (0.5f * (xk - xc)) * _split[k].Conjugate();
            // Z = E + i·O, conjugated so that the forward transform computes the inverse.
            z[k] = new ComplexF(e.Re - o.Im, -(e.Im + o.Re));
        }

        _half.Forward(z);
        float scale = 1f / m;
        for (int n = 0; n < m; n++)
        {
            output[2 * n] = z[n].Re * scale;
            output[(2 * n) + 1] = -z[n].Im * scale;
        }
    }
}
