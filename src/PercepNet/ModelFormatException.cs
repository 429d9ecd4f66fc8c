namespace PercepNet;

/// <summary>A model file that cannot be used: not a model, truncated, corrupt, or made for another version.</summary>
/// <param name="message">One line saying which file and why.</param>
public sealed class ModelFormatException(string message) : Exception(message);
