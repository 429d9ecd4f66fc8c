namespace PercepNet.Network;

/// <summary>The kinds of layer the network is built from.</summary>
internal enum LayerKind : byte
{
    /// <summary>y = act(W·x + b); tensors <c>weight</c> [out × in], <c>bias</c> [out].</summary>
    Dense,

    /// <summary>A causal 1-D convolution over time; tensors <c>weight</c> [out × in × kernel] (PyTorch's order), <c>bias</c> [out].</summary>
    Convolution,

    /// <summary>A GRU (PyTorch's gate order r, z, n); tensors <c>weight_ih</c> [3H × in], <c>weight_hh</c> [3H × H], <c>bias_ih</c> and <c>bias_hh</c> [3H].</summary>
    Gru,
}

/// <summary>One tensor of a layer as the model file and the training framework name it.</summary>
/// <param name="Name">"layer.role", e.g. <c>gru1.weight_ih</c>.</param>
/// <param name="Length">Values in the tensor.</param>
/// <param name="IsWeight">A weight matrix (stored as int8 in int8 files), not a bias.</param>
/// <param name="Rows">Rows of the matrix the runtime multiplies by (1 for a bias).</param>
/// <param name="Columns">Its columns: the inputs one output sums over (the fan-in; the length for a bias).</param>
internal sealed record TensorSpec(string Name, int Length, bool IsWeight, int Rows, int Columns);

/// <summary>
/// One row of the network's layer table (<see cref="ModelShape.Layers"/>): everything about a layer except where its
/// input comes from, which the two forward passes (the runtime's and the training framework's) wire by hand.
/// </summary>
/// <param name="Name">The layer's name in model files and in the training framework (<c>input</c>, <c>gru1</c>, …).</param>
/// <param name="Kind">Dense, convolution or GRU.</param>
/// <param name="Inputs">Input width (per frame; a convolution's kernel multiplies it).</param>
/// <param name="Outputs">Output width (a GRU's hidden size).</param>
/// <param name="Kernel">A convolution's kernel length in frames; 1 otherwise.</param>
/// <param name="Activation">The activation after a dense or convolution layer.</param>
/// <param name="AlwaysFloat">Multiplied in float whatever the model's quantisation (its inputs are not bounded).</param>
internal sealed record LayerSpec(string Name, LayerKind Kind, int Inputs, int Outputs, int Kernel = 1, Activation Activation = Activation.Linear,
    bool AlwaysFloat = false)
{
    /// <summary>The layer's tensors, in file order.</summary>
    public IReadOnlyList<TensorSpec> Tensors => Kind switch
    {
        LayerKind.Dense =>
        [
            new($"{Name}.weight", Outputs * Inputs, true, Outputs, Inputs),
            new($"{Name}.bias", Outputs, false, 1, Outputs),
        ],
        LayerKind.Convolution =>
        [
            new($"{Name}.weight", Outputs * Inputs * Kernel, true, Outputs, Inputs * Kernel),
            new($"{Name}.bias", Outputs, false, 1, Outputs),
        ],
        _ =>
        [
            new($"{Name}.weight_ih", 3 * Outputs * Inputs, true, 3 * Outputs, Inputs),
            new($"{Name}.weight_hh", 3 * Outputs * Outputs, true, 3 * Outputs, Outputs),
            new($"{Name}.bias_ih", 3 * Outputs, false, 1, 3 * Outputs),
            new($"{Name}.bias_hh", 3 * Outputs, false, 1, 3 * Outputs),
        ],
    };

    /// <summary>Weights and biases.</summary>
    public long ParameterCount => Tensors.Sum(t => (long)t.Length);
}
