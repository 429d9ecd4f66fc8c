using PercepNet.Lab;

return LabApp.Run(args);
