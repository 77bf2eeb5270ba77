using System.CommandLine;
using Collab.LoadGen.Clients;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;
using Collab.LoadGen.Servers;

namespace Collab.LoadGen.Cli;

/// <summary>Options every mode shares: which server(s), how to reach or start them, client behaviour, output.</summary>
internal sealed class CommonOptions
{
    public Option<string> Server { get; } = new("--server")
    {
        Description = "url (connect to --url), hocuspocus or collab (start that server on a free loopback port), both (start each in turn, same load, side-by-side table).",
        DefaultValueFactory = _ => "url",
    };

    public Option<Uri> Url { get; } = new("--url")
    {
        Description = "WebSocket URL of a running server (with --server url).",
        DefaultValueFactory = _ => new Uri("ws://127.0.0.1:1234/"),
        CustomParser = static result =>
        {
            // System.CommandLine 2.0 has no built-in converter for Uri
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss")
            {
                return uri;
            }

            result.AddError($"--url: '{text}' is not an absolute ws:// or wss:// URL.");
            return null;
        },
    };

    public Option<int?> ServerPid { get; } = new("--server-pid") { Description = "PID of the server behind --url, for CPU time and RSS from /proc." };

    public Option<string?> Repository { get; } = new("--repo") { Description = "Repository root (default: found from the tool's location)." };

    public Option<string> Configuration { get; } = new("--configuration")
    {
        Description = "Build configuration of Collab.SyncServer to start (src/Collab.SyncServer/bin/<configuration>/net10.0).",
        DefaultValueFactory = _ => "Release",
    };

    public Option<string?> CollabDll { get; } = new("--collab-dll") { Description = "Path of Collab.SyncServer.dll (overrides --configuration)." };

    public Option<string[]> CollabEnvironment { get; } = new("--collab-env")
    {
        Description = "NAME=VALUE environment variable for the Collab server it starts (repeatable), e.g. DOTNET_gcServer=0.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> Worker { get; } = new("--worker")
    {
        Description = "With --replicas N and Collab: also run the persistence worker (Collab.Persistence); the replicas store nothing and load through it, as in the Kafka deployment. Its CPU counts as Collab's.",
    };

    public Option<double> KafkaRetention { get; } = new("--kafka-retention")
    {
        Description = "Seconds the Kafka test cluster keeps records the persistence worker has committed past (0: the mock's own limit, up to 5 MiB per partition, which it walks on every fetch).",
        DefaultValueFactory = _ => 10,
    };

    public Option<string?> Output { get; } = new("--output") { Description = "Write the markdown report here (default with --server both: loadgen-<mode>-<time>.md)." };

    public Option<int> Rounds { get; } = new("--rounds")
    {
        Description = "With --server both: rounds, alternating which server goes first; the table shows the median of each figure.",
        DefaultValueFactory = _ => 1,
    };

    public Option<double> ReportInterval { get; } = new("--report-interval") { Description = "Seconds between progress lines (0 = none).", DefaultValueFactory = _ => 5 };

    public Option<string> Token { get; } = new("--token") { Description = "Token sent in every Auth message.", DefaultValueFactory = _ => "loadgen" };

    public Option<int> ConnectConcurrency { get; } = new("--connect-concurrency") { Description = "Handshakes in flight at once.", DefaultValueFactory = _ => 50 };

    public Option<double> HandshakeTimeout { get; } = new("--handshake-timeout") { Description = "Seconds for connect + Auth + sync.", DefaultValueFactory = _ => 30 };

    public Option<ApplyMode> Apply { get; } = new("--apply")
    {
        Description = "When clients apply received updates: none (only parsed to identify deliveries; lightest), batched (before their next insert), each (on arrival, like a provider; most generator CPU).",
        DefaultValueFactory = _ => ApplyMode.None,
    };

    public Option<bool> Awareness { get; } = new("--awareness") { Description = "Each client announces an awareness state after SyncStep1." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Server, Url, ServerPid, Repository, Configuration, CollabDll, CollabEnvironment, Worker, KafkaRetention, Output, Rounds, ReportInterval, Token, ConnectConcurrency, HandshakeTimeout, Apply, Awareness })
        {
            command.Options.Add(option);
        }
    }

    public ClientSettings Client(ParseResult parse) => new(
        parse.GetValue(Token) ?? "",
        parse.GetValue(Apply),
        parse.GetValue(Awareness),
        TimeSpan.FromSeconds(parse.GetValue(HandshakeTimeout)));

    public LaunchSettings Launch(ParseResult parse) => new(
        parse.GetValue(Repository) ?? LaunchSettings.FindRepositoryRoot(),
        parse.GetValue(Configuration) ?? "Release",
        parse.GetValue(CollabDll),
        TimeSpan.FromSeconds(60))
    {
        Worker = parse.GetValue(Worker),
        KafkaRetention = TimeSpan.FromSeconds(parse.GetValue(KafkaRetention)),
        CollabEnvironment = (parse.GetValue(CollabEnvironment) ?? [])
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length == 2 ? parts[1] : "", StringComparer.Ordinal),
    };

    /// <summary>Runs <paramref name="scenario"/> against the server(s) these options name (each as <paramref name="replicas"/> replicas), and reports.</summary>
    public Task<int> ExecuteAsync(
        ParseResult parse,
        string mode,
        string settingsText,
        Func<ServerTarget, Task<ScenarioResult>> scenario,
        CancellationToken cancellationToken,
        int replicas = 1) =>
        Runner.ExecuteAsync(
            mode,
            parse.GetValue(Server) ?? "url",
            parse.GetValue(Url)!,
            parse.GetValue(ServerPid),
            Launch(parse),
            settingsText,
            parse.GetValue(Output),
            parse.GetValue(Rounds),
            replicas,
            scenario,
            cancellationToken);
}
