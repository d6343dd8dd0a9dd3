using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama.Tests;

/// <summary>
/// The corpus check of the local backend: for every schema and signature, 20 completions sampled at temperature 1.0 on
/// the tiny model all parse and satisfy every constraint, checked by an independent validator.
/// </summary>
public class ConstrainedCorpusTests(LlamaModelFixture fixture) : IClassFixture<LlamaModelFixture>
{
    private const int Samples = 20;

    public static TheoryData<string> Schemas => new()
    {
        "{\"type\":\"string\"}",
        "{\"type\":\"string\",\"minLength\":2,\"maxLength\":5}",
        "{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{2,4}$\"}",
        "{\"type\":\"string\",\"format\":\"date\"}",
        "{\"type\":\"string\",\"format\":\"date-time\"}",
        "{\"type\":\"string\",\"format\":\"uuid\"}",
        "{\"type\":\"string\",\"format\":\"email\"}",
        "{\"type\":\"string\",\"format\":\"ipv4\"}",
        "{\"type\":\"string\",\"format\":\"time\"}",
        "{\"enum\":[\"red\",\"green\",\"blue\",3,null]}",
        "{\"const\":{\"kind\":\"fixed\"}}",
        "{\"type\":\"integer\"}",
        "{\"type\":\"integer\",\"minimum\":-20,\"maximum\":1500}",
        "{\"type\":\"integer\",\"exclusiveMinimum\":0,\"multipleOf\":5,\"maximum\":100}",
        "{\"type\":\"number\"}",
        "{\"type\":\"number\",\"minimum\":-1.5,\"exclusiveMaximum\":2.25}",
        "{\"type\":\"boolean\"}",
        "{\"type\":[\"integer\",\"null\"]}",
        "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9},\"minItems\":2,\"maxItems\":4}",
        "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\",\"maxLength\":3},{\"type\":\"boolean\"}],\"items\":false}",
        "{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},\"maxItems\":3}",
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}",
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}},\"required\":[\"id\"],\"additionalProperties\":false}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"boolean\"}},\"additionalProperties\":{\"type\":\"integer\"},\"maxProperties\":3}",
        "{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":2,\"additionalProperties\":{\"type\":\"boolean\"}}",
        "{\"type\":\"object\",\"properties\":{\"owner\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":6},\"zip\":{\"type\":[\"integer\",\"null\"]}},\"required\":[\"city\",\"zip\"],\"additionalProperties\":false},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":4},\"maxItems\":2}},\"required\":[\"owner\",\"tags\"],\"additionalProperties\":false}",
        "{\"anyOf\":[{\"type\":\"integer\",\"minimum\":10},{\"type\":\"string\",\"maxLength\":2}]}",
        "{\"oneOf\":[{\"type\":\"boolean\"},{\"type\":\"null\"}]}",
        "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},\"required\":[\"x\"]},{\"properties\":{\"x\":{\"maximum\":5}}}]}",
        "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9},\"next\":{\"anyOf\":[{\"type\":\"null\"},{\"$ref\":\"#/$defs/node\"}]}},\"required\":[\"v\",\"next\"],\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}",
        "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"string\",\"format\":\"date\"},\"level\":{\"enum\":[\"low\",\"high\"]},\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1}},\"required\":[\"when\",\"level\",\"score\"],\"additionalProperties\":false}",
    };

    public static TheoryData<string> Signatures => new()
    {
        "question -> answer",
        "question -> answer: int",
        "question -> answer: float",
        "question -> answer: bool",
        "question -> answer: Literal['yes', 'no', 'maybe']",
        "question -> answer: list[str]",
        "question -> answer: list[int]",
        "question -> answer: dict[str, int]",
        "question -> answer: Optional[int]",
        "question -> answer: date",
        "question -> answer: datetime",
        "question -> answer: uuid",
        "context: list[str], question -> answer: str, confidence: float",
        "text -> label: Literal['spam', 'ham'], score: int, reasons: list[str]",
        "question -> reasoning: str, answer: int, sure: bool",
        "a: int, b: int -> total: int, parity: Literal['even', 'odd']",
        "document -> title: str, keywords: list[str], year: Optional[int]",
        "query -> sql: str, tables: list[str]",
        "claim -> verdict: bool, evidence: list[str], certainty: float",
        "ticket -> priority: int, team: Literal['billing', 'tech', 'sales'], escalate: bool",
    };

    public static TheoryData<Type> TypedSignatures => new() { typeof(Triage), typeof(Profile), typeof(Order), typeof(Forecast) };

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task Sampled_json_replies_satisfy_their_schema(string schema)
    {
        using var client = fixture.Model.CreateChatClient();
        var node = JsonNode.Parse(schema)!;
        for (var seed = 0; seed < Samples; seed++)
        {
            var options = new ChatOptions
            {
                Temperature = 1f,
                Seed = seed,
                MaxOutputTokens = 96,
                ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement),
            };
            var reply = await client.GetResponseAsync([new(ChatRole.User, "Reply in JSON.")], options);
            Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
            var value = JsonNode.Parse(reply.Text);
            Assert.Null(SchemaCheck.Violation(node, value));
        }
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public async Task Sampled_chat_replies_parse_and_satisfy_their_signature(string text) =>
        await CheckSignature(Signature.Parse(text));

    [Theory]
    [MemberData(nameof(TypedSignatures))]
    public async Task Sampled_chat_replies_satisfy_data_annotations(Type type) =>
        await CheckSignature(Signature.For(type));

    private async Task CheckSignature(Signature signature)
    {
        using var client = fixture.Model.CreateChatClient();
        var predict = new Predict(signature);
        var schema = TypeShapeSchema.ForOutputs(signature);
        var inputs = signature.InputFields.ToDictionary(f => f.Name, f => (object?)(f.Shape.Kind == TypeKind.List ? new List<string> { "x" } : f.Shape.Kind == TypeKind.Integer ? 3L : "x"));
        for (var seed = 0; seed < Samples; seed++)
        {
            var result = await predict.InvokeAsync(inputs, new RunContext(client), new CallSettings { Temperature = 1f, Seed = seed, MaxTokens = 128 });
            Assert.Equal("ChatAdapter", result.Adapter); // parsed the first time: no fallback
            var values = new JsonObject();
            foreach (var field in signature.OutputFields)
            {
                var value = result[field.Name];
                if (field.Shape.NonNullable.Kind == TypeKind.DateTime && value is not null)
                {
                    // A parsed date-time may have lost its offset (DateTime): its type is what the parse guarantees.
                    Assert.True(value is DateTime or DateTimeOffset, $"{field.Name}: {value.GetType()}");
                    value = "2000-01-01T00:00:00Z";
                }

                values[field.Name] = PythonJson.ToNode(value);
            }

            Assert.Null(SchemaCheck.Violation(schema, values));
        }
    }

    public enum Team
    {
        Billing,
        Tech,
    }

    [Signature("Triage the ticket.")]
    public sealed class Triage
    {
        [Input]
        public string Ticket { get; set; } = "";

        [Output]
        [Range(1, 5)]
        public int Priority { get; set; }

        [Output]
        public Team Team { get; set; }

        [Output]
        [Length(1, 3)]
        public List<string> Tags { get; set; } = [];
    }

    [Signature]
    public sealed class Profile
    {
        [Input]
        public string Bio { get; set; } = "";

        [Output]
        [StringLength(12, MinimumLength = 2)]
        public string Handle { get; set; } = "";

        [Output]
        [RegularExpression("[a-z]{2}-[A-Z]{2}")]
        public string Locale { get; set; } = "";

        [Output]
        [Range(0.0, 1.0)]
        public double Trust { get; set; }
    }

    public sealed record Line(string Sku, int Quantity);

    [Signature]
    public sealed class Order
    {
        [Input]
        public string Email { get; set; } = "";

        [Output]
        public List<Line> Lines { get; set; } = [];

        [Output]
        public DateOnly? Delivery { get; set; }
    }

    [Signature]
    public sealed class Forecast
    {
        [Input]
        public string City { get; set; } = "";

        [Output]
        [AllowedValues("sun", "rain", "snow")]
        public string Sky { get; set; } = "";

        [Output]
        [Range(-40, 50)]
        public int Celsius { get; set; }

        [Output]
        public Dictionary<string, double> Hourly { get; set; } = [];
    }
}
