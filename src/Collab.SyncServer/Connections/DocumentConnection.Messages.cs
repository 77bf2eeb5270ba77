using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Protocol;
using Collab.SyncServer.Telemetry;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Connections;

public abstract partial class DocumentConnection
{
    private async ValueTask ProcessFrameAsync(byte[] frame)
    {
        MessagePayload? payload = null;
        if (Services.HasBeforeHandleMessage || Services.HasAfterHandleMessage)
        {
            payload = new MessagePayload { Services = Services.Services, DocumentName = DocumentName, Document = Document, Connection = this, Update = frame };
        }

        try
        {
            if (Services.HasBeforeHandleMessage)
            {
                await Services.Hooks.RunAsync("beforeHandleMessage", payload!, static (x, p) => x.BeforeHandleMessage(p)).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            CloseAfterError(e);
            return;
        }

        Exception? error = null;
        try
        {
            await HandleFrameAsync(frame).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }

        if (Services.HasAfterHandleMessage)
        {
            var after = new MessagePayload { Services = Services.Services, DocumentName = DocumentName, Document = Document, Connection = this, Update = frame, Error = error };
            await Services.Hooks.RunLoggedAsync("afterHandleMessage", after, static (x, p) => x.AfterHandleMessage(p)).ConfigureAwait(false);
        }

        if (error is not null)
        {
            CloseAfterError(error);
        }
    }

    private void CloseAfterError(Exception error)
    {
        if (Session.TakeLogLine())
        {
            Services.Logger.MessageFailed(DocumentName, SocketId, error);
        }
        switch (error)
        {
            case ProtocolException p:
                // malformed data: the whole socket goes, with the documented close code
                Session.Terminate(p.Code, p.Reason, p);
                break;
            case CollabRejectException r:
                BeginClose(r.Code, r.Reason, notify: true, drain: false);
                break;
            default:
                BeginClose(CloseCodes.ResetConnection, "Reset Connection", notify: true, drain: false);
                break;
        }
    }

    /// <summary>Handles a sync message (§3.2, §7.6). <paramref name="answerWithStep1"/> is false for SyncReply and y-websocket.</summary>
    private protected async ValueTask HandleSyncAsync(SyncMessage message, bool answerWithStep1)
    {
        if (Services.HasBeforeSync)
        {
            await Services.Hooks.RunAsync("beforeSync", new BeforeSyncPayload
            {
                Services = Services.Services,
                DocumentName = DocumentName,
                Document = Document,
                Connection = this,
                Type = message.Type,
                Payload = message.Payload,
            }, static (x, p) => x.BeforeSync(p)).ConfigureAwait(false);
        }

        try
        {
            switch (message.Type)
            {
                case SyncMessageType.SyncStep1:
                    var (step1, step2) = Document.AnswerSyncStep1(message.Payload);
                    if (answerWithStep1)
                    {
                        Send(EncodeSync(step1));
                    }

                    Send(EncodeSync(step2));
                    break;
                case SyncMessageType.Update when Config.ReadOnly:
                    SendSyncStatus(false);
                    break;
                case SyncMessageType.SyncStep2 when Config.ReadOnly:
                    SendSyncStatus(!Document.WouldChange(message.Payload));
                    break;
                case SyncMessageType.SyncStep2 when message.Payload is [0, 0]:
                    // the empty SyncStep2 of a fresh provider: nothing to apply or to wait for (a joiner is not
                    // held up by other clients' pending stores)
                    if (Kind == ConnectionKind.Hocuspocus)
                    {
                        SendSyncStatus(true);
                    }

                    break;
                default:
                    var sequence = Document.ApplyAndSequence(message.Payload, Origin);
                    Acknowledge(sequence);
                    break;
            }
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.Malformed("Invalid Update", e);
        }
    }

    private void Acknowledge(long sequence)
    {
        if (Kind != ConnectionKind.Hocuspocus)
        {
            return;
        }

        lock (_acks)
        {
            _acks.Enqueue(sequence);
            if (_draining)
            {
                // the drain (waiting for an earlier change) acknowledges this one after it, in order
                return;
            }

            _draining = true;
        }

        DrainAcknowledgements();
    }

    /// <summary>
    /// The one drainer at a time sends SyncStatus for every queued change that is durable, in order, and waits (one continuation per
    /// connection, not one per change) for the first that is not. The acknowledgement follows durability; the
    /// processing of further frames never waits for it.
    /// </summary>
    private void DrainAcknowledgements()
    {
        // the acknowledgements that are due now leave together: after a store, every change it covered at once
        var due = 0;
        try
        {
            while (true)
            {
                long sequence;
                lock (_acks)
                {
                    if (!_acks.TryPeek(out sequence))
                    {
                        _draining = false;
                        return;
                    }
                }

                var durable = Services.Durability.WhenDurableAsync(Document, sequence);
                if (!durable.IsCompleted)
                {
                    // the drain goes on on the broadcast flusher's thread: the acknowledgements that one commit or
                    // store releases for many sockets leave from there together (one system call where io_uring is
                    // available), not from one thread-pool hop each
                    durable.ContinueWith(
                        static (_, s) => ((DocumentConnection)s!).Services.Flusher.ScheduleNow((DocumentConnection)s!),
                        this,
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                    return;
                }

                lock (_acks)
                {
                    if (!durable.IsCompletedSuccessfully)
                    {
                        // the document went away before its changes were stored: no acknowledgement
                        _acks.Clear();
                        _draining = false;
                        return;
                    }

                    _acks.Dequeue();
                }

                due++;
            }
        }
        finally
        {
            if (due > 0)
            {
                SendSyncStatuses(due);
            }
        }
    }

    /// <summary>The broadcast flusher resumes the acknowledgement drain (see <see cref="DrainAcknowledgements"/>).</summary>
    void IFlushable.FlushLogged()
    {
        try
        {
            DrainAcknowledgements();
        }
        catch (Exception e)
        {
            // a send on a socket that is going away; the connection's own loop reports its end
            Services.Logger.AcknowledgementFailed(DocumentName, e);
        }
    }

    private protected async ValueTask HandleAwarenessAsync(byte[] update)
    {
        try
        {
            await Document.HandleAwarenessAsync(update, this, Services.HasBeforeHandleAwareness).ConfigureAwait(false);
        }
        catch (YjsDecodingException e)
        {
            throw ProtocolException.Malformed("Invalid Awareness Update", e);
        }
        catch (Exception e) when (e is not ProtocolException)
        {
            // B8: a rejected awareness update is dropped; the connection stays
            if (Session.TakeLogLine())
            {
                Services.Logger.AwarenessRejected(DocumentName, e);
            }
        }
    }

    private protected void HandleQueryAwareness()
    {
        if (Services.Options.AnswerQueryAwareness && Document.EncodeAllAwareness() is { } states)
        {
            Send(EncodeAwareness(states));
        }
    }

    private protected void HandleStateless(string payload) =>
        Services.Hooks.Fire("onStateless", new OnStatelessPayload
        {
            Services = Services.Services,
            DocumentName = DocumentName,
            Document = Document,
            Connection = this,
            Payload = payload,
        }, static (x, p) => x.OnStateless(p));

    private protected async ValueTask HandleTokenSyncAsync(string token)
    {
        try
        {
            await Services.Hooks.RunAsync("onTokenSync", new OnTokenSyncPayload
            {
                Services = Services.Services,
                DocumentName = DocumentName,
                Document = Document,
                Connection = this,
                Token = token,
            }, static (x, p) => x.OnTokenSync(p)).ConfigureAwait(false);
        }
        catch (CollabRejectException)
        {
            throw;
        }
        catch (Exception e) when (e is not SkipFurtherHooksException)
        {
            throw new CollabRejectException(CloseCodes.Unauthorized, "Unauthorized");
        }
    }
}
