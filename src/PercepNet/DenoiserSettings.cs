using PercepNet.Pipeline;
using PercepNet.Synthesis;

namespace PercepNet;

/// <summary>The denoiser's run-time knobs, each a property of <see cref="DenoiserOptions"/>.</summary>
internal enum Setting
{
    AttenuationLimitDb,
    PostfilterStrength,
    PostfilterBeta,
    VoiceGateThreshold,
    VoiceGateHoldMs,
    SilenceThresholdDb,
}

/// <summary>
/// A knob's default and the values it takes: the one table that <see cref="DenoiserOptions"/>, the C library's
/// parameters and the command line check against.
/// </summary>
/// <param name="Setting">The knob.</param>
/// <param name="Default">Its value unless set.</param>
/// <param name="Min">The smallest finite value taken.</param>
/// <param name="Max">The largest finite value taken.</param>
/// <param name="Infinity">+∞ or −∞ when that infinity is also taken (with a meaning of its own), 0 when neither is.</param>
/// <param name="Rule">The range in words, the text of every refusal.</param>
internal sealed record SettingRange(Setting Setting, float Default, float Min, float Max, float Infinity, string Rule)
{
    /// <summary>Every knob, in the order of <see cref="Setting"/>.</summary>
    public static IReadOnlyList<SettingRange> Table { get; } =
    [
        new(Setting.AttenuationLimitDb, float.PositiveInfinity, 0, float.MaxValue, float.PositiveInfinity,
            "The attenuation limit is a non-negative number of dB (or +∞ for none)."),
        new(Setting.PostfilterStrength, 1, 0, 1, 0, "The postfilter strength is a number from 0 (off) to 1 (full)."),
        new(Setting.PostfilterBeta, DenoiserOptions.DefaultPostfilterBeta, 0, float.MaxValue, 0, "The postfilter β is a non-negative finite number."),
        new(Setting.VoiceGateThreshold, 0, 0, 1, 0, "The voice-gate threshold is a number from 0 (no gate) to 1."),
        new(Setting.VoiceGateHoldMs, 200, 0, 10_000, 0, "The voice-gate hold time is 0 to 10,000 ms."),
        new(Setting.SilenceThresholdDb, DenoiserOptions.DefaultSilenceThresholdDb, -140, -30, float.NegativeInfinity,
            "The silence threshold is −140 to −30 dBFS, or −∞ to compute every frame."),
    ];

    /// <summary>The table's row for <paramref name="setting"/>.</summary>
    public static SettingRange Of(Setting setting) => Table[(int)setting];

    /// <summary>Whether the knob takes <paramref name="value"/> (never NaN).</summary>
    public bool Accepts(float value) => float.IsInfinity(value) ? value == Infinity : value >= Min && value <= Max;

    /// <summary><paramref name="value"/> when the knob takes it; otherwise throws, naming the knob and its range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The knob does not take the value.</exception>
    public float Checked(float value) => Accepts(value) ? value : throw new ArgumentOutOfRangeException(Setting.ToString(), value, Rule);
}

/// <summary>
/// The values of every knob, as set (dB, ms, fractions): what a denoiser keeps of its options, a value that can be
/// copied and changed one knob at a time without allocating (the C library's parameter calls).
/// </summary>
internal readonly record struct DenoiserSettings
{
    private readonly float _attenuationLimitDb;
    private readonly float _postfilterStrength;
    private readonly float _postfilterBeta;
    private readonly float _voiceGateThreshold;
    private readonly float _voiceGateHoldMs;
    private readonly float _silenceThresholdDb;

    /// <summary>Every knob at its default.</summary>
    public DenoiserSettings()
    {
        _attenuationLimitDb = SettingRange.Of(Setting.AttenuationLimitDb).Default;
        _postfilterStrength = SettingRange.Of(Setting.PostfilterStrength).Default;
        _postfilterBeta = SettingRange.Of(Setting.PostfilterBeta).Default;
        _voiceGateThreshold = SettingRange.Of(Setting.VoiceGateThreshold).Default;
        _voiceGateHoldMs = SettingRange.Of(Setting.VoiceGateHoldMs).Default;
        _silenceThresholdDb = SettingRange.Of(Setting.SilenceThresholdDb).Default;
    }

    private DenoiserSettings(DenoiserSettings from, Setting setting, float value)
    {
        this = from;
        switch (setting)
        {
            case Setting.AttenuationLimitDb: _attenuationLimitDb = value; break;
            case Setting.PostfilterStrength: _postfilterStrength = value; break;
            case Setting.PostfilterBeta: _postfilterBeta = value; break;
            case Setting.VoiceGateThreshold: _voiceGateThreshold = value; break;
            case Setting.VoiceGateHoldMs: _voiceGateHoldMs = value; break;
            case Setting.SilenceThresholdDb: _silenceThresholdDb = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, "No such setting.");
        }
    }

    /// <summary>The value of one knob.</summary>
    public float this[Setting setting] => setting switch
    {
        Setting.AttenuationLimitDb => _attenuationLimitDb,
        Setting.PostfilterStrength => _postfilterStrength,
        Setting.PostfilterBeta => _postfilterBeta,
        Setting.VoiceGateThreshold => _voiceGateThreshold,
        Setting.VoiceGateHoldMs => _voiceGateHoldMs,
        Setting.SilenceThresholdDb => _silenceThresholdDb,
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "No such setting."),
    };

    /// <summary>These settings with one knob changed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The knob does not take the value (<see cref="SettingRange.Rule"/>).</exception>
    public DenoiserSettings With(Setting setting, float value) => new(this, setting, SettingRange.Of(setting).Checked(value));

    /// <summary>The settings as the chain uses them: dB as linear amplitudes, milliseconds as frames.</summary>
    public ChainSettings ForChain() => new(
        GainFloor: float.IsPositiveInfinity(_attenuationLimitDb) ? 0f : MathF.Pow(10f, -_attenuationLimitDb / 20f),
        PostfilterStrength: _postfilterStrength,
        PostfilterBeta: _postfilterBeta,
        GateThreshold: _voiceGateThreshold,
        GateHoldHops: VoiceGate.HopsIn(_voiceGateHoldMs),
        SilencePeak: float.IsNegativeInfinity(_silenceThresholdDb) ? -1f : MathF.Pow(10f, _silenceThresholdDb / 20f));
}
