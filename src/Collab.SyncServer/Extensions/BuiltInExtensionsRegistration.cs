namespace Microsoft.Extensions.Hosting;

/// <summary>One call for the built-in extensions, each switched by its own configuration section.</summary>
public static class BuiltInExtensionsRegistration
{
    /// <summary>
    /// Adds the throttle (<c>Collab:Throttle</c>, off by default), JWT authentication (<c>Collab:Auth</c>, on when a key
    /// is configured), SQLite persistence (<c>Collab:Sqlite</c>, on by default), webhooks (<c>Collab:Webhook</c>, on when a
    /// URL is configured) and the hook event logger (<c>Collab:Logger</c>, on by default).
    /// </summary>
    public static IHostApplicationBuilder AddCollabBuiltInExtensions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCollabThrottle();
        builder.AddCollabAuth();
        builder.AddCollabSqlite();
        builder.AddCollabWebhook();
        builder.AddCollabLogger();
        return builder;
    }
}
