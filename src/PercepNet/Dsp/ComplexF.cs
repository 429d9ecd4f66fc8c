using System.Runtime.InteropServices;

namespace PercepNet.Dsp;

/// <summary>A single-precision complex number, laid out as (real, imaginary) for interleaved spans.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ComplexF(float re, float im) : IEquatable<ComplexF>
{
    public float Re = re;
    public float Im = im;

    public readonly float MagnitudeSquared => (Re * Re) + (Im * Im);

    public static ComplexF operator +(ComplexF a, ComplexF b) => new(a.Re + b.Re, a.Im + b.Im);
    public static ComplexF operator -(ComplexF a, ComplexF b) => new(a.Re - b.Re, a.Im - b.Im);
    public static ComplexF operator *(ComplexF a, ComplexF b) =>
        new((a.Re * b.Re) - (a.Im * b.Im), (a.Re * b.Im) + (a.Im * b.Re));
    public static ComplexF operator *(float s, ComplexF a) => new(s * a.Re, s * a.Im);

    public readonly ComplexF Conjugate() => new(Re, -Im);

    public readonly bool Equals(ComplexF other) => Re == other.Re && Im == other.Im;
    public override readonly bool Equals(object? obj) => obj is ComplexF c && Equals(c);
    public override readonly int GetHashCode() => HashCode.Combine(Re, Im);
    public static bool operator ==(ComplexF a, ComplexF b) => a.Equals(b);
    public static bool operator !=(ComplexF a, ComplexF b) => !a.Equals(b);
    public override readonly string ToString() => $"({Re}, {Im})";
}
