using PercepNet.Network;

namespace PercepNet.Modelling;

/// <summary>Checkpoint averaging: the element-wise mean of models of one shape.</summary>
internal static class CheckpointAverage
{
    /// <summary>
    /// The element-wise mean of models of one shape (checkpoint averaging: the mean of a run's last epochs, or of runs
    /// fine-tuned from one model, often generalises better than any of them).
    /// </summary>
    public static ModelParameters Of(IReadOnlyList<ModelParameters> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("Nothing to average.", nameof(models));
        }

        ModelShape shape = models[0].Shape;
        if (models.Any(m => m.Shape != shape))
        {
            throw new ArgumentException($"Only models of one shape can be averaged (found {string.Join(", ", models.Select(m => m.Shape.Preset).Distinct())}).", nameof(models));
        }

        var result = new ModelParameters(shape);
        var sources = models.Select(m => m.Tensors().Select(t => t.Values).ToArray()).ToArray();
        int index = 0;
        foreach ((_, float[] values) in result.Tensors())
        {
            for (int i = 0; i < values.Length; i++)
            {
                double sum = 0;
                foreach (float[][] source in sources)
                {
                    sum += source[index][i];
                }

                values[i] = (float)(sum / sources.Length);
            }

            index++;
        }

        return result;
    }
}
