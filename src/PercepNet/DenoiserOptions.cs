using PercepNet.Gains;
using PercepNet.Network;

namespace PercepNet;

/// <summary>
/// A <see cref="Denoiser"/>'s run-time settings. Each is checked when it is set: a value out of range throws
/// <see cref="ArgumentOutOfRangeException"/> naming the setting.
/// </summary>
public sealed record DenoiserOptions
{
    /// <summary>The default strength of the envelope postfilter's energy restoration (<see cref="PostfilterBeta"/>).</summary>
    public const float DefaultPostfilterBeta = EnvelopePostfilter.DefaultBeta;

    /// <summary>
    /// The most any band is attenuated, in dB: a floor on the gains. 0 passes the input through unchanged (apart from
    /// the delay); <see cref="float.PositiveInfinity"/> (the default) sets no limit. Values of 10–20 dB keep some
    /// natural background.
    /// </summary>
    public float AttenuationLimitDb
    {
        get => Settings[Setting.AttenuationLimitDb];
        init => Settings = Settings.With(Setting.AttenuationLimitDb, value);
    }

    /// <summary>
    /// How much of the envelope postfilter is applied, from 0 (off: the network's gains as they are) to 1 (the
    /// default: the full postfilter, which deepens the attenuation of noisy bands between and under speech harmonics).
    /// Values in between blend the two sets of gains linearly.
    /// </summary>
    public float PostfilterStrength
    {
        get => Settings[Setting.PostfilterStrength];
        init => Settings = Settings.With(Setting.PostfilterStrength, value);
    }

    /// <summary>
    /// β of the envelope postfilter: how much of the energy its gain warping removes is given back to the frame
    /// (smaller: more, louder; larger: less, quieter noise between words). Non-negative; default 0.02.
    /// </summary>
    public float PostfilterBeta
    {
        get => Settings[Setting.PostfilterBeta];
        init => Settings = Settings.With(Setting.PostfilterBeta, value);
    }

    /// <summary>
    /// The voice gate's threshold on <see cref="Denoiser.SpeechActivity"/>, from 0 (the default: no gate) to 1. With a
    /// threshold, the output is muted (with a 10 ms fade) once the speech activity has stayed below it for
    /// <see cref="VoiceGateHoldMs"/>, and opens again (also with a 10 ms fade) on the first frame that reaches it.
    /// 0.1–0.3 mutes background between utterances without cutting quiet speech.
    /// </summary>
    public float VoiceGateThreshold
    {
        get => Settings[Setting.VoiceGateThreshold];
        init => Settings = Settings.With(Setting.VoiceGateThreshold, value);
    }

    /// <summary>
    /// How long the voice gate stays open after the last frame at or above <see cref="VoiceGateThreshold"/>, in
    /// milliseconds (rounded to 10 ms frames): long enough to keep the ends of words and short pauses. Default 200; 0 to 10,000.
    /// </summary>
    public float VoiceGateHoldMs
    {
        get => Settings[Setting.VoiceGateHoldMs];
        init => Settings = Settings.With(Setting.VoiceGateHoldMs, value);
    }

    /// <summary>
    /// The level, in dBFS, at or below which a 10 ms input frame's peak counts as silence. After half a second of such
    /// frames the denoiser stops computing and outputs silence, so a muted microphone or the gaps of a recording cost
    /// almost nothing; the first louder frame resumes it at once, with the same latency and without a click (the
    /// signal state after half a second of silence is kept as it was). Default −80 (about 3 steps of 16-bit audio);
    /// −140 to −30, or <see cref="float.NegativeInfinity"/> to compute every frame.
    /// </summary>
    public float SilenceThresholdDb
    {
        get => Settings[Setting.SilenceThresholdDb];
        init => Settings = Settings.With(Setting.SilenceThresholdDb, value);
    }

    /// <summary>The default of <see cref="SilenceThresholdDb"/>, −80 dBFS.</summary>
    public const float DefaultSilenceThresholdDb = -80;

    /// <summary>Kernel implementation; null picks the fastest this CPU supports (tests and benchmarks choose).</summary>
    internal KernelPath? Kernels { get; init; }

    /// <summary>Every knob's value, checked against <see cref="SettingRange.Table"/> as it was set.</summary>
    internal DenoiserSettings Settings { get; init; } = new();

    /// <summary>These options with one knob changed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The knob does not take the value.</exception>
    internal DenoiserOptions With(Setting setting, float value) => this with { Settings = Settings.With(setting, value) };
}
