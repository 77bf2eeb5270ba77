using System.CommandLine;
using Collab.LoadGen.Cli;

var root = new RootCommand("Collab.LoadGen: real Hocuspocus-protocol clients against Collab.SyncServer or the reference Hocuspocus server.")
{
    RunCommand.Create(),
    IdleCommand.Create(),
    PersistCommand.Create(),
};

// Ctrl+C and SIGTERM cancel the run; the servers it started are then stopped gracefully (SIGTERM, then kill after
// 15 s), which takes longer than System.CommandLine's default 2 s. Whatever still runs at exit is killed (StartedProcess).
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
