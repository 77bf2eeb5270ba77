using StackExchange.Redis;

namespace Collab.Relay.Redis;

/// <summary>
/// The Redis relay's settings: where Redis is (a StackExchange.Redis configuration string) and the first part of every
/// channel name (the seed's <c>prefix</c>, as in <c>@hocuspocus/extension-redis</c>).
/// </summary>
public sealed class RedisRelayOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string: <c>127.0.0.1:6379</c>, or anything
    /// <see cref="ConfigurationOptions.Parse(string)"/> accepts (several endpoints, <c>password=…</c>, <c>user=…</c>,
    /// <c>ssl=true</c>, timeouts). <c>abortConnect</c> is always turned off: the relay starts while Redis is down and
    /// connects when it comes up.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// The first part of every channel name: the relay uses <c>{Prefix}:doc:{document}</c>, <c>{Prefix}:to:{instance}</c>,
    /// <c>{Prefix}:event:{name}</c> and <c>{Prefix}:instances</c>. Instances that should see each other use the same
    /// prefix. Default <c>hocuspocus</c>.
    /// </summary>
    public string Prefix { get; set; } = "hocuspocus";

    /// <summary>Checks the values; returns the problems (empty when valid).</summary>
    /// <returns>Problems, one sentence each.</returns>
    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            errors.Add("Redis Configuration is empty (set ConnectionStrings:redis or Collab:Relay:Redis:Configuration, e.g. 127.0.0.1:6379).");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(Configuration).EndPoints.Count == 0)
                {
                    errors.Add("Redis Configuration names no endpoint (expected host:port).");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"Redis Configuration is not valid: {e.Message}");
            }
        }

        if (string.IsNullOrEmpty(Prefix))
        {
            errors.Add("Redis Prefix is empty.");
        }

        return errors;
    }
}
