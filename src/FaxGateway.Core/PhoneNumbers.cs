using System.Diagnostics.CodeAnalysis;

namespace FaxGateway.Core;

/// <summary>Fax number syntax: E.164 (<c>+</c> and 3 to 15 digits) or a local dial string of digits.</summary>
public static class PhoneNumbers
{
    private const int MaxDigits = 20;

    /// <summary>
    /// Removes the usual formatting (spaces, dashes, dots, parentheses) and checks what is left:
    /// an optional leading <c>+</c> then digits only (3..15 after a <c>+</c>, 2..20 without).
    /// </summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[text.Length];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '-' or '.' or '(' or ')')
            {
                continue;
            }

            if (c == '+' && length == 0)
            {
                buffer[length++] = c;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            buffer[length++] = c;
        }

        var international = length > 0 && buffer[0] == '+';
        var digits = international ? length - 1 : length;
        if (international ? digits is < 3 or > 15 : digits is < 2 or > MaxDigits)
        {
            return false;
        }

        normalized = new string(buffer[..length]);
        return true;
    }
}
