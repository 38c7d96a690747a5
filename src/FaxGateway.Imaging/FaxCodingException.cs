using System.Diagnostics.CodeAnalysis;

namespace FaxGateway.Imaging;

/// <summary>The one exception the imaging layer raises for coded data or TIFF files it cannot decode.</summary>
public sealed class FaxCodingException : Exception
{
    public FaxCodingException()
    {
    }

    public FaxCodingException(string message)
        : base(message)
    {
    }

    public FaxCodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Throw helpers kept out of hot loops so the JIT keeps the callers small.</summary>
internal static class FaxThrow
{
    [DoesNotReturn]
    public static void Coding(string message) => throw new FaxCodingException(message);

    [DoesNotReturn]
    public static void Coding(string message, Exception inner) => throw new FaxCodingException(message, inner);

    [DoesNotReturn]
    public static T Coding<T>(string message) => throw new FaxCodingException(message);
}
