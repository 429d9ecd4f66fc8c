using System.Globalization;
using System.Text;

namespace PercepNet.Cli.Commands;

/// <summary>
/// One of <see cref="Count"/> parts of a batch: an input belongs to the shard that a stable hash of its key (its path
/// relative to <c>--root</c>, with / separators) picks, so every machine of a job agrees without talking.
/// </summary>
internal sealed record Shard(int Index, int Count, string Source)
{
    public static Shard Whole { get; } = new(0, 1, "");

    /// <summary>Whether <paramref name="key"/> belongs to this shard.</summary>
    public bool Owns(string key) => Count == 1 || (int)(Fnv1a(key) % (ulong)Count) == Index;

    /// <summary>The shard's name in file names and messages: "2-of-8".</summary>
    public string Name => $"{Index}-of-{Count}";

    /// <summary>
    /// The shard from <c>--shard K/N</c>, else from the scheduler: a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
    /// (with the count from <c>--shards N</c>), or a Slurm job array's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT
    /// (less SLURM_ARRAY_TASK_MIN, so arrays numbered from 1 work). Null when none applies.
    /// </summary>
    public static Shard? Resolve(string? option, int? shards, Func<string, string?> environment)
    {
        if (option is not null)
        {
            string[] parts = option.Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || k >= n)
            {
                throw new UsageException($"--shard {option}: give K/N with 0 ≤ K < N, e.g. 0/4");
            }

            return new Shard(k, n, "--shard");
        }

        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } index)
        {
            if (shards is not int count)
            {
                throw new UsageException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the job's completions as --shards N");
            }

            return new Shard(Number(index, "JOB_COMPLETION_INDEX"), count, "JOB_COMPLETION_INDEX (Kubernetes Indexed Job)").Checked();
        }

        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task)
        {
            int id = Number(task, "SLURM_ARRAY_TASK_ID");
            int min = environment("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } m ? Number(m, "SLURM_ARRAY_TASK_MIN") : 0;
            int count = shards ?? (environment("SLURM_ARRAY_TASK_COUNT") is { Length: > 0 } c
                ? Number(c, "SLURM_ARRAY_TASK_COUNT")
                : throw new UsageException("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shards N"));
            return new Shard(id - min, count, "SLURM_ARRAY_TASK_ID (Slurm job array)").Checked();
        }

        return shards is int alone
            ? throw new UsageException($"--shards {alone} needs --shard K/N or a scheduler's index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID)")
            : null;
    }

    private Shard Checked() => Count >= 1 && Index >= 0 && Index < Count
        ? this
        : throw new UsageException($"shard {Index} of {Count} (from {Source}) is not a shard: the index must be 0 to {Count - 1}");

    private static int Number(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"{name}={text} is not a non-negative whole number");

    /// <summary>64-bit FNV-1a of the key's UTF-8: the same on every machine and every .NET version.</summary>
    internal static ulong Fnv1a(string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
