namespace Microsoft.Extensions.Hosting;

/// <summary>One call for the built-in extensions, each switched by its own configuration section.</summary>
public static class BuiltInExtensionsRegistration
{
    /// <summary>
    /// Adds the throttle (<c>Collab:Throttle</c>, off by default), JWT authentication (<c>Collab:Auth</c>, on when a key
    /// is configured), SQLite persistence (<c>Collab:Sqlite</c>, on by default), webhooks (<c>Collab:Webhook</c>, on when a
    /// URL is configured), the hook event logger (<c>Collab:Logger</c>, on by default) and the options of the operator API
    /// (<c>Collab:Api</c>; its endpoints are mapped by <c>MapCollabApi</c>).
    /// </summary>
    public static IHostApplicationBuilder AddCollabBuiltInExtensions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCollabThrottle();
        builder.AddCollabAuth();
        // before SQLite: a persistence worker turns the embedded store off
        builder.AddCollabPersistenceClient();
        builder.AddCollabSqlite();
        builder.AddCollabWebhook();
        builder.AddCollabLogger();
        builder.AddCollabApi();
        return builder;
    }
}
