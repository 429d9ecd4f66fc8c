using System.Diagnostics.CodeAnalysis;

namespace PercepNet.Dsp;

/// <summary>
/// Throw helpers for the per-frame methods: building the message out of line keeps the hot methods free of
/// string formatting (which unoptimised builds otherwise set up on every call).
/// </summary>
internal static class Guard
{
    public static void Length(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, what);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string what) =>
        throw new ArgumentException($"{what}: expected {expected} values, got {actual}.");
}
