using PercepNet.Analysis;
using PercepNet.Features;

namespace PercepNet.Network;

/// <summary>
/// Widths of the network of DESIGN §7: Dense(70 → D, tanh) → Conv1d(k = 5, D → C1, tanh) → Conv1d(k = 3, C1 → C2, tanh)
/// → GRU(H) ×3 → gain branch GRU(Hg) and Dense(C2 + 3H + Hg → 34, sigmoid); strength branch GRU(C2 + H → Hs) and
/// Dense(Hs → 34, sigmoid). The convolutions are causal over their input sequence; the features at step t already
/// hold the energies of window t and the coherences of frame t − 2, so the outputs at step t are the gains of frame
/// t − 2: that alignment is the network's 2 frames of look-ahead.
/// </summary>
internal sealed record ModelShape(string Preset, int DenseWidth, int Conv1Width, int Conv2Width, int GruWidth,
    int GainGruWidth, int StrengthGruWidth)
{
    public const int Conv1Kernel = 5;
    public const int Conv2Kernel = 3;
    public const int Inputs = FeatureExtractor.Count;
    public const int Outputs = ErbBands.Count;

    /// <summary>The article's network, ≈8.0 M weights.</summary>
    public static ModelShape Paper { get; } = new("paper", 128, 512, 512, 512, 512, 128);

    /// <summary>GRUs 256 wide, ≈1.85 M weights.</summary>
    public static ModelShape Medium { get; } = new("medium", 128, 256, 256, 256, 128, 64);

    /// <summary>GRUs 160 wide, ≈0.81 M weights.</summary>
    public static ModelShape Small { get; } = new("small", 128, 160, 160, 160, 96, 48);

    public static IReadOnlyList<ModelShape> Presets { get; } = [Paper, Medium, Small];

    public static ModelShape FromPreset(string name) =>
        Presets.FirstOrDefault(p => string.Equals(p.Preset, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}' (expected {string.Join(", ", Presets.Select(p => p.Preset))}).");

    public int GainDenseInputs => Conv2Width + (3 * GruWidth) + GainGruWidth;

    public int StrengthGruInputs => Conv2Width + GruWidth;

    /// <summary>Weights and biases (GRUs with separate input and recurrent biases, as PyTorch).</summary>
    public long ParameterCount =>
        Dense(Inputs, DenseWidth) + Conv(DenseWidth, Conv1Width, Conv1Kernel) + Conv(Conv1Width, Conv2Width, Conv2Kernel)
        + Gru(Conv2Width, GruWidth) + (2 * Gru(GruWidth, GruWidth)) + Gru(GruWidth, GainGruWidth)
        + Dense(GainDenseInputs, Outputs) + Gru(StrengthGruInputs, StrengthGruWidth) + Dense(StrengthGruWidth, Outputs);

    private static long Dense(int i, int o) => ((long)i * o) + o;

    private static long Conv(int i, int o, int k) => ((long)i * o * k) + o;

    private static long Gru(int i, int h) => (3L * h * i) + (3L * h * h) + (6L * h);

    public void Validate()
    {
        int[] widths = [DenseWidth, Conv1Width, Conv2Width, GruWidth, GainGruWidth, StrengthGruWidth];
        if (widths.Any(w => w < 1 || w > 4096))
        {
            throw new ArgumentException($"Layer widths must be in 1..4096, got {string.Join(", ", widths)}.");
        }
    }
}
