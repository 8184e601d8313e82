# Starts and drives the local stand-in for the Pixelcut API; used by the tests, Demo and Bench.
Set-StrictMode -Version Latest

$script:ValidApiKey = 'sk_sandbox_valid'
$script:NoCreditsApiKey = 'sk_sandbox_no_credits'

function Start-PixelcutSandbox {
    <# Starts the stand-in API on a free loopback port and returns its handle (BaseUri, Process). #>
    [CmdletBinding()]
    param(
        [string] $Configuration = 'Release',
        [int] $LatencyMs = 0,
        [double] $RateLimit = 0
    )
    $dll = Join-Path $PSScriptRoot "bin/$Configuration/net10.0/Pixelcut.Sandbox.dll"
    if (-not (Test-Path $dll)) { throw "The sandbox is not built ($dll). Run ./build.ps1 Build first." }
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($dll, '--latency-ms', $LatencyMs, '--rate-limit', [string]::Format([cultureinfo]::InvariantCulture, '{0}', $RateLimit))) {
        $start.ArgumentList.Add([string]$argument)
    }
    $start.UseShellExecute = $false
    # The sandbox stops when its standard input closes, so it never outlives the session that started it.
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch 'Sandbox listening on (?<uri>\S+)') {
        $process.Kill()
        throw "The sandbox did not start: '$line'."
    }
    [pscustomobject]@{
        PSTypeName      = 'Pixelcut.Sandbox'
        BaseUri         = $Matches.uri.TrimEnd('/')
        Process         = $process
        ValidApiKey     = $script:ValidApiKey
        NoCreditsApiKey = $script:NoCreditsApiKey
    }
}

function Stop-PixelcutSandbox {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Sandbox)
    if ($Sandbox.Process.HasExited) { return }
    $Sandbox.Process.StandardInput.Close()
    if (-not $Sandbox.Process.WaitForExit(5000)) { $Sandbox.Process.Kill() }
}

function Invoke-SandboxControl {
    param($Sandbox, [string] $Method, [string] $Path, $Body)
    $parameters = @{ Method = $Method; Uri = "$($Sandbox.BaseUri)/_sandbox/$Path" }
    if ($null -ne $Body) {
        $parameters.Body = ConvertTo-Json -InputObject $Body -Depth 5 -Compress
        $parameters.ContentType = 'application/json'
    }
    try { $answer = Invoke-RestMethod @parameters }
    catch {
        # A refused control request says why in its body's error, such as the fault names it knows.
        $failure = $_
        $reason = try { ($failure.ErrorDetails.Message | ConvertFrom-Json -ErrorAction Stop).error } catch { $null }
        if ($reason) { throw "The sandbox refused $($Method.ToUpperInvariant()) /_sandbox/${Path}: $reason" }
        throw $failure
    }
    # Writing the variable enumerates a JSON array, so an empty one is nothing rather than one empty array.
    $answer
}

function Reset-PixelcutSandbox {
    param([Parameter(Mandatory)] $Sandbox)
    $null = Invoke-SandboxControl $Sandbox Post reset
    Set-SandboxSetting $Sandbox
}

