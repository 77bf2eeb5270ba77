using Collab.SyncServer.Extensions.Webhook;
using Collab.SyncServer.Hooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registration of the webhook extension.</summary>
public static class WebhookRegistration
{
    /// <summary>Adds webhooks when <c>Collab:Webhook:Url</c> (or the flag <c>--webhook url</c>) is set (see <see cref="WebhookOptions"/>).</summary>
    public static IHostApplicationBuilder AddCollabWebhook(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The Hocuspocus CLI flag: --webhook <url>.
        if (builder.Configuration["webhook"] is { Length: > 0 } flag && string.IsNullOrEmpty(builder.Configuration[$"{WebhookOptions.SectionName}:Url"]))
        {
            builder.Configuration[$"{WebhookOptions.SectionName}:Url"] = flag;
        }

        // Events may also be one comma-separated string, which the binder does not put into a list.
        var eventsValue = builder.Configuration[$"{WebhookOptions.SectionName}:Events"];
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName)
            .PostConfigure(o =>
            {
                if (!string.IsNullOrWhiteSpace(eventsValue) && o.Events is null or { Count: 0 })
                {
                    o.Events = [eventsValue];
                }
            })
            .ValidateDataAnnotations().ValidateOnStart();
        if (string.IsNullOrEmpty(builder.Configuration[$"{WebhookOptions.SectionName}:Url"]))
        {
            return builder;
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(WebhookSender.ClientName);
        builder.Services.TryAddSingleton<WebhookSender>();
        builder.Services.AddCollabExtension<WebhookExtension>();
        return builder;
    }
}
