namespace Declarative;

/// <summary>Which side of a signature a field is on.</summary>
public enum FieldRole
{
    /// <summary>A value given to the model.</summary>
    Input,

    /// <summary>A value the model produces.</summary>
    Output,
}
