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
    /// <summary>Input features per frame: the feature extractor's count (the architecture tests check they agree).</summary>
    public const int Inputs = 70;

    /// <summary>Gains and strengths per frame: one per ERB band.</summary>
    public const int Outputs = 34;

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

    /// <summary>
    /// The layer table: every layer with its kind, widths and activation, in file order. The model file's tensors, the
    /// parameters, the compiled weights, the parameter count and the training framework's modules all follow it; only
    /// the forward passes say which layer feeds which.
    /// </summary>
    public IReadOnlyList<LayerSpec> Layers =>
    [
        new("input", LayerKind.Dense, Inputs, DenseWidth, Activation: Activation.Tanh, AlwaysFloat: true),
        new("conv1", LayerKind.Convolution, DenseWidth, Conv1Width, Conv1Kernel, Activation.Tanh),
        new("conv2", LayerKind.Convolution, Conv1Width, Conv2Width, Conv2Kernel, Activation.Tanh),
        new("gru1", LayerKind.Gru, Conv2Width, GruWidth),
        new("gru2", LayerKind.Gru, GruWidth, GruWidth),
        new("gru3", LayerKind.Gru, GruWidth, GruWidth),
        new("gain_gru", LayerKind.Gru, GruWidth, GainGruWidth),
        new("gain_output", LayerKind.Dense, GainDenseInputs, Outputs, Activation: Activation.Sigmoid),
        new("strength_gru", LayerKind.Gru, StrengthGruInputs, StrengthGruWidth),
        new("strength_output", LayerKind.Dense, StrengthGruWidth, Outputs, Activation: Activation.Sigmoid),
    ];

    /// <summary>Every tensor of every layer, in file order.</summary>
    public IEnumerable<TensorSpec> Tensors
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                foreach (TensorSpec tensor in layer.Tensors)
                {
                    yield return tensor;
                }
            }
        }
    }

    /// <summary>Weights and biases (GRUs with separate input and recurrent biases, as PyTorch).</summary>
    public long ParameterCount => Layers.Sum(l => l.ParameterCount);

    public void Validate()
    {
        int[] widths = [DenseWidth, Conv1Width, Conv2Width, GruWidth, GainGruWidth, StrengthGruWidth];
        if (widths.Any(w => w < 1 || w > 4096))
        {
            throw new ArgumentException($"Layer widths must be in 1..4096, got {string.Join(", ", widths)}.");
        }
    }
}
