namespace PercepNet.Frames;

/// <summary>
/// Forward complex FFT of a fixed length whose prime factors are 2, 3 and 5, computed by a
/// Stockham auto-sort algorithm (radix 4, 2, 3 and 5 stages, no bit reversal, natural-order output).
/// Twiddles are precomputed in double precision. An instance owns a scratch buffer: use one per thread.
/// </summary>
internal sealed class MixedRadixFft
{
    private readonly int[] _radices;
    private readonly ComplexF[][] _twiddles; // per stage: w^(p·r), p < m, r = 1..radix-1, laid out [p * (radix-1) + r-1]
    private readonly ComplexF[] _scratch;

    public MixedRadixFft(int length)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "FFT length must be positive.");
        }

        Length = length;
        var radices = new List<int>();
        int rest = length;
        while (rest % 4 == 0) { radices.Add(4); rest /= 4; }
        while (rest % 2 == 0) { radices.Add(2); rest /= 2; }
        while (rest % 3 == 0) { radices.Add(3); rest /= 3; }
        while (rest % 5 == 0) { radices.Add(5); rest /= 5; }
        if (rest != 1)
        {
            throw new ArgumentException($"FFT length {length} has a prime factor other than 2, 3 and 5.", nameof(length));
        }

        _radices = [.. radices];
        _twiddles = new ComplexF[_radices.Length][];
        int n = length;
        for (int stage = 0; stage < _radices.Length; stage++)
        {
            int radix = _radices[stage];
            int m = n / radix;
            var table = new ComplexF[m * (radix - 1)];
            for (int p = 0; p < m; p++)
            {
                for (int r = 1; r < radix; r++)
                {
                    double angle = -2.0 * Math.PI * p * r / n;
                    table[(p * (radix - 1)) + r - 1] = new ComplexF((float)Math.Cos(angle), (float)Math.Sin(angle));
                }
            }

            _twiddles[stage] = table;
            n = m;
        }

        _scratch = new ComplexF[length];
    }

    public int Length { get; }

    /// <summary>In-place forward transform, X(k) = Σ x(n)·e^(−2πikn/N), unnormalised.</summary>
    public void Forward(Span<ComplexF> data)
    {
        Guard.Length(data.Length, Length, "FFT input");

        Span<ComplexF> x = data;
        Span<ComplexF> y = _scratch;
        int n = Length;
        int s = 1;
        for (int stage = 0; stage < _radices.Length; stage++)
        {
            int radix = _radices[stage];
            int m = n / radix;
            ReadOnlySpan<ComplexF> tw = _twiddles[stage];
            switch (radix)
            {
                case 4: Radix4(x, y, m, s, tw); break;
                case 2: Radix2(x, y, m, s, tw); break;
                case 3: Radix3(x, y, m, s, tw); break;
                default: Radix5(x, y, m, s, tw); break;
            }

            n = m;
            s *= radix;
            Span<ComplexF> t = x;
            x = y;
            y = t;
        }

        if (_radices.Length % 2 == 1)
        {
            x.CopyTo(data);
        }
    }

    private static void Radix2(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        for (int p = 0; p < m; p++)
        {
            ComplexF w1 = tw[p];
            for (int q = 0; q < s; q++)
            {
                ComplexF a = x[q + (s * p)];
                ComplexF b = x[q + (s * (p + m))];
                y[q + (s * 2 * p)] = a + b;
                y[q + (s * ((2 * p) + 1))] = (a - b) * w1;
            }
        }
    }

    private static void Radix3(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        const float Sin60 = 0.866025403784438647f;
        for (int p = 0; p < m; p++)
        {
            ComplexF w1 = tw[2 * p];
            ComplexF w2 = tw[(2 * p) + 1];
            for (int q = 0; q < s; q++)
            {
                ComplexF a0 = x[q + (s * p)];
                ComplexF a1 = x[q + (s * (p + m))];
                ComplexF a2 = x[q + (s * (p + (2 * m)))];
                ComplexF t1 = a1 + a2;
                ComplexF t2 = a1 - a2;
                ComplexF b = new(a0.Re - (0.5f * t1.Re), a0.Im - (0.5f * t1.Im));
                // −i·sin60·t2 = (sin60·t2.Im, −sin60·t2.Re)
                ComplexF d = new(Sin60 * t2.Im, -Sin60 * t2.Re);
                int o = q + (s * 3 * p);
                y[o] = a0 + t1;
                y[o + s] = (b + d) * w1;
                y[o + (2 * s)] = (b - d) * w2;
            }
        }
    }

    private static void Radix4(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        for (int p = 0; p < m; p++)
        {
            ComplexF w1 = tw[3 * p];
            ComplexF w2 = tw[(3 * p) + 1];
            ComplexF w3 = tw[(3 * p) + 2];
            for (int q = 0; q < s; q++)
            {
                ComplexF a0 = x[q + (s * p)];
                ComplexF a1 = x[q + (s * (p + m))];
                ComplexF a2 = x[q + (s * (p + (2 * m)))];
                ComplexF a3 = x[q + (s * (p + (3 * m)))];
                ComplexF s02 = a0 + a2;
                ComplexF d02 = a0 - a2;
                ComplexF s13 = a1 + a3;
                ComplexF d13 = a1 - a3;
                // −i·d13 = (d13.Im, −d13.Re)
                ComplexF md = new(d13.Im, -d13.Re);
                int o = q + (s * 4 * p);
                y[o] = s02 + s13;
                y[o + s] = (d02 + md) * w1;
                y[o + (2 * s)] = (s02 - s13) * w2;
                y[o + (3 * s)] = (d02 - md) * w3;
            }
        }
    }

    private static void Radix5(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        const float C1 = 0.309016994374947424f;   // cos(2π/5)
        const float C2 = -0.809016994374947424f;  // cos(4π/5)
        const float S1 = 0.951056516295153572f;   // sin(2π/5)
        const float S2 = 0.587785252292473129f;   // sin(4π/5)
        for (int p = 0; p < m; p++)
        {
            ComplexF w1 = tw[4 * p];
            ComplexF w2 = tw[(4 * p) + 1];
            ComplexF w3 = tw[(4 * p) + 2];
            ComplexF w4 = tw[(4 * p) + 3];
            for (int q = 0; q < s; q++)
            {
                ComplexF a0 = x[q + (s * p)];
                ComplexF a1 = x[q + (s * (p + m))];
                ComplexF a2 = x[q + (s * (p + (2 * m)))];
                ComplexF a3 = x[q + (s * (p + (3 * m)))];
                ComplexF a4 = x[q + (s * (p + (4 * m)))];
                ComplexF t1 = a1 + a4;
                ComplexF t2 = a2 + a3;
                ComplexF t3 = a1 - a4;
                ComplexF t4 = a2 - a3;
                ComplexF b1 = new(a0.Re + (C1 * t1.Re) + (C2 * t2.Re), a0.Im + (C1 * t1.Im) + (C2 * t2.Im));
                ComplexF b2 = new(a0.Re + (C2 * t1.Re) + (C1 * t2.Re), a0.Im + (C2 * t1.Im) + (C1 * t2.Im));
                ComplexF d1 = new((S1 * t3.Re) + (S2 * t4.Re), (S1 * t3.Im) + (S2 * t4.Im));
                ComplexF d2 = new((S2 * t3.Re) - (S1 * t4.Re), (S2 * t3.Im) - (S1 * t4.Im));
                // −i·d = (d.Im, −d.Re)
                ComplexF md1 = new(d1.Im, -d1.Re);
                ComplexF md2 = new(d2.Im, -d2.Re);
                int o = q + (s * 5 * p);
                y[o] = a0 + t1 + t2;
                y[o + s] = (b1 + md1) * w1;
                y[o + (2 * s)] = (b2 + md2) * w2;
                y[o + (3 * s)] = (b2 - md2) * w3;
                y[o + (4 * s)] = (b1 - md1) * w4;
            }
        }
    }
}
