using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PercepNet.Audio;
using PercepNet.Cli.Spectrograms;
using Spectre.Console;

namespace PercepNet.Cli.Commands;

/// <summary><c>percepnet denoise</c>: files, directories and globs in; WAV out at each input's rate and channel count.</summary>
internal static class DenoiseCommand
{
    private static readonly string[] AudioExtensions = [".wav", ".mp3", ".ogg"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files (WAV, MP3, Ogg Vorbis), directories or globs (*.wav).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output file (one input) or directory (several).", Required = true };
        var model = ModelOptions.Create();
        var knobs = new RuntimeOptions();
        var keepDelay = new Option<bool>("--keep-delay") { Description = "Keep the denoiser's 40 ms delay instead of lining the output up with the input." };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV instead of 16-bit PCM." };
        var spectrogram = new Option<string?>("--spectrogram")
        {
            Description = "Write noisy and denoised spectrograms side by side as PNG: a file (one input) or a directory (NAME.png per input).",
        };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files processed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        NumericOptionChecks.RequireRange(jobs, 1, int.MaxValue, "a number of parallel jobs");
        var command = new Command("denoise", "Remove noise and reverberation from recordings.")
        {
            inputs, output, model, keepDelay, asFloat, spectrogram, jobs,
        };
        knobs.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(inputs)!, parse.GetValue(output)!, parse.GetValue(model),
            knobs.Read(parse), parse.GetValue(keepDelay), parse.GetValue(asFloat), parse.GetValue(spectrogram), parse.GetValue(jobs))));
        return command;
    }

    private static int Run(string[] patterns, string output, string? modelPath, DenoiserOptions options, bool keepDelay,
        bool asFloat, string? spectrogram, int jobs)
    {
        var (files, missing) = Expand(patterns);
        foreach (string m in missing)
        {
            Console.Error.WriteLine($"error: {m}: no such file or directory");
        }

        if (files.Count == 0)
        {
            throw new UsageException("no input files");
        }

        bool toDirectory = files.Count > 1 || Directory.Exists(output) || output.EndsWith(Path.DirectorySeparatorChar);
        if (toDirectory)
        {
            Directory.CreateDirectory(output);
        }

        var targets = files.Select(f => toDirectory ? Path.Combine(output, Path.ChangeExtension(Path.GetFileName(f), ".wav")) : output).ToList();
        var inputsFull = new HashSet<string>(files.Select(Path.GetFullPath));
        foreach (string target in targets)
        {
            if (inputsFull.Contains(Path.GetFullPath(target)))
            {
                throw new UsageException($"{target}: refusing to overwrite an input file");
            }
        }

        if (targets.Distinct(StringComparer.Ordinal).Count() != targets.Count)
        {
            throw new UsageException("two inputs would write the same output name; give them different names or separate runs");
        }

        var pictures = new string?[files.Count];
        if (spectrogram is not null)
        {
            bool pictureFile = files.Count == 1 && spectrogram.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(spectrogram);
            if (!pictureFile)
            {
                Directory.CreateDirectory(spectrogram);
            }

            pictures = [.. files.Select(f => pictureFile ? spectrogram : Path.Combine(spectrogram, Path.GetFileNameWithoutExtension(f) + ".png"))];
            if (pictures.Any(p => inputsFull.Contains(Path.GetFullPath(p!))))
            {
                throw new UsageException($"{spectrogram}: refusing to overwrite an input file");
            }
        }

        Model compiled = ModelOptions.Load(modelPath);
        var errors = new ConcurrentBag<string>();
        double audioSeconds = 0;
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("denoising", maxValue: files.Count);
                Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
                {
                    try
                    {
                        double seconds = DenoiseFile(files[i], targets[i], compiled, options, !keepDelay, asFloat, pictures[i]);
                        lock (errors)
                        {
                            audioSeconds += seconds;
                        }
                    }
                    catch (AudioFormatException e)
                    {
                        errors.Add(e.Message);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        errors.Add($"{files[i]}: {e.Message}");
                    }

                    task.Increment(1);
                });
            });
        foreach (string e in errors.Order(StringComparer.Ordinal))
        {
            Console.Error.WriteLine($"error: {e}");
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{files.Count - errors.Count} of {files.Count} file(s), {audioSeconds:F1} s of audio in {elapsed:F1} s ({audioSeconds / Math.Max(elapsed, 1e-9):F0}× real time)"));
        return errors.IsEmpty && missing.Count == 0 ? 0 : CommandRunner.InputError;
    }

    /// <summary>Denoises one file (block by block: memory stays flat on long files), drawing its spectrograms if asked.</summary>
    internal static double DenoiseFile(string input, string output, Model model, DenoiserOptions options, bool compensate, bool asFloat,
        string? spectrogram = null)
    {
        SpectrogramAccumulator? before = null, after = null;
        int channels = 1;
        DenoisedBlockHandler? onBlock = null;
        if (spectrogram is not null)
        {
            using (IAudioReader probe = AudioFile.OpenRead(input))
            {
                (before, after, channels) = (new(probe.SampleRate), new(probe.SampleRate), probe.Channels);
            }

            onBlock = (noisy, denoised) =>
            {
                before!.AddInterleaved(noisy, channels);
                after!.AddInterleaved(denoised, channels);
            };
        }

        double seconds = AudioDenoising.DenoiseFile(input, output, model, options, keepDelay: !compensate,
            asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16, onBlock);
        if (spectrogram is not null)
        {
            SpectrogramImage.Write(spectrogram, before!, after!);
        }

        return seconds;
    }

    private static (List<string> Files, List<string> Missing) Expand(string[] patterns)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (string pattern in patterns)
        {
            if (Directory.Exists(pattern))
            {
                files.AddRange(Directory.EnumerateFiles(pattern).Where(IsAudio).Order(StringComparer.Ordinal));
            }
            else if (pattern.Contains('*') || pattern.Contains('?'))
            {
                string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
                string[] matches = Directory.Exists(directory)
                    ? [.. Directory.EnumerateFiles(directory, Path.GetFileName(pattern)).Order(StringComparer.Ordinal)]
                    : [];
                if (matches.Length == 0)
                {
                    missing.Add(pattern);
                }

                files.AddRange(matches);
            }
            else if (File.Exists(pattern))
            {
                files.Add(pattern);
            }
            else
            {
                missing.Add(pattern);
            }
        }

        return (files, missing);
    }

    private static bool IsAudio(string path) => AudioExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
