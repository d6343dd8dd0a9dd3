using System.Globalization;

namespace Declarative.Runtime.LLama;

public sealed partial class LlamaSpec
{
    /// <summary>The settings a spec's query may hold, as error messages list them.</summary>
    internal const string AcceptedSettings =
        "ctx=TOKENS (context size, at least 16), batch=TOKENS (at least 1), threads=N (at least 1), " +
        "ngl=LAYERS (GPU layers: -1 or 'all' for all, 0 for none), flash-attn=on|off|auto, kv=f16|f32|q8_0|q4_0, mmap=on|off, " +
        "temperature=T (0 or more), max-tokens=N (at least 1), template=NAME (fallback chat template, such as chatml)";

    /// <summary>The settings of a spec's query; <see langword="null"/> leaves an option's default.</summary>
    private sealed record Settings(
        int? ContextSize,
        int? BatchSize,
        int? Threads,
        int? GpuLayerCount,
        (bool Set, bool? Value) FlashAttention,
        LlamaKvCacheType? KvCacheType,
        bool? UseMemoryMap,
        float? Temperature,
        int? MaxOutputTokens,
        string? Template)
    {
        public static Settings Parse(string spec, string? query, bool remote)
        {
            var settings = new Settings(null, null, null, null, (false, null), null, null, null, null, null);
            if (string.IsNullOrEmpty(query))
            {
                return settings;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in query.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var key = (equals < 0 ? pair : pair[..equals]).Trim().ToLowerInvariant();
                var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]).Trim();
                if (!seen.Add(key))
                {
                    throw Error(spec, $"the setting '{key}' is given twice");
                }

                if (value.Length == 0)
                {
                    throw Error(spec, $"the setting '{key}' has no value; write {key}=VALUE");
                }

                settings = key switch
                {
                    "ctx" => settings with { ContextSize = Integer(spec, key, value, 16) },
                    "batch" => settings with { BatchSize = Integer(spec, key, value, 1) },
                    "threads" => settings with { Threads = Integer(spec, key, value, 1) },
                    "ngl" => settings with { GpuLayerCount = value.Equals("all", StringComparison.OrdinalIgnoreCase) ? -1 : Integer(spec, key, value, -1) },
                    "flash-attn" => settings with { FlashAttention = (true, Switch(spec, key, value, allowAuto: true)) },
                    "kv" => settings with { KvCacheType = KvType(spec, value) },
                    "mmap" => settings with { UseMemoryMap = Switch(spec, key, value, allowAuto: false) },
                    "temperature" => settings with { Temperature = NonNegative(spec, key, value) },
                    "max-tokens" => settings with { MaxOutputTokens = Integer(spec, key, value, 1) },
                    "template" => settings with { Template = value },
                    _ => throw Error(spec, $"'{key}' is not a setting" + (remote
                        ? " (a URL with a query of its own takes a second '?' for the settings, which may be empty)"
                        : string.Empty)),
                };
            }

            return settings;
        }

        public LlamaModelOptions ToModelOptions()
        {
            var options = new LlamaModelOptions();
            options.ContextSize = ContextSize ?? options.ContextSize;
            options.BatchSize = BatchSize ?? options.BatchSize;
            options.Threads = Threads ?? options.Threads;
            options.GpuLayerCount = GpuLayerCount ?? options.GpuLayerCount;
            options.FlashAttention = FlashAttention.Set ? FlashAttention.Value : options.FlashAttention;
            options.KvCacheType = KvCacheType ?? options.KvCacheType;
            options.UseMemoryMap = UseMemoryMap ?? options.UseMemoryMap;
            return options;
        }

        public LlamaChatOptions ToChatOptions()
        {
            var options = new LlamaChatOptions();
            options.Temperature = Temperature ?? options.Temperature;
            options.MaxOutputTokens = MaxOutputTokens ?? options.MaxOutputTokens;
            options.FallbackTemplate = Template ?? options.FallbackTemplate;
            return options;
        }

        private static int Integer(string spec, string key, string value, int minimum) =>
            int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= minimum
                ? number
                : throw Error(spec, $"{key}={value} is not a whole number of at least {minimum}");

        private static float NonNegative(string spec, string key, string value) =>
            float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && float.IsFinite(number) && number >= 0
                ? number
                : throw Error(spec, $"{key}={value} is not a number of at least 0");

        private static bool? Switch(string spec, string key, string value, bool allowAuto) => value.ToLowerInvariant() switch
        {
            "on" or "true" => true,
            "off" or "false" => false,
            "auto" when allowAuto => null,
            _ => throw Error(spec, $"{key}={value} is not {(allowAuto ? "on, off or auto" : "on or off")}"),
        };

        private static LlamaKvCacheType KvType(string spec, string value) => value.ToLowerInvariant() switch
        {
            "f16" => LlamaKvCacheType.F16,
            "f32" => LlamaKvCacheType.F32,
            "q8_0" => LlamaKvCacheType.Q8_0,
            "q4_0" => LlamaKvCacheType.Q4_0,
            _ => throw Error(spec, $"kv={value} is not f16, f32, q8_0 or q4_0"),
        };

        private static FormatException Error(string spec, string problem) =>
            new($"'{spec}': {problem}. Accepted settings (after '?', joined by '&'): {AcceptedSettings}.");
    }
}
