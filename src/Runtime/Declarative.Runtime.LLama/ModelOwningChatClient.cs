using Microsoft.Extensions.AI;

namespace Declarative.Runtime.LLama;

/// <summary>A chat client over a model it owns: disposing it disposes the inner client first, then the model.</summary>
internal sealed class ModelOwningChatClient(IChatClient inner, LlamaModel model) : DelegatingChatClient(inner)
{
    private int disposed;

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        base.Dispose(disposing);
        if (disposing)
        {
            model.Dispose();
        }
    }
}
