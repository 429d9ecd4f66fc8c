using System.CommandLine;

namespace PercepNet.Cli.Commands;

/// <summary>The denoiser's run-time knobs, shared by <c>denoise</c> and <c>stream</c>.</summary>
internal sealed class RuntimeOptions
{
    private readonly Option<float?> _attenuation = new("--atten-lim-db") { Description = "Never attenuate any band by more than this many dB." };
    private readonly Option<bool> _noPostfilter = new("--no-postfilter") { Description = "Skip the envelope postfilter." };
    private readonly Option<float> _postfilterBeta = new("--postfilter-beta")
    {
        Description = "β of the envelope postfilter: how much of the energy its warping removes is given back (smaller: more; larger: quieter noise between words).",
        DefaultValueFactory = _ => Gains.EnvelopePostfilter.DefaultBeta,
    };

    public RuntimeOptions()
    {
        OptionValidation.RequireNonNegative(_attenuation, "number of dB", allowInfinity: true);
        OptionValidation.RequireNonNegative(_postfilterBeta);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_attenuation);
        command.Options.Add(_noPostfilter);
        command.Options.Add(_postfilterBeta);
    }

    public DenoiserOptions Read(ParseResult parse) => new()
    {
        AttenuationLimitDb = parse.GetValue(_attenuation) ?? float.PositiveInfinity,
        Postfilter = !parse.GetValue(_noPostfilter),
        PostfilterBeta = parse.GetValue(_postfilterBeta),
    };
}
