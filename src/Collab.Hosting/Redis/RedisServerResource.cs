namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Debian's <c>redis-server</c> run as an executable resource: Redis for local runs where containers cannot start.
/// Its connection string is <c>host:port</c>, the StackExchange.Redis form Aspire's container resource gives too.
/// </summary>
/// <param name="name">The resource name (<c>redis</c>).</param>
/// <param name="workingDirectory">Where redis-server runs (its data folder; nothing is persisted there).</param>
public sealed class RedisServerResource(string name, string workingDirectory)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint.</summary>
    public const string EndpointName = "tcp";

    /// <summary>The TCP endpoint Redis listens on.</summary>
    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
