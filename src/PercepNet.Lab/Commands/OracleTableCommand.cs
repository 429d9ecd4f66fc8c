using System.CommandLine;
using System.Globalization;
using System.Text;
using PercepNet.Evaluation.Oracle;

using PercepNet.Cli.Commands;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet oracle-table</c>: regenerates the table of docs/ORACLES.md from the shared data.</summary>
internal static class OracleTableCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data folder (holding speech/ and noise/).", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Write the Markdown table to this file instead of standard output." };
        var command = new Command("oracle-table",
            "Mix fixed real speech and noise files at 0, 5, 10 and 20 dB SNR and score the noisy input and the four "
            + "oracle conditions (SI-SDR and segmental SNR, means over the files); prints a Markdown table.")
        {
            data, output,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(data)!, parse.GetValue(output))));
        return command;
    }

    private static int Run(string dataDirectory, string? outputPath)
    {
        if (!Directory.Exists(dataDirectory))
        {
            throw new UsageException($"{dataDirectory}: data folder not found");
        }

        var modes = OracleExperiment.DefaultConditions;
        IReadOnlyList<OracleExperiment.Row> rows = OracleExperiment.Run(dataDirectory, OracleExperiment.DefaultSpeech,
            OracleExperiment.DefaultNoise, OracleExperiment.DefaultSnrs, modes, p => Console.Error.WriteLine(p));

        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        string[] conditions = ["noisy", .. modes.Select(m => m.Name)];
        text.AppendLine(culture, $"| condition | {string.Join(" | ", OracleExperiment.DefaultSnrs.Select(s => $"{s:0} dB: SI-SDR / segSNR"))} |");
        text.AppendLine(culture, $"|---|{string.Concat(Enumerable.Repeat("---|", OracleExperiment.DefaultSnrs.Length))}");
        foreach (string condition in conditions)
        {
            text.Append(culture, $"| {condition} |");
            foreach (double snr in OracleExperiment.DefaultSnrs)
            {
                var cell = rows.Where(r => r.Condition == condition && r.Snr == snr).ToList();
                text.Append(culture, $" {cell.Average(r => r.SiSdr):F2} / {cell.Average(r => r.SegmentalSnr):F2} |");
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine("Per speech file (SI-SDR in dB, mean over the noises):");
        text.AppendLine();
        text.AppendLine(culture, $"| speech | condition | {string.Join(" | ", OracleExperiment.DefaultSnrs.Select(s => $"{s:0} dB"))} |");
        text.AppendLine(culture, $"|---|---|{string.Concat(Enumerable.Repeat("---|", OracleExperiment.DefaultSnrs.Length))}");
        foreach (string speech in OracleExperiment.DefaultSpeech)
        {
            foreach (string condition in conditions)
            {
                text.Append(culture, $"| {Path.GetFileName(speech)} | {condition} |");
                foreach (double snr in OracleExperiment.DefaultSnrs)
                {
                    text.Append(culture, $" {rows.Where(r => r.Speech == speech && r.Condition == condition && r.Snr == snr).Average(r => r.SiSdr):F2} |");
                }

                text.AppendLine();
            }
        }

        if (outputPath is null)
        {
            Console.Write(text.ToString());
        }
        else
        {
            AtomicText.Write(outputPath, text.ToString());
        }

        return 0;
    }
}
