namespace Declarative.Runtime.Onnx.Tests;

/// <summary>
/// Varied English sentences (lengths from two words to a paragraph) in plain ASCII: the reference encoder's tokenizer
/// departs from BERT's on accents, symbols such as $ and control characters, so the comparison keeps to text both read alike.
/// </summary>
internal static class Sentences
{
    private static readonly string[] Handwritten =
    [
        "Hello, world!",
        "The cat sat on the mat.",
        "A quick brown fox jumps over the lazy dog.",
        "What time does the train to Boston leave tomorrow morning?",
        "Photosynthesis converts light energy into chemical energy stored in glucose.",
        "I can't believe it's already December; the year went by so fast.",
        "Please remind me to call the dentist at 3 pm.",
        "The stock market fell sharply after the central bank raised interest rates by half a percentage point.",
        "Neural networks are trained with gradient descent and backpropagation.",
        "She sells seashells by the seashore.",
        "Is it going to rain this weekend in Seattle?",
        "The mitochondria is the powerhouse of the cell.",
        "My favourite recipe uses garlic, olive oil, tomatoes and fresh basil.",
        "Error 404: the requested page could not be found on this server.",
        "To be, or not to be, that is the question.",
        "Quantum entanglement links the states of two particles regardless of the distance between them.",
        "The committee will review all applications submitted before the deadline of March 15.",
        "Dogs are loyal companions.",
        "How do I reset my password if I no longer have access to my email account?",
        "The Great Wall of China is visible from low Earth orbit only under very specific conditions, contrary to popular belief.",
        "Refactor the parser so that it reports the line and column of every syntax error.",
        "Coffee or tea?",
        "He played the violin beautifully at the concert last night, and the audience gave him a standing ovation.",
        "In 1969, Apollo 11 landed on the Moon and Neil Armstrong became the first person to walk on its surface.",
        "Unbelievably, the antidisestablishmentarianism debate resurfaced in parliament.",
        "The patient reported mild headaches, occasional dizziness and trouble sleeping over the past two weeks.",
        "Sort the list in descending order and return the first ten items.",
        "Rainbows appear when sunlight is refracted, reflected and dispersed in water droplets.",
        "Our team won the championship!",
        "The new smartphone features a faster processor, a brighter display and a battery that lasts two full days.",
        "Why is the sky blue?",
        "Translation models learn to map sentences in one language to sentences in another.",
        "The library opens at nine and closes at six on weekdays.",
        "Climate change is driving more frequent and intense heat waves, droughts and storms around the globe.",
        "Add two cups of flour, one egg and a pinch of salt, then stir until smooth.",
        "The defendant pleaded not guilty to all charges.",
        "Machine learning, a subfield of artificial intelligence, studies algorithms that improve through experience.",
        "Meet me at the corner of Fifth Avenue and 42nd Street.",
        "The orchestra tuned their instruments while the conductor waited patiently.",
        "JSON, XML and YAML are common formats for configuration files.",
    ];

    private static readonly string[] Subjects = ["The engineer", "A small child", "Our neighbour", "The old professor", "Every student", "The manager", "A tired traveller", "The robot"];
    private static readonly string[] Verbs = ["explained", "forgot", "discovered", "painted", "repaired", "described", "questioned", "celebrated"];
    private static readonly string[] Objects = ["the broken bicycle", "a strange noise in the attic", "the theory of relativity", "the quarterly budget", "an ancient map of the city", "the results of the experiment", "a recipe for apple pie", "the rules of chess"];
    private static readonly string[] Tails = ["", " before lunch", " with great enthusiasm, although nobody seemed to listen", " in the quiet hours after midnight, while the rain kept falling on the roof", " because the deadline was approaching faster than anyone had expected, and the whole office was anxious about what would happen next"];

    /// <summary>The first <paramref name="count"/> sentences: the handwritten ones, then generated ones of every length.</summary>
    public static string[] Take(int count)
    {
        var sentences = new List<string>(Handwritten);
        for (var i = 0; sentences.Count < count; i++)
        {
            sentences.Add($"{Subjects[i % Subjects.Length]} {Verbs[(i * 3 + 1) % Verbs.Length]} {Objects[(i * 5 + 2) % Objects.Length]}{Tails[(i * 7) % Tails.Length]}.");
        }

        return [.. sentences.Take(count)];
    }
}
