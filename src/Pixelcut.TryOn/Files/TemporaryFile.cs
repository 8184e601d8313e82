using System;
using System.IO;
using System.Threading;
using Pixelcut.TryOn.Errors;

namespace Pixelcut.TryOn.Files
{
    /// <summary>The temporary files of one command's downloads, counted so a stopped command can wait until none is left.</summary>
    internal sealed class TemporaryFiles
    {
        private readonly object _gate = new object();
        private int _open;

        /// <summary>A temporary file beside <paramref name="resultPath"/>, made only when it is first opened.</summary>
        public TemporaryFile Beside(string resultPath) => new TemporaryFile(this, resultPath);

        /// <summary>Waits until every temporary file is gone; false if time ran out first.</summary>
        public bool WaitForCleanUp(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (_open > 0)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) return _open == 0;
                }
                return true;
            }
        }

        internal void Opened()
        {
            lock (_gate) _open++;
        }

        internal void Closed()
        {
            lock (_gate)
            {
                _open--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>A download in progress: made on the first byte of a picture, emptied for each new attempt, deleted unless moved into place.</summary>
    internal sealed class TemporaryFile : IDisposable
    {
        private readonly TemporaryFiles _files;
        private readonly string _path;
        private FileStream? _stream;

        internal TemporaryFile(TemporaryFiles files, string resultPath)
        {
            _files = files;
            var name = ResultFileName.Temporary(Path.GetFileName(resultPath), Guid.NewGuid().ToString("N").Substring(0, 16));
            _path = Path.Combine(Path.GetDirectoryName(resultPath)!, name);
        }

        public Stream Open()
        {
            if (_stream != null)
            {
                _stream.SetLength(0);
                return _stream;
            }
            // CreateNew: a file already there is someone else's, never written to nor deleted.
            _stream = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            _files.Opened();
            return _stream;
        }

        /// <summary>Moves the whole picture into place; null, or why it is not there.</summary>
        public Failure? MoveTo(string jobId, string path, bool replace)
        {
            try
            {
                // On disk before it has its name, so a crash never leaves a truncated picture under a result's name.
                _stream!.Flush(flushToDisk: true);
                _stream.Dispose();
                if (replace && File.Exists(path)) File.Replace(_path, path, null);
                else File.Move(_path, path);
            }
            catch (IOException) when (!replace && File.Exists(path))
            {
                return ResultFileName.Exists(jobId, path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return new Failure(ErrorKind.DownloadFailed, jobId, 200, detail: "the file could not be written: " + SafeText.Printable(e.Message), cause: e);
            }
            Close(delete: false);
            return null;
        }

        public void Dispose() => Close(delete: true);

        private void Close(bool delete)
        {
            if (_stream == null) return;
            _stream.Dispose();
            _stream = null;
            if (delete)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Nothing more can be done for it; the name marks it as a partial download.
                }
            }
            _files.Closed();
        }
    }
}
