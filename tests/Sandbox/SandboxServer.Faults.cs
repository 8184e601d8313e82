using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace Pixelcut.Sandbox;

/// <summary>
/// The scripted faults, one table per kind: a job plays its faults one per request, in order. These tables are the only list
/// of faults; POST /_sandbox/jobs refuses a name not in them and GET /_sandbox/faults answers them.
/// </summary>
public sealed partial class SandboxServer
{
    /// <summary>Faults for a job's API requests, status and cancel alike.</summary>
    public static FaultTable<FaultPlay<ApiRoute>> ApiFaults { get; } = new("api")
    {
        { "429", "429 Too many requests (rate_limit_exceeded).", p => Error(p.Context, 429, "Too many requests", "rate_limit_exceeded").AsFault() },
        {
            "429-retry-after:S", "The 429 with Retry-After: S, as given.", p =>
            {
                p.Context.Response.Headers.RetryAfter = p.Argument;
                return Error(p.Context, 429, "Too many requests", "rate_limit_exceeded").AsFault();
            }
        },
        {
            "429-retry-after-date:S", "The 429 with Retry-After as the HTTP-date S seconds from now.", p =>
            {
                p.Context.Response.Headers.RetryAfter =
                    DateTimeOffset.UtcNow.AddSeconds(int.Parse(p.Argument)).ToString("R", CultureInfo.InvariantCulture);
                return Error(p.Context, 429, "Too many requests", "rate_limit_exceeded").AsFault();
            }
        },
        { "400", "400 Invalid parameter (invalid_parameter).", p => Error(p.Context, 400, "Invalid parameter", "invalid_parameter").AsFault() },
        { "500", "500 in plain text: Internal service error.", p => Text(p.Context, 500, "text/plain", "Internal service error").AsFault() },
        { "503", "503 Service unavailable (service_unavailable).", p => Error(p.Context, 503, "Service unavailable", "service_unavailable").AsFault() },
        {
            "502-html", "A gateway's 502 Bad Gateway page in HTML.",
            p => Text(p.Context, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>").AsFault()
        },
        { "malformed", "200 with JSON cut off mid-string.", p => Text(p.Context, 200, "application/json", "{\"message\": \"Job canc").AsFault() },
        { "drop", "The connection is aborted, with no answer.", p => Abort(p.Context).AsFault() },
        {
            "cancel-then-drop", "A cancel takes effect, then the connection is aborted with no answer; on status, drop.", p =>
            {
                CancelOnCancelRoute(p);
                return Abort(p.Context).AsFault();
            }
        },
        {
            "slow:MS", "The normal answer, MS milliseconds late.", async p =>
            {
                await Task.Delay(int.Parse(p.Argument), p.Context.RequestAborted);
                return null;
            }
        },
        {
            "cancel-then-delay:MS",
            "A cancel takes effect, then its answer waits MS milliseconds, longer than a gateway in front waits; one that gives up first answers 504 for a cancel that was applied.",
            async p =>
            {
                CancelOnCancelRoute(p);
                try
                {
                    await Task.Delay(int.Parse(p.Argument, CultureInfo.InvariantCulture), p.Context.RequestAborted);
                }
                catch (OperationCanceledException) when (p.Context.RequestAborted.IsCancellationRequested)
                {
                    // The gateway gave up and closed the connection; nothing is left to answer.
                    return 0;
                }
                return null;
            }
        },
        {
            "bad-status-line", "Bytes that are not HTTP, with an escape sequence in them, written straight to the socket; then close.",
            p => RawAnswerAsync(p.Context, "HTTP/1.1 2x0 \u001b[2JNope\r\nContent-Length: 0\r\n\r\n").AsFault()
        },
        {
            "close", "An orderly close (FIN) with no answer at all, as a load balancer ends a draining keep-alive connection.",
            p => CloseGracefullyAsync(p.Context).AsFault()
        },
        {
            "cancel-then-close", "A cancel takes effect, then close; a client that sends it again finds the job finished.", p =>
            {
                CancelOnCancelRoute(p);
                return CloseGracefullyAsync(p.Context).AsFault();
            }
        },
        {
            "bad-charset", "The normal answer, labelled with a charset no decoder knows.", p =>
            {
                p.Context.Response.OnStarting(() =>
                {
                    p.Context.Response.ContentType = "application/json; charset=no-such-charset";
                    return Task.CompletedTask;
                });
                return Task.FromResult<int?>(null);
            }
        },
        {
            "huge[:MiB]", "200 with a JSON body far larger than any real answer (64 MiB unless told), streamed until the client leaves.",
            p => HugeAsync(p.Context, p.Argument == "" ? 64 : int.Parse(p.Argument, CultureInfo.InvariantCulture)).AsFault()
        },
        {
            "204", "A cancel takes effect and the answer is a 204 without body; on status, a bare 204.", p =>
            {
                CancelOnCancelRoute(p);
                p.Context.Response.StatusCode = 204;
                return Task.FromResult<int?>(204);
            }
        },
        {
            "empty-200", "A cancel takes effect and the 200 has neither body nor Content-Type; on status, the same bare 200.", p =>
            {
                CancelOnCancelRoute(p);
                p.Context.Response.StatusCode = 200;
                return Task.FromResult<int?>(200);
            }
        },
        {
            "control-chars[:STATUS]", "An error (409 unless told) whose text would drive a terminal; valid JSON, escaped.",
            p => Error(p.Context, StatusOr409(p.Argument), ControlCharsError, ControlCharsCode).AsFault()
        },
        {
            "control-chars-raw[:STATUS]", "The text of control-chars with the raw control bytes in the body, which is then not valid JSON.",
            p => Text(p.Context, StatusOr409(p.Argument), "application/json",
                $"{{\"error\": \"{ControlCharsError}\", \"error_code\": \"{ControlCharsCode}\"}}").AsFault()
        },
        {
            "control-chars-status", "200 status answer with terminal sequences in every string the client might print.",
            p => Json(p.Context, 200, new
            {
                job_id = p.Job.Id, status = "running\u001b[31m",
                result_url = $"https://assets.example.test/{Uri.EscapeDataString(p.Job.Id)}.jpg\u001b]0;pwned\u0007",
                error = new { message = "\u001b[2JJob processing failed\u0007", error_code = "job_failed\u001b[0m" },
            }).AsFault()
        },
        {
            "403-html", "A web application firewall's 403 block page in HTML rather than the API's JSON.",
            p => Text(p.Context, 403, "text/html",
                "<html><body><h1>403 Forbidden</h1><p>Request blocked by the web application firewall.</p></body></html>").AsFault()
        },
        { "403-code:CODE", "The API's JSON 403 with error_code CODE, which the client may not know.", p => Error(p.Context, 403, "Forbidden", p.Argument).AsFault() },
        { "407", "A corporate proxy between client and API wants credentials (realm corp-proxy).", p => ProxyChallenge(p.Context, "corp-proxy").AsFault() },
        {
            "other-job", "200 status answer for another job (the id with -other), as a mixed-up cache would give.",
            p => Json(p.Context, 200, new { job_id = p.Job.Id + "-other", status = "pending" }).AsFault()
        },
    };

    /// <summary>Bytes of a slow-body answer sent before the pause; fewer than any picture has.</summary>
    private const int SlowBodyHead = 256;

    private static readonly TimeSpan DropMidBodyGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>Faults for the downloads of a job's picture from the result host.</summary>
    public static FaultTable<FaultPlay<AssetRoute>> AssetFaults { get; } = new("asset")
    {
        { "403", "The expired link's answer: 403 AccessDenied in XML.", p => Expired(p.Context).AsFault() },
        { "404", "404 NoSuchKey in XML.", p => NoSuchKey(p.Context, p.Route).AsFault() },
        { "500", "500 in plain text: Internal Server Error.", p => Text(p.Context, 500, "text/plain", "Internal Server Error").AsFault() },
        {
            "redirect:URL", "302 to URL, without body.", p =>
            {
                p.Context.Response.StatusCode = 302;
                p.Context.Response.Headers.Location = p.Argument;
                return Task.FromResult<int?>(302);
            }
        },
        {
            "html-200", "A captive portal's page in the picture's place, with a success status.",
            p => Text(p.Context, 200, "text/html",
                "<html><head><title>Guest Wi-Fi</title></head><body><h1>Welcome to Guest Wi-Fi</h1>" +
                "<p>Accept the terms of use to continue.</p><form method=\"post\" action=\"/login\"><button>Accept</button></form></body></html>").AsFault()
        },
        {
            "drop-mid-body", "The whole Content-Length promised, about half of it sent, then close.", async p =>
            {
                // Cut with the orderly close: a reset can make the client's network stack throw away what already arrived.
                var picture = StartPicture(p.Context, p.Job);
                await p.Context.Response.Body.WriteAsync(picture.AsMemory(0, picture.Length / 2), p.Context.RequestAborted);
                // Kestrel hands flushed bytes to the socket on its own schedule, and closing the socket under it throws
                // away what it has not sent yet, headers included; on loopback they are out well within this.
                await Task.Delay(DropMidBodyGrace, p.Context.RequestAborted);
                await CloseGracefullyAsync(p.Context);
                return 200;
            }
        },
        {
            "slow-body:MS", $"The first {SlowBodyHead} bytes, a pause of MS milliseconds, then the rest, as a congested link delivers a picture.",
            async p =>
            {
                var pause = int.Parse(p.Argument, CultureInfo.InvariantCulture);
                var picture = StartPicture(p.Context, p.Job);
                var aborted = p.Context.RequestAborted;
                try
                {
                    await p.Context.Response.Body.WriteAsync(picture.AsMemory(0, SlowBodyHead), aborted);
                    await Task.Delay(pause, aborted);
                    await p.Context.Response.Body.WriteAsync(picture.AsMemory(SlowBodyHead), aborted);
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    // The client gave up waiting; how far the body got is in the asset log.
                }
                return 200;
            }
        },
        { "close", "An orderly close (FIN) with no answer at all.", p => CloseGracefullyAsync(p.Context).AsFault() },
    };

    private const string GatewayTimeoutPage = "<html><body><h1>504 Gateway Time-out</h1></body></html>";

    /// <summary>
    /// Faults for the submits of a person image, scripted or drawn from the run-wide mix. Those named after-create create
    /// the job first, charged and counted, so a client that sees them fail has a job it was not told of; the others
    /// create nothing. A body the API cannot read is refused before any fault.
    /// </summary>
    public static FaultTable<SubmitPlay> SubmitFaults { get; } = new("submit")
    {
        {
            "close-after-create", "The job is created, then an orderly close (FIN) with no answer, as a gateway that lost the answer does.",
            p => CreateThenAsync(p, _ => CloseGracefullyAsync(p.Context)).AsFault()
        },
        { "reset-after-create", "The job is created, then the connection is aborted (RST) with no answer.", p => CreateThenAsync(p, _ => Abort(p.Context)).AsFault() },
        {
            "504-after-create", "The job is created, then a gateway's 504 Gateway Time-out page in HTML, as when it stops waiting for the API.",
            p => CreateThenAsync(p, _ => Text(p.Context, 504, "text/html", GatewayTimeoutPage)).AsFault()
        },
        {
            "slow-after-create:MS", "The job is created, then the normal answer MS milliseconds late, so a client that gives up first has a job.",
            p => CreateThenAsync(p, async job =>
            {
                try
                {
                    await Task.Delay(int.Parse(p.Argument, CultureInfo.InvariantCulture), p.Context.RequestAborted);
                }
                catch (OperationCanceledException) when (p.Context.RequestAborted.IsCancellationRequested)
                {
                    // The client gave up and left; its job stays.
                    return 0;
                }
                return await AcceptedAsync(p, job);
            }).AsFault()
        },
        {
            "sync-result", "The job is created completed, and the answer is the synchronous 200 with its result_url and no job_id.",
            p => CreateThenAsync(p, job => Json(p.Context, 200, new { result_url = AssetUrl(p.Context, p.State, job.Id) }), completed: true).AsFault()
        },
        { "close", "An orderly close (FIN) with no answer; nothing is created.", p => CloseGracefullyAsync(p.Context).AsFault() },
        { "drop", "The connection is aborted (RST) with no answer; nothing is created.", p => Abort(p.Context).AsFault() },
        {
            "slow:MS", "The normal answer, MS milliseconds late; the job is created after the wait, so a client that gives up first has none.", async p =>
            {
                await Task.Delay(int.Parse(p.Argument, CultureInfo.InvariantCulture), p.Context.RequestAborted);
                return null;
            }
        },
        {
            "400:CODE", "400 with error_code CODE, such as unsupported_image_format, file_size_too_large or resolution_too_high; nothing is created.",
            p => Error(p.Context, 400, "Bad request", p.Argument).AsFault()
        },
        { "429", "429 Too many requests (rate_limit_exceeded); nothing is created.", p => Error(p.Context, 429, "Too many requests", "rate_limit_exceeded").AsFault() },
        { "500", "500 in plain text: Internal service error; nothing is created.", p => Text(p.Context, 500, "text/plain", "Internal service error").AsFault() },
        {
            "502", "A gateway's 502 Bad Gateway page in HTML; nothing is created.",
            p => Text(p.Context, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>").AsFault()
        },
        { "503", "503 Service unavailable (service_unavailable); nothing is created.", p => Error(p.Context, 503, "Service unavailable", "service_unavailable").AsFault() },
    };

    /// <summary>Every fault, API faults first, then asset and submit faults, as GET /_sandbox/faults answers them.</summary>
    public static IEnumerable<FaultInfo> AllFaults => ApiFaults.Concat<FaultInfo>(AssetFaults).Concat(SubmitFaults);

    /// <summary>Why a job may not be added with these faults, naming every known one, or null when it may.</summary>
    private static string? RefuseFaults(JobSetup setup)
    {
        var refusals = (setup.Faults ?? []).Select(ApiFaults.Refusal)
            .Concat((setup.AssetFaults ?? []).Select(AssetFaults.Refusal))
            .OfType<string>().ToArray();
        return refusals.Length == 0
            ? null
            : $"Job '{setup.Id}': {string.Join(" ", refusals)} Faults: {string.Join(", ", ApiFaults.Select(info => info.Usage))}. " +
              $"Asset faults: {string.Join(", ", AssetFaults.Select(info => info.Usage))}.";
    }

    /// <summary>Why these submit faults may not be scripted, naming every known one, or null when they may.</summary>
    private static string? RefuseSubmitFaults(IEnumerable<string> faults)
    {
        var refusals = faults.Select(SubmitFaults.Refusal).OfType<string>().ToArray();
        return refusals.Length == 0
            ? null
            : $"{string.Join(" ", refusals)} Submit faults: {string.Join(", ", SubmitFaults.Select(info => info.Usage))}.";
    }

    /// <summary>Plays one fault from its table on what play makes of its argument; null when the normal answer follows.</summary>
    private static Task<int?> PlayFaultAsync<TPlay>(FaultTable<TPlay> table, string fault, HttpContext context, Func<string, TPlay> play) =>
        // Faults are checked when they are scripted, so a name not in the table means one was scripted some other way.
        table.Find(fault) is { } found
            ? found.Play(play(found.Argument))
            : Text(context, 500, "text/plain", $"Unknown sandbox {table.Kind} fault '{fault}'").AsFault();

    private static void CancelOnCancelRoute(FaultPlay<ApiRoute> play)
    {
        if (play.Route.Kind == ApiRouteKind.Cancel) Cancel(play.Job);
    }

    private static Task<int> Abort(HttpContext context)
    {
        context.Abort();
        return Task.FromResult(0);
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
}

internal static class FaultAnswers
{
    /// <summary>An answer's status as a fault's outcome.</summary>
    public static async Task<int?> AsFault(this Task<int> answer) => await answer;
}
