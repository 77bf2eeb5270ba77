using System.Security.Cryptography;
using Collab.Yjs.Lib0;

namespace Collab.Yjs;

/// <summary>
/// A Yjs document — the C# counterpart of <c>Y.Doc</c> from yjs 13.6, byte-compatible on the wire.
/// <para><b>Collab.Yjs API overview.</b></para>
/// <list type="bullet">
/// <item><description>Create: <c>new Doc()</c> (random 32-bit <see cref="ClientId"/>, gc on) or
/// <c>new Doc(new DocOptions { ClientId = 1, Gc = false })</c>.</description></item>
/// <item><description>Root types: <see cref="GetText"/>, <see cref="GetArray"/>, <see cref="GetMap"/>,
/// <see cref="GetXmlFragment"/>, <see cref="GetXmlElement"/> (by name; a root referenced by an update before it
/// was requested stays an untyped placeholder until requested).</description></item>
/// <item><description>Sync: <see cref="ApplyUpdate"/> / <see cref="ApplyUpdateV2"/> (atomic: malformed input throws
/// <see cref="YjsDecodingException"/> and leaves the document unchanged), <see cref="EncodeStateAsUpdate"/> /
/// <see cref="EncodeStateAsUpdateV2"/> (optionally relative to a remote state vector),
/// <see cref="EncodeStateVector"/>.</description></item>
/// <item><description>Edits: <see cref="Transact(object?, Action{Transaction})"/> groups edits into one
/// transaction; each type has a local editing API (<c>YText.Insert</c>, <c>YMap.Set</c>, …).</description></item>
/// <item><description>Events: <see cref="Update"/> / <see cref="UpdateV2"/> carry the encoded update of every
/// transaction that changed something (also the receiver's own formatting cleanup after remote transactions);
/// <see cref="AfterTransaction"/> exposes the <see cref="Transaction"/>; types offer <c>Observe</c> / <c>ObserveDeep</c>.</description></item>
/// <item><description>Document-free functions on encoded updates live in <see cref="YUpdates"/>.</description></item>
/// <item><description>JavaScript values are represented as described on <see cref="JsValue"/>.</description></item>
/// </list>
/// A document is not thread-safe; use it from one thread at a time.
/// </summary>
public sealed partial class Doc
{
    internal readonly StructStore Store = new();
    internal readonly Dictionary<string, AbstractType> Share = new(StringComparer.Ordinal);
    internal readonly List<Transaction> TransactionCleanups = [];
    internal readonly HashSet<Item> ConflictingScratch = new(ReferenceEqualityComparer.Instance);
    internal readonly HashSet<Item> BeforeOriginScratch = new(ReferenceEqualityComparer.Instance);
    internal readonly UpdateEncoderV1 UpdateEncoderCache = new();
    internal readonly UpdateEncoderV2 UpdateEncoderV2Cache = new();
    internal Transaction? CurrentTransaction;
    internal Item? Item;

    /// <summary>Creates a document with default options.</summary>
    public Doc() : this(new DocOptions())
    {
    }

    /// <summary>Creates a document.</summary>
    /// <param name="options">Client id, gc flag, guid and sub-document options.</param>
    public Doc(DocOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ClientId = options.ClientId ?? GenerateClientId();
        Gc = options.Gc;
        Guid = options.Guid ?? System.Guid.NewGuid().ToString();
        AutoLoad = options.AutoLoad;
        ShouldLoad = options.ShouldLoad;
        Meta = options.Meta;
    }

    /// <summary>This replica's client id (may change after a client-id collision is detected).</summary>
    public long ClientId { get; set; }

    /// <summary>Whether deleted content is garbage-collected.</summary>
    public bool Gc { get; }

    /// <summary>
    /// Most bytes of pending structs and pending deletions (updates that wait for others, see
    /// <see cref="PendingStructsMissing"/>) this document keeps; what an update would add beyond it is dropped and
    /// counted in <see cref="PendingRejections"/>. Unlimited by default, like yjs; a server sets it so that one client
    /// cannot make a document hold (and re-examine) an unbounded amount of updates that never resolve.
    /// </summary>
    public long MaxPendingBytes { get; set; } = long.MaxValue;

    /// <summary>Bytes held now in pending structs and pending deletions.</summary>
    public long PendingBytes => (Store.Pending?.Bytes ?? 0) + (Store.PendingDs?.Length ?? 0);

    /// <summary>How many times pending structs or deletions were dropped because of <see cref="MaxPendingBytes"/>.</summary>
    public long PendingRejections { get; private set; }

    /// <summary>Whether <paramref name="bytes"/> more may be held pending; counts a rejection when not.</summary>
    internal bool TryHoldPending(long bytes)
    {
        if (MaxPendingBytes == long.MaxValue || PendingBytes + bytes <= MaxPendingBytes)
        {
            return true;
        }

        PendingRejections++;
        return false;
    }

    /// <summary>The document's guid (relevant for sub-documents).</summary>
    public string Guid { get; }

    /// <summary>Sub-document option: load automatically.</summary>
    public bool AutoLoad { get; }

    /// <summary>Sub-document option: whether the application should load it.</summary>
    public bool ShouldLoad { get; set; }

    /// <summary>Sub-document meta value (a JavaScript value) or null.</summary>
    public object? Meta { get; }

