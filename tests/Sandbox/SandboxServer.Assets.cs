using System.Globalization;
using System.Security;
using System.Security.Cryptography;

namespace Pixelcut.Sandbox;

/// <summary>
/// The result host: the signed, expiring links a completed job's result_url points to, served as a CDN would. It knows
/// nothing of the API's key, rate limit or concurrency limit.
/// </summary>
public sealed partial class SandboxServer
{
    /// <summary>Bytes of a slow-body answer sent before the pause; fewer than any picture has.</summary>
    private const int SlowBodyHead = 256;

    private static readonly TimeSpan DropMidBodyGrace = TimeSpan.FromMilliseconds(100);

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
            return await ApplyAssetFaultAsync(context, job, route, fault);
        if (job == null || !IsCompleted(job)) return await NoSuchKey(context, route);
        if (route.Expires is not { } expires || expires < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return await Expired(context);
        await context.Response.Body.WriteAsync(StartPicture(context, job), context.RequestAborted);
        return 200;
    }

    private static bool IsCompleted(SandboxJob job)
    {
        lock (job) return job.Status == "completed";
    }

    /// <summary>
    /// Plays one scripted asset fault. Faults: 403 (the expired link's answer), 404, 500, redirect:URL, html-200,
    /// drop-mid-body, slow-body:MS, close.
    /// </summary>
    private static async Task<int> ApplyAssetFaultAsync(HttpContext context, SandboxJob job, AssetRoute route, string fault)
    {
        var (name, argument) = fault.IndexOf(':') is var colon and >= 0 ? (fault[..colon], fault[(colon + 1)..]) : (fault, "");
        switch (name)
        {
            case "403":
                return await Expired(context);
            case "404":
                return await NoSuchKey(context, route);
            case "500":
                return await Text(context, 500, "text/plain", "Internal Server Error");
            case "redirect":
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = argument;
                return 302;
            // html-200: a captive portal or filtering proxy answering in the picture's place, with a success status.
            case "html-200":
                return await Text(context, 200, "text/html",
                    "<html><head><title>Guest Wi-Fi</title></head><body><h1>Welcome to Guest Wi-Fi</h1>" +
                    "<p>Accept the terms of use to continue.</p><form method=\"post\" action=\"/login\"><button>Accept</button></form></body></html>");
            // drop-mid-body: the whole Content-Length promised, about half of it sent, then the connection cut. It is cut
            // with the orderly close: a reset can make the client's network stack throw away what already arrived.
            case "drop-mid-body":
            {
                var picture = StartPicture(context, job);
                await context.Response.Body.WriteAsync(picture.AsMemory(0, picture.Length / 2), context.RequestAborted);
                // Kestrel hands flushed bytes to the socket on its own schedule, and closing the socket under it throws
                // away what it has not sent yet, headers included; on loopback they are out well within this.
                await Task.Delay(DropMidBodyGrace, context.RequestAborted);
                await CloseGracefullyAsync(context);
                return 200;
            }
            // slow-body:MS: the first bytes, a pause, then the rest, as a congested link delivers a picture.
            case "slow-body":
            {
                var pause = int.Parse(argument, CultureInfo.InvariantCulture);
                var picture = StartPicture(context, job);
                var aborted = context.RequestAborted;
                try
                {
                    await context.Response.Body.WriteAsync(picture.AsMemory(0, SlowBodyHead), aborted);
                    await Task.Delay(pause, aborted);
                    await context.Response.Body.WriteAsync(picture.AsMemory(SlowBodyHead), aborted);
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    // The client gave up waiting; how far the body got is in the asset log.
                }
                return 200;
            }
            case "close":
                return await CloseGracefullyAsync(context);
            default:
                return await Text(context, 500, "text/plain", $"Unknown sandbox asset fault '{fault}'");
        }
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
