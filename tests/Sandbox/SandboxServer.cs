using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Pixelcut.Sandbox;

/// <summary>
/// A local stand-in for the Pixelcut Try On API: the documented cancel and status contract,
/// scripted faults and timelines per job, a result host for completed jobs' pictures, and logs of what reached the wire.
/// Control endpoints live under /_sandbox.
/// </summary>
public sealed partial class SandboxServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxState state, Uri baseUri)
    {
        _app = app;
        State = state;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }
    public SandboxState State { get; }

    public static async Task<SandboxServer> StartAsync(SandboxOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        var app = builder.Build();
        var state = new SandboxState(options);
        MapControl(app, state);
        // The result host shares the API's address, so a link it hands out reaches it however the client reached the API.
        app.Map("{**path}", (HttpContext context) =>
            AssetRoute.Parse(context.Request.Method, RawTarget(context)) is { } asset
                ? HandleAssetAsync(context, state, asset)
                : HandleApiAsync(context, state));
        await app.StartAsync();
        var address = app.Urls.First();
        return new SandboxServer(app, state, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Status is the job's status when added; Timeline the changes it makes by itself after that; ResultUrl a result_url
    /// to answer in place of a fresh link to the result host; AssetFaults faults for requests to its asset; AssetBytes the
    /// size of its JPEG.
    /// </summary>
    public sealed record JobSetup(
        string Id, string? Status, string? ErrorCode, string[]? Faults, TimelineStep[]? Timeline, string? ResultUrl,
        string[]? AssetFaults, int? AssetBytes);
    /// <summary>A setting left out (null) keeps its value; an empty proxyCredential turns proxy authentication off.</summary>
    public sealed record Settings(
        int? LatencyMs, double? RateLimit, bool? SetCookies, string? ProxyCredential, int? ConcurrencyLimit, int? ResultUrlValiditySeconds);

    private static void MapControl(WebApplication app, SandboxState state)
    {
        app.MapPost("/_sandbox/reset", () => { state.Reset(); return Results.Ok(); });
        app.MapPost("/_sandbox/jobs", (JobSetup[] jobs) =>
        {
            // The JSON reader lets a missing status through as null, which no job should take on.
            if (jobs.Any(setup => setup.Timeline?.Any(step => step.Status == null) == true))
                return Results.BadRequest(new { error = "Every timeline step needs a status." });
            foreach (var setup in jobs)
            {
                var job = new SandboxJob
                {
                    Id = setup.Id, Status = setup.Status ?? "pending", ErrorCode = setup.ErrorCode, ResultUrl = setup.ResultUrl,
                    AssetBytes = setup.AssetBytes ?? 0,
                };
                foreach (var fault in setup.Faults ?? []) job.Faults.Enqueue(fault);
                foreach (var step in (setup.Timeline ?? []).OrderBy(step => step.AfterMs)) job.Timeline.Enqueue(step);
                foreach (var fault in setup.AssetFaults ?? []) job.AssetFaults.Enqueue(fault);
                state.Jobs[setup.Id] = job;
            }
            return Results.Ok(new { count = jobs.Length });
        });
        app.MapGet("/_sandbox/jobs", () => state.Jobs.Values.Select(job =>
        {
            job.Advance();
            return new
            {
                id = job.Id, status = job.Status, errorCode = job.ErrorCode, cancelCount = job.CancelCount, faultsLeft = job.Faults.Count,
                assetFaultsLeft = job.AssetFaults.Count,
            };
        }));
        app.MapGet("/_sandbox/log", () => state.Log.ToArray());
        app.MapGet("/_sandbox/asset-log", () => state.AssetLog.ToArray());
        app.MapGet("/_sandbox/stats", () => new { peakInFlight = state.PeakInFlight });
        app.MapPost("/_sandbox/settings", (Settings settings) =>
        {
            if (settings.LatencyMs.HasValue) state.Options.LatencyMs = settings.LatencyMs.Value;
            if (settings.RateLimit.HasValue) state.Options.RateLimit = settings.RateLimit.Value;
            if (settings.ConcurrencyLimit.HasValue) state.Options.ConcurrencyLimit = settings.ConcurrencyLimit.Value;
            if (settings.SetCookies.HasValue) state.Options.SetCookies = settings.SetCookies.Value;
            if (settings.ProxyCredential != null) state.Options.ProxyCredential = settings.ProxyCredential == "" ? null : settings.ProxyCredential;
            if (settings.ResultUrlValiditySeconds.HasValue) state.Options.ResultUrlValiditySeconds = settings.ResultUrlValiditySeconds.Value;
            return Results.Ok(state.Options);
        });
    }

    /// <summary>Everything outside /_sandbox is the API. The path is read raw, as it reached the wire.</summary>
    private static async Task HandleApiAsync(HttpContext context, SandboxState state)
    {
        var rawTarget = RawTarget(context);
        var route = ApiRoute.Parse(context.Request.Method, rawTarget);
        var keyAccepted = state.Options.Accepts(context.Request.Headers["X-API-KEY"].ToString());
        var hadCookie = context.Request.Headers.ContainsKey("Cookie");
        // CONNECT asks a proxy for a tunnel to an https API; absolute-form targets are plain http sent through it.
        var tunnel = HttpMethods.IsConnect(context.Request.Method);
        var viaProxy = ApiRoute.IsAbsoluteForm(rawTarget) || tunnel;
        var proxyAuthorization = ProxyAuthorization.Describe(ProxyAuthorizationHeader(context));
        // Every answer names itself, as API gateways do, so a client can quote it to support.
        var requestId = "req-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        context.Response.Headers["x-request-id"] = requestId;
        var body = new CountingStream(context.Response.BodyWriter);
        context.Response.Body = body;
        var status = 0;
        try
        {
            status = ProxyRefuses(context, state, viaProxy)
                ? await ProxyChallenge(context, "sandbox-proxy")
                : tunnel
                    // The sandbox speaks no TLS, so it can only refuse a tunnel it would have to carry.
                    ? await Text(context, 502, "text/plain", "The sandbox does not open tunnels.")
                    : await AnswerAsync(context, state, route);
        }
        finally
        {
            state.Log.Enqueue(new LogEntry(
                context.Request.Method, rawTarget, route.JobId, keyAccepted, hadCookie, viaProxy, proxyAuthorization,
                context.Request.Headers.UserAgent.ToString(), requestId, status, body.Written,
                DateTimeOffset.UtcNow));
        }
    }

    private static string RawTarget(HttpContext context) => context.Features.Get<IHttpRequestFeature>()!.RawTarget;

    /// <summary>
    /// The sandbox is the proxy as well as the API and the result host, and a proxy that wants credentials turns a request
    /// without them away before the server behind it sees it.
    /// </summary>
    private static bool ProxyRefuses(HttpContext context, SandboxState state, bool viaProxy) =>
        viaProxy && !string.IsNullOrEmpty(state.Options.ProxyCredential)
        && !ProxyAuthorization.Matches(ProxyAuthorizationHeader(context), state.Options.ProxyCredential);

    private static string? ProxyAuthorizationHeader(HttpContext context) =>
        context.Request.Headers.ProxyAuthorization is { Count: > 0 } header ? header.ToString() : null;

    /// <summary>Answers one API request and returns the status sent (0 when the connection was dropped).</summary>
    private static async Task<int> AnswerAsync(HttpContext context, SandboxState state, ApiRoute route)
    {
        // A session cookie on every answer, errors included, as API gateways and load balancers hand out.
        if (state.Options.SetCookies)
            context.Response.Headers.SetCookie = $"pixelcut_session={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}; Path=/";
        var aborted = context.RequestAborted;
        // The account's limits are kept at the door, as a gateway does: the rate by when a request arrives, and the
        // requests in flight (the API's 429 text, "too much concurrency", suggests it has such a limit) from then on.
        if (!state.TryTakeRateToken())
            return await Error(context, 429, "Too many requests", "rate_limit_exceeded");
        using var inFlight = state.EnterFlight();
        if (inFlight.OverLimit)
            return await Error(context, 429, "Too much concurrency", "rate_limit_exceeded");
        if (state.Options.LatencyMs > 0) await Task.Delay(state.Options.LatencyMs, aborted);

        var key = context.Request.Headers["X-API-KEY"].ToString();
        if (key == state.Options.NoCreditsKey)
            return await Error(context, 403, "Insufficient API credits", "insufficient_api_credits");
        if (!state.Options.Accepts(key))
            return await Error(context, 401, "API Token not found", "invalid_auth_token");

        if (route.Kind == ApiRouteKind.Unknown)
            return await Error(context, 404, "No such route", "route_not_found");

        var job = state.Find(route.JobId!);
        if (job == null) return await Error(context, 404, "Job not found", "not_found");
        job.Advance();

        if (job.Faults.TryDequeue(out var fault))
        {
            var faulted = await ApplyFaultAsync(context, job, route, fault);
            if (faulted.HasValue) return faulted.Value;
        }

        return route.Kind == ApiRouteKind.Cancel ? await CancelAsync(context, job) : await StatusAsync(context, state, job);
    }

    /// <summary>
    /// Plays one scripted fault; null when the normal answer follows. Faults: 429, 429-retry-after:S,
    /// 429-retry-after-date:S, 400, 500, 503, 502-html, malformed, drop, cancel-then-drop, slow:MS, cancel-then-delay:MS, close,
    /// cancel-then-close, bad-charset, huge[:MiB], 204, empty-200, control-chars[:STATUS], control-chars-raw[:STATUS],
    /// control-chars-status, 403-html, 403-code:CODE, 407, other-job, bad-status-line.
    /// </summary>
    private static async Task<int?> ApplyFaultAsync(HttpContext context, SandboxJob job, ApiRoute route, string fault)
    {
        var (name, argument) = fault.IndexOf(':') is var colon and >= 0 ? (fault[..colon], fault[(colon + 1)..]) : (fault, "");
        switch (name)
        {
            case "429":
                return await Error(context, 429, "Too many requests", "rate_limit_exceeded");
            case "429-retry-after":
                context.Response.Headers.RetryAfter = argument;
                return await Error(context, 429, "Too many requests", "rate_limit_exceeded");
            case "429-retry-after-date":
                context.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(int.Parse(argument)).ToString("R", CultureInfo.InvariantCulture);
                return await Error(context, 429, "Too many requests", "rate_limit_exceeded");
            case "400":
                return await Error(context, 400, "Invalid parameter", "invalid_parameter");
            case "500":
                return await Text(context, 500, "text/plain", "Internal service error");
            case "503":
                return await Error(context, 503, "Service unavailable", "service_unavailable");
            case "502-html":
                return await Text(context, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");
            case "malformed":
                return await Text(context, 200, "application/json", "{\"message\": \"Job canc");
            case "drop":
                context.Abort();
                return 0;
            case "cancel-then-drop":
                if (route.Kind == ApiRouteKind.Cancel) Cancel(job);
                context.Abort();
                return 0;
            case "slow":
                await Task.Delay(int.Parse(argument), context.RequestAborted);
                return null;
            // cancel-then-delay:MS: the cancel takes effect, then the answer waits MS milliseconds, longer than a gateway
            // in front waits for it; a gateway that gives up first answers 504 for a cancel that was applied.
            case "cancel-then-delay":
                if (route.Kind == ApiRouteKind.Cancel) Cancel(job);
                try
                {
                    await Task.Delay(int.Parse(argument, CultureInfo.InvariantCulture), context.RequestAborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    // The gateway gave up and closed the connection; nothing is left to answer.
                    return 0;
                }
                return null;
            // close: an orderly close (FIN) with no answer at all, as a load balancer ends a draining keep-alive connection.
            // bad-status-line: bytes that are not HTTP, written straight to the socket, with an escape sequence in them.
            case "bad-status-line":
                return await RawAnswerAsync(context, "HTTP/1.1 2x0 \u001b[2JNope\r\nContent-Length: 0\r\n\r\n");
            case "close":
                return await CloseGracefullyAsync(context);
            // cancel-then-close: the cancel takes effect, then the orderly close; a client that re-sends finds the job finished.
            case "cancel-then-close":
                if (route.Kind == ApiRouteKind.Cancel) Cancel(job);
                return await CloseGracefullyAsync(context);
            // bad-charset: the normal answer, labelled with a charset no decoder knows.
            case "bad-charset":
                context.Response.OnStarting(() =>
                {
                    context.Response.ContentType = "application/json; charset=no-such-charset";
                    return Task.CompletedTask;
                });
                return null;
            // huge[:MiB]: a 200 JSON body far larger than any real answer (64 MiB unless told), streamed until the client leaves.
            case "huge":
                return await HugeAsync(context, argument == "" ? 64 : int.Parse(argument, CultureInfo.InvariantCulture));
            // 204: the cancel takes effect and the answer has no body; on status, a bare 204.
            case "204":
                if (route.Kind == ApiRouteKind.Cancel) Cancel(job);
                context.Response.StatusCode = 204;
                return 204;
            // empty-200: the cancel takes effect and the 200 has neither body nor Content-Type; on status, the same bare 200.
            case "empty-200":
                if (route.Kind == ApiRouteKind.Cancel) Cancel(job);
                context.Response.StatusCode = 200;
                return 200;
            // control-chars[:STATUS]: an error (409 unless told) whose text would drive a terminal; valid JSON, escaped.
            case "control-chars":
                return await Error(context, StatusOr409(argument), ControlCharsError, ControlCharsCode);
            // control-chars-raw[:STATUS]: the same text with the raw control bytes in the body, which is then not valid JSON.
            case "control-chars-raw":
                return await Text(context, StatusOr409(argument), "application/json",
                    $"{{\"error\": \"{ControlCharsError}\", \"error_code\": \"{ControlCharsCode}\"}}");
            // control-chars-status: a 200 status answer with terminal sequences in every string the client might print.
            case "control-chars-status":
                return await Json(context, 200, new
                {
                    job_id = job.Id, status = "running\u001b[31m",
                    result_url = $"https://assets.example.test/{Uri.EscapeDataString(job.Id)}.jpg\u001b]0;pwned\u0007",
                    error = new { message = "\u001b[2JJob processing failed\u0007", error_code = "job_failed\u001b[0m" },
                });
            // 403-html: a web application firewall's block page rather than the API's JSON.
            case "403-html":
                return await Text(context, 403, "text/html",
                    "<html><body><h1>403 Forbidden</h1><p>Request blocked by the web application firewall.</p></body></html>");
            // 403-code:CODE: the API's JSON 403 with an error_code the client may not know.
            case "403-code":
                return await Error(context, 403, "Forbidden", argument);
            // 407: a corporate proxy between client and API wants credentials.
            case "407":
                return await ProxyChallenge(context, "corp-proxy");
            // other-job: a 200 status answer for a job that was not asked about, as a mixed-up cache would give.
            case "other-job":
                return await Json(context, 200, new { job_id = job.Id + "-other", status = "pending" });
            default:
                return await Text(context, 500, "text/plain", $"Unknown sandbox fault '{fault}'");
        }
    }

    // ESC[2J clears the screen, ESC]0;…BEL retitles the terminal, and U+009B is the one-character C1 form of ESC[.
    private const string ControlCharsError = "\u001b[2J\u001b]0;pwned\u0007Job has already finished\u0007 and cannot be canceled\u009b31m";
    private const string ControlCharsCode = "job_finished\u001b[0m";

    private static int StatusOr409(string argument) => argument == "" ? 409 : int.Parse(argument, CultureInfo.InvariantCulture);

    /// <summary>Sends FIN and no response byte, then lets Kestrel drop the connection.</summary>
    private static async Task<int> CloseGracefullyAsync(HttpContext context)
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket != null)
        {
            socket.Shutdown(SocketShutdown.Send);
            // Kestrel aborts with a zero linger, which resets a connection the client still holds open. A client that reads
            // an unanswered end of stream closes its side at once, and a connection closed both ways has nothing to reset,
            // so wait for that; one that never closes is reset after a while.
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client closed its side.
            }
        }
        context.Abort();
        return 0;
    }

    /// <summary>Writes bytes to the socket as the whole answer, past Kestrel, then closes the connection.</summary>
    private static async Task<int> RawAnswerAsync(HttpContext context, string answer)
    {
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket == null) throw new InvalidOperationException("bad-status-line needs Kestrel's socket transport.");
        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(answer), SocketFlags.None);
        return await CloseGracefullyAsync(context);
    }

    private static async Task<int> HugeAsync(HttpContext context, int mebibytes)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var body = (CountingStream)context.Response.Body;
        var aborted = context.RequestAborted;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        bool Open() => !body.ClientGone && !aborted.IsCancellationRequested;
        try
        {
            await body.WriteAsync("{\"message\": \""u8.ToArray(), aborted);
            for (var left = mebibytes * 1024L * 1024L; left > 0 && Open(); left -= chunk.Length)
                await body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)), aborted);
            if (Open()) await body.WriteAsync("\"}"u8.ToArray(), aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client stopped reading and left; how far the body got is in the log.
        }
        return 200;
    }

    private static bool Cancel(SandboxJob job)
    {
        lock (job)
        {
            if (job.Status is not ("pending" or "running")) return false;
            job.Status = "failed";
            job.ErrorCode = "job_cancelled";
            job.CancelCount++;
            job.Timeline.Clear();
            return true;
        }
    }

    private static Task<int> CancelAsync(HttpContext context, SandboxJob job) =>
        Cancel(job)
            ? Json(context, 200, new { message = "Job cancelled" })
            : Error(context, 409, "Job has already finished and cannot be canceled", "job_finished");

    private static Task<int> StatusAsync(HttpContext context, SandboxState state, SandboxJob job)
    {
        lock (job)
        {
            object body = job.Status switch
            {
                "completed" => new { job_id = job.Id, status = job.Status, result_url = job.ResultUrl ?? AssetUrl(context, state, job.Id) },
                "failed" => new
                {
                    job_id = job.Id, status = job.Status,
                    error = new { message = job.ErrorCode == "job_cancelled" ? "Job was cancelled" : "Job processing failed", error_code = job.ErrorCode },
                },
                _ => new { job_id = job.Id, status = job.Status },
            };
            return Json(context, 200, body);
        }
    }

    private static Task<int> ProxyChallenge(HttpContext context, string realm)
    {
        context.Response.Headers.ProxyAuthenticate = $"Basic realm=\"{realm}\"";
        return Text(context, 407, "text/html", "<html><body><h1>407 Proxy Authentication Required</h1></body></html>");
    }

    private static Task<int> Error(HttpContext context, int status, string message, string code) =>
        Json(context, status, new { error = message, error_code = code });

    private static async Task<int> Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(body, JsonOptions);
        return status;
    }

    private static async Task<int> Text(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
        return status;
    }
}
