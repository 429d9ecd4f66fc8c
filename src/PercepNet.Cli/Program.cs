using PercepNet.Cli;
using PercepNet.Cli.Commands;

int code = CliApp.Run(args);

// A signal that arrived while the command was finishing is still being handled: its exit code and clean-up win.
Interruption.HoldIfStopping();
return code;
