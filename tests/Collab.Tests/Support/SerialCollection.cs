namespace Collab.Tests.Support;

/// <summary>
/// Tests that start whole groups of processes or builds (the app model, the run command) run in this collection:
/// alone, after the parallel ones, so they neither starve nor are starved by timing-sensitive tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial: whole processes";
}
