using System.Text;

namespace Declarative.Retrieval.Tests;

/// <summary>Seeded random texts mixing words, punctuation, newlines, CJK sentences and emoji (surrogate pairs).</summary>
internal static class RandomTexts
{
    private static readonly string[] Pieces =
    [
        "alpha", "beta", "gamma", "retrieval", "chunk", "the", "of", "a", "index", "vector",
        "東京", "日本語の文", "中文句子", "검색", "😀", "🚀", "👩‍💻", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "naïve", "Ωmega",
    ];

    private static readonly string[] Joints = [" ", " ", " ", ". ", "! ", "? ", "。", "！", "？", "\n", "\n\n", ", ", ""];

    public static string Make(Random random, int words)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
            builder.Append(Joints[random.Next(Joints.Length)]);
        }

        if (random.Next(4) == 0)
        {
            builder.Append(new string('x', random.Next(50, 400))); // a run with no separator at all
            builder.Append("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀");
        }

        return builder.ToString();
    }
}
