using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using Pixelcut.TryOn.Dispatch;
using Pixelcut.TryOn.Operations;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Submits Try On jobs, one per person and garment image pair; each created job spends the account's credits.</summary>
    [Cmdlet(VerbsLifecycle.Start, "PixelcutTryOnJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TryOnJob))]
    public sealed class StartPixelcutTryOnJobCommand : PixelcutBatchCommand<TryOnJob>
    {
        private long _uploadedBytes;

        // A job created but not reported is named by its id: no endpoint lists jobs, so the warning is where it is found again.
        public StartPixelcutTryOnJobCommand()
            : base("Submit Try On job", new EarlyStopAccount("created",
                "Check the Pixelcut dashboard and Get-PixelcutCredit before submitting any of them again.", created => ((TryOnJob)created).JobId)) { }

        /// <summary>The person's picture: an absolute https URL, or the path of a local JPEG, PNG or WEBP file.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("person_image_url", "person_image", "PersonImageUrl")]
        public string PersonImage { get; set; } = string.Empty;

        /// <summary>The garment's picture: an absolute https URL, or the path of a local JPEG, PNG or WEBP file.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("garment_image_url", "garment_image", "GarmentImageUrl")]
        public string GarmentImage { get; set; } = string.Empty;

        /// <summary>Which part of the body the garment dresses; Auto lets the API decide.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("garment_mode")]
        [ValidateSet("Auto", "Full", "Upper", "Lower")]
        public string GarmentMode { get; set; } = "Auto";

        /// <summary>Sends the garment as it is, without removing its background first.</summary>
        [Parameter]
        public SwitchParameter SkipGarmentPreprocessing { get; set; }

        /// <summary>The piped row itself, bound as it is so its error records can name it; its columns bind to the other parameters.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private protected override string? ProgressDetail => $"{Interlocked.Read(ref _uploadedBytes) / 1048576.0:0.0} MB uploaded";

        protected override void ProcessRecord() => StopOnCancellation(() =>
        {
            Expect(1);
            object target = InputObject ?? (object)PersonImage;
            var person = Image("person", PersonImage);
            var garment = Image("garment", GarmentImage);
            var refusal = person.Problem ?? garment.Problem;
            if (refusal != null)
            {
                WriteInOrder(new Failure(ErrorKind.InvalidImage, null, detail: refusal,
                    subject: $"the row of person image '{ImageInput.AsShown(PersonImage)}' with garment image '{ImageInput.AsShown(GarmentImage)}'"), target);
                return;
            }
            var mode = char.ToUpperInvariant(GarmentMode[0]) + GarmentMode.Substring(1).ToLowerInvariant();
            var submission = new Submission(person.Image!, garment.Image!, mode, preprocessGarment: !SkipGarmentPreprocessing);
            if (!ShouldProcess($"person image '{submission.Person.Shown}' with garment image '{submission.Garment.Shown}'", Action + " (spends credits)")) return;
            Dispatch(submission.Name, target, (requester, sending, cancellation) =>
                JobSubmission.SubmitAsync(requester, submission, sending, Uploaded, cancellation));
        });

        private protected override void WriteSuccess(TryOnJob result)
        {
            Session.RecentJobs.Remember(result);
            WriteObject(result);
        }

        /// <summary>The image a parameter names: an http(s) link, else a PowerShell path to a local file; or why it is refused.</summary>
        private (ImageInput? Image, string? Problem) Image(string which, string given)
        {
            var (image, problem) = Resolve(given);
            return (image, problem == null ? null : $"{which} image {problem}");
        }

        private (ImageInput? Image, string? Problem) Resolve(string given)
        {
            if (string.IsNullOrWhiteSpace(given)) return (null, "is empty: give an https:// URL or the path of a file");
            var link = ImageInput.FromLink(given);
            if (link.HasValue) return link.Value;
            string path;
            ProviderInfo provider;
            try
            {
                path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _);
            }
            catch (Exception e) when (e is RuntimeException || e is ArgumentException || e is NotSupportedException || e is IOException)
            {
                return (null, $"'{given}' is neither an absolute http(s) URL nor a file path: {e.Message.TrimEnd('.')}");
            }
            if (provider.Name != "FileSystem") return (null, $"'{given}' is in the {provider.Name} provider, not the file system");
            if (!File.Exists(path) && !Directory.Exists(path))
                return (null, $"'{given}' is neither an absolute http(s) URL nor an existing file");
            return ImageInput.FromFile(path);
        }

        private void Uploaded(int bytes) => Interlocked.Add(ref _uploadedBytes, bytes);
    }
}
