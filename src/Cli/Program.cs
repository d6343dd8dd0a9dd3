using Declarative.Cli;
using LLama.Native;
using Microsoft.Extensions.Logging;

// llama.cpp logs every load step to standard error; the tool shows only its errors, one line each.
NativeLogConfig.llama_log_set(new StderrLogger(Console.Error, LogLevel.Error, "llama.cpp: "));

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
