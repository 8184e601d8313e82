using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using Pixelcut.TryOn.Errors;
using Pixelcut.TryOn.Operations;
using Pixelcut.TryOn.Composition;
using Pixelcut.TryOn.Files;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>Saves the results of completed Try On jobs as JPEG files named after their job ids.</summary>
    [Cmdlet(VerbsData.Save, "PixelcutTryOnResult", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class SavePixelcutTryOnResultCommand : PixelcutJobCommand<FileInfo>
    {
        private static readonly TimeSpan CleanUpWait = TimeSpan.FromSeconds(5);

        private string _folder = string.Empty;
        // What this command saves: an id given twice is saved once, and two ids whose names differ only in case (one file
        // on Windows and macOS) never write the same file.
        private readonly HashSet<string> _claimedIds = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _claimedPaths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private ResultSaver? _saver;
        private int _saved;

        public SavePixelcutTryOnResultCommand() : base("Save Try On result") { }

        /// <summary>
        /// A piped job record. PowerShell binds it here as it is and to -JobId through its JobId, and binds a piped string
        /// to -JobId alone, so a record that says its job completed a moment ago spares a status read.
        /// </summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public TryOnJob? InputObject { get; set; }

        /// <summary>The folder to save into, created when missing; the current file system location by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Replaces a file of the same name instead of refusing the job.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the FileInfo of each saved file; without it a success writes nothing.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private protected override string? ProgressDetail => $"{_saved} file(s) saved, {(_saver?.BytesReceived ?? 0) / 1048576.0:0.0} MB received";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _folder = ResolveFolder();
        }

        /// <summary>A job is saved once, to a file no other job of this command claims and nobody else's file is in the way of.</summary>
        private protected override bool Admit(string jobId, out Failure? refusal)
        {
            refusal = Refuse(jobId);
            return refusal == null && ShouldSave(jobId);
        }

        private Failure? Refuse(string jobId)
        {
            var (path, problem) = ResultFileName.In(_folder, jobId);
            if (path == null) return new Failure(ErrorKind.UnsafeFileName, jobId, detail: problem);
            if (_claimedIds.Contains(jobId)) return null;
            if (_claimedPaths.TryGetValue(path, out var claimedBy))
                return new Failure(ErrorKind.FileExists, jobId,
                    detail: $"job '{SafeText.Printable(claimedBy)}' in this command saves to '{path}', which is the same file where names ignore case");
            if (Directory.Exists(path) || (File.Exists(path) && !Force)) return ResultFileName.Exists(jobId, path);
            return null;
        }

        private bool ShouldSave(string jobId)
        {
            var path = ResultFileName.In(_folder, jobId).Path!;
            if (_claimedIds.Contains(jobId))
            {
                Output.Verbose($"Job '{SafeText.Printable(jobId)}' was given again; its result is saved once.");
                return false;
            }
            if (!ShouldProcess(path, Force && File.Exists(path) ? "Replace file with Try On result" : Action)) return false;
            _claimedIds.Add(jobId);
            _claimedPaths.Add(path, jobId);
            _saver ??= CreateSaver();
            return true;
        }

        internal override JobWork<FileInfo> WorkFor(string jobId)
        {
            var saver = _saver!;
            var path = ResultFileName.In(_folder, jobId).Path!;
            // A record that says its job completed a moment ago spares a status read.
            var pipedJob = InputObject != null && string.Equals(InputObject.JobId, jobId, StringComparison.Ordinal) ? InputObject : null;
            return (requester, sending, cancellation) => saver.SaveAsync(requester, jobId, path, pipedJob, sending, cancellation);
        }

        private protected override void WriteSuccess(FileInfo result)
        {
            _saved++;
            if (PassThru) WriteObject(result);
        }

        // A stopped command returns only once its downloads have deleted their partial files.
        private protected override void OnStopping(Action<string> warn)
        {
            base.OnStopping(warn);
            _saver?.WaitForCleanUp(CleanUpWait);
        }

        private string ResolveFolder()
        {
            if (Path == null) return SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            var (folder, problem) = Resolved(Path);
            if (folder == null) this.Fail(new Failure(ErrorKind.InvalidSetting, null, detail: $"-Path '{Path}' {problem}"));
            return folder!;
        }

        private (string? Folder, string? Problem) Resolved(string path)
        {
            string folder;
            ProviderInfo provider;
            try
            {
                folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is RuntimeException || e is ArgumentException || e is NotSupportedException || e is IOException)
            {
                return (null, "is not a folder this command can save into: " + e.Message.TrimEnd('.'));
            }
            if (provider.Name != "FileSystem") return (null, $"is in the {provider.Name} provider, not the file system");
            if (File.Exists(folder)) return (null, "is a file, not a folder");
            return (folder, null);
        }

        /// <summary>Set up on the first job that is really saved, so -WhatIf creates no folder.</summary>
        private ResultSaver CreateSaver()
        {
            try
            {
                Directory.CreateDirectory(_folder);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                this.Fail(new Failure(ErrorKind.InvalidSetting, null,
                    detail: $"the folder '{_folder}' for -Path could not be created: {e.Message.TrimEnd('.')}"));
            }
            return RequestStack.ForSaving(ResolvedProxy, UserAgentText(), Output.ShowsDebug, Force);
        }
    }
}
