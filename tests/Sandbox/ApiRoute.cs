namespace Pixelcut.Sandbox;

public enum ApiRouteKind { Unknown, Status, Cancel }

/// <summary>The API's two job routes, read from the raw request target so an escaped id stays one segment.</summary>
public sealed record ApiRoute(ApiRouteKind Kind, string? JobId)
{
    public static ApiRoute Parse(string method, string rawTarget)
    {
        var path = rawTarget.Split('?', 2)[0];
        var segments = path.Split('/');
        // "", "v1", "try-on", "job", {id}[, "cancel"]
        if (segments.Length < 5 || segments[0] != "" || segments[1] != "v1" || segments[2] != "try-on" || segments[3] != "job")
            return new ApiRoute(ApiRouteKind.Unknown, null);
        var jobId = Uri.UnescapeDataString(segments[4]);
        if (segments.Length == 5 && method == "GET") return new ApiRoute(ApiRouteKind.Status, jobId);
        if (segments.Length == 6 && segments[5] == "cancel" && method == "POST") return new ApiRoute(ApiRouteKind.Cancel, jobId);
        return new ApiRoute(ApiRouteKind.Unknown, null);
    }
}
