using System.CommandLine;
using System.Globalization;

namespace PercepNet.Cli.Commands;

/// <summary>Parse-time checks shared by the commands' numeric options.</summary>
internal static class NumericOptionChecks
{
    /// <summary>
    /// The option's value, or false (with an error naming the option and the word given) when the word is not a number
    /// of the option's type: reading a value that failed to convert would otherwise throw inside the parser.
    /// </summary>
    public static bool TryGetValue<T>(System.CommandLine.Parsing.OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            string given = string.Join(' ', result.Tokens.Select(t => t.Value));
            Type type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
            string kind = type == typeof(int) || type == typeof(long) ? "a whole number" : "a number";
            result.AddError($"{result.Option.Name} takes {kind}, not '{given}'.");
            value = default;
            return false;
        }
    }

    /// <summary>
    /// Refuses NaN and negative values (and infinities unless <paramref name="allowInfinity"/>) with a message naming
    /// the option; an absent optional value passes.
    /// </summary>
    public static void RequireNonNegative<T>(Option<T> option, string what = "number", bool allowInfinity = false)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out T? read) && read is IConvertible value)
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
            if (TryGetValue(result, out int? read) && read is int value && (value < least || value > most))
            {
                result.AddError($"{option.Name} takes {what} from {least} to {most} (got {value}).");
            }
        });
    }

    /// <summary>Refuses whole numbers other than <paramref name="allowed"/> with a message naming the option and them.</summary>
    public static void RequireOneOf(Option<int?> option, params int[] allowed)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out int? read) && read is int value && !allowed.Contains(value))
            {
                result.AddError($"{option.Name} takes {string.Join(", ", allowed[..^1])} or {allowed[^1]} (got {value}).");
            }
        });
    }

    /// <summary>Refuses whole numbers outside [<paramref name="least"/>, <paramref name="most"/>] with a message naming the option.</summary>
    public static void RequireRange(Option<int> option, int least, int most, string what)
    {
        option.Validators.Add(result =>
        {
            if (TryGetValue(result, out int value) && (value < least || value > most))
            {
                result.AddError(most == int.MaxValue
                    ? $"{option.Name} takes {what} of at least {least} (got {value})."
                    : $"{option.Name} takes {what} from {least} to {most} (got {value}).");
            }
        });
    }
}
