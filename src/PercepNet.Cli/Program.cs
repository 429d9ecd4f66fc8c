using PercepNet.Cli;

return CliApp.Run(args);