    /// <summary>Sub-documents currently embedded in this document.</summary>
    public HashSet<Doc> Subdocs { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Optional filter: return false to keep a deleted item from being garbage-collected.</summary>
    public Func<object, bool>? GcFilter { get; set; }

    /// <summary>Raised after every transaction that inserted or deleted something, with its v1 update.</summary>
    public event EventHandler<UpdateEventArgs>? Update;

    /// <summary>Raised after every transaction that inserted or deleted something, with its v2 update.</summary>
    public event EventHandler<UpdateEventArgs>? UpdateV2;

    /// <summary>Raised at the end of every transaction (after observers, before garbage collection).</summary>
    public event EventHandler<Transaction>? AfterTransaction;

    /// <summary>Raised when sub-documents were added, removed or loaded in a transaction.</summary>
    public event EventHandler<SubdocsEventArgs>? SubdocsChanged;

    /// <summary>The names of the root types known to this document (requested or referenced by updates).</summary>
    public IEnumerable<string> RootNames => Share.Keys;

    internal static long GenerateClientId() => RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue) & 0xffffffffL;

    /// <summary>The root <see cref="YText"/> of that name.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The text.</returns>
    public YText GetText(string name = "") => GetRoot(name, static () => new YText());

    /// <summary>The root <see cref="YArray"/> of that name.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The array.</returns>
    public YArray GetArray(string name = "") => GetRoot(name, static () => new YArray());

    /// <summary>The root <see cref="YMap"/> of that name.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The map.</returns>
    public YMap GetMap(string name = "") => GetRoot(name, static () => new YMap());

    /// <summary>The root <see cref="YXmlFragment"/> of that name.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The fragment.</returns>
    public YXmlFragment GetXmlFragment(string name = "") => GetRoot(name, static () => new YXmlFragment());

    /// <summary>The root <see cref="YXmlElement"/> of that name.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The element.</returns>
    public YXmlElement GetXmlElement(string name = "") => GetRoot(name, static () => new YXmlElement("UNDEFINED"));

    /// <summary>The root type of that name as it currently exists (typed or untyped placeholder), or null.</summary>
    /// <param name="name">Root name.</param>
    /// <returns>The type or null.</returns>
    public AbstractType? TryGetRoot(string name) => Share.TryGetValue(name, out var t) ? t : null;

    internal AbstractType GetOrCreatePlaceholder(string name)
    {
        if (!Share.TryGetValue(name, out var t))
        {
            t = new AbstractType();
            t.RootName = name;
            t.Integrate(this, null);
            Share[name] = t;
        }

        return t;
    }

    private T GetRoot<T>(string name, Func<T> create)
        where T : AbstractType
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Share.TryGetValue(name, out var existing))
        {
            var t = create();
            t.RootName = name;
            t.Integrate(this, null);
            Share[name] = t;
            return t;
        }

        if (existing is T typed)
        {
            return typed;
        }

        if (existing.GetType() != typeof(AbstractType))
        {
            throw new InvalidOperationException($"Type with the name {name} has already been defined with a different constructor");
        }

        var n = create();
        n.RootName = name;
        n.Map = existing.Map;
        foreach (var head in n.Map.Values)
        {
            for (Item? i = head; i is not null; i = i.Left)
            {
                i.Parent = n;
            }
        }

        n.Start = existing.Start;
        for (var i = n.Start; i is not null; i = i.Right)
        {
            i.Parent = n;
        }

        n.LengthInternal = existing.LengthInternal;
        Share[name] = n;
        n.Integrate(this, null);
        return n;
    }

    internal static Doc CreateFromOptions(string guid, object? opts)
    {
        if (opts is null or JsUndefined)
        {
            throw new YjsDecodingException("Sub-document options must be an object.");
        }

        var o = opts as JsObject;
        var gc = true;
        var autoLoad = false;
        var shouldLoad = false;
        object? meta = null;
        if (o is not null)
        {
            if (o.TryGetValue("gc", out var g))
            {
                gc = IsTruthy(g);
            }

            if (o.TryGetValue("autoLoad", out var a))
            {
                autoLoad = IsTruthy(a);
            }

            if (o.TryGetValue("shouldLoad", out var s))
            {
                shouldLoad = IsTruthy(s);
            }

            if (o.TryGetValue("meta", out var m))
            {
                meta = m;
            }
        }

        return new Doc(new DocOptions { Guid = guid, Gc = gc, AutoLoad = autoLoad, ShouldLoad = shouldLoad || autoLoad, Meta = meta });
    }

    private static bool IsTruthy(object? v) => v switch
    {
        null or JsUndefined => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        long l => l != 0,
        _ => true,
    };

    internal void RaiseAfterTransaction(Transaction t) => AfterTransaction?.Invoke(this, t);

    internal bool HasUpdateHandlers => Update is not null;

    internal bool HasUpdateV2Handlers => UpdateV2 is not null;

    internal void RaiseUpdate(byte[] update, Transaction t) => Update?.Invoke(this, new UpdateEventArgs(update, t.Origin, t));

    internal void RaiseUpdateV2(byte[] update, Transaction t) => UpdateV2?.Invoke(this, new UpdateEventArgs(update, t.Origin, t));

    internal void RaiseSubdocs(SubdocsEventArgs args) => SubdocsChanged?.Invoke(this, args);
}
