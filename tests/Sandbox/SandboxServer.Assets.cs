using System.Security;
using System.Security.Cryptography;

namespace Pixelcut.Sandbox;

/// <summary>
/// The result host: the signed, expiring links a completed job's result_url points to, served as a CDN would. It knows
/// nothing of the API's key, rate limit or concurrency limit.
/// </summary>
public sealed partial class SandboxServer
{
    /// <summary>
    /// A fresh link to the job's picture, valid for the configured time, on the host the request came to: the sandbox
    /// itself, whether the client reached it directly or through it as a proxy, or the TLS-terminating reverse proxy in
    /// front of it, which names the scheme the client used in X-Forwarded-Proto and passes the client's Host on. The
    /// sandbox listens on loopback only, so whoever sets the header is a proxy the test started.
    /// </summary>
    private static string AssetUrl(HttpContext context, SandboxState state, string jobId)
    {
        var expires = DateTimeOffset.UtcNow.AddSeconds(state.Options.ResultUrlValiditySeconds).ToUnixTimeSeconds();
        var forwarded = context.Request.Headers["X-Forwarded-Proto"].ToString();
        var scheme = forwarded is "https" or "http" ? forwarded : context.Request.Scheme;
        return $"{scheme}://{context.Request.Host}/assets/{Uri.EscapeDataString(jobId)}.jpg?expires={expires}";
    }

    private static async Task HandleAssetAsync(HttpContext context, SandboxState state, AssetRoute route)
    {
        var rawTarget = RawTarget(context);
        var headers = context.Request.Headers;
        var viaProxy = ApiRoute.IsAbsoluteForm(rawTarget);
        var body = new CountingStream(context.Response.BodyWriter);
        context.Response.Body = body;
        var status = 0;
        try
        {
            status = ProxyRefuses(context, state, viaProxy)
                ? await ProxyChallenge(context, "sandbox-proxy")
                : await AnswerAssetAsync(context, state, route);
        }
        finally
        {
            state.AssetLog.Enqueue(new AssetLogEntry(
                context.Request.Method, rawTarget, route.JobId, headers.ContainsKey("X-API-KEY"), headers.ContainsKey("Cookie"),
                headers.ContainsKey("Authorization"), viaProxy, headers.UserAgent.ToString(), status, body.Written,
                DateTimeOffset.UtcNow));
        }
    }

    /// <summary>Answers one asset request and returns the status sent (0 when the connection was dropped).</summary>
    private static async Task<int> AnswerAssetAsync(HttpContext context, SandboxState state, AssetRoute route)
    {
        // CDNs set their own cookies too; a client that sends one back to the result host, or to the API, is keeping a jar.
        if (state.Options.SetCookies)
            context.Response.Headers.SetCookie = $"cdn_session={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}; Path=/";
        // Only jobs that were added have pictures; the auto- jobs the API invents stay pending.
        var job = state.Jobs.GetValueOrDefault(route.JobId);
        job?.Advance();
        if (job != null && job.AssetFaults.TryDequeue(out var fault))
        {
            var faulted = await PlayFaultAsync(AssetFaults, fault, context, argument => new FaultPlay<AssetRoute>(context, job, route, argument));
            if (faulted.HasValue) return faulted.Value;
        }
        if (job == null || !IsCompleted(job)) return await NoSuchKey(context, route);
        if (route.Expires is not { } expires || expires < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return await Expired(context);
        await context.Response.Body.WriteAsync(StartPicture(context, job), context.RequestAborted);
        return 200;
    }

    private static bool IsCompleted(SandboxJob job)
    {
        lock (job) return job.Status == "completed";
    }

    /// <summary>Sets the headers of a 200 with the job's picture and returns the picture, for the caller to send.</summary>
    private static byte[] StartPicture(HttpContext context, SandboxJob job)
    {
        var picture = AssetImage.OfSize(job.AssetBytes);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = picture.Length;
        return picture;
    }

    // The result host answers errors as S3 does, in XML.
    private static Task<int> NoSuchKey(HttpContext context, AssetRoute route) =>
        Text(context, 404, "application/xml",
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>" +
            $"<Key>assets/{SecurityElement.Escape(route.JobId)}.jpg</Key></Error>");

    private static Task<int> Expired(HttpContext context) =>
        Text(context, 403, "application/xml", "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
}
