using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Pixelcut.Sandbox.RateLimiting;

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
    /// size of its JPEG. Faults and AssetFaults are named in <see cref="ApiFaults"/> and <see cref="AssetFaults"/>.
    /// </summary>
    public sealed record JobSetup(
        string Id, string? Status, string? ErrorCode, string[]? Faults, TimelineStep[]? Timeline, string? ResultUrl,
        string[]? AssetFaults, int? AssetBytes);
    /// <summary>
    /// A setting left out (null) keeps its value; an empty proxyCredential turns proxy authentication off. Credits sets the
    /// credits left; the submit fault mix starts its draws over from its seed whenever any of its three settings is given.
    /// </summary>
    public sealed record Settings(
        int? LatencyMs, double? RateLimit, bool? SetCookies, string? ProxyCredential, int? ConcurrencyLimit, int? ResultUrlValiditySeconds,
        int? SubmitStatus, int? SubmitPendingMs, int? SubmitRunningMs, long? Credits, bool? CreditsAsString, string[]? SubmitFaultMix,
        double? SubmitFaultShare, int? SubmitFaultSeed, string? RateLimiter, double? RateLimitBurst, string? RateLimitHeaders);

    /// <summary>Faults for the submits of the person image named by its URL or, for a file part, its file name.</summary>
    public sealed record SubmitFaultSetup(string? PersonImage, string[]? Faults);

    private static void MapControl(WebApplication app, SandboxState state)
    {
        app.MapPost("/_sandbox/reset", () => { state.Reset(); return Results.Ok(); });
        app.MapPost("/_sandbox/jobs", (JobSetup[] jobs) =>
        {
            // The JSON reader lets a missing status through as null, which no job should take on.
            if (jobs.Any(setup => setup.Timeline?.Any(step => step.Status == null) == true))
                return Results.BadRequest(new { error = "Every timeline step needs a status." });
            // A fault is checked when its job is added, so a misspelt one fails the test that wrote it, not a request later.
            if (jobs.Select(RefuseFaults).OfType<string>().FirstOrDefault() is { } refusal)
                return Results.BadRequest(new { error = refusal });
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
        app.MapPost("/_sandbox/submit-faults", (SubmitFaultSetup setup) =>
        {
            if (string.IsNullOrEmpty(setup.PersonImage)) return Results.BadRequest(new { error = "A submit fault needs the person image it is for." });
            if (RefuseSubmitFaults(setup.Faults ?? []) is { } refusal) return Results.BadRequest(new { error = refusal });
            state.Submits.Script(setup.PersonImage, setup.Faults ?? []);
            return Results.Ok(new { count = setup.Faults?.Length ?? 0 });
        });
        app.MapGet("/_sandbox/submissions", () => state.Submits.Submissions.Values.OrderBy(submission => submission.Sequence).Select(submission =>
        {
            lock (submission)
            {
                return new
                {
                    personImage = submission.PersonImage, garmentImage = submission.GarmentImage, created = submission.JobIds.Count,
                    jobIds = submission.JobIds.ToArray(),
                };
            }
        }).ToArray());
        app.MapGet("/_sandbox/faults", () => AllFaults.ToArray());
        app.MapGet("/_sandbox/log", () => state.Log.ToArray());
        app.MapGet("/_sandbox/asset-log", () => state.AssetLog.ToArray());
        app.MapGet("/_sandbox/stats", () =>
        {
            var log = state.Log.ToArray();
            return new
            {
                peakInFlight = state.PeakInFlight,
                tooManyRequests = new
                {
                    rate = log.Count(entry => entry.RefusedBy == LogNotes.RefusedByRate),
                    concurrency = log.Count(entry => entry.RefusedBy == LogNotes.RefusedByConcurrency),
                    fault = log.Count(entry => entry.Status == 429 && entry.RefusedBy == null),
                },
            };
        });
        app.MapPost("/_sandbox/settings", (Settings settings) =>
        {
            if (settings.SubmitStatus is not (null or 200 or 202)) return Results.BadRequest(new { error = "submitStatus is 200 or 202." });
            if (settings.SubmitFaultShare is < 0 or > 1) return Results.BadRequest(new { error = "submitFaultShare is from 0 to 1." });
            if (RefuseSubmitFaults(settings.SubmitFaultMix ?? []) is { } refusal) return Results.BadRequest(new { error = refusal });
            if (settings.RateLimiter is { } limiter && !RateLimiterCatalog.Knows(limiter))
                return Results.BadRequest(new { error = $"Unknown rate limiter '{limiter}'. Rate limiters: {string.Join(", ", RateLimiterCatalog.Names)}." });
            if (settings.RateLimitHeaders is { } headers && !RateLimitHeaders.Styles.Contains(headers))
                return Results.BadRequest(new { error = $"Unknown rate limit headers '{headers}'. Rate limit headers: {string.Join(", ", RateLimitHeaders.Styles)}." });
            if (settings.RateLimitBurst is < 0) return Results.BadRequest(new { error = "rateLimitBurst is 0 or more." });
            if (settings.LatencyMs.HasValue) state.Options.LatencyMs = settings.LatencyMs.Value;
            if (settings.RateLimit.HasValue) state.Options.RateLimit = settings.RateLimit.Value;
            if (settings.RateLimiter != null) state.Options.RateLimiter = settings.RateLimiter;
            if (settings.RateLimitBurst.HasValue) state.Options.RateLimitBurst = settings.RateLimitBurst.Value;
            if (settings.RateLimitHeaders != null) state.Options.RateLimitHeaders = settings.RateLimitHeaders;
            state.ApplyRateLimitSettings();
            if (settings.ConcurrencyLimit.HasValue) state.Options.ConcurrencyLimit = settings.ConcurrencyLimit.Value;
            if (settings.SetCookies.HasValue) state.Options.SetCookies = settings.SetCookies.Value;
            if (settings.ProxyCredential != null) state.Options.ProxyCredential = settings.ProxyCredential == "" ? null : settings.ProxyCredential;
            if (settings.ResultUrlValiditySeconds.HasValue) state.Options.ResultUrlValiditySeconds = settings.ResultUrlValiditySeconds.Value;
            if (settings.SubmitStatus.HasValue) state.Options.SubmitStatus = settings.SubmitStatus.Value;
            if (settings.SubmitPendingMs.HasValue) state.Options.SubmitPendingMs = settings.SubmitPendingMs.Value;
            if (settings.SubmitRunningMs.HasValue) state.Options.SubmitRunningMs = settings.SubmitRunningMs.Value;
            if (settings.Credits.HasValue) state.Submits.Credits = settings.Credits.Value;
            if (settings.CreditsAsString.HasValue) state.Options.CreditsAsString = settings.CreditsAsString.Value;
            if (settings.SubmitFaultMix != null) state.Options.SubmitFaultMix = settings.SubmitFaultMix;
            if (settings.SubmitFaultShare.HasValue) state.Options.SubmitFaultShare = settings.SubmitFaultShare.Value;
            if (settings.SubmitFaultSeed.HasValue) state.Options.SubmitFaultSeed = settings.SubmitFaultSeed.Value;
            if (settings.SubmitFaultMix != null || settings.SubmitFaultShare.HasValue || settings.SubmitFaultSeed.HasValue) state.Submits.Reseed();
            return Results.Ok(state.Options);
        });
    }

    /// <summary>Everything outside /_sandbox is the API. The path is read raw, as it reached the wire.</summary>
    private static async Task HandleApiAsync(HttpContext context, SandboxState state)
    {
        var arrivedAt = state.Clock.Now;
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
        var notes = new LogNotes { JobId = route.JobId };
        try
        {
            status = ProxyRefuses(context, state, viaProxy)
                ? await ProxyChallenge(context, "sandbox-proxy")
                : tunnel
                    // The sandbox speaks no TLS, so it can only refuse a tunnel it would have to carry.
                    ? await Text(context, 502, "text/plain", "The sandbox does not open tunnels.")
                    : await AnswerAsync(context, state, route, arrivedAt, notes);
        }
        finally
        {
            state.Log.Enqueue(new LogEntry(
                context.Request.Method, rawTarget, notes.JobId, keyAccepted, hadCookie, viaProxy, proxyAuthorization,
                context.Request.Headers.UserAgent.ToString(), requestId, status, body.Written, notes.Fault, notes.Submit,
                DateTimeOffset.UtcNow, SandboxClock.Format(arrivedAt), notes.RefusedBy, context.Connection.Id));
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
    private static async Task<int> AnswerAsync(HttpContext context, SandboxState state, ApiRoute route, TimeSpan arrivedAt, LogNotes notes)
    {
        // A session cookie on every answer, errors included, as API gateways and load balancers hand out.
        if (state.Options.SetCookies)
            context.Response.Headers.SetCookie = $"pixelcut_session={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}; Path=/";
        var aborted = context.RequestAborted;
        // The account's limits are kept at the door, as a gateway does: the rate by when a request arrives, and the
        // requests in flight (the API's 429 text, "too much concurrency", suggests it has such a limit) from then on.
        var headerStyle = state.Options.RateLimitHeaders;
        if (state.DecideRate(arrivedAt) is { } rate)
        {
            RateLimitHeaders.WriteRate(context.Response.Headers, headerStyle, rate);
            if (!rate.Allowed)
            {
                notes.RefusedBy = LogNotes.RefusedByRate;
                return await Error(context, 429, "Too many requests", "rate_limit_exceeded");
            }
        }
        using var inFlight = state.EnterFlight();
        if (inFlight.OverLimit)
        {
            RateLimitHeaders.WriteConcurrencyRefusal(context.Response.Headers, headerStyle, state.Options.ConcurrencyLimit);
            notes.RefusedBy = LogNotes.RefusedByConcurrency;
            return await Error(context, 429, "Too much concurrency", "rate_limit_exceeded");
        }
        if (state.Options.LatencyMs > 0) await Task.Delay(state.Options.LatencyMs, aborted);

        var key = context.Request.Headers["X-API-KEY"].ToString();
        if (key == state.Options.NoCreditsKey)
        {
            // The account is known, so it may read what it has left: nothing.
            return route.Kind == ApiRouteKind.Credits
                ? await CreditsAsync(context, state, 0)
                : await Error(context, 403, "Insufficient API credits", "insufficient_api_credits");
        }
        if (!state.Options.Accepts(key))
            return await Error(context, 401, "API Token not found", "invalid_auth_token");

        switch (route.Kind)
        {
            case ApiRouteKind.Unknown: return await Error(context, 404, "No such route", "route_not_found");
            case ApiRouteKind.Submit: return await SubmitAsync(context, state, notes);
            case ApiRouteKind.Credits: return await CreditsAsync(context, state, state.Submits.Credits);
        }

        var job = state.Find(route.JobId!);
        if (job == null) return await Error(context, 404, "Job not found", "not_found");
        job.Advance();

        if (job.Faults.TryDequeue(out var fault))
        {
            notes.Fault = fault;
            var faulted = await PlayFaultAsync(ApiFaults, fault, context, argument => new FaultPlay<ApiRoute>(context, job, route, argument));
            if (faulted.HasValue) return faulted.Value;
        }

        return route.Kind == ApiRouteKind.Cancel ? await CancelAsync(context, job) : await StatusAsync(context, state, job);
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
