using System.Threading.Channels;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Collab.Tests.SyncServer.Extensions.Webhook;

/// <summary>A real HTTP endpoint on loopback that records webhook requests and answers with a scripted status sequence.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private LoopbackApp? _app;

    public Uri Url => new(_app!.Address, "/hook");

    public string AnswerJson { get; set; } = "{}";

    public int Requests => _count;

    private int _count;

    public static async Task<WebhookReceiver> StartAsync(CancellationToken ct)
    {
        var receiver = new WebhookReceiver();
        receiver._app = await LoopbackApp.StartAsync(_ => { }, app => app.MapPost("/hook", receiver.HandleAsync), cancellationToken: ct);
        return receiver;
    }

    /// <summary>Answers the next requests with these statuses, then 200.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    public async Task<Received> NextAsync(CancellationToken ct) =>
        await _received.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), ct);

    public bool TryNext(out Received? received) => _received.Reader.TryRead(out received);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        Interlocked.Increment(ref _count);
        var status = _statuses.TryDequeue(out var s) ? s : 200;
        _received.Writer.TryWrite(new Received(buffer.ToArray(), request.Headers["X-Hocuspocus-Signature-256"].ToString(), status));
        return status == 200 ? Results.Content(AnswerJson, "application/json") : Results.StatusCode(status);
    }

    internal sealed record Received(byte[] Body, string Signature, int AnsweredWith)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }
}
