using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

using static Declarative.Guards.Tests.GuardedClients;

namespace Declarative.Guards.Tests;

/// <summary>Streamed completions through the output guard's hold-back window: each test failed before its fix.</summary>
public sealed class StreamGuardTests
{
    [Fact]
    public async Task Chinese_text_without_spaces_is_released_as_it_streams_not_held_to_the_end()
    {
        var chunks = Enumerable.Repeat("这是一个很长的中文句子。", 100).ToList();
        var updates = await StreamAsync(Build(new ChunkedChatClient(chunks), new GuardOptions { StreamHoldBack = 32 }));

        Assert.Equal(string.Concat(chunks), updates.ToChatResponse().Text);
        var early = updates.Take(updates.Count - 1).Count(u => u.Text.Length > 0);
        Assert.True(early >= 90, $"only {early} of {updates.Count} updates carried text before the end of the stream");
    }

    [Fact]
    public async Task A_key_right_after_Chinese_text_is_still_redacted_whole_when_split_across_updates()
    {
        var text = string.Concat(Enumerable.Repeat("这是中文。", 20)) + "密钥" + Key + "请保管好" + string.Concat(Enumerable.Repeat("这是中文。", 20));
        var chunks = Enumerable.Range(0, (text.Length + 2) / 3).Select(i => text.Substring(i * 3, Math.Min(3, text.Length - (i * 3)))).ToList();
        var streamed = (await StreamAsync(Build(new ChunkedChatClient(chunks), new GuardOptions { StreamHoldBack = 8 }))).ToChatResponse().Text;

        Assert.DoesNotContain("sk-proj", streamed, StringComparison.Ordinal);
        Assert.DoesNotContain("Xy4z", streamed, StringComparison.Ordinal);
        Assert.Contains("密钥[REDACTED:", streamed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_text_without_spaces_in_tiny_updates_is_not_rescanned_on_every_update()
    {
        // 100,000 characters without a space (a data URI, minified code) streamed a character at a time: nothing can be
        // released before the end, so scanning it all again on every update is quadratic (35 s here before the fix). The
        // work is counted, not timed, as for a private key block below: a rescan on every update would examine some
        // 50,000 characters per streamed character.
        var blob = string.Concat(Enumerable.Range(0, 100_000).Select(i => (char)('a' + (i * 7 % 26))));

        Assert.Equal(blob, StreamOneCharacterAtATime(blob).ToChatResponse().Text);

        var streamed = (await StreamAsync(Build(new ChunkedChatClient(blob.Select(c => c.ToString()).ToList()), new GuardOptions()))).ToChatResponse().Text;

        Assert.Equal(blob, streamed);
    }

    [Fact]
    public async Task With_no_hold_back_a_key_split_across_updates_is_still_redacted_whole()
    {
        // StreamHoldBack = 0 is valid; the text is still never cut inside a word, and the end of an update is not the
        // end of a word.
        var chunks = new List<string> { "Your key is sk-proj-Ab3d", "Ef6hIj9kLm2n", "Op5qRs8tUv1wXy4z and that is all." };
        var updates = await StreamAsync(Build(new ChunkedChatClient(chunks), new GuardOptions { StreamHoldBack = 0 }));

        var streamed = updates.ToChatResponse().Text;
        Assert.Equal("Your key is [REDACTED:secret.openai] and that is all.", streamed);
        Assert.Equal("Your key is ", updates[0].Text); // still streamed: the words before it go at once
    }

    [Fact]
    public async Task Held_back_text_is_released_with_its_own_message_before_a_tool_call_and_the_next_message()
    {
        // What a FunctionInvokingChatClient inside the guard streams: a preamble and a call, the tool's result, the answer.
        var updates = await StreamAsync(Build(new PreambleToolAnswer(), new GuardOptions()));

        var response = updates.ToChatResponse();
        Assert.Equal(
            ["assistant:Let me check the weather for Paris.", "tool:", "assistant:It is sunny in Paris."],
            response.Messages.Select(m => m.Role + ":" + m.Text));
        Assert.Equal(["text", "call", "result", "text"], updates.Where(u => u.Contents.Count > 0).Select(u => u.Contents[0] switch
        {
            TextContent => "text",
            FunctionCallContent => "call",
            _ => "result",
        }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public async Task A_private_key_block_whose_END_line_has_only_begun_is_not_released(int holdBack)
    {
        // "-----END" without its closing dashes does not end the block: the scanner cannot match it yet, so before the fix
        // the body was released in the clear at the next break.
        var chunks = new List<string>
        {
            "Here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1x2y3z4\nabcdefghijklmnop==\n",
            "-----END ",
            "RSA PRIVATE KEY-----\nDone.",
        };
        var updates = await StreamAsync(Build(new ChunkedChatClient(chunks), new GuardOptions { StreamHoldBack = holdBack }));

        Assert.DoesNotContain(updates, u => u.Text.Contains("MIIEow", StringComparison.Ordinal));
        Assert.Equal("Here:\n[REDACTED:secret.private_key]\nDone.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task A_long_private_key_block_in_tiny_updates_is_not_rescanned_on_every_update()
    {
        // 100,000 characters of an unterminated PEM block streamed a character at a time: nothing of it can be released
        // before its END line, so scanning it all again on every update is quadratic (over 25 s here before the fix).
        // The work is counted, not timed: the characters of held text the guard copies out or scans, which is about
        // 85 per streamed character here (each update looks again at the 64 before it for the END line), and would be
        // some 50,000 per character (half the block, on average) if the block were rescanned on every update.
        var body = string.Concat(Enumerable.Repeat("MIIEowIBAAKCAQEA1x2y3z4abcdefghijklmnopqrstuvwxyz0\n", 2000));
        var text = "Key:\n-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\nDone.";

        Assert.Equal("Key:\n[REDACTED:secret.private_key]\nDone.", StreamOneCharacterAtATime(text).ToChatResponse().Text);

        var updates = await StreamAsync(Build(new ChunkedChatClient(text.Select(c => c.ToString()).ToList()), new GuardOptions()));

        Assert.Equal("Key:\n[REDACTED:secret.private_key]\nDone.", updates.ToChatResponse().Text);
    }

    [Theory]
    [InlineData("Call me at phone: 912 345 678 tomorrow.")]
    [InlineData("Server=db;User Id=sa;Password = hunter2secret;")]
    [InlineData("{\"password\": \"correct horse battery staple\"}")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("The total is 1 050 000 000 dollars.")]
    [InlineData("Invoice 0815 2024 0001 is due.")]
    public async Task Words_already_released_still_decide_what_the_value_after_them_is(string sentence)
    {
        // The scanner reads the words before a value ("phone:", "Password =", "\"password\":", "Invoice", a digit group):
        // streamed word by word, the text is cut right before the value once those words are the hold-back behind the
        // newest, and before the fix the value was then scanned without them: a password or phone number went out in the
        // clear, and an invoice number or an amount was redacted as a phone number.
        var text = sentence + string.Concat(Enumerable.Repeat(" lorem ipsum", 40));
        var chunks = System.Text.RegularExpressions.Regex.Split(text, @"(?<=\s)").Where(c => c.Length > 0).ToList();

        var streamed = (await StreamAsync(Build(new ChunkedChatClient(chunks), new GuardOptions()))).ToChatResponse().Text;

        Assert.Equal(Redactor.Redact(text).Text, streamed);
    }

    [Fact]
    public async Task Text_and_a_tool_call_in_one_update_keep_their_order()
    {
        // A provider (or a response turned into updates) may send a message's text and its call in one update. Before the
        // fix the text was held back while the call went out, and was released after it.
        var updates = await StreamAsync(Build(
            new FixedChatClient(updates:
            [
                new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("Let me check the weather."), new FunctionCallContent("c1", "lookup")]) { MessageId = "m1" },
                new ChatResponseUpdate(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]) { MessageId = "t1" },
                new ChatResponseUpdate(ChatRole.Assistant, "It is sunny.") { MessageId = "m2" },
            ]),
            new GuardOptions()));

        var first = updates.ToChatResponse().Messages[0];
        Assert.Equal(["TextContent", "FunctionCallContent"], first.Contents.Select(c => c.GetType().Name));
        Assert.Equal("Let me check the weather.", first.Text);
    }

    private sealed class PreambleToolAnswer : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Let me check the weather ") { MessageId = "m1" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, "for Paris.") { MessageId = "m1" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup")]) { MessageId = "m1" };
            yield return new ChatResponseUpdate(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]) { MessageId = "t1" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, "It is sunny ") { MessageId = "m2" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, "in Paris.") { MessageId = "m2" };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// Streams <paramref name="text"/> through a <see cref="StreamGuard"/> one character per update and returns what it
    /// released, failing as soon as the guard has examined more than 200 characters of held text per character streamed
    /// (checked as it streams, so that a quadratic guard fails within the first thousand characters, not after minutes).
    /// </summary>
    private static List<ChatResponseUpdate> StreamOneCharacterAtATime(string text)
    {
        var options = new GuardOptions();
        var guard = new StreamGuard(new InputGuard(options, new KeyRateLimiter(null, null, options.TimeProvider)), options.OutputAction, options.StreamHoldBack);
        var pushed = new List<ChatResponseUpdate>();
        for (var i = 0; i < text.Length; i++)
        {
            pushed.AddRange(guard.Push(new ChatResponseUpdate(ChatRole.Assistant, text[i].ToString())));
            if (guard.CharactersExamined > 200L * (i + 1))
            {
                Assert.Fail($"{guard.CharactersExamined} characters examined after {i + 1} streamed");
            }
        }

        if (guard.Complete(pushed.Count > 0 ? pushed[^1] : null) is { } last)
        {
            pushed.Add(last);
        }

        return pushed;
    }
}
