using System.Globalization;
using System.Numerics;
using Declarative.Grammars;

namespace Declarative.Decoding.Tests;

public class NumberRangeTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData(0, 0)]
    [InlineData(-15, 7)]
    [InlineData(3, 1234)]
    [InlineData(-999, -100)]
    [InlineData(95, null)]
    [InlineData(null, -42)]
    [InlineData(10, 9)]
    public void Integer_ranges_are_exact(int? min, int? max)
    {
        var node = IntegerRange.Between(min is null ? null : new BigInteger(min.Value), max is null ? null : new BigInteger(max.Value));
        for (var k = -1500; k <= 1500; k++)
        {
            var expected = (min is null || k >= min) && (max is null || k <= max);
            Assert.True(expected == Match.Node(node, k.ToString(CultureInfo.InvariantCulture)), $"{k} in [{min}, {max}]");
        }

        Assert.False(Match.Node(node, "007"));
        Assert.False(Match.Node(node, "-0"));
    }

    [Theory]
    [InlineData("{\"minimum\": 1.1}")]
    [InlineData("{\"exclusiveMinimum\": -0.25, \"maximum\": 3}")]
    [InlineData("{\"minimum\": -2.5, \"exclusiveMaximum\": -0.05}")]
    [InlineData("{\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 0.5}")]
    [InlineData("{\"minimum\": 0.125, \"maximum\": 0.125}")]
    public void Decimal_bounds_are_exact(string schema)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(schema)!.AsObject();
        decimal? Get(string key) => node[key]?.GetValue<decimal>();
        var accepts = Match.Schema(schema.Replace("{", "{\"type\": \"number\", "));
        var random = new Random(schema.Length);
        for (var i = 0; i < 3000; i++)
        {
            var value = Math.Round((decimal)((random.NextDouble() * 8) - 4), random.Next(0, 4));
            var text = value.ToString(CultureInfo.InvariantCulture);
            var expected = (Get("minimum") is not { } mn || value >= mn) && (Get("exclusiveMinimum") is not { } emn || value > emn)
                && (Get("maximum") is not { } mx || value <= mx) && (Get("exclusiveMaximum") is not { } emx || value < emx);
            Assert.True(expected == accepts(text), $"{text} against {schema}");
        }
    }

    [Fact]
    public void Integer_multiples_use_a_digit_automaton()
    {
        var accepts = Match.Schema("{\"type\": \"integer\", \"multipleOf\": 7}");
        for (var k = -300; k <= 300; k++)
        {
            Assert.Equal(k % 7 == 0, accepts(k.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
