using System.CommandLine;
using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary>
/// The denoiser's run-time knobs as options of <c>denoise</c> and <c>stream</c>. Their ranges are
/// <see cref="DenoiserOptions"/>'s: a value it refuses is a usage error at parse time, with its message.
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

    private Option<float?>[] All => [_attenuation, _strength, _beta, _silence];

    public RuntimeOptions()
    {
        foreach (Option<float?> option in All)
        {
            option.Validators.Add(result =>
            {
                if (!NumericOptionChecks.TryGetValue(result, out float? value))
                {
                    return;
                }

                try
                {
                    _ = Apply(new DenoiserOptions(), option, value);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    result.AddError($"{option.Name}: {e.Message.Split(" (Parameter")[0]}");
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
        foreach (Option<float?> option in All)
        {
            options = Apply(options, option, parse.GetValue(option));
        }

        return options;
    }

    private DenoiserOptions Apply(DenoiserOptions options, Option<float?> option, float? value) => value is not float v
        ? options
        : option == _attenuation ? options with { AttenuationLimitDb = v }
        : option == _strength ? options with { PostfilterStrength = v }
        : option == _silence ? options with { SilenceThresholdDb = v }
        : options with { PostfilterBeta = v };
}
