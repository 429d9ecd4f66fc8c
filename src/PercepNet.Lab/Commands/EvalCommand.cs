using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PercepNet.Evaluation.Metrics;
using PercepNet.Evaluation.Scoring;
using Spectre.Console;

using PercepNet.Cli.Commands;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet eval</c>: scores degraded (e.g. denoised) files against references, and/or with DNSMOS.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var reference = new Option<string?>("--reference") { Description = "Directory of clean references (matched to the degraded files by name)." };
        var degraded = new Option<string?>("--degraded") { Description = "Directory of files to score." };
        var list = new Option<string?>("--list") { Description = "A list file instead of directories: 'reference,degraded' per line ('reference,degraded,noisy' adds the pause attenuation; just 'degraded' scores DNSMOS only)." };
        var dnsmosDir = new Option<string?>("--dnsmos-dir") { Description = $"Directory holding sig_bak_ovr.onnx and model_v8.onnx (or set {Dnsmos.ModelDirectoryVariable})." };
        var noDnsmos = new Option<bool>("--no-dnsmos") { Description = "Skip DNSMOS." };
        var csv = new Option<string?>("--csv") { Description = "Write per-file scores as CSV." };
        var json = new Option<string?>("--json") { Description = "Write per-file scores and the summary as JSON." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files scored in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var maxDelay = new Option<double>("--max-delay-ms") { Description = "Largest delay searched when aligning to the reference.", DefaultValueFactory = _ => 100 };
        var perFile = new Option<bool>("--per-file") { Description = "Print a row per file, not only the summary." };
        var noisy = new Option<string?>("--noisy")
        {
            Description = "Directory of the noisy inputs (matched by name): the band fidelity then also measures how far each band's noise is attenuated in speech pauses.",
        };
        var manifest = new Option<string?>("--manifest")
        {
            Description = "CSV with columns 'id' (file name without extension) and 'source_bandwidth_hz' (e.g. the devset's manifest.csv): "
                + "each reference's bandwidth for the band fidelity; without it, the bandwidth is estimated from the reference.",
        };
        var command = new Command("eval",
            "Score files: SI-SDR, SNR, segmental SNR, STOI and ESTOI against references (delay found by cross-correlation "
            + "and compensated), DNSMOS P.835 (SIG, BAK, OVRL) and P.808, and the band fidelity: for 0–2, 2–4, 4–8, 8–12, 12–16 and "
            + "16–20 kHz, the output's level relative to the reference over speech frames (bands inside the reference's bandwidth) "
            + "and, with --noisy, the attenuation of the noisy input over speech pauses (bands where the noise has energy). "
            + "Prints means with 95 % confidence intervals.")
        {
            reference, degraded, list, dnsmosDir, noDnsmos, csv, json, jobs, maxDelay, perFile, noisy, manifest,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(reference), parse.GetValue(degraded), parse.GetValue(list),
            parse.GetValue(noDnsmos) ? null : Dnsmos.ResolveDirectory(parse.GetValue(dnsmosDir)), parse.GetValue(noDnsmos),
            parse.GetValue(csv), parse.GetValue(json), parse.GetValue(jobs), parse.GetValue(maxDelay), parse.GetValue(perFile),
            parse.GetValue(noisy), parse.GetValue(manifest))));
        return command;
    }

    private static int Run(string? referenceDir, string? degradedDir, string? listPath, string? dnsmosDir, bool noDnsmos,
        string? csvPath, string? jsonPath, int jobs, double maxDelayMs, bool perFile, string? noisyDir, string? manifestPath)
    {
        if ((degradedDir is null) == (listPath is null))
        {
            throw new UsageException("give either --degraded DIR (with --reference DIR for intrusive metrics) or --list FILE");
        }

        if (noisyDir is not null && (referenceDir is null || degradedDir is null))
        {
            throw new UsageException("--noisy needs --reference DIR and --degraded DIR");
        }

        foreach (string? directory in new[] { referenceDir, degradedDir, noisyDir })
        {
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new UsageException($"{directory}: directory not found");
            }
        }

        if (listPath is not null && !File.Exists(listPath))
        {
            throw new UsageException($"{listPath}: list file not found");
        }

        IReadOnlyDictionary<string, double>? bandwidths = manifestPath is null ? null : ReadBandwidths(manifestPath);
        var (pairs, problems) = listPath is not null ? Evaluator.ReadList(listPath) : Evaluator.PairDirectories(referenceDir, degradedDir!, noisyDir);
        foreach (string problem in problems)
        {
            Console.Error.WriteLine($"warning: {problem}");
        }

        Dnsmos? dnsmos = null;
        if (!noDnsmos)
        {
            if (dnsmosDir is null)
            {
                Console.Error.WriteLine($"warning: DNSMOS skipped: no model directory (give --dnsmos-dir or set {Dnsmos.ModelDirectoryVariable})");
            }
            else
            {
                try
                {
                    dnsmos = new Dnsmos(dnsmosDir);
                }
                catch (DnsmosModelsException e)
                {
                    Console.Error.WriteLine($"warning: DNSMOS skipped: {e.Message}");
                }
            }
        }

        using (dnsmos)
        {
            var evaluator = new Evaluator(dnsmos, new EvaluationOptions { MaxDelaySeconds = maxDelayMs / 1000, ReferenceBandwidths = bandwidths });
            var results = new FileScores[pairs.Count];
            var started = DateTime.UtcNow;
            AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("scoring", maxValue: Math.Max(1, pairs.Count));
                    Parallel.For(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
                    {
                        results[i] = evaluator.Score(pairs[i]);
                        task.Increment(1);
                    });
                });
            double seconds = (DateTime.UtcNow - started).TotalSeconds;

            foreach (FileScores r in results)
            {
                foreach (string message in r.Messages)
                {
                    Console.Error.WriteLine($"warning: {message}");
                }
            }

            IReadOnlyList<MetricSummary> summary = Summary.Of(results);
            Render(results, summary, perFile);
            int failed = results.Count(r => r.Failed);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} file(s) scored, {1} failed, {2} skipped before scoring, in {3:F1} s",
                results.Length - failed, failed, problems.Count, seconds));
            if (csvPath is not null)
            {
                AtomicText.Write(csvPath, ToCsv(results));
            }

            if (jsonPath is not null)
            {
                var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
                AtomicText.Write(jsonPath, JsonSerializer.Serialize(new { files = results, summary }, options) + Environment.NewLine);
            }

            // Anything that could not be scored, or nothing scored at all, is a failure of the run.
            return failed > 0 || problems.Count > 0 || results.Length == failed ? CommandRunner.InputError : 0;
        }
    }

    private static void Render(IReadOnlyList<FileScores> results, IReadOnlyList<MetricSummary> summary, bool perFile)
    {
        if (perFile)
        {
            var files = new Table().Border(TableBorder.Rounded).AddColumn("file");
            foreach (MetricSummary m in summary)
            {
                files.AddColumn(new TableColumn(m.Metric).RightAligned());
            }

            foreach (FileScores r in results)
            {
                var cells = new List<string> { Markup.Escape(r.Name) };
                foreach (MetricSummary m in summary)
                {
                    double? v = Summary.Metrics.First(x => x.Name == m.Metric).Value(r);
                    cells.Add(v is null ? "–" : v.Value.ToString("F3", CultureInfo.InvariantCulture));
                }

                files.AddRow([.. cells]);
            }

            AnsiConsole.Write(files);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("metric").AddColumn(new TableColumn("files").RightAligned())
            .AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("95 % CI").RightAligned());
        foreach (MetricSummary m in summary)
        {
            table.AddRow(m.Metric, m.Count.ToString(CultureInfo.InvariantCulture), m.Mean.ToString("F3", CultureInfo.InvariantCulture),
                m.HalfWidth95 is null ? "–" : "± " + m.HalfWidth95.Value.ToString("F3", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>Reads 'id' and 'source_bandwidth_hz' from a CSV with a header row (columns found by name).</summary>
    private static Dictionary<string, double> ReadBandwidths(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{path}: manifest not found");
        }

        string[] lines = File.ReadAllLines(path);
        string[] header = lines.Length == 0 ? [] : lines[0].Split(',');
        int id = Array.IndexOf(header, "id"), bandwidth = Array.IndexOf(header, "source_bandwidth_hz");
        if (id < 0 || bandwidth < 0)
        {
            throw new UsageException($"{path}: the manifest needs the columns 'id' and 'source_bandwidth_hz'");
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split(',');
            if (cells.Length > Math.Max(id, bandwidth)
                && double.TryParse(cells[bandwidth], NumberStyles.Float, CultureInfo.InvariantCulture, out double hz) && hz > 0)
            {
                result[cells[id]] = hz;
            }
            else if (lines[i].Trim().Length > 0)
            {
                throw new UsageException($"{path}:{i + 1}: no bandwidth in Hz for this row");
            }
        }

        return result;
    }

    private static string ToCsv(IReadOnlyList<FileScores> results)
    {
        var text = new StringBuilder();
        text.AppendLine("file,reference,degraded,seconds,delay_samples,si_sdr,snr,seg_snr,stoi,estoi,dnsmos_sig,dnsmos_bak,dnsmos_ovrl,dnsmos_p808,"
            + string.Concat(BandFidelity.Bands.Select(b => $"speech_db_{b.Key},")) + string.Concat(BandFidelity.Bands.Select(b => $"pause_atten_db_{b.Key},"))
            + "messages");
        foreach (FileScores r in results)
        {
            static string F(double? v) => v is null ? "" : v.Value.ToString("R", CultureInfo.InvariantCulture);
            static string Q(string? s) => s is null ? "" : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            text.AppendLine(string.Join(',', Q(r.Name), Q(r.Reference), Q(r.Degraded), F(r.Seconds), r.DelaySamples?.ToString(CultureInfo.InvariantCulture) ?? "",
                F(r.SiSdr), F(r.Snr), F(r.SegmentalSnr), F(r.Stoi), F(r.Estoi), F(r.DnsmosSig), F(r.DnsmosBak), F(r.DnsmosOvrl), F(r.DnsmosP808),
                string.Join(',', BandFidelity.Bands.Select((_, i) => F(r.Bands?[i].SpeechLevelDb))),
                string.Join(',', BandFidelity.Bands.Select((_, i) => F(r.Bands?[i].PauseAttenuationDb))),
                Q(string.Join(" | ", r.Messages))));
        }

        return text.ToString();
    }
}
