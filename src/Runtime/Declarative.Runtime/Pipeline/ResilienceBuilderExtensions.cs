using Declarative.Pipeline;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Adds resilience (retries, timeouts, limits, a circuit breaker) and enforced budgets to chat and embedding pipelines.
/// Compose guards → cache → budget → usage → tracing → resilience → backend (the first added is the outermost), and
/// switch the backend's own retries off.
/// </summary>
public static class ResilienceBuilderExtensions
{
    /// <summary>
    /// Applies <paramref name="options"/> to every call: retries with backoff and jitter, timeouts, a concurrency limit,
    /// a tokens-per-minute limiter and a circuit breaker. Statistics: <c>client.GetService&lt;ResilienceStatistics&gt;()</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The policy; validated here, once.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, ResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.Use(inner => new ResilientChatClient(inner, options));
    }

    /// <summary>Applies <paramref name="options"/> to every embedding request (as for chat; the limiter counts the input strings' characters / 4, rounded up).</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The policy; validated here, once.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseResilience<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, ResilienceOptions options)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return builder.Use(inner => new ResilientEmbeddingGenerator<TInput, TEmbedding>(inner, options));
    }

    /// <summary>
    /// Enforces <paramref name="budget"/> on every call: a call that would exceed a limit fails with
    /// <see cref="BudgetExceededException"/> before it is sent. Share one budget between pipelines to limit them together.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="budget">The budget; read what was spent from it.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseBudget(this ChatClientBuilder builder, Budget budget)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(budget);
        return builder.Use(inner => new BudgetChatClient(inner, budget));
    }

    /// <summary>
    /// Enforces a new budget with these limits, starting now; reach it with <c>client.GetService&lt;Budget&gt;()</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The limits; validated here, once.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static ChatClientBuilder UseBudget(this ChatClientBuilder builder, BudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseBudget(new Budget(options));
    }
}
