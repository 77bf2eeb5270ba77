using System.Globalization;
using System.Text.RegularExpressions;
using Collab.Relay.Kafka;
using Collab.ServiceDefaults.Health;
using Collab.Tests.Support;
using YamlDotNet.RepresentationModel;
using static Collab.Tests.Deployment.DeploymentYaml;

namespace Collab.Tests.Deployment;

/// <summary>
/// deploy/kubernetes and deploy/compose, for machines with Docker or a cluster: every file parses, and what they say
/// agrees with the code (images, variables the services read, probe endpoints, topics, volumes, secrets).
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Kubernetes = Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");
    private static readonly string Compose = Path.Combine(RepositoryPaths.Root, "deploy", "compose", "compose.yaml");
    private static readonly Dictionary<string, string> ServiceOfImage = new(StringComparer.Ordinal)
    {
        ["collab/syncserver"] = "syncserver",
        ["collab/persistence"] = "persistence",
    };

    [Fact]
    public void EveryKubernetesDocumentIsANamedObjectInTheCollabNamespace()
    {
        var documents = KubernetesDocuments();
        Assert.True(documents.Count >= 10, $"{documents.Count} documents");
        foreach (var (file, document) in documents)
        {
            Assert.False(string.IsNullOrEmpty(Scalar(document, "apiVersion")), file);
            var kind = Scalar(document, "kind");
            var metadata = Map(document, "metadata");
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Scalar(metadata, "name"));
            Assert.Equal(kind == "Namespace" ? null : "collab", OptionalScalar(metadata, "namespace"));
        }

        // `kubectl apply -f` applies files in name order: the namespace comes first
        Assert.Equal("Namespace", Scalar(documents[0].Document, "kind"));
    }

    [Fact]
    public async Task KubernetesRunsTheServicesImagesWithTheVariablesTheyReadAndProbesOnTheirEndpoints()
    {
        var documents = KubernetesDocuments().Select(d => d.Document).ToList();
        var configMap = Keys(documents, "ConfigMap", "collab-config", "data");
        var secret = Keys(Load(Path.Combine(Kubernetes, "examples", "collab-secrets.yaml")), "Secret", "collab-secrets", "stringData");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var workload in documents.Where(d => Scalar(d, "kind") is "Deployment" or "StatefulSet" or "Job"))
        {
            var pod = At(workload, "spec", "template", "spec")!;
            foreach (var container in Sequence(pod, "containers"))
            {
                foreach (var reference in Sequence(container, "env").Select(e => At(e, "valueFrom")).OfType<YamlMappingNode>())
                {
                    if (At(reference, "configMapKeyRef") is { } map)
                    {
                        Assert.Equal("collab-config", Scalar(map, "name"));
                        Assert.Contains(Scalar(map, "key"), configMap);
                    }

                    if (At(reference, "secretKeyRef") is { } key)
                    {
                        Assert.Equal("collab-secrets", Scalar(key, "name"));
                        Assert.Contains(Scalar(key, "key"), secret);
                    }
                }

                var (repository, _) = SplitImage(Scalar(container, "image"));
                if (!ServiceOfImage.TryGetValue(repository, out var service))
                {
                    continue;
                }

                seen.Add(service);
                var image = await ContainerImageConfig.ForAsync(service == "syncserver" ? "Collab.SyncServer" : "Collab.Persistence");
                Assert.Equal(image.Repository, repository);
                var port = Assert.Single(Sequence(container, "ports"));
                Assert.Equal("http", Scalar(port, "name"));
                Assert.Equal(image.Ports.Single().ToString(CultureInfo.InvariantCulture), Scalar(port, "containerPort"));
                Assert.Equal(image.User, Scalar(Map(pod, "securityContext"), "runAsUser"));
                Assert.Equal("true", Scalar(Map(pod, "securityContext"), "runAsNonRoot"));

                var env = Sequence(container, "env").ToDictionary(e => Scalar(e, "name"), e => OptionalScalar(e, "value"), StringComparer.Ordinal);
                foreach (var variable in env.Keys)
                {
                    Assert.Null(ServiceConfiguration.Problem(service, variable));
                }

                Assert.Contains("ConnectionStrings__kafka", env.Keys);
                Assert.Contains("Collab__Persistence__ApiKey", env.Keys);
                foreach (var (probe, path) in new[] { ("readinessProbe", HealthEndpoints.HealthPath), ("livenessProbe", HealthEndpoints.AlivePath), ("startupProbe", HealthEndpoints.AlivePath) })
                {
                    var get = At(container, probe, "httpGet") ?? throw new Xunit.Sdk.XunitException($"{service}: no {probe}");
                    Assert.Equal(path, Scalar(get, "path"));
                    Assert.Equal("http", Scalar(get, "port"));
                }

                if (service == "syncserver")
                {
                    Assert.Equal("Deployment", Scalar(workload, "kind"));
                    Assert.Equal("3", Scalar(Map(workload, "spec"), "replicas"));
                    Assert.Equal("http://persistence", env["Collab__Persistence__Url"]);
                    Assert.Equal($"http://persistence:{image.Ports.Single()}", env["services__persistence__http__0"]);
                    Assert.Equal("false", env["Collab__Relay__Kafka__CreateTopics"]);
                }
                else
                {
                    // the worker's SQLite file on its own persistent volume
                    Assert.Equal("StatefulSet", Scalar(workload, "kind"));
                    var mount = Assert.Single(Sequence(container, "volumeMounts"));
                    Assert.Equal(Path.GetDirectoryName(env["Collab__Storage__Sqlite__Path"]), Scalar(mount, "mountPath"));
                    var claim = Assert.Single(Sequence(Map(workload, "spec"), "volumeClaimTemplates"));
                    Assert.Equal(Scalar(mount, "name"), Scalar(Map(claim, "metadata"), "name"));
                    Assert.Equal(image.User, Scalar(Map(pod, "securityContext"), "fsGroup"));
                }
            }
        }

        Assert.Equal(["persistence", "syncserver"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KubernetesServicesSelectAWorkloadAndNameItsPorts()
    {
        var documents = KubernetesDocuments().Select(d => d.Document).ToList();
        var workloads = documents.Where(d => Scalar(d, "kind") is "Deployment" or "StatefulSet").ToList();
        foreach (var service in documents.Where(d => Scalar(d, "kind") == "Service"))
        {
            var selector = Map(Map(service, "spec"), "selector").Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString());
            var workload = Assert.Single(workloads, w => selector.All(s => OptionalScalar(Map(At(w, "spec", "template", "metadata")!, "labels"), s.Key) == s.Value));
            var ports = Sequence(At(workload, "spec", "template", "spec")!, "containers").SelectMany(c => Sequence(c, "ports")).Select(p => Scalar(p, "name")).ToHashSet();
            foreach (var port in Sequence(Map(service, "spec"), "ports"))
            {
                Assert.Contains(OptionalScalar(port, "targetPort") ?? Scalar(port, "name"), ports);
            }
        }

        // the services reach the worker and Kafka at the addresses the configuration names
        var names = documents.Where(d => Scalar(d, "kind") == "Service").Select(d => Scalar(Map(d, "metadata"), "name")).ToHashSet();
        Assert.Superset(new HashSet<string> { "kafka", "persistence", "syncserver", "minio" }, names);
    }

    [Fact]
    public void TheTopicJobsCreateTheRelaysTopicsWithItsPartitionsAndRetention()
    {
        var job = KubernetesDocuments().Select(d => d.Document).Single(d => Scalar(d, "kind") == "Job");
        var script = string.Join('\n', Sequence(Assert.Single(Sequence(At(job, "spec", "template", "spec")!, "containers")), "args").Select(a => a.ToString()));
        AssertCreatesTopics(script);

        var compose = Load(Compose).Single();
        var init = Map(Map(compose, "services"), "kafka-init");
        AssertCreatesTopics(string.Join('\n', Sequence(init, "command").Select(a => a.ToString())));
    }

    [Fact]
    public async Task ComposeRunsTheImagesWithTheVariablesTheyReadTheWorkersVolumeAndThreeReplicas()
    {
        var compose = Load(Compose).Single();
        var services = Map(compose, "services");
        var volumes = Map(compose, "volumes").Children.Keys.Select(k => k.ToString()).ToHashSet();
        var names = services.Children.Keys.Select(k => k.ToString()).ToHashSet();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, definition) in services.Children.Select(c => (c.Key.ToString(), c.Value)))
        {
            foreach (var dependency in (At(definition, "depends_on") as YamlMappingNode)?.Children.Keys ?? [])
            {
                Assert.Contains(dependency.ToString(), names);
            }

            foreach (var volume in Sequence(definition, "volumes").Select(v => v.ToString().Split(':')[0]).Where(v => !v.StartsWith('.')))
            {
                Assert.Contains(volume, volumes);
            }

            var (repository, _) = SplitImage(Scalar(definition, "image"));
            if (!ServiceOfImage.TryGetValue(repository, out var service))
            {
                continue;
            }

            seen.Add(service);
            var image = await ContainerImageConfig.ForAsync(service == "syncserver" ? "Collab.SyncServer" : "Collab.Persistence");
            Assert.Equal(image.Repository, repository);
            var env = Map(definition, "environment").Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString(), StringComparer.Ordinal);
            foreach (var variable in env.Keys)
            {
                Assert.Null(ServiceConfiguration.Problem(service, variable));
            }

            Assert.Equal("kafka:9092", env["ConnectionStrings__kafka"]);
            Assert.StartsWith("${COLLAB_PERSISTENCE_KEY:?", env["Collab__Persistence__ApiKey"], StringComparison.Ordinal);
            if (service == "syncserver")
            {
                Assert.Equal("3", Scalar(Map(definition, "deploy"), "replicas"));
                Assert.Equal($"http://persistence:{image.Ports.Single()}", env["services__persistence__http__0"]);
            }
            else
            {
                var mount = Assert.Single(Sequence(definition, "volumes")).ToString().Split(':');
                Assert.Equal(Path.GetDirectoryName(env["Collab__Storage__Sqlite__Path"]), mount[1]);
            }
        }

        Assert.Equal(["persistence", "syncserver"], seen.Order(StringComparer.Ordinal));
        // the proxy forwards to the replicas' port
        var syncserverImage = await ContainerImageConfig.ForAsync("Collab.SyncServer");
        Assert.Contains($"http://syncserver:{syncserverImage.Ports.Single()}", File.ReadAllText(Path.Combine(Path.GetDirectoryName(Compose)!, "nginx.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsAreOnlyPlaceholdersAndEveryComposeVariableIsInTheExampleEnvFile()
    {
        var folder = Path.GetDirectoryName(Compose)!;
        var example = File.ReadAllLines(Path.Combine(folder, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var used = ComposeVariable().Matches(File.ReadAllText(Compose)).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var variable in used.Where(v => v != "KAFKA_CLUSTER_ID"))
        {
            Assert.Contains(variable, example.Keys);
        }

        Assert.Equal("", example["COLLAB_PERSISTENCE_KEY"]);
        Assert.Equal("", example["MINIO_ROOT_PASSWORD"]);
        Assert.False(File.Exists(Path.Combine(folder, ".env")) && IsTracked("deploy/compose/.env"));
        Assert.Contains("deploy/compose/.env", File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".gitignore")), StringComparison.Ordinal);

        var secret = Load(Path.Combine(Kubernetes, "examples", "collab-secrets.yaml")).Single();
        Assert.All(Map(secret, "stringData").Children.Values, v => Assert.StartsWith("REPLACE-", v.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(KubernetesDocuments(), d => Scalar(d.Document, "kind") == "Secret");
    }

    private static void AssertCreatesTopics(string script)
    {
        var options = new KafkaRelayOptions();
        foreach (var (topic, retention) in new[] { (options.UpdatesTopic, options.UpdatesRetention), (options.SignalsTopic, options.SignalsRetention), (options.EventsTopic, options.UpdatesRetention) })
        {
            var line = Assert.Single(script.Split('\n'), l => l.Contains("--create", StringComparison.Ordinal) && l.Contains($"--topic {topic} ", StringComparison.Ordinal));
            Assert.Contains($"--partitions {options.Partitions} ", line, StringComparison.Ordinal);
            Assert.Contains($"retention.ms={(long)retention.TotalMilliseconds}", line, StringComparison.Ordinal);
            Assert.Contains("--if-not-exists", line, StringComparison.Ordinal);
        }
    }

    private static List<(string File, YamlMappingNode Document)> KubernetesDocuments() =>
        [.. Directory.GetFiles(Kubernetes, "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => Load(f).Select(d => (Path.GetFileName(f), d)))];

    private static HashSet<string> Keys(IEnumerable<YamlMappingNode> documents, string kind, string name, string section) =>
        Map(Assert.Single(documents, d => Scalar(d, "kind") == kind && Scalar(Map(d, "metadata"), "name") == name), section)
            .Children.Keys.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);

    private static (string Repository, string Tag) SplitImage(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    private static bool IsTracked(string path)
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["ls-files", "--error-unmatch", path])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        git.WaitForExit(10_000);
        return git.HasExited && git.ExitCode == 0;
    }

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)")]
    private static partial Regex ComposeVariable();
}
