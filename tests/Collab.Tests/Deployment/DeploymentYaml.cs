using YamlDotNet.RepresentationModel;

namespace Collab.Tests.Deployment;

/// <summary>Reading the deployment files with YamlDotNet's representation model (every document of a multi-document file).</summary>
internal static class DeploymentYaml
{
    public static IReadOnlyList<YamlMappingNode> Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode, exactMatch: false))];
    }

    public static YamlNode? Get(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string Scalar(YamlNode node, string key) =>
        Assert.IsType<YamlScalarNode>(Get(node, key) ?? throw new Xunit.Sdk.XunitException($"no '{key}' at {node.Start}")).Value!;

    public static string? OptionalScalar(YamlNode node, string key) => (Get(node, key) as YamlScalarNode)?.Value;

    public static YamlMappingNode Map(YamlNode node, string key) =>
        Assert.IsType<YamlMappingNode>(Get(node, key) ?? throw new Xunit.Sdk.XunitException($"no '{key}' at {node.Start}"));

    public static IEnumerable<YamlNode> Sequence(YamlNode node, string key) =>
        (Get(node, key) as YamlSequenceNode)?.Children ?? Enumerable.Empty<YamlNode>();

    /// <summary>Follows a path of keys; null where one is missing.</summary>
    public static YamlNode? At(YamlNode node, params string[] keys)
    {
        YamlNode? current = node;
        foreach (var key in keys)
        {
            current = current is null ? null : Get(current, key);
        }

        return current;
    }
}
