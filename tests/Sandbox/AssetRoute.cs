using System.Globalization;

namespace Pixelcut.Sandbox;

/// <summary>
/// A download from the result host, GET /assets/{id}.jpg?expires={unix seconds}, read from the raw target so an escaped id
/// stays one segment. Expires is null when the link has none or it is not a number.
/// </summary>
public sealed record AssetRoute(string JobId, long? Expires)
{
    private const string Prefix = "/assets/";
    private const string Suffix = ".jpg";

    /// <summary>The asset a request asks for, or null when it is not a download from the result host.</summary>
    public static AssetRoute? Parse(string method, string rawTarget)
    {
        if (!HttpMethods.IsGet(method)) return null;
        var parts = ApiRoute.OriginForm(rawTarget).Split('?', 2);
        var path = parts[0];
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal)) return null;
        var name = path[Prefix.Length..^Suffix.Length];
        if (name.Length == 0 || name.Contains('/')) return null;
        var expires = parts.Length > 1 ? ReadExpires(parts[1]) : null;
        return new AssetRoute(Uri.UnescapeDataString(name), expires);
    }

    private static long? ReadExpires(string query)
    {
        foreach (var parameter in query.Split('&'))
        {
            if (parameter.StartsWith("expires=", StringComparison.Ordinal))
                return long.TryParse(parameter["expires=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        return null;
    }
}
