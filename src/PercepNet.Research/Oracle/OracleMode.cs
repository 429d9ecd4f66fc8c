namespace PercepNet.Oracle;

/// <summary>The listening conditions of the article, each driven by ideal values computed from the clean signal.</summary>
internal enum OracleMode
{
    /// <summary>Clean spectral magnitude per bin with the noisy phase.</summary>
    Magnitude,

    /// <summary>Ideal gains on the 34 ERB bands, interpolated to bins.</summary>
    Bands,

    /// <summary>Ideal band gains and comb-filter strengths (pitch mixing, band scaling).</summary>
    BandsComb,

    /// <summary>As <see cref="BandsComb"/>, then the envelope postfilter.</summary>
    BandsCombPostfilter,
}

/// <summary>Which pitch tunes the comb filter applied to the noisy signal in an oracle run.</summary>
internal enum OraclePitch
{
    /// <summary>The pitch tracked on the clean signal (an ideal pitch).</summary>
    Clean,

    /// <summary>The pitch tracked on the noisy signal (as at inference).</summary>
    Noisy,
}

/// <summary>How an oracle run chooses the comb strengths r_b.</summary>
internal enum OracleStrength
{
    /// <summary>The paper's rule (DESIGN §6): match the clean pitch coherence (with r = 1 and extra attenuation when the comb falls short).</summary>
    Coherence,

    /// <summary>The least-squares mix of noisy and comb-filtered spectra closest to the clean one (an alternative).</summary>
    LeastSquares,
}

/// <summary>One oracle listening condition.</summary>
internal sealed record OracleCondition(OracleMode Mode, OraclePitch Pitch = OraclePitch.Clean, OracleStrength Strength = OracleStrength.Coherence)
{
    /// <summary>Name in tables and reports, e.g. "bands+comb (noisy pitch, least-squares r)".</summary>
    public string Name
    {
        get
        {
            if (!Mode.UsesComb())
            {
                return Mode.Name();
            }

            var notes = new List<string>();
            if (Pitch == OraclePitch.Noisy)
            {
                notes.Add("noisy pitch");
            }

            if (Strength == OracleStrength.LeastSquares)
            {
                notes.Add("least-squares r");
            }

            return notes.Count == 0 ? Mode.Name() : $"{Mode.Name()} ({string.Join(", ", notes)})";
        }
    }
}

internal static class OracleModes
{
    public static readonly IReadOnlyList<(string Name, OracleMode Mode)> All =
    [
        ("magnitude", OracleMode.Magnitude),
        ("bands", OracleMode.Bands),
        ("bands+comb", OracleMode.BandsComb),
        ("bands+comb+postfilter", OracleMode.BandsCombPostfilter),
    ];

    public static string Name(this OracleMode mode) => All.First(m => m.Mode == mode).Name;

    /// <summary>Whether the mode uses the comb filter (and so depends on the pitch).</summary>
    public static bool UsesComb(this OracleMode mode) => mode is OracleMode.BandsComb or OracleMode.BandsCombPostfilter;

    public static bool TryParse(string text, out OracleMode mode)
    {
        foreach ((string name, OracleMode m) in All)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                mode = m;
                return true;
            }
        }

        mode = default;
        return false;
    }
}
