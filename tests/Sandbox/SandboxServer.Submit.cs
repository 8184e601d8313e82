using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace Pixelcut.Sandbox;

/// <summary>
/// The API's submit and credits routes. A submitted job is a job like those added through /_sandbox/jobs, with the
/// configured timeline, so the status and cancel routes and the result host serve it as any other.
/// </summary>
public sealed partial class SandboxServer
{
    /// <summary>Two images of the 25 MB the API takes each, and the rest of a multipart body; Kestrel stops at 30 MB otherwise.</summary>
    private const long SubmitBodyLimit = 64L * 1024 * 1024;

    private static async Task<int> SubmitAsync(HttpContext context, SandboxState state, LogNotes notes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = SubmitBodyLimit;
        var body = await SubmitBody.ReadAsync(context.Request, context.RequestAborted);
        notes.Submit = body.Wire;
        if (body.Unreadable is { } why) return await Error(context, 400, why, "invalid_request_body");
        var submit = new SubmitPlay(context, state, body, notes, "");
        if (state.Submits.NextFault(body.Person) is { } fault)
        {
            notes.Fault = fault;
            var faulted = await PlayFaultAsync(SubmitFaults, fault, context, argument => submit with { Argument = argument });
            if (faulted.HasValue) return faulted.Value;
        }
        return await CreateThenAsync(submit, job => AcceptedAsync(submit, job));
    }

    /// <summary>
    /// Creates the job a submit asks for, charged a credit and counted for its inputs, and answers with then; or answers the
    /// 400 its fields earn, or the 403 of an account without credits, and creates nothing.
    /// </summary>
    private static async Task<int> CreateThenAsync(SubmitPlay submit, Func<SandboxJob, Task<int>> then, bool completed = false)
    {
        var (context, state, body) = (submit.Context, submit.State, submit.Body);
        if (body.Refusal is { } refusal) return await Error(context, 400, refusal.Message, refusal.Code);
        if (!state.Submits.TryCharge()) return await Error(context, 403, "Insufficient API credits", "insufficient_api_credits");
        var job = new SandboxJob { Id = Guid.NewGuid().ToString(), Status = completed ? "completed" : "pending" };
        if (!completed)
        {
            var options = state.Options;
            job.Timeline.Enqueue(new TimelineStep(options.SubmitPendingMs, "running", null));
            job.Timeline.Enqueue(new TimelineStep(options.SubmitPendingMs + options.SubmitRunningMs, "completed", null));
        }
        state.Jobs[job.Id] = job;
        // A body with no refusal names both images.
        state.Submits.Count(body.Person!, body.Garment!, job.Id);
        submit.Notes.JobId = job.Id;
        return await then(job);
    }

    private static Task<int> AcceptedAsync(SubmitPlay submit, SandboxJob job) =>
        Json(submit.Context, submit.State.Options.SubmitStatus, new { job_id = job.Id, status = "pending" });

    private static Task<int> CreditsAsync(HttpContext context, SandboxState state, long credits) =>
        Json(context, 200, new
        {
            credits_remaining = state.Options.CreditsAsString ? credits.ToString(CultureInfo.InvariantCulture) : (object)credits,
        });
}
