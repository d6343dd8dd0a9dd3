namespace Declarative.Cli;

/// <summary>Bad input to a command: the message is printed on one line to standard error and the exit code is 2.</summary>
internal sealed class CliException(string message) : Exception(message);
