using System.Diagnostics.CodeAnalysis;

namespace FaxGateway.Protocol.Frames;

/// <summary>The one exception the protocol layer raises for a malformed T.30 frame or field.</summary>
public sealed class T30FrameException : Exception
{
    public T30FrameException()
    {
    }

    public T30FrameException(string message)
        : base(message)
    {
    }

    public T30FrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [DoesNotReturn]
    internal static void Throw(string message) => throw new T30FrameException(message);
}
