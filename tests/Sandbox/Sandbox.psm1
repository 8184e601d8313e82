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
    $null = Invoke-SandboxControl $Sandbox Post settings @{
        latencyMs = 0; rateLimit = 0; setCookies = $false; proxyCredential = ''; concurrencyLimit = 0; resultUrlValiditySeconds = 3600
    }
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

function Get-SandboxFault {
    <#
    .SYNOPSIS
    Lists every fault Add-SandboxJob takes.
    .DESCRIPTION
    Every -Fault (Kind api) and -AssetFault (Kind asset) that Add-SandboxJob takes, from the sandbox's own table: Name,
    Usage (how it is written, such as slow:MS, or huge[:MiB] when the argument may be left out) and Description.
    Without -Sandbox it starts one to ask and stops it. Get-SandboxFault | Format-Table -Wrap shows whole descriptions.
    #>
    param($Sandbox, [ValidateSet('api', 'asset')] [string] $Kind)
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
       bytesWritten (response body bytes the server accepted), at. #>
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
    <# Settings left out go back to their defaults. -ConcurrencyLimit N answers 429 to a request that arrives while N are in flight. -SetCookies makes every API answer set a pixelcut_session cookie,
       and every answer of the result host a cdn_session cookie.
       -ProxyCredential 'user:password' makes the sandbox, used as a forward proxy (-Proxy set to its BaseUri), answer
       407 to requests without those Basic proxy credentials. -ResultUrlValiditySeconds is how long a result_url handed
       out from then on stays valid (3600); a negative value hands out links that have already expired. #>
    param(
        [Parameter(Mandatory)] $Sandbox,
        [int] $LatencyMs = 0,
        [double] $RateLimit = 0,
        [switch] $SetCookies,
        [string] $ProxyCredential,
        [int] $ConcurrencyLimit = 0,
        [int] $ResultUrlValiditySeconds = 3600
    )
    $null = Invoke-SandboxControl $Sandbox Post settings @{
        latencyMs = $LatencyMs; rateLimit = $RateLimit; setCookies = $SetCookies.IsPresent; proxyCredential = $ProxyCredential
        concurrencyLimit = $ConcurrencyLimit; resultUrlValiditySeconds = $ResultUrlValiditySeconds
    }
}

function Get-SandboxStats {
    <# peakInFlight: the most API requests in flight at once and admitted since the last reset. #>
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-SandboxControl $Sandbox Get stats
}

Export-ModuleMember -Function Start-PixelcutSandbox, Stop-PixelcutSandbox, Reset-PixelcutSandbox, Add-SandboxJob, Get-SandboxFault, Get-SandboxJob, Get-SandboxLog, Get-SandboxAssetLog, Set-SandboxSetting, Get-SandboxStats
