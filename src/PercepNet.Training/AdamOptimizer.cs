using TorchSharp;
using static TorchSharp.torch;

namespace PercepNet.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay), the update of
/// <c>torch.optim.Adam</c>: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// <para>Written here instead of using TorchSharp's <c>torch.optim.Adam</c> because that one hands native calls
/// <see cref="Scalar"/>s made by implicit conversion and keeps no reference to them: a garbage collection during the
/// call can finalise one while libtorch still reads it (seen once in CI as a "toFloat" check failing inside
/// <c>addcmul_</c>; dotnet/TorchSharp PRs 1434 and 1496). Every scalar here is held in a variable until the step ends.</para>
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const string Magic = "PercepNet Adam v1";
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;

    public AdamOptimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        _parameters = [.. parameters];
        using var noGrad = no_grad();
        _firstMoments = [.. _parameters.Select(p => zeros_like(p))];
        _secondMoments = [.. _parameters.Select(p => zeros_like(p))];
        LearningRate = learningRate;
    }

    public double LearningRate { get; set; }

    public double Beta1 { get; } = 0.9;

    public double Beta2 { get; } = 0.999;

    public double Epsilon { get; } = 1e-8;

    /// <summary>Steps taken so far (t of the bias corrections).</summary>
    public long Steps { get; private set; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in _parameters)
        {
            using Tensor? grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update from the parameters' current gradients (parameters without one are left alone).</summary>
    public void Step()
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps);
        double correction2 = 1 - Math.Pow(Beta2, Steps);
        using Scalar beta1 = Beta1, rest1 = 1 - Beta1, beta2 = Beta2, rest2 = 1 - Beta2;
        using Scalar epsilon = Epsilon, rootCorrection2 = Math.Sqrt(correction2), stepSize = -LearningRate / correction1;
        using var noGrad = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            using Tensor? grad = _parameters[i].grad;
            if (grad is null)
            {
                continue;
            }

            _firstMoments[i].mul_(beta1).add_(grad, rest1);
            _secondMoments[i].mul_(beta2).addcmul_(grad, grad, rest2);
            using Tensor denominator = _secondMoments[i].sqrt();
            denominator.div_(rootCorrection2).add_(epsilon);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, stepSize);
        }
    }

    /// <summary>Writes the step count and both moments of every parameter.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Magic);
        writer.Write(_parameters.Length);
        writer.Write(Steps);
        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote for the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException("Not an optimiser state written by this trainer.", e);
        }

        if (magic != Magic)
        {
            throw new InvalidDataException("Not an optimiser state written by this trainer (an older checkpoint format, from TorchSharp's own Adam; start the run again, or from its best model with --init).");
        }

        int count = reader.ReadInt32();
        if (count != _parameters.Length)
        {
            throw new InvalidDataException($"The optimiser state holds {count} parameters, the model {_parameters.Length}.");
        }

        Steps = reader.ReadInt64();
        using var noGrad = no_grad();
        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Load(reader);
        }
    }

    public void Dispose()
    {
        foreach (Tensor moment in _firstMoments.Concat(_secondMoments))
        {
            moment.Dispose();
        }
    }
}
