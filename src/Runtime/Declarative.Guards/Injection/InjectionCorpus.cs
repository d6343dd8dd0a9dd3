namespace Declarative.Guards;

/// <summary>
/// The project's prompt-injection corpus, generated from templates and hand-written examples with a seeded generator
/// (see the README, "Injection corpus"). Attacks come in seven families (instruction override, role change, prompt
/// leak, fake chat/field markers, encoded payloads, indirect injections without trigger words, embedded in benign
/// carriers); benign texts include hard negatives that share the attacks' words ("ignore the outliers", "disregard my
/// previous email"). The held-out split uses fillers, goals, carriers and hand-written examples that never appear in
/// the training split, so it measures generalisation to new wording, not memorisation.
/// </summary>
internal static partial class InjectionCorpus
{
    /// <summary>Generates the corpus.</summary>
    /// <param name="seed">The generator's seed (the shipped classifier used 1).</param>
    /// <param name="perFamily">How many generated texts per family and split, before hand-written examples.</param>
    /// <returns>The examples, shuffled.</returns>
    public static IReadOnlyList<CorpusExample> Generate(int seed = 1, int perFamily = 60)
    {
        var random = new Random(seed);
        var examples = new List<CorpusExample>();
        foreach (var test in new[] { false, true })
        {
            var count = test ? Math.Max(8, perFamily / 3) : perFamily;
            var split = test ? "test" : "train";
            foreach (var family in AttackFamilies)
            {
                for (var i = 0; i < count; i++)
                {
                    examples.Add(new CorpusExample(Embed(random, family(random, test), test), true, split, "template"));
                }
            }

            foreach (var family in BenignFamilies)
            {
                for (var i = 0; i < count; i++)
                {
                    examples.Add(new CorpusExample(family(random, test), false, split, "template"));
                }
            }

            examples.AddRange(Take(HandAttacks, test).Select(t => new CorpusExample(t, true, split, "hand")));
            examples.AddRange(Take(HandBenign, test).Select(t => new CorpusExample(t, false, split, "hand")));
        }

        var distinct = examples.DistinctBy(e => e.Text).ToList();
        for (var i = distinct.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (distinct[i], distinct[j]) = (distinct[j], distinct[i]);
        }

        return distinct;
    }

    /// <summary>The first two thirds of a list belong to training, the rest to the held-out split.</summary>
    private static IEnumerable<string> Take(string[] items, bool test)
    {
        var cut = items.Length * 2 / 3;
        return test ? items[cut..] : items[..cut];
    }

    private static string Pick(Random random, string[] items, bool test)
    {
        var cut = items.Length * 2 / 3;
        return test ? items[cut + random.Next(items.Length - cut)] : items[random.Next(cut)];
    }

    private static string Embed(Random random, string attack, bool test) => random.Next(3) switch
    {
        0 => attack,
        _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(random, Carriers, test), attack),
    };

    private static Func<Random, bool, string>[] AttackFamilies =>
    [
        (r, t) => $"{Pick(r, Verbs, t)} {Pick(r, Targets, t)} {Pick(r, Goals, t)}.",
        (r, t) => $"{Pick(r, RoleOpeners, t)} {Pick(r, Personas, t)}. {Capital(Pick(r, Goals, t)[4..])}.",
        (r, t) => Pick(r, LeakRequests, t),
        (r, t) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(r, FakeMarkers, t), Capital(Pick(r, Goals, t)[4..])),
        (r, t) => $"{Pick(r, Urgency, t)} {Pick(r, Goals, t)[4..]}.",
        (r, t) => Pick(r, Indirect, t),
        (r, t) => $"{Pick(r, Verbs, t)} {Pick(r, Targets, t)}. {Pick(r, NewTask, t)} {Pick(r, Goals, t)[4..]}.",
    ];

    private static Func<Random, bool, string>[] BenignFamilies =>
    [
        (r, t) => $"{Pick(r, Tasks, t)} {Pick(r, Topics, t)}.",
        (r, t) => $"{Pick(r, Documents, t)} {Pick(r, Questions, t)}",
        (r, t) => $"{Pick(r, Documents, t)} {Pick(r, HardNegatives, t)}",
        (r, t) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(r, Carriers, t), Pick(r, Documents, t)),
        (r, t) => $"{Pick(r, Questions, t)} {Pick(r, HardNegatives, t)}",
        (r, t) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(r, Carriers, t), Pick(r, HardNegatives, t)),
    ];

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}

/// <summary>One example of the injection corpus.</summary>
/// <param name="Text">The text.</param>
/// <param name="IsInjection">Whether it is an attack.</param>
/// <param name="Split"><c>train</c> or <c>test</c> (held out).</param>
/// <param name="Source"><c>template</c> or <c>hand</c> (hand-written).</param>
internal sealed record CorpusExample(string Text, bool IsInjection, string Split, string Source);