function Add-SandboxJob {
    <#
    .SYNOPSIS
    Adds jobs to the sandbox, with the faults they play.
    .DESCRIPTION
    Adds jobs: -Id with an optional -Status (pending, running, completed, failed) and -Fault list played one per API request.
    -Timeline steps such as @{ afterMs = 300; status = 'running' } or @{ afterMs = 900; status = 'failed'; errorCode = 'content_filter_error' }
    change the status that many milliseconds after the job was added; a cancel drops the steps still to come.
    A completed job answers a fresh link to the sandbox's result host as its result_url, or -ResultUrl as given.
    -AssetFault list is played one per request for the job's picture. -AssetBytes sets the picture's size; it is a small
    JPEG of a few hundred bytes otherwise.
    See Get-SandboxFault for every -Fault and -AssetFault; a name it does not list is refused, and no job is added.
    #>
    param(
        [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [string[]] $Id,
        [string] $Status = 'pending',
        [string] $ErrorCode,
        [string[]] $Fault = @(),
        [object[]] $Timeline = @(),
        [string] $ResultUrl,
        [string[]] $AssetFault = @(),
        [int] $AssetBytes
    )
    $jobs = foreach ($jobId in $Id) {
        $job = @{ id = $jobId; status = $Status; errorCode = $ErrorCode; faults = @($Fault); timeline = @($Timeline); assetFaults = @($AssetFault) }
        # Sent only when given, so an empty -ResultUrl stays an empty result_url and the picture keeps its size otherwise.
        if ($PSBoundParameters.ContainsKey('ResultUrl')) { $job.resultUrl = $ResultUrl }
        if ($PSBoundParameters.ContainsKey('AssetBytes')) { $job.assetBytes = $AssetBytes }
        $job
    }
    $null = Invoke-SandboxControl $Sandbox Post jobs @($jobs)
}

function Add-SandboxSubmitFault {
    <#
    .SYNOPSIS
    Scripts faults for the submits (POST /v1/try-on) of one person image.
    .DESCRIPTION
    A submit has no job id yet, so its faults are keyed by the person image it sends: -PersonImage is its
    person_image_url, or for a person_image file part its file name. The -Fault list is played one per submit of that
    image, in order, and adds to the faults already scripted for it; submits after the last one are answered normally.
    Scripted faults go before the run-wide mix of Set-SandboxSetting -SubmitFaultMix, which draws for the other submits.
    See Get-SandboxFault -Kind submit; a name it does not list is refused, and none is scripted.
    #>
    param(
        [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [string] $PersonImage,
        [Parameter(Mandatory)] [string[]] $Fault
    )
    $null = Invoke-SandboxControl $Sandbox Post submit-faults @{ personImage = $PersonImage; faults = @($Fault) }
}

function Get-SandboxSubmission {
    <#
    .SYNOPSIS
    The jobs submits created, per pair of inputs.
    .DESCRIPTION
    One object per (person image, garment image) pair that at least one job was created for, in the order of their first
    job: PersonImage and GarmentImage (the URL as sent, or for a file part its file name and size, such as
    'person.jpg (2048 bytes)'), Created (how many jobs) and JobIds (in the order they were created). A job counts once it is
    created, whatever the client was answered, so a pair with Created 2 was submitted twice with success on the server.
    #>
    param([Parameter(Mandatory)] $Sandbox)
    foreach ($submission in @(Invoke-SandboxControl $Sandbox Get submissions)) {
        [pscustomobject]@{
            PersonImage = $submission.personImage; GarmentImage = $submission.garmentImage; Created = $submission.created
            JobIds = @($submission.jobIds)
        }
    }
}

function Get-SandboxFault {
    <#
    .SYNOPSIS
    Lists every fault Add-SandboxJob and Add-SandboxSubmitFault take.
    .DESCRIPTION
    Every -Fault (Kind api) and -AssetFault (Kind asset) that Add-SandboxJob takes, and every -Fault (Kind submit) that
    Add-SandboxSubmitFault and Set-SandboxSetting -SubmitFaultMix take, from the sandbox's own table: Name, Usage (how it
    is written, such as slow:MS, or huge[:MiB] when the argument may be left out) and Description.
    Without -Sandbox it starts one to ask and stops it. Get-SandboxFault | Format-Table -Wrap shows whole descriptions.
    #>
    param($Sandbox, [ValidateSet('api', 'asset', 'submit')] [string] $Kind)
    $own = $null -eq $Sandbox
    if ($own) { $Sandbox = Start-PixelcutSandbox }
    try { $faults = @(Invoke-SandboxControl $Sandbox Get faults) }
    finally { if ($own) { Stop-PixelcutSandbox $Sandbox } }
    foreach ($fault in $faults) {
        if ($Kind -and $fault.kind -ne $Kind) { continue }
        [pscustomobject]@{ Kind = $fault.kind; Name = $fault.name; Usage = $fault.usage; Description = $fault.description }
    }
}

function Get-SandboxJob {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-SandboxControl $Sandbox Get jobs
}

function Get-SandboxLog {
    <# The API requests the sandbox received, in the order they were answered: method, rawTarget, jobId, keyAccepted,
       hadCookie (the request carried a Cookie header), viaProxy (it was sent to the sandbox as a forward proxy, with an
       absolute-form rawTarget), proxyAuthorization (the scheme and user name of its Proxy-Authorization header, such as
       'Basic corp-user', or null; never the password), userAgent, requestId (the x-request-id its answer carried), status,
       bytesWritten (response body bytes the server accepted), fault (the scripted or drawn fault it played, or null), at,
       connection (the id of the connection it came on: requests on one kept-alive connection share it).
       A submit's jobId is the job it created (null when none was); its submit holds what its body carried: contentType
       as sent, and parts (multipart: name, fileName, contentType, bytes, and value for a part without a file name, in the
       order sent) or json (the JSON body as sent, its values with their JSON types).
       arrivedAt is when the request reached the door, before the limits looked at it: UTC with seven decimals, on the
       clock the rate limiters count by; refusedBy the limit that answered it 429, 'rate' or 'concurrency', or null. #>
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-SandboxControl $Sandbox Get log
}

function Get-SandboxAssetLog {
    <# The requests the sandbox's result host received (GET /assets/{id}.jpg?expires=...), in the order they were answered:
       method, rawTarget, jobId, hadApiKey (the request carried an X-API-KEY header, whatever its value), hadCookie (a Cookie
       header), hadAuthorization (an Authorization header), viaProxy (it was sent to the sandbox as a forward proxy), userAgent,
       status (0 when the connection was closed without an answer), bytesWritten (response body bytes the server accepted), at.
       They are not in Get-SandboxLog, which holds API requests only. #>
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-SandboxControl $Sandbox Get asset-log
}

function Set-SandboxSetting {
    <# Settings left out go back to their defaults, but for -Credits. -ConcurrencyLimit N answers 429 to a request that arrives while N are in flight.
       -RateLimit N answers 429 to requests over N per second, kept by -RateLimiter: default (a token bucket with room for
       N/5 requests, at least 2), token-bucket (-RateLimitBurst its capacity, 1 when left out), nginx (limit_req with no
       burst), gcra (-RateLimitBurst its burst, 0 when left out), fixed-window, sliding-log, sliding-log-counting-refused and
       sliding-window-counter (N per second); the sandbox refuses another name. The limiter starts from rest whenever these
       three change. -RateLimitHeaders says what API answers tell of the rate: none (as the API), ietf (RateLimit-Policy
       and RateLimit), x-ratelimit (X-RateLimit-Limit, -Remaining, -Reset), ratelimit (RateLimit-Limit, -Remaining, -Reset)
       or retry-after (Retry-After on a refusal only). -SetCookies makes every API answer set a pixelcut_session cookie,
       and every answer of the result host a cdn_session cookie.
       -ProxyCredential 'user:password' makes the sandbox, used as a forward proxy (-Proxy set to its BaseUri), answer
       407 to requests without those Basic proxy credentials. -ResultUrlValiditySeconds is how long a result_url handed
       out from then on stays valid (3600); a negative value hands out links that have already expired.
       Submits (POST /v1/try-on): -SubmitStatus is the status of the answer with the job id (202, or 200). A submitted job
       is pending for -SubmitPendingMs (100), then running for -SubmitRunningMs (200), then completed. -Credits sets the
       credits left, one taken per job created, 403 insufficient_api_credits at none; left out, they are kept, and
       Reset-PixelcutSandbox puts back 1000. -CreditsAsString answers GET /v1/credits with credits_remaining as a string.
       -SubmitFaultMix, -SubmitFaultShare (0 to 1) and -SubmitFaultSeed play a fault drawn evenly from the mix on that share
       of the submits with no fault scripted by Add-SandboxSubmitFault, the same ones in the same order for a seed, counted
       from this call; -SubmitFaultMix 'close-after-create', '502', '429' -SubmitFaultShare 0.2 -SubmitFaultSeed 1, say.
       See Get-SandboxFault -Kind submit for the faults. #>
    param(
        [Parameter(Mandatory)] $Sandbox,
        [int] $LatencyMs = 0,
        [double] $RateLimit = 0,
        [string] $RateLimiter = 'default',
        [double] $RateLimitBurst = 0,
        [string] $RateLimitHeaders = 'none',
        [switch] $SetCookies,
        [string] $ProxyCredential,
        [int] $ConcurrencyLimit = 0,
        [int] $ResultUrlValiditySeconds = 3600,
        [ValidateSet(200, 202)] [int] $SubmitStatus = 202,
        [int] $SubmitPendingMs = 100,
        [int] $SubmitRunningMs = 200,
        [long] $Credits,
        [switch] $CreditsAsString,
        [string[]] $SubmitFaultMix = @(),
        [ValidateRange(0.0, 1.0)] [double] $SubmitFaultShare = 0,
        [int] $SubmitFaultSeed = 0
    )
    $settings = @{
        latencyMs = $LatencyMs; rateLimit = $RateLimit; rateLimiter = $RateLimiter; rateLimitBurst = $RateLimitBurst
        rateLimitHeaders = $RateLimitHeaders; setCookies = $SetCookies.IsPresent; proxyCredential = $ProxyCredential
        concurrencyLimit = $ConcurrencyLimit; resultUrlValiditySeconds = $ResultUrlValiditySeconds; submitStatus = $SubmitStatus
        submitPendingMs = $SubmitPendingMs; submitRunningMs = $SubmitRunningMs; creditsAsString = $CreditsAsString.IsPresent
        submitFaultMix = @($SubmitFaultMix); submitFaultShare = $SubmitFaultShare; submitFaultSeed = $SubmitFaultSeed
    }
    # Credits are used up by submits, so they are set only when asked, not put back by every other setting.
    if ($PSBoundParameters.ContainsKey('Credits')) { $settings.credits = $Credits }
    $null = Invoke-SandboxControl $Sandbox Post settings $settings
}

function Get-SandboxStats {
    <# peakInFlight: the most API requests in flight at once and admitted since the last reset. tooManyRequests: the 429s
       answered since then by cause, rate, concurrency (the limits) and fault (a scripted or drawn fault). #>
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-SandboxControl $Sandbox Get stats
}

Export-ModuleMember -Function Start-PixelcutSandbox, Stop-PixelcutSandbox, Reset-PixelcutSandbox, Add-SandboxJob, Add-SandboxSubmitFault, Get-SandboxSubmission, Get-SandboxFault, Get-SandboxJob, Get-SandboxLog, Get-SandboxAssetLog, Set-SandboxSetting, Get-SandboxStats
