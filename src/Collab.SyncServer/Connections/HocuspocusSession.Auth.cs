using System.Diagnostics;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Connections;

internal sealed partial class HocuspocusSession
{
    private async Task AuthenticateAsync(Pending pending, string documentName, string token, string? version, Task previous)
    {
        await Task.Yield();
        // a provider that re-attaches right after its CLOSE: the old connection's CLOSE echo and onDisconnect come first
        await previous.ConfigureAwait(false);
        using var activity = SyncServerTelemetry.ActivitySource.StartActivity("authenticate");
        activity?.SetTag("collab.document", documentName);
        var config = new ConnectionConfig();
        var context = new Dictionary<string, object?>();
        ServerDocument? reserved = null;
        try
        {
            var connect = await ConnectAndAuthenticateAsync(documentName, token, version, ConnectionKind.Hocuspocus, config, context).ConfigureAwait(false);

            // B4: Authenticated goes out before the document is loaded; a load error then follows as PermissionDenied
            Send(OutboundMessages.Authenticated(pending.Address, config.ReadOnly));
            reserved = await Services.Registry.AcquireAsync(connect).ConfigureAwait(false);
            Establish(pending, reserved, connect);
            reserved = null;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            reserved?.Unreserve();
            var reason = e switch
            {
                CollabRejectException r => r.Reason,
                SkipFurtherHooksException => "Forbidden",
                _ => "permission-denied",
            };
            if (TakeLogLine())
            {
                Services.Logger.AuthenticationDenied(documentName, SocketId, reason, e);
            }
            // forget the address first: a client that retries right after PermissionDenied starts a new authentication
            lock (_gate)
            {
                ForgetPendingLocked(pending);
            }

            Send(OutboundMessages.PermissionDenied(pending.Address, reason));

            if (reserved is not null)
            {
                Services.Registry.AfterDisconnect(reserved, Options.UnloadImmediately);
            }
        }
    }

    private void Establish(Pending pending, ServerDocument document, ConnectionPayload payload)
    {
        var connection = new HocuspocusConnection(this, document, payload, pending.Address);
        lock (_gate)
        {
            if (_closed)
            {
                // the socket went away while loading: attach and close at once so that the unload logic runs
                document.Attach(connection);
                ForgetPendingLocked(pending);
                _ = connection.BeginClose(CloseCodes.Normal, "Socket closed", notify: false, drain: false);
                return;
            }

            document.Attach(connection);
            foreach (var frame in pending.Queue)
            {
                _ = connection.EnqueueAsync(frame);
            }

            ForgetPendingLocked(pending);
            _connections.Set(connection.Address, connection); // its address is the document's own name instance when equal
        }

        connection.Start();
        Services.Logger.ConnectionOpened(connection.DocumentName, SocketId);
        _ = Services.Hooks.RunLoggedAsync("connected", new ConnectedPayload(payload, connection, document), static (x, p) => x.Connected(p)).AsTask();
    }
}
