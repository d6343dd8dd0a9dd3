using System.Text;
using LLama;
using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>
/// The prompt text of a conversation in the model's own chat format: the template from the GGUF metadata
/// (<c>tokenizer.chat_template</c>), applied by llama.cpp, ending with the assistant's turn opened. A model without a
/// template, or with one llama.cpp does not recognise, uses the fallback template named in <see cref="LlamaChatOptions"/>.
/// </summary>
internal static class ChatPrompt
{
    public static string Format(LlamaModel model, IEnumerable<ChatMessage> messages, string fallback)
    {
        var turns = new List<(string Role, string Text)>();
        var index = 0;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is not TextContent)
                {
                    throw new NotSupportedException($"Message {index} holds {content.GetType().Name}; the local model backend takes text only. Describe the content in text or use a multimodal backend.");
                }
            }

            turns.Add((message.Role.Value, message.Text));
            index++;
        }

        if (turns.Count == 0)
        {
            throw new ArgumentException("There are no messages to send.", nameof(messages));
        }

        if (model.Weights.Metadata.ContainsKey("tokenizer.chat_template"))
        {
            try
            {
                return Apply(new LLamaTemplate(model.Weights, strict: true), turns);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or global::LLama.Exceptions.RuntimeError)
            {
                // llama.cpp recognises templates by their text; an unknown one falls back below.
            }
        }

        return Apply(new LLamaTemplate(fallback), turns);
    }

    private static string Apply(LLamaTemplate template, List<(string Role, string Text)> turns)
    {
        template.AddAssistant = true;
        foreach (var (role, text) in turns)
        {
            template.Add(role, text);
        }

        return Encoding.UTF8.GetString(template.Apply());
    }
}
