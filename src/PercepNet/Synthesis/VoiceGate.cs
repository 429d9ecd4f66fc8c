using PercepNet.Dsp;

namespace PercepNet.Synthesis;

/// <summary>
/// Mutes the output between utterances: a hop whose speech activity reaches the threshold opens the gate at once,
/// and it closes only after the activity has stayed below the threshold for the hold time, so the ends of words
/// and short pauses pass. Opening and closing fade over one hop (10 ms) so the gate never clicks. A threshold of 0
/// leaves the output untouched.
/// </summary>
internal sealed class VoiceGate
{
    private float _gain = 1f;
    private int _holdLeft;

    /// <summary>Speech activity (0…1) at which the gate opens; 0 = no gate.</summary>
    public float Threshold { get; set; }

    /// <summary>How long the gate stays open after the last active hop, in hops.</summary>
    public int HoldHops { get; set; } = 20;

    /// <summary>Applies the gate to one output hop, given the activity of the frame that produced it.</summary>
    public void Apply(float activity, Span<float> hop)
    {
        if (Threshold <= 0f && _gain == 1f)
        {
            return;
        }

        float target;
        if (Threshold <= 0f || activity >= Threshold)
        {
            _holdLeft = HoldHops;
            target = 1f;
        }
        else if (_holdLeft > 0)
        {
            _holdLeft--;
            target = 1f;
        }
        else
        {
            target = 0f;
        }

        float start = _gain;
        if (start == target)
        {
            if (target == 0f)
            {
                hop.Clear();
            }

            return;
        }

        float step = (target - start) / hop.Length;
        for (int i = 0; i < hop.Length; i++)
        {
            hop[i] *= start + (step * (i + 1));
        }

        _gain = target;
    }

    public void Reset()
    {
        _gain = 1f;
        _holdLeft = 0;
    }

    /// <summary>Hops in <paramref name="milliseconds"/>, rounded.</summary>
    public static int HopsIn(float milliseconds) =>
        (int)Math.Round(milliseconds * FrameLayout.SampleRate / 1000.0 / FrameLayout.HopSize);
}
