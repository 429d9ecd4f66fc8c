using System.CommandLine;
using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary>
/// The denoiser's run-time knobs as options of <c>denoise</c> and <c>stream</c>. Their ranges are
/// the table every setting is checked against (<see cref="SettingRange"/>): a value outside one is a usage error at
/// parse time, with the range in words.
/// </summary>
internal sealed class RuntimeOptions
{
    private readonly Option<float?> _attenuation = new("--atten-lim-db") { Description = "Never attenuate any band by more than this many dB (default: no limit; 0 passes the input through)." };
    private readonly Option<float?> _strength = new("--postfilter-strength") { Description = "How much of the envelope postfilter is applied, 0 (off) to 1 (full, the default)." };
    private readonly Option<float?> _beta = new("--postfilter-beta")
    {
        Description = string.Create(CultureInfo.InvariantCulture,
            $"β of the envelope postfilter: how much of the energy its warping removes is given back (smaller: more; larger: quieter noise between words; default {DenoiserOptions.DefaultPostfilterBeta})."),
    };

    private readonly Option<float?> _silence = new("--silence-threshold-db")
    {
        Description = string.Create(CultureInfo.InvariantCulture,
            $"Input at or below this peak level (dBFS, -140 to -30) counts as silence: after 0.5 s of it nothing is computed until a louder frame (default {DenoiserOptions.DefaultSilenceThresholdDb}; -Infinity computes every frame)."),
    };

    private (Option<float?> Option, Setting Setting)[] All =>
        [(_attenuation, Setting.AttenuationLimitDb), (_strength, Setting.PostfilterStrength), (_beta, Setting.PostfilterBeta),
            (_silence, Setting.SilenceThresholdDb)];

    public RuntimeOptions()
    {
        foreach ((Option<float?> option, Setting setting) in All)
        {
            SettingRange range = SettingRange.Of(setting);
            option.Validators.Add(result =>
            {
                if (NumericOptionChecks.TryGetValue(result, out float? value) && value is float v && !range.Accepts(v))
                {
                    result.AddError($"{option.Name}: {range.Rule}");
                }
            });
        }
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_attenuation);
        command.Options.Add(_strength);
        command.Options.Add(_beta);
        command.Options.Add(_silence);
    }

    public DenoiserOptions Read(ParseResult parse)
    {
        var options = new DenoiserOptions();
        foreach ((Option<float?> option, Setting setting) in All)
        {
            if (parse.GetValue(option) is float value)
            {
                options = options.With(setting, value);
            }
        }

        return options;
    }
}
