namespace Collab.SyncServer.Hooks;

/// <summary>Registration of server extensions.</summary>
public static class CollabExtensionServiceCollectionExtensions
{
    /// <summary>Registers an extension type (a singleton resolved from DI, also resolvable as itself).</summary>
    public static IServiceCollection AddCollabExtension<T>(this IServiceCollection services)
        where T : class, ICollabExtension
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<T>();
        services.AddSingleton<ICollabExtension>(static sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>Registers an extension instance.</summary>
    public static IServiceCollection AddCollabExtension(this IServiceCollection services, ICollabExtension extension)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(extension);
        services.AddSingleton(extension);
        return services;
    }

    /// <summary>Registers an extension built by a factory.</summary>
    public static IServiceCollection AddCollabExtension(this IServiceCollection services, Func<IServiceProvider, ICollabExtension> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(factory);
        return services;
    }
}
