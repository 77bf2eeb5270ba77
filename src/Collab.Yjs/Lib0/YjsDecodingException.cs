namespace Collab.Yjs.Lib0;

/// <summary>
/// Thrown when encoded lib0 / Yjs data is malformed: truncated input, overflowing varints,
/// impossible lengths, invalid UTF-8, unknown content references and similar. A document that
/// throws this from <c>ApplyUpdate</c> is left unchanged.
/// </summary>
public sealed class YjsDecodingException : Exception
{
    /// <summary>Creates the exception with a message describing what was malformed.</summary>
    /// <param name="message">A description of the problem.</param>
    public YjsDecodingException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    /// <param name="message">A description of the problem.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public YjsDecodingException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public YjsDecodingException() : base("Malformed Yjs data.")
    {
    }
}
