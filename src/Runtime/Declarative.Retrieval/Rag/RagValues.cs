namespace Declarative.Retrieval;

/// <summary>Reads predicted values of list and number fields as the adapters parse them.</summary>
internal static class RagValues
{
    public static IReadOnlyList<string> Strings(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable<object?> items => items.Select(i => i?.ToString() ?? string.Empty).ToArray(),
        _ => [value.ToString() ?? string.Empty],
    };
}
