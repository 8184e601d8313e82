namespace Pixelcut.Sandbox;

public enum ApiRouteKind { Unknown, Status, Cancel, Submit, Credits }

/// <summary>The API's routes: submit, credits and the two job routes, read from the raw request target so an escaped id stays one segment.</summary>
public sealed record ApiRoute(ApiRouteKind Kind, string? JobId)
{
    public static ApiRoute Parse(string method, string rawTarget)
    {
        var path = OriginForm(rawTarget).Split('?', 2)[0];
        if (path == "/v1/try-on" && method == "POST") return new ApiRoute(ApiRouteKind.Submit, null);
        if (path == "/v1/credits" && method == "GET") return new ApiRoute(ApiRouteKind.Credits, null);
        var segments = path.Split('/');
        // "", "v1", "try-on", "job", {id}[, "cancel"]
        if (segments.Length < 5 || segments[0] != "" || segments[1] != "v1" || segments[2] != "try-on" || segments[3] != "job")
            return new ApiRoute(ApiRouteKind.Unknown, null);
        var jobId = Uri.UnescapeDataString(segments[4]);
        if (segments.Length == 5 && method == "GET") return new ApiRoute(ApiRouteKind.Status, jobId);
        if (segments.Length == 6 && segments[5] == "cancel" && method == "POST") return new ApiRoute(ApiRouteKind.Cancel, jobId);
        return new ApiRoute(ApiRouteKind.Unknown, null);
    }

    /// <summary>
    /// A client sends a forward proxy the whole URL ("http://host:port/path?query"), and Kestrel hands such a target to the
    /// app as it came; it accepts only the lowercase http and https schemes there and answers any other 400 itself.
    /// </summary>
    public static bool IsAbsoluteForm(string rawTarget) =>
        rawTarget.StartsWith("http://", StringComparison.Ordinal) || rawTarget.StartsWith("https://", StringComparison.Ordinal);

    /// <summary>The target as the client would have sent it to the API directly, still escaped.</summary>
    internal static string OriginForm(string rawTarget)
    {
        if (!IsAbsoluteForm(rawTarget)) return rawTarget;
        var pathStart = rawTarget.IndexOfAny(['/', '?'], rawTarget.IndexOf("://", StringComparison.Ordinal) + 3);
        // An absolute URL may end at its authority or go straight to its query; its path is then "/".
        return pathStart < 0 ? "/" : rawTarget[pathStart] == '?' ? "/" + rawTarget[pathStart..] : rawTarget[pathStart..];
    }
}
