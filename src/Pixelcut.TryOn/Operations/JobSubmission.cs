using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Pixelcut.TryOn.Resilience;
using Pixelcut.TryOn.Transport;

namespace Pixelcut.TryOn.Operations
{
    /// <summary>
    /// Submitting a try-on job (POST /v1/try-on), always asynchronously. Links go as the user gave them: a signed link
    /// must reach its host byte for byte, unescaped or normalised by nobody.: a synchronous submit holds its answer open for the
    /// whole render, and a lost answer would leave a paid job without an id to find it by.
    /// </summary>
    internal static class JobSubmission
    {
        public const string Path = "v1/try-on";

        /// <param name="uploaded">Told of each chunk of a body as it goes out, for progress.</param>
        public static async Task<JobResult<TryOnJob>> SubmitAsync(JobRequester requester, Submission submission, Action? sending, Action<int>? uploaded,
            CancellationToken cancellation)
        {
            var sent = await requester.SubmitAsync(submission.Subject, Path, () => Body(submission, uploaded), sending, cancellation).ConfigureAwait(false);
            if (sent.Value == null) return JobResult<TryOnJob>.Failed(sent, sent.Failure!.About(submission.Subject));
            var (job, failure) = JobAnswers.Submitted(submission, sent.Value, sent.Attempts);
            return job != null ? JobResult<TryOnJob>.Succeeded(sent, job) : JobResult<TryOnJob>.Failed(sent, failure!.About(submission.Subject));
        }

        /// <summary>JSON for two links; multipart form data once a local file goes with it, a link beside a file as its *_url text part.</summary>
        internal static HttpContent Body(Submission submission, Action<int>? uploaded)
        {
            var mode = submission.GarmentMode.ToLowerInvariant();
            if (!submission.UploadsFiles)
            {
                return RequestBody.Json(new[]
                {
                    new KeyValuePair<string, object>("person_image_url", submission.Person.Link!.OriginalString),
                    new KeyValuePair<string, object>("garment_image_url", submission.Garment.Link!.OriginalString),
                    new KeyValuePair<string, object>("garment_mode", mode),
                    new KeyValuePair<string, object>("preprocess_garment", submission.PreprocessGarment),
                    new KeyValuePair<string, object>("wait_for_result", false),
                }, uploaded);
            }
            var texts = new List<KeyValuePair<string, string>>();
            var files = new List<FilePart>();
            Add(submission.Person, "person_image", texts, files);
            Add(submission.Garment, "garment_image", texts, files);
            texts.Add(new KeyValuePair<string, string>("garment_mode", mode));
            texts.Add(new KeyValuePair<string, string>("preprocess_garment", submission.PreprocessGarment ? "true" : "false"));
            texts.Add(new KeyValuePair<string, string>("wait_for_result", "false"));
            return RequestBody.Multipart(texts, files, uploaded);
        }

        private static void Add(ImageInput image, string field, List<KeyValuePair<string, string>> texts, List<FilePart> files)
        {
            if (image.File != null) files.Add(new FilePart(field, image.Path!, image.File.MediaType));
            else texts.Add(new KeyValuePair<string, string>(field + "_url", image.Link!.OriginalString));
        }
    }
}
