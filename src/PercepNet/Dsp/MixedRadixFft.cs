using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PercepNet.Dsp;

/// <summary>
/// Forward complex FFT of a fixed length whose prime factors are 2, 3 and 5, computed by a
/// Stockham auto-sort algorithm (radix 4, 2, 3 and 5 stages, no bit reversal, natural-order output).
/// Twiddles are precomputed in double precision. An instance owns a scratch buffer: use one per thread.
/// <para>Stages whose butterflies repeat over at least four consecutive elements (every stage but the first) run
/// on 256-bit vectors of four complex numbers where the CPU has them, chosen once per instance; the vector code does
/// the portable code's arithmetic in the same order, so both give the same bits (a test compares them).</para>
/// </summary>
internal sealed class MixedRadixFft
{
    private readonly bool _vectors;
    private readonly int[] _radices;
    private readonly ComplexF[][] _twiddles; // per stage: w^(p·r), p < m, r = 1..radix-1, laid out [p * (radix-1) + r-1]
    private readonly ComplexF[] _scratch;
    private readonly float[]? _firstRe; // first radix-4 stage on vectors: Re(w_r^p) twice, r = 1..3, [(r-1)·2m + 2p]
    private readonly float[]? _firstIm; // and (−Im, Im)

    public MixedRadixFft(int length)
        : this(length, Vector256.IsHardwareAccelerated)
    {
    }

