# The text of the module's help. build.ps1 turns it into MAML (en-US/Pixelcut.TryOn.dll-Help.xml),
# taking syntax, types, positions, aliases and pipeline input from the built cmdlets themselves.
# A parameter is described once under Parameters; a command may describe it again in its own words.
@{
    Parameters = @{
        JobId         = 'The ids of the jobs. Takes strings, and objects with a JobId, job_id or Id property (Import-Csv rows, ConvertFrom-Json objects, the output of Get-PixelcutTryOnJob). Ids are text: a number or any other value (such as the Id of a Get-Process object) is refused, as is an id that cannot travel as one URL path segment (empty, blank, ''.'', ''..'', control or text-direction characters, unpaired surrogates, over 1,024 characters); each gets error InvalidJobId and nothing is sent for it. Tab completion offers the ids this session has looked up with Get-PixelcutTryOnJob.'
        ApiKey        = 'The Pixelcut API key, for this command only. Without it the key from Connect-Pixelcut is used, else the PIXELCUT_API_KEY environment variable. Takes a SecureString (Read-Host -AsSecureString, Get-Secret) or a PSCredential whose password is the key; plain text is refused.'
        BaseUri       = 'The address of the Pixelcut API. Without it the address from Connect-Pixelcut is used, else PIXELCUT_BASE_URI, else https://api.developer.pixelcut.ai. Plain http:// is refused (InsecureBaseUri) unless the host is a loopback address.'
        ThrottleLimit = 'A hard cap on requests in flight at once, from 1 to 64. Without it the number adapts to the API: it starts at 5, rises to what the pace (PIXELCUT_REQUESTS_PER_SECOND) needs with answers as slow as they come, and drops below the number in flight when the API answers 429. Commands that use the same key share what was learned.'
        MaxRetryCount = 'How many times a 429, 500, 502, 503, 504, dropped connection or timeout is retried, from 0 to 20. Default 5.'
        TimeoutSec    = 'How long one attempt may wait for an answer, in seconds, from 1 to 3600. Default 30.'
        Proxy         = 'A proxy for every request, loopback addresses included (on Windows PowerShell 5.1, .NET Framework itself sends loopback addresses direct). Without it the proxy from Connect-Pixelcut is used, else the system proxy (HTTPS_PROXY and NO_PROXY, or the Windows settings). A proxy that answers 407 stops the command with ProxyAuthenticationRequired.'
        ProxyCredential = 'The user name and password the proxy asks for, such as Get-Credential returns. With -Proxy they answer that proxy; without it, the system proxy.'
        ProxyUseDefaultCredentials = 'Answers the proxy with the credentials of the current user (Windows integrated authentication). Give this or -ProxyCredential, not both.'
    }

    Commands   = @{
        'Stop-PixelcutTryOnJob' = @{
            Synopsis    = 'Cancels pending or running Pixelcut Try On jobs.'
            Description = @(
                'Stop-PixelcutTryOnJob cancels Try On jobs through the Pixelcut API (POST /v1/try-on/job/{jobId}/cancel). Ids come as arguments or from the pipeline. Requests run a few at a time at the pace the API allows (PIXELCUT_REQUESTS_PER_SECOND, default 5 per second), throttled and transient failures are retried, and results come out in input order.'
                'Each job that is not cancelled gives one error record whose FullyQualifiedErrorId starts with a stable id (JobNotFound, JobFinished, RateLimitExceeded, ServerError, UnexpectedResponse, ConnectionFailed, RequestTimedOut, InvalidJobId, InputWithoutJobId), whose TargetObject is the job id, and whose ErrorDetails.RecommendedAction says what to do next. A rejected, missing or malformed key, an account without credits, a 403 from a firewall (AccessDenied), a proxy that asks for credentials (ProxyAuthenticationRequired), a TLS certificate the platform refuses (CertificateRejected, naming the host and why) or an insecure base URI stop the command.'
                'A 409 (already finished) is always checked with one status read: a job that reads as cancelled is reported as cancelled, since that is the state asked for; otherwise the error says how the job ended. When the command stops early (a terminating error, -ErrorAction Stop, Ctrl+C), one warning names the jobs already cancelled but not yet written, and those sent without a final answer, which may have been cancelled.'
            )
            Parameters  = @{
                JobId    = 'The ids of the jobs to cancel. Takes strings, and objects with a JobId, job_id or Id property (Import-Csv rows, ConvertFrom-Json objects, the output of Get-PixelcutTryOnJob and -PassThru). Ids are text: a number or any other value (such as the Id of a Get-Process object) is refused, as is an id that cannot travel as one URL path segment (empty, blank, ''.'', ''..'', control or text-direction characters, unpaired surrogates, over 1,024 characters); each gets error InvalidJobId and nothing is sent for it. Tab completion offers the ids this session has looked up with Get-PixelcutTryOnJob.'
                PassThru = 'Writes a Pixelcut.TryOn.CancelledJob for each cancelled job: JobId, Message, CancelledAt (UTC, when the confirming answer arrived), Attempts (requests sent for the job) and RequestId. Without it a success writes nothing.'
                WhatIf   = 'Shows which jobs would be cancelled, without sending any request and without needing a key.'
                Confirm  = 'Asks before cancelling each job. ''Yes to All'' covers the rest of the pipeline.'
            }
            Inputs      = @(@{ Type = 'System.String[]'; Description = 'Job ids, or objects with a JobId, job_id or Id property.' })
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.CancelledJob'; Description = 'With -PassThru, one per cancelled job: JobId, the server''s Message, CancelledAt, Attempts and RequestId, an audit record Export-Csv keeps whole.' })
            Notes       = 'The API key is sent only as the X-API-KEY header; it never appears in output, errors or transcripts.'
            Examples    = @(
                @{
                    Title   = 'Preview, then cancel, two jobs at the prompt'
                    Code    = @'
'6ba7b810-9dad-11d1-80b4-00c04fd430c8', '9f3c2a1e-4b7d-4c55-8e0a-2d5f6b7c8d90' | Stop-PixelcutTryOnJob -WhatIf
'6ba7b810-9dad-11d1-80b4-00c04fd430c8', '9f3c2a1e-4b7d-4c55-8e0a-2d5f6b7c8d90' | Stop-PixelcutTryOnJob -PassThru
'@
                    Remarks = 'The first line prints one ''What if'' line per job and sends nothing. The second cancels both and shows a table of the cancelled jobs.'
                }
                @{
                    Title   = 'Cancel every job listed in a CSV export'
                    Code    = 'Import-Csv ./jobs.csv | Stop-PixelcutTryOnJob -PassThru | Export-Csv ./cancelled.csv'
                    Remarks = 'The CSV needs a job_id, JobId or Id column. Every row ends as a cancelled job or one error record.'
                }
                @{
                    Title   = 'A runbook with the key in the environment'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
try { $ids | Stop-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue }
catch { "Stopped: $($_.Exception.Message)"; exit 2 }
if ($failed) { $failed | ForEach-Object { '{0}: {1}' -f $_.TargetObject, $_.FullyQualifiedErrorId }; exit 1 }
'@
                    Remarks = 'Nothing prompts and the key never appears in the output. Every id is tried; the runbook exits 1 when any job was not cancelled, and 2 when a rejected key, an account without credits or a missing key stopped it.'
                }
                @{
                    Title   = 'Treat a job that already finished as done'
                    Code    = @'
try { Stop-PixelcutTryOnJob -JobId $id -ErrorAction Stop }
catch [Pixelcut.TryOn.PixelcutJobFinishedException] { Write-Host "$($_.TargetObject) had already finished" }
'@
                    Remarks = '-ErrorAction Stop turns the per-job JobFinished error into an exception of its own type.'
                }
                @{
                    Title   = 'Cancel only the jobs that are still pending or running'
                    Code    = @'
Get-PixelcutTryOnJob -JobId $ids | Where-Object Status -in 'Pending', 'Running' | Stop-PixelcutTryOnJob -PassThru
'@
                    Remarks = 'Jobs that already finished are left alone, so no JobFinished errors appear.'
                }
            )
        }

        'Save-PixelcutTryOnResult' = @{
            Synopsis    = 'Saves the results of completed Pixelcut Try On jobs as JPEG files.'
            Description = @(
                'Save-PixelcutTryOnResult downloads the picture of each completed Try On job and saves it as <JobId>.jpg in the folder -Path names (the current location by default; created when missing). It takes the TryOnJob objects of Get-PixelcutTryOnJob and Wait-PixelcutTryOnJob, job id strings, and Import-Csv rows, from the pipeline or -JobId. Without -PassThru it writes nothing on success, as Save-Module and Export-Csv do; with it, one System.IO.FileInfo per saved file.'
                'A piped TryOnJob that reads Completed and was retrieved less than 59 minutes ago is downloaded straight away, since its result link is valid for an hour. Any other job, and every id given as text, gets one status read first (GET /v1/try-on/job/{jobId}), at the same pace, with the same retries and the same error records as Get-PixelcutTryOnJob. A job that is not completed gives JobNotCompleted, naming its status and, for a failed job, its error code and message. The command therefore needs an API key like the other job commands, also when a status read turns out not to be needed: a refused link is renewed through the API.'
                'The download goes to the result host itself, through the same proxy as the API, with no API key, no cookie and no Authorization header. Its link must be https (plain http only to a loopback address), and redirects are not followed (DownloadFailed, naming where it pointed). A 403 or 404 from the result host (an expired link) is answered with one more status read for a fresh link and one more download; a second refusal is ResultExpired. A 5xx, 429, dropped connection or timeout is retried as -MaxRetryCount allows, then reported as DownloadFailed. Only a body that starts as a JPEG picture is saved: a sign-in page from a hotel or corporate network is DownloadFailed, naming its content type. At most 8 downloads run at once.'
                'Each picture is written to a temporary file in the folder (.<name>.<random>.partial, hidden on Linux and macOS) and renamed to <JobId>.jpg only once it has fully arrived, so a failed, interrupted or stopped (Ctrl+C) download leaves no file, whole or partial. A job id that cannot be a file name on Windows, macOS or Linux (a path separator, '':'', ''*?"<>|'', a control character, a trailing dot or space, a device name such as CON or NUL.txt, a short 8.3-style name such as ABCDEF~1 that could stand for another file, or a name over 255 bytes) gives UnsafeFileName, and an existing file gives FileExists unless -Force is given; for both nothing is sent. An id given twice is saved once; an id whose file name differs from another''s in the same command only in case gives FileExists, -Force or not, as both would be one file on Windows and macOS.'
            )
            Parameters  = @{
                JobId         = 'The ids of the jobs whose results to save. Takes TryOnJob objects (Get-PixelcutTryOnJob, Wait-PixelcutTryOnJob), strings, and objects with a JobId, job_id or Id property (Import-Csv rows, ConvertFrom-Json objects). Ids are text: a number or any other value is refused, as is an id that cannot travel as one URL path segment (empty, blank, ''.'', ''..'', control or text-direction characters, unpaired surrogates, over 1,024 characters); each gets error InvalidJobId and nothing is sent for it. Tab completion offers the ids this session has looked up with Get-PixelcutTryOnJob.'
                Path          = 'The folder to save into: a file system path, relative to the current location or absolute. It is created when missing (not under -WhatIf). Without it, the current file system location. A path in another provider (Env:, HKLM:) or to an existing file stops the command with InvalidSetting.'
                Force         = 'Replaces a file that already has the result''s name. Without it such a job gives FileExists and nothing is downloaded for it. The old file is replaced only once the new picture has fully arrived.'
                PassThru      = 'Writes a System.IO.FileInfo for each saved file. Without it a success writes nothing, as with Save-Module and Export-Csv.'
                ThrottleLimit = 'A hard cap on status reads in flight at once, from 1 to 64. Without it the number adapts to the API as for Get-PixelcutTryOnJob. Downloads run at most 8 at once whatever the limit.'
                MaxRetryCount = 'How many times a status read or a download is retried after a 429, 500, 502, 503, 504, dropped connection or timeout, from 0 to 20. Default 5.'
                TimeoutSec    = 'How long one attempt, a status read or a whole download, may take, in seconds, from 1 to 3600. Default 30.'
                Proxy         = 'A proxy for every request, status reads and downloads alike, loopback addresses included. Without it the proxy from Connect-Pixelcut is used, else the system proxy (HTTPS_PROXY and NO_PROXY, or the Windows settings).'
                WhatIf        = 'Shows the file each job''s result would be saved as, without sending any request, creating the folder or needing a key.'
                Confirm       = 'Asks before saving each file. ''Yes to All'' covers the rest of the pipeline.'
            }
            Inputs      = @(
                @{ Type = 'Pixelcut.TryOn.TryOnJob'; Description = 'Jobs from Get-PixelcutTryOnJob or Wait-PixelcutTryOnJob; a recent completed one needs no status read.' }
                @{ Type = 'System.String[]'; Description = 'Job ids, or objects with a JobId, job_id or Id property.' }
            )
            Outputs     = @(@{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru, one per saved file. Without it, nothing.' })
            Notes       = 'A result link is valid for one hour after the status read that gave it. The API key is sent only to the API, never to the result host.'
            Examples    = @(
                @{
                    Title   = 'Wait for a job, then save its result'
                    Code    = 'Get-PixelcutTryOnJob $id | Wait-PixelcutTryOnJob | Save-PixelcutTryOnResult -Path ./results'
                    Remarks = 'Saves ./results/<id>.jpg once the job has completed. The job Wait-PixelcutTryOnJob writes was read moments ago, so it is downloaded without another status read.'
                }
                @{
                    Title   = 'Save the results of every job in a CSV export'
                    Code    = @'
Import-Csv ./jobs.csv | Save-PixelcutTryOnResult -Path ./results -PassThru | Select-Object Name, Length
'@
                    Remarks = 'The CSV needs a job_id, JobId or Id column. Each id gets a status read, then a download; -PassThru lists the saved files.'
                }
                @{
                    Title   = 'A runbook with the key in the environment'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
$ids | Save-PixelcutTryOnResult -Path (Join-Path $env:TEMP 'results') -ErrorVariable failed -ErrorAction SilentlyContinue
if ($failed) { $failed | ForEach-Object { '{0}: {1}' -f $_.TargetObject, $_.FullyQualifiedErrorId }; exit 1 }
'@
                    Remarks = 'Nothing prompts and the key never reaches the result host or the output. Every id is tried; the runbook exits 1 naming each job whose result was not saved.'
                }
                @{
                    Title   = 'Tell a job that is not done yet from other failures'
                    Code    = @'
try { Save-PixelcutTryOnResult -JobId $id -Path ./results -ErrorAction Stop }
catch {
    switch -Wildcard ($_.FullyQualifiedErrorId) {
        'JobNotCompleted,*' { "$($_.TargetObject): $($_.Exception.Message)" }
        'FileExists,*'      { "$($_.TargetObject) was saved before" }
        default             { throw }
    }
}
'@
                    Remarks = 'The error id starts FullyQualifiedErrorId; TargetObject is the job id. A failed job''s error code is in $_.Exception.ErrorCode.'
                }
                @{
                    Title   = 'Preview, then replace, the files of earlier runs'
                    Code    = @'
Get-PixelcutTryOnJob $ids | Save-PixelcutTryOnResult -Path ./results -Force -WhatIf
Get-PixelcutTryOnJob $ids | Save-PixelcutTryOnResult -Path ./results -Force
'@
                    Remarks = 'The first line names each file it would save or replace, and sends nothing. The second replaces each file only once its new picture has fully arrived.'
                }
            )
        }

        'Start-PixelcutTryOnJob' = @{
            Synopsis    = 'Submits Pixelcut Try On jobs; each job created spends the account''s credits.'
            Description = @(
                'Start-PixelcutTryOnJob submits one Try On job per person and garment image pair through the Pixelcut API (POST /v1/try-on), always asynchronously (wait_for_result false), and writes one Pixelcut.TryOn.TryOnJob per job created, in input order: JobId, Status (Pending unless the answer names another), SubmittedAt (UTC), RequestId, Attempts, and the inputs as given for audit: PersonImage, GarmentImage (a file''s full path, or a URL without its query string, which may be a signed grant) and GarmentMode. It pipes into Wait-PixelcutTryOnJob, Get-PixelcutTryOnJob, Stop-PixelcutTryOnJob and Save-PixelcutTryOnResult.'
                'Each image is an absolute https:// URL (http:// only to this machine) or the path of a local JPEG, PNG or WEBP file (a PowerShell path, relative to the current location). Two URLs go as a JSON body; with any local file the request is multipart/form-data, the file as part person_image or garment_image. Local files are checked before anything is sent: a missing or unreadable file, one over 25 MB, one that is not JPEG, PNG or WEBP by its signature, or one whose width or height is outside 64 to 6000 px gets error InvalidImage for that row, as does a text that is neither an existing file nor an absolute http(s) URL.'
                'A job is never submitted twice by this module. A submit is sent again only when the answer proves no job was created: a 429, a 500 (taken as the API''s, which documents it as uncharged) or 503, or a connection that failed before the whole body went out. Anything else that leaves it open (a timeout or dropped connection after the body went out, a 502 or 504 from a gateway, an answer that cannot be read) gives SubmitOutcomeUnknown for that row and is not retried; check the dashboard and Get-PixelcutCredit before submitting that row again. On PowerShell 7 the request body can be written once only, so the runtime cannot resend it; on Windows PowerShell 5.1 each submit goes on a connection of its own, closed after its answer, so HttpWebRequest has no kept-alive connection to resend it on.'
                'A 400 gives InvalidRequest with the API''s error_code (invalid_parameter, unsupported_image_format, file_size_too_large, resolution_too_high, ...). A rejected key or an account without credits (403 insufficient_api_credits) stops the command, and the rows after it are not sent. A 2xx that carries a result link but no job id gives ResultWithoutJobId, whose exception''s ResultUrl holds the link. Every error record''s TargetObject is the row that was piped in (the Import-Csv row itself), or the person image when the parameters were given directly. When the command stops early, one warning names the rows that were sent without a final answer.'
            )
            Parameters  = @{
                PersonImage   = 'The picture of the person: an absolute https:// URL, or the path of a local JPEG, PNG or WEBP file. Binds from a person_image_url, person_image or PersonImageUrl column.'
                GarmentImage  = 'The picture of the garment: an absolute https:// URL, or the path of a local JPEG, PNG or WEBP file. Binds from a garment_image_url, garment_image or GarmentImageUrl column.'
                GarmentMode   = 'Which part of the body the garment dresses: Auto (the default; the API decides), Full (dresses, jumpsuits), Upper (shirts, jackets) or Lower (pants, skirts). Binds from a garment_mode column.'
                SkipGarmentPreprocessing = 'Sends preprocess_garment false: the garment is used as it is, without removing its background first. Results sometimes improve without it.'
                MaxRetryCount = 'How many times a submit answered 429, 500 or 503, or whose connection failed before its body went out, is sent again, from 0 to 20. Default 5. Nothing else is retried: it might create a second job.'
                TimeoutSec    = 'How long one attempt may take, upload included, in seconds, from 1 to 3600. Default 30. A timeout after the body went out gives SubmitOutcomeUnknown.'
                WhatIf        = 'Shows which jobs would be submitted, after checking local files, without sending any request and without needing a key.'
                Confirm       = 'Asks before submitting each job. ''Yes to All'' covers the rest of the pipeline.'
            }
            Inputs      = @(@{ Type = 'System.Management.Automation.PSObject'; Description = 'Rows with PersonImage and GarmentImage (or person_image_url and garment_image_url) properties, and optionally GarmentMode: Import-Csv rows, for example.' })
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.TryOnJob'; Description = 'One per job created: JobId, Status, SubmittedAt, RequestId, Attempts, PersonImage, GarmentImage and GarmentMode; Export-Csv keeps every field.' })
            Notes       = 'Every created job spends credits, and no endpoint lists jobs: keep the output (Export-Csv) to find the jobs again. Submits share the key''s pace (PIXELCUT_REQUESTS_PER_SECOND) with every other command.'
            Examples    = @(
                @{
                    Title   = 'Render a catalogue: submit, wait, save'
                    Code    = 'Import-Csv catalog.csv | Start-PixelcutTryOnJob | Wait-PixelcutTryOnJob | Save-PixelcutTryOnResult -Path ./renders'
                    Remarks = 'catalog.csv has PersonImage and GarmentImage columns (URLs or file paths) and optionally GarmentMode. Each row is submitted once, waited for and saved as ./renders/<JobId>.jpg.'
                }
                @{
                    Title   = 'Preview, then submit one pair at the prompt'
                    Code    = @'
Start-PixelcutTryOnJob ./model.jpg https://cdn.example.com/shirt.png -GarmentMode Upper -WhatIf
Start-PixelcutTryOnJob ./model.jpg https://cdn.example.com/shirt.png -GarmentMode Upper
'@
                    Remarks = 'The first line checks ./model.jpg and prints one ''What if'' line; the second uploads it and shows the job created.'
                }
                @{
                    Title   = 'A runbook with the key in the environment, keeping a record of every job'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
if ((Get-PixelcutCredit).CreditsRemaining -lt 100) { throw 'Not enough credits for the batch.' }
Import-Csv ./catalog.csv | Start-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue | Export-Csv ./submitted.csv
'@
                    Remarks = 'submitted.csv lists every job created with its inputs; $failed holds one error record per row without a TryOnJob. Rows with SubmitOutcomeUnknown or ResultWithoutJobId may have been charged.'
                }
                @{
                    Title   = 'Never resubmit a row whose outcome is unknown'
                    Code    = @'
Import-Csv ./catalog.csv | Start-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue | Export-Csv ./submitted.csv
$failed | Where-Object FullyQualifiedErrorId -like 'SubmitOutcomeUnknown,*' | ForEach-Object TargetObject | Export-Csv ./check-first.csv
$failed | Where-Object FullyQualifiedErrorId -like 'InvalidImage,*' | ForEach-Object { $_.Exception.Message }
'@
                    Remarks = 'Rows in check-first.csv may have created a job: look at the dashboard before submitting them again. TargetObject is the Import-Csv row itself.'
                }
            )
        }

        'Get-PixelcutCredit' = @{
            Synopsis    = 'Gets the Pixelcut account''s credit balance.'
            Description = @(
                'Get-PixelcutCredit reads the balance of the account the key belongs to (GET /v1/credits) and writes one Pixelcut.TryOn.PixelcutCredit: CreditsRemaining (a number; the API may send it as a string), RetrievedAt (UTC) and RequestId. A runbook can check it before a batch.'
                'It takes the key, base URI and proxy the other commands take, and keeps the same pace. A rejected key stops it (InvalidAuthToken); other failures give one error record (RateLimitExceeded, ServerError, ConnectionFailed, RequestTimedOut, UnexpectedResponse).'
            )
            Parameters  = @{
                MaxRetryCount = 'How many times a 429, 500, 502, 503, 504, dropped connection or timeout is retried, from 0 to 20. Default 5.'
            }
            Inputs      = @(@{ Type = 'None'; Description = 'Get-PixelcutCredit takes no pipeline input.' })
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.PixelcutCredit'; Description = 'CreditsRemaining, RetrievedAt and RequestId.' })
            Notes       = 'Reading the balance costs no credits.'
            Examples    = @(
                @{
                    Title   = 'See the balance at the prompt'
                    Code    = 'Get-PixelcutCredit'
                    Remarks = 'Shows CreditsRemaining, RetrievedAt and RequestId.'
                }
                @{
                    Title   = 'Check the balance before a catalogue run'
                    Code    = @'
$rows = Import-Csv ./catalog.csv
if ((Get-PixelcutCredit).CreditsRemaining -lt $rows.Count) { throw "Not enough credits for $($rows.Count) jobs." }
$rows | Start-PixelcutTryOnJob | Export-Csv ./submitted.csv
'@
                    Remarks = 'Each job costs at least one credit; a garment that needs extracting costs more.'
                }
                @{
                    Title   = 'A runbook with the key in the environment'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
try { $credit = Get-PixelcutCredit -ErrorAction Stop }
catch { "Could not read the balance: $($_.FullyQualifiedErrorId)"; exit 2 }
"$($credit.CreditsRemaining) credits left"
'@
                    Remarks = 'Nothing prompts, and the key never appears in the output.'
                }
                @{
                    Title   = 'Compare the balance before and after a batch'
                    Code    = @'
$before = (Get-PixelcutCredit).CreditsRemaining
Import-Csv ./catalog.csv | Start-PixelcutTryOnJob | Export-Csv ./submitted.csv
'{0} credits spent' -f ($before - (Get-PixelcutCredit).CreditsRemaining)
'@
                    Remarks = 'Credits are spent as jobs succeed, so the difference grows until every job has finished.'
                }
            )
        }

        'Get-PixelcutTryOnJob'  = @{
            Synopsis    = 'Gets the status of Pixelcut Try On jobs.'
            Description = @(
                'Get-PixelcutTryOnJob reads each job''s status through the Pixelcut API (GET /v1/try-on/job/{jobId}) and writes one Pixelcut.TryOn.TryOnJob per job: JobId, Status (Pending, Running, Completed or Failed; a status this module does not know is kept as the API sent it), ResultUrl, ErrorCode, ErrorMessage, and IsCancelled (true for a job that failed with job_cancelled).'
                'It takes ids the same way, keeps the same pace, retries the same failures and writes the same error records as Stop-PixelcutTryOnJob, so its output pipes straight into Stop-PixelcutTryOnJob. The ids it shows are offered by tab completion for -JobId in the rest of the session.'
            )
            Parameters  = @{}
            Inputs      = @(@{ Type = 'System.String[]'; Description = 'Job ids, or objects with a JobId, job_id or Id property.' })
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.TryOnJob'; Description = 'One per job found: JobId, Status, ResultUrl (valid for one hour from RetrievedAt), ErrorCode, ErrorMessage, RetrievedAt (UTC), RequestId, IsCancelled, IsFinished. The table shows JobId, Status and the result or error; Format-List and Export-Csv carry every property.' })
            Notes       = 'The API has no endpoint that lists jobs: ids come from your own records. A result URL is valid for one hour.'
            Examples    = @(
                @{
                    Title   = 'Look at two jobs at the prompt'
                    Code    = 'Get-PixelcutTryOnJob 6ba7b810-9dad-11d1-80b4-00c04fd430c8, 9f3c2a1e-4b7d-4c55-8e0a-2d5f6b7c8d90'
                    Remarks = 'Shows a table of job id, status, and the result URL or the error.'
                }
                @{
                    Title   = 'Cancel what is still running from a CSV export'
                    Code    = @'
Import-Csv ./jobs.csv | Get-PixelcutTryOnJob | Where-Object Status -in 'Pending', 'Running' | Stop-PixelcutTryOnJob -PassThru
'@
                    Remarks = 'The CSV needs a job_id, JobId or Id column. Jobs that already finished are not sent a cancel.'
                }
                @{
                    Title   = 'A runbook that reports failed jobs, with the key in the environment'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
$jobs = Get-PixelcutTryOnJob -JobId $ids -ErrorAction Stop
$jobs | Where-Object { $_.Status -eq 'Failed' -and -not $_.IsCancelled } | Select-Object JobId, ErrorCode, ErrorMessage
'@
                    Remarks = 'With -ErrorAction Stop the runbook ends at the first job it cannot read, and pwsh -File exits with code 1.'
                }
                @{
                    Title   = 'Tell a missing job from other failures'
                    Code    = @'
Get-PixelcutTryOnJob -JobId $ids -ErrorVariable failures -ErrorAction SilentlyContinue
$failures | Where-Object FullyQualifiedErrorId -like 'JobNotFound,*' | ForEach-Object TargetObject
'@
                    Remarks = 'Lists the ids the API does not know; every error record carries the job id as its TargetObject.'
                }
            )
        }

        'Wait-PixelcutTryOnJob' = @{
            Synopsis    = 'Waits until Pixelcut Try On jobs are completed or failed.'
            Description = @(
                'Wait-PixelcutTryOnJob reads the status of each job (GET /v1/try-on/job/{jobId}) until it is Completed or Failed, and writes a Pixelcut.TryOn.TryOnJob for each job as soon as it finishes, in the order they finish. Ids come as arguments or from the pipeline, as strings, Import-Csv rows or the output of Get-PixelcutTryOnJob; each job is watched once however often it comes.'
                'Each job is read at most once per -PollIntervalSec: the next read waits a full interval after the last answer. Every read goes through the same pace (PIXELCUT_REQUESTS_PER_SECOND, default 5 per second), adaptive concurrency and retries as every other command of the module, so waiting for a thousand jobs never pushes the key past its pace; it only makes each job''s reads further apart. A read that fails even after its retries (a 500, a dropped connection) is tried again after the interval; an answer that will not change (JobNotFound, an unusable answer) ends that job''s wait with its error record at once. A rejected key or an account without credits stops the command.'
                'When -TimeoutSec passes, each job still unfinished gets one error record WaitTimedOut (category OperationTimeout, a PixelcutApiException) that names its last status, and the command ends. Ctrl+C ends the wait within a second. The progress bar shows how many jobs last read as each status.'
            )
            Parameters  = @{
                TimeoutSec      = 'How long to wait for all the jobs, in seconds, counted from the start of the command. Default 600; 0 waits without a limit. Each status read may take up to 30 s, as with the other commands.'
                PollIntervalSec = 'How long to wait after each answer about a job before reading it again, in seconds, from 1 to 3600. Default 2.'
                Any             = 'Returns as soon as one job is completed or failed, with that job only; the others are neither written nor reported.'
            }
            Inputs      = @(
                @{ Type = 'System.String[]'; Description = 'Job ids, or objects with a JobId, job_id or Id property (Import-Csv rows, ConvertFrom-Json objects).' }
                @{ Type = 'Pixelcut.TryOn.TryOnJob'; Description = 'The output of Get-PixelcutTryOnJob; its JobId is what is waited for.' }
            )
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.TryOnJob'; Description = 'One per job that is completed or failed, when it finishes: JobId, Status, ResultUrl (valid for one hour from RetrievedAt), ErrorCode, ErrorMessage, RetrievedAt, RequestId.' })
            Notes       = 'The API has no cancelled status: a cancelled job reads as Failed with ErrorCode job_cancelled, and so ends the wait.'
            Examples    = @(
                @{
                    Title   = 'Wait for a job, then save its picture'
                    Code    = @'
Get-PixelcutTryOnJob 6ba7b810-9dad-11d1-80b4-00c04fd430c8 | Wait-PixelcutTryOnJob | Save-PixelcutTryOnResult -Path ./results
'@
                    Remarks = 'Save-PixelcutTryOnResult gets the job the moment it is completed, with a fresh result link.'
                }
                @{
                    Title   = 'Watch the jobs of a CSV export for ten minutes at most'
                    Code    = @'
Import-Csv ./jobs.csv | Wait-PixelcutTryOnJob -TimeoutSec 600 -PollIntervalSec 5 | Format-Table JobId, Status, ErrorCode
'@
                    Remarks = 'The CSV needs a job_id, JobId or Id column. Jobs still pending or running after ten minutes each get a WaitTimedOut error.'
                }
                @{
                    Title   = 'A runbook that waits without a limit and fails on the first error'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
$done = $ids | Wait-PixelcutTryOnJob -TimeoutSec 0 -ErrorAction Stop
$done | Where-Object Status -eq 'Failed' | Select-Object JobId, ErrorCode, ErrorMessage
'@
                    Remarks = 'With -ErrorAction Stop an unknown id ends the runbook at once (JobNotFound), and pwsh -File exits with code 1.'
                }
                @{
                    Title   = 'Cancel what did not finish in time'
                    Code    = @'
$ids | Wait-PixelcutTryOnJob -TimeoutSec 120 -ErrorVariable late -ErrorAction SilentlyContinue
$late | Where-Object FullyQualifiedErrorId -like 'WaitTimedOut,*' | ForEach-Object TargetObject | Stop-PixelcutTryOnJob -PassThru
'@
                    Remarks = 'Every error record carries the job id as its TargetObject, so the late jobs pipe straight into Stop-PixelcutTryOnJob.'
                }
                @{
                    Title   = 'Go on as soon as the first of several jobs is done'
                    Code    = @'
$first = $ids | Wait-PixelcutTryOnJob -Any
"First done: $($first.JobId) ($($first.Status))"
'@
                    Remarks = 'With -Any the command returns the first job that is completed or failed and stops reading the others.'
                }
            )
        }

        'Connect-Pixelcut'      = @{
            Synopsis    = 'Sets the Pixelcut API key for this PowerShell session.'
            Description = @(
                'Connect-Pixelcut keeps an API key, and optionally a base URI and a proxy, for every Pixelcut command run later in the same runspace. A -ApiKey parameter still wins over it, and it wins over the PIXELCUT_API_KEY environment variable. The key is kept per runspace, not per process: ForEach-Object -Parallel runspaces and runbooks sharing a process do not see each other''s keys, and a runspace that ForEach-Object -Parallel reuses starts without the key of its previous user.'
                'It never prompts. With -Validate it sends one status request for a job that does not exist; a 404 proves the key was accepted, and a rejected key fails with InvalidAuthToken and is not kept.'
            )
            Parameters  = @{
                ApiKey   = 'The Pixelcut API key to keep for this runspace. Takes a SecureString (Read-Host -AsSecureString, Get-Secret) or a PSCredential whose password is the key, also from the pipeline; plain text is refused. Without it the command fails with ApiKeyMissing rather than prompting.'
                BaseUri  = 'The address of the Pixelcut API to keep for this runspace. Without it later commands use PIXELCUT_BASE_URI, else https://api.developer.pixelcut.ai. Plain http:// is refused (InsecureBaseUri) unless the host is a loopback address.'
                Validate = 'Checks the key with one request before keeping it; fails with InvalidAuthToken if the API rejects it.'
                Proxy    = 'A proxy to keep for this runspace, used for every later request, loopback addresses included. Without it later commands use the system proxy (HTTPS_PROXY and NO_PROXY, or the Windows settings).'
            }
            Inputs      = @(@{ Type = 'System.Security.SecureString'; Description = 'The API key, such as Get-Secret returns.' })
            Outputs     = @(@{ Type = 'None'; Description = 'Connect-Pixelcut writes nothing; -Verbose says what it set.' })
            Notes       = 'Disconnect-Pixelcut forgets the key. Closing the session forgets it too: nothing is written to disk.'
            Examples    = @(
                @{
                    Title   = 'Type the key once at the prompt'
                    Code    = @'
Connect-Pixelcut -ApiKey (Read-Host -AsSecureString 'Pixelcut API key') -Validate
Get-PixelcutTryOnJob 6ba7b810-9dad-11d1-80b4-00c04fd430c8
'@
                    Remarks = 'The key is checked, kept for this session, and used by every later Pixelcut command.'
                }
                @{
                    Title   = 'Take the key from a vault, then cancel the jobs in a CSV export'
                    Code    = @'
Get-Secret -Name PixelcutApiKey | Connect-Pixelcut
Import-Csv ./jobs.csv | Stop-PixelcutTryOnJob -PassThru
'@
                    Remarks = 'Get-Secret returns a SecureString, which pipes straight into Connect-Pixelcut.'
                }
                @{
                    Title   = 'A runbook that serves two accounts in parallel'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name DefaultPixelcutApiKey
$accounts | ForEach-Object -Parallel {
    Import-Module Pixelcut.TryOn
    Connect-Pixelcut -ApiKey (Get-Secret -Name $_.SecretName)
    $_.JobIds | Stop-PixelcutTryOnJob
}
'@
                    Remarks = 'Each parallel runspace uses its own account''s key; runspaces that do not connect use PIXELCUT_API_KEY.'
                }
                @{
                    Title   = 'Stop a runbook when the key is rejected'
                    Code    = @'
try { Connect-Pixelcut -ApiKey $key -Validate }
catch [Pixelcut.TryOn.PixelcutAuthenticationException] { Write-Error "Pixelcut key rejected: $($_.FullyQualifiedErrorId)"; exit 2 }
'@
                    Remarks = 'A rejected key fails with error id InvalidAuthToken and a PixelcutAuthenticationException; nothing is kept.'
                }
            )
        }

        'Get-PixelcutConnection' = @{
            Synopsis    = 'Shows where the next Pixelcut command would take its API key from, and where and how it would send.'
            Description = @(
                'Get-PixelcutConnection writes a Pixelcut.TryOn.PixelcutConnection for the current runspace: ApiKeySource (Connect-Pixelcut, PIXELCUT_API_KEY or None), BaseUri, RequestsPerSecond, and the Proxy and ProxyUserName that Connect-Pixelcut set (empty when requests follow the system proxy). It sends no request and never shows the key or any part of it.'
                'A bad PIXELCUT_BASE_URI or PIXELCUT_REQUESTS_PER_SECOND stops it with InvalidSetting, as it would stop any other Pixelcut command.'
            )
            Parameters  = @{}
            Inputs      = @(@{ Type = 'None'; Description = 'Get-PixelcutConnection takes no pipeline input.' })
            Outputs     = @(@{ Type = 'Pixelcut.TryOn.PixelcutConnection'; Description = 'ApiKeySource, BaseUri, RequestsPerSecond, Proxy and ProxyUserName; never the key.' })
            Notes       = 'What it shows is what -ApiKey, -BaseUri and -Proxy on a single command would override.'
            Examples    = @(
                @{
                    Title   = 'See what the session uses'
                    Code    = 'Get-PixelcutConnection'
                    Remarks = 'Shows the key source, base URI, pace and proxy as a table.'
                }
                @{
                    Title   = 'Check a runbook''s environment before a large run'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
if ((Get-PixelcutConnection).ApiKeySource -eq 'None') { throw 'No Pixelcut API key for this runbook.' }
Import-Csv ./jobs.csv | Stop-PixelcutTryOnJob
'@
                    Remarks = 'ApiKeySource reads PIXELCUT_API_KEY when Connect-Pixelcut has not set a key.'
                }
                @{
                    Title   = 'Confirm the proxy after connecting through one'
                    Code    = @'
Connect-Pixelcut -ApiKey (Get-Secret -Name PixelcutApiKey) -Proxy http://proxy.corp.example:8080 -ProxyCredential (Get-Credential)
Get-PixelcutConnection | Format-List
'@
                    Remarks = 'Proxy and ProxyUserName show what Connect-Pixelcut kept; the password is never shown.'
                }
                @{
                    Title   = 'Report a bad setting instead of failing later'
                    Code    = @'
try { Get-PixelcutConnection -ErrorAction Stop }
catch { if ($_.FullyQualifiedErrorId -like 'InvalidSetting,*') { "Fix the environment: $($_.Exception.Message)" } else { throw } }
'@
                    Remarks = 'A bad PIXELCUT_BASE_URI or PIXELCUT_REQUESTS_PER_SECOND is InvalidSetting, the same error every command would give.'
                }
            )
        }

        'Disconnect-Pixelcut'   = @{
            Synopsis    = 'Forgets the API key Connect-Pixelcut set for this PowerShell session.'
            Description = @(
                'Disconnect-Pixelcut forgets the key, base URI and proxy that Connect-Pixelcut kept for the current runspace. Later commands use -ApiKey or the PIXELCUT_API_KEY environment variable again. Other runspaces keep their own keys. Disconnecting a session that is not connected does nothing.'
            )
            Parameters  = @{}
            Inputs      = @(@{ Type = 'None'; Description = 'Disconnect-Pixelcut takes no pipeline input.' })
            Outputs     = @(@{ Type = 'None'; Description = 'Disconnect-Pixelcut writes nothing.' })
            Notes       = 'The jobs this session looked up stay offered by tab completion; they hold no secret.'
            Examples    = @(
                @{
                    Title   = 'End an interactive session'
                    Code    = 'Disconnect-Pixelcut'
                    Remarks = 'The next Pixelcut command needs -ApiKey, PIXELCUT_API_KEY or a new Connect-Pixelcut.'
                }
                @{
                    Title   = 'Use a key only for one CSV run'
                    Code    = @'
Connect-Pixelcut -ApiKey (Get-Secret -Name PixelcutApiKey)
try { Import-Csv ./jobs.csv | Stop-PixelcutTryOnJob -PassThru }
finally { Disconnect-Pixelcut }
'@
                    Remarks = 'The key is forgotten even when the run fails or is stopped with Ctrl+C.'
                }
                @{
                    Title   = 'Fall back to the runbook''s own key'
                    Code    = @'
$env:PIXELCUT_API_KEY = Get-AutomationVariable -Name PixelcutApiKey
Disconnect-Pixelcut
$ids | Stop-PixelcutTryOnJob -ErrorAction Stop
'@
                    Remarks = 'After Disconnect-Pixelcut, commands use PIXELCUT_API_KEY again.'
                }
                @{
                    Title   = 'Check that no key is left'
                    Code    = @'
Disconnect-Pixelcut
try { Get-PixelcutTryOnJob -JobId $id -ErrorAction Stop }
catch { if ($_.FullyQualifiedErrorId -like 'ApiKeyMissing,*') { 'No Pixelcut key is set in this session.' } else { throw } }
'@
                    Remarks = 'With no -ApiKey and no PIXELCUT_API_KEY, commands fail with ApiKeyMissing before sending anything.'
                }
            )
        }
    }
}
