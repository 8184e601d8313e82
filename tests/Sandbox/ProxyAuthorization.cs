using System.Text;

namespace Pixelcut.Sandbox;

/// <summary>A request's Proxy-Authorization header, as the sandbox checks and logs it when it plays the forward proxy.</summary>
public static class ProxyAuthorization
{
    /// <summary>
    /// The scheme and, for Basic, the user name ("Basic corp-user"); null without the header. Only Basic names its user
    /// in a form that can be read here, and the password stays out of the log.
    /// </summary>
    public static string? Describe(string? header)
    {
        if (header == null) return null;
        var (scheme, token) = Split(header);
        return IsBasic(scheme) && DecodeBasic(token)?.Split(':', 2) is [var user, _] ? $"{scheme} {user}" : scheme;
    }

    /// <summary>True when the header is Basic with exactly this "user:password".</summary>
    public static bool Matches(string? header, string credential)
    {
        if (header == null) return false;
        var (scheme, token) = Split(header);
        return IsBasic(scheme) && DecodeBasic(token) == credential;
    }

    private static (string Scheme, string? Token) Split(string header)
    {
        var parts = header.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (parts.Length > 0 ? parts[0] : "", parts.Length > 1 ? parts[1] : null);
    }

    private static bool IsBasic(string scheme) => scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    // .NET encodes Basic credentials as UTF-8, the one charset RFC 7617 lets a server announce.
    private static string? DecodeBasic(string? token)
    {
        if (token == null) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
