using System.Diagnostics;
using System.Net.WebSockets;
using Collab.LoadGen.Protocol;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.LoadGen.Clients;

/// <summary>The receiving side: one loop per socket, message dispatch, delivery tracking, applying updates.</summary>
internal sealed partial class SyncClient
{
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    OnClosedByServer();
                    return;
                }

                if (Handle(buffer, count) is { } reply)
                {
                    await SendAsync(reply, cancellationToken);
                }
            }
        }
        catch (Exception) when (_closing || cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            // Every failure of the loop is a finding about the server (or the generator): never let one pass silently.
            Fail($"receive failed: {Describe(error)}");
        }
    }

    private void OnClosedByServer()
    {
        if (!_closing)
        {
            var code = _socket.CloseStatus is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
            Fail($"closed by server: {code} {_socket.CloseStatusDescription}".TrimEnd());
        }
    }

    private void Fail(string kind)
    {
        _metrics.Errors.Add(kind);
        _synced.TrySetException(new HandshakeException(kind, counted: true));
    }

    private byte[]? Handle(byte[] buffer, int count)
    {
        if (count == 1 && buffer[0] == (byte)MessageType.Ping)
        {
            return HocuspocusCodec.Pong;
        }

        var decoder = new Lib0Decoder(buffer, 0, count);
        _ = decoder.ReadSpan(decoder.ReadLength()); // the address: one document per socket
        switch ((MessageType)decoder.ReadVarUInt())
        {
            case MessageType.Sync:
            case MessageType.SyncReply:
                return HandleSync(decoder);
            case MessageType.Awareness:
                _metrics.CountAwareness();
                return null;
            case MessageType.Auth:
                HandleAuth(decoder);
                return null;
            case MessageType.Close:
                Fail($"in-band close: {(decoder.HasContent ? decoder.ReadVarString() : string.Empty)}");
                return null;
            case MessageType.SyncStatus:
                if (decoder.ReadVarUInt() == 1)
                {
                    _metrics.CountAcknowledged();
                    (long Sent, bool Measured) acknowledged;
                    bool found;
                    lock (_awaitingAck)
                    {
                        found = _awaitingAck.TryDequeue(out acknowledged);
                    }

                    if (found && acknowledged.Measured)
                    {
                        Sink.Acknowledged(acknowledged.Sent, Stopwatch.GetTimestamp());
                    }
                }
                else
                {
                    _metrics.Errors.Add("sync status 0 (update not applied)");
                }

                return null;
            default:
                return null;
        }
    }

    private void HandleAuth(Lib0Decoder decoder)
    {
        if (decoder.ReadVarUInt() == 1)
        {
            Fail($"permission denied: {(decoder.HasContent ? decoder.ReadVarString() : string.Empty)}");
        }
    }

    private byte[]? HandleSync(Lib0Decoder decoder)
    {
        var syncType = decoder.ReadVarUInt();
        var payload = decoder.ReadVarUInt8Array();
        switch (syncType)
        {
            case 0:
                byte[] diff;
                lock (_doc)
                {
                    diff = _doc.EncodeStateAsUpdate(payload);
                }

                return HocuspocusCodec.SyncStep2(_group.Name, diff);
            case 1:
                lock (_doc)
                {
                    _doc.ApplyUpdate(payload, this);
                }

                _synced.TrySetResult();
                return null;
            case 2:
                Track(payload);
                Received(payload);
                return null;
            default:
                _metrics.Errors.Add($"unknown sync message type {syncType}");
                return null;
        }
    }

    private void Track(byte[] update)
    {
        var now = Stopwatch.GetTimestamp();
        var (_, to) = YUpdates.ParseUpdateMeta(update);
        foreach (var (client, endClock) in to)
        {
            if (_group.TryGetIndex(client, out var sender) && sender != _index)
            {
                _group.Logs[sender].Deliver(ref _cursors[sender], endClock, now, Sink, _group.CrossReplica(sender, _index));
            }
        }
    }

    private void Received(byte[] update)
    {
        switch (_settings.Apply)
        {
            case ApplyMode.Each:
                lock (_doc)
                {
                    _doc.ApplyUpdate(update, this);
                }

                break;
            case ApplyMode.Batched:
                lock (_doc)
                {
                    _pending.Add(update);
                }

                break;
        }
    }

    /// <summary>Applies the updates received since the last insert in one transaction (caller holds the document lock).</summary>
    private void ApplyPending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _doc.Transact(this, _ =>
        {
            foreach (var update in _pending)
            {
                _doc.ApplyUpdate(update, this);
            }
        });
        _pending.Clear();
    }

    private static string Describe(Exception error) => error is WebSocketException socketError
        ? $"{socketError.WebSocketErrorCode} ({socketError.InnerException?.Message ?? socketError.Message})"
        : $"{error.GetType().Name} ({error.Message})";
}