    /// <summary>An FFT that uses vectors only if <paramref name="vectors"/> (and the CPU has them); tests compare the two.</summary>
    internal MixedRadixFft(int length, bool vectors)
    {
        _vectors = vectors && Vector256.IsHardwareAccelerated;
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
        if (_vectors && Avx.IsSupported && _radices.Length > 0 && _radices[0] == 4 && (length / 4) % 4 == 0)
        {
            int m = length / 4;
            _firstRe = new float[3 * 2 * m];
            _firstIm = new float[3 * 2 * m];
            for (int p = 0; p < m; p++)
            {
                for (int r = 1; r <= 3; r++)
                {
                    ComplexF w = _twiddles[0][(3 * p) + r - 1];
                    int at = ((r - 1) * 2 * m) + (2 * p);
                    (_firstRe[at], _firstRe[at + 1]) = (w.Re, w.Re);
                    (_firstIm[at], _firstIm[at + 1]) = (-w.Im, w.Im);
                }
            }
        }
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
            if (stage == 0 && _firstRe is not null)
            {
                Radix4FirstVector(x, y, m, _firstRe, _firstIm!);
            }
            else if (_vectors && s % 4 == 0)
            {
                switch (radix)
                {
                    case 4: Radix4Vector(x, y, m, s, tw); break;
                    case 2: Radix2Vector(x, y, m, s, tw); break;
                    case 3: Radix3Vector(x, y, m, s, tw); break;
                    default: Radix5Vector(x, y, m, s, tw); break;
                }
            }
            else
            {
                switch (radix)
                {
                    case 4: Radix4(x, y, m, s, tw); break;
                    case 2: Radix2(x, y, m, s, tw); break;
                    case 3: Radix3(x, y, m, s, tw); break;
                    default: Radix5(x, y, m, s, tw); break;
                }
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

    // Four complex numbers per vector, (re, im) interleaved. Twiddles are broadcast: w·v = v·Re(w) + swap(v)·(−Im w, Im w).
    private static Vector256<float> Swap(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));

    private static Vector256<float> Times(Vector256<float> v, Vector256<float> re, Vector256<float> im) => (v * re) + (Swap(v) * im);

    private static (Vector256<float> Re, Vector256<float> Im) Twiddle(ComplexF w) =>
        (Vector256.Create(w.Re), Vector256.Create(-w.Im, w.Im, -w.Im, w.Im, -w.Im, w.Im, -w.Im, w.Im));

    private static Vector256<float> Load(ref float x, int complexIndex) => Vector256.LoadUnsafe(ref x, (nuint)(2 * complexIndex));

    private static void Store(Vector256<float> v, ref float y, int complexIndex) => v.StoreUnsafe(ref y, (nuint)(2 * complexIndex));

    private static ref float Floats(ReadOnlySpan<ComplexF> span) => ref Unsafe.As<ComplexF, float>(ref MemoryMarshal.GetReference(span));

    private static void Radix2Vector(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        ref float xs = ref Floats(x), ys = ref Floats(y);
        for (int p = 0; p < m; p++)
        {
            (Vector256<float> w1r, Vector256<float> w1i) = Twiddle(tw[p]);
            for (int q = 0; q < s; q += 4)
            {
                Vector256<float> a = Load(ref xs, q + (s * p));
                Vector256<float> b = Load(ref xs, q + (s * (p + m)));
                Store(a + b, ref ys, q + (s * 2 * p));
                Store(Times(a - b, w1r, w1i), ref ys, q + (s * ((2 * p) + 1)));
            }
        }
    }

    private static void Radix3Vector(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        const float Sin60 = 0.866025403784438647f;
        Vector256<float> half = Vector256.Create(0.5f);
        Vector256<float> rotate = Vector256.Create(Sin60, -Sin60, Sin60, -Sin60, Sin60, -Sin60, Sin60, -Sin60);
        ref float xs = ref Floats(x), ys = ref Floats(y);
        for (int p = 0; p < m; p++)
        {
            (Vector256<float> w1r, Vector256<float> w1i) = Twiddle(tw[2 * p]);
            (Vector256<float> w2r, Vector256<float> w2i) = Twiddle(tw[(2 * p) + 1]);
            for (int q = 0; q < s; q += 4)
            {
                Vector256<float> a0 = Load(ref xs, q + (s * p));
                Vector256<float> a1 = Load(ref xs, q + (s * (p + m)));
                Vector256<float> a2 = Load(ref xs, q + (s * (p + (2 * m))));
                Vector256<float> t1 = a1 + a2;
                Vector256<float> t2 = a1 - a2;
                Vector256<float> b = a0 - (half * t1);
                Vector256<float> d = rotate * Swap(t2); // (sin60·t2.Im, −sin60·t2.Re)
                int o = q + (s * 3 * p);
                Store(a0 + t1, ref ys, o);
                Store(Times(b + d, w1r, w1i), ref ys, o + s);
                Store(Times(b - d, w2r, w2i), ref ys, o + (2 * s));
            }
        }
    }

    /// <summary>The radix-4 butterfly before its twiddles, as the portable <see cref="Radix4"/> computes it.</summary>
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) Butterfly4(
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        Vector256<float> s02 = a0 + a2;
        Vector256<float> d02 = a0 - a2;
        Vector256<float> s13 = a1 + a3;
        Vector256<float> d13 = a1 - a3;
        Vector256<float> md = Swap(d13) * Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f); // −i·d13 = (d13.Im, −d13.Re)
        return (s02 + s13, d02 + md, s02 - s13, d02 - md);
    }

    private static void Radix4Vector(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        ref float xs = ref Floats(x), ys = ref Floats(y);
        for (int p = 0; p < m; p++)
        {
            (Vector256<float> w1r, Vector256<float> w1i) = Twiddle(tw[3 * p]);
            (Vector256<float> w2r, Vector256<float> w2i) = Twiddle(tw[(3 * p) + 1]);
            (Vector256<float> w3r, Vector256<float> w3i) = Twiddle(tw[(3 * p) + 2]);
            for (int q = 0; q < s; q += 4)
            {
                (Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3) = Butterfly4(
                    Load(ref xs, q + (s * p)), Load(ref xs, q + (s * (p + m))), Load(ref xs, q + (s * (p + (2 * m)))), Load(ref xs, q + (s * (p + (3 * m)))));
                int o = q + (s * 4 * p);
                Store(b0, ref ys, o);
                Store(Times(b1, w1r, w1i), ref ys, o + s);
                Store(Times(b2, w2r, w2i), ref ys, o + (2 * s));
                Store(Times(b3, w3r, w3i), ref ys, o + (3 * s));
            }
        }
    }

    private static void Radix5Vector(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, int s, ReadOnlySpan<ComplexF> tw)
    {
        Vector256<float> c1 = Vector256.Create(0.309016994374947424f), c2 = Vector256.Create(-0.809016994374947424f);
        Vector256<float> s1 = Vector256.Create(0.951056516295153572f), s2 = Vector256.Create(0.587785252292473129f);
        Vector256<float> conjugate = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
        ref float xs = ref Floats(x), ys = ref Floats(y);
        for (int p = 0; p < m; p++)
        {
            (Vector256<float> w1r, Vector256<float> w1i) = Twiddle(tw[4 * p]);
            (Vector256<float> w2r, Vector256<float> w2i) = Twiddle(tw[(4 * p) + 1]);
            (Vector256<float> w3r, Vector256<float> w3i) = Twiddle(tw[(4 * p) + 2]);
            (Vector256<float> w4r, Vector256<float> w4i) = Twiddle(tw[(4 * p) + 3]);
            for (int q = 0; q < s; q += 4)
            {
                Vector256<float> a0 = Load(ref xs, q + (s * p));
                Vector256<float> a1 = Load(ref xs, q + (s * (p + m)));
                Vector256<float> a2 = Load(ref xs, q + (s * (p + (2 * m))));
                Vector256<float> a3 = Load(ref xs, q + (s * (p + (3 * m))));
                Vector256<float> a4 = Load(ref xs, q + (s * (p + (4 * m))));
                Vector256<float> t1 = a1 + a4;
                Vector256<float> t2 = a2 + a3;
                Vector256<float> t3 = a1 - a4;
                Vector256<float> t4 = a2 - a3;
                Vector256<float> b1 = a0 + (c1 * t1) + (c2 * t2);
                Vector256<float> b2 = a0 + (c2 * t1) + (c1 * t2);
                Vector256<float> d1 = (s1 * t3) + (s2 * t4);
                Vector256<float> d2 = (s2 * t3) - (s1 * t4);
                Vector256<float> md1 = Swap(d1) * conjugate; // −i·d = (d.Im, −d.Re)
                Vector256<float> md2 = Swap(d2) * conjugate;
                int o = q + (s * 5 * p);
                Store(a0 + t1 + t2, ref ys, o);
                Store(Times(b1 + md1, w1r, w1i), ref ys, o + s);
                Store(Times(b2 + md2, w2r, w2i), ref ys, o + (2 * s));
                Store(Times(b2 - md2, w3r, w3i), ref ys, o + (3 * s));
                Store(Times(b1 - md1, w4r, w4i), ref ys, o + (4 * s));
            }
        }
    }

    /// <summary>
    /// The first radix-4 stage (one element per butterfly, s = 1) on vectors over four consecutive butterflies p, with
    /// per-lane twiddles, and a 4×4 transpose of complex numbers so that each butterfly's four outputs are stored together.
    /// </summary>
    private static void Radix4FirstVector(ReadOnlySpan<ComplexF> x, Span<ComplexF> y, int m, float[] twiddleRe, float[] twiddleIm)
    {
        ref float xs = ref Floats(x), ys = ref Floats(y);
        ref float wr = ref MemoryMarshal.GetArrayDataReference(twiddleRe), wi = ref MemoryMarshal.GetArrayDataReference(twiddleIm);
        for (int p = 0; p < m; p += 4)
        {
            (Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3) = Butterfly4(
                Load(ref xs, p), Load(ref xs, p + m), Load(ref xs, p + (2 * m)), Load(ref xs, p + (3 * m)));
            Vector256<double> r0 = b0.AsDouble();
            Vector256<double> r1 = Times(b1, Load(ref wr, p), Load(ref wi, p)).AsDouble();
            Vector256<double> r2 = Times(b2, Load(ref wr, p + m), Load(ref wi, p + m)).AsDouble();
            Vector256<double> r3 = Times(b3, Load(ref wr, p + (2 * m)), Load(ref wi, p + (2 * m))).AsDouble();

            // r_j holds output j of butterflies p..p+3; butterfly p's outputs go to y[4p..4p+3].
            Vector256<double> t0 = Avx.UnpackLow(r0, r1);
            Vector256<double> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<double> t2 = Avx.UnpackLow(r2, r3);
            Vector256<double> t3 = Avx.UnpackHigh(r2, r3);
            int o = 4 * p;
            Store(Avx.Permute2x128(t0, t2, 0x20).AsSingle(), ref ys, o);
            Store(Avx.Permute2x128(t1, t3, 0x20).AsSingle(), ref ys, o + 4);
            Store(Avx.Permute2x128(t0, t2, 0x31).AsSingle(), ref ys, o + 8);
            Store(Avx.Permute2x128(t1, t3, 0x31).AsSingle(), ref ys, o + 12);
        }
    }
}
