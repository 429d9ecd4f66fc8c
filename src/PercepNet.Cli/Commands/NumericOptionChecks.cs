using System.CommandLine;
using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary>Parse-time checks shared by the commands' numeric options.</summary>
internal static class NumericOptionChecks
{
    /// <summary>
    /// Refuses NaN and negative values (and infinities unless <paramref name="allowInfinity"/>) with a message naming
    /// the option; an absent optional value passes.
    /// </summary>
    public static void RequireNonNegative<T>(Option<T> option, string what = "number", bool allowInfinity = false)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is IConvertible value)
            {
                double x = value.ToDouble(CultureInfo.InvariantCulture);
                if (double.IsNaN(x) || x < 0 || (!allowInfinity && double.IsInfinity(x)))
                {
                    result.AddError($"{option.Name} takes a non-negative {what}.");
                }
            }
        });
    }

    /// <summary>The same for an optional whole number; an absent value passes.</summary>
    public static void RequireRange(Option<int?> option, int least, int most, string what)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is int value && (value < least || value > most))
            {
                result.AddError($"{option.Name} takes {what} from {least} to {most} (got {value}).");
            }
        });
    }

    /// <summary>Refuses whole numbers outside [<paramref name="least"/>, <paramref name="most"/>] with a message naming the option.</summary>
    public static void RequireRange(Option<int> option, int least, int most, string what)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < least || value > most)
            {
                result.AddError(most == int.MaxValue
                    ? $"{option.Name} takes {what} of at least {least} (got {value})."
                    : $"{option.Name} takes {what} from {least} to {most} (got {value}).");
            }
        });
    }
}
