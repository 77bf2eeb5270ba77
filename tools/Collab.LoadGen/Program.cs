using System.CommandLine;
using Collab.LoadGen.Cli;

var root = new RootCommand("Collab.LoadGen: real Hocuspocus-protocol clients against Collab.SyncServer or the reference Hocuspocus server.")
{
    RunCommand.Create(),
    IdleCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
