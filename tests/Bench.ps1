<#
Measures bulk cancels against the local stand-in API; a benchmark, not a test. Run it through ./build.ps1 Bench.
Every approach runs one after another in this one process tree, against the same stand-in, so compare the ratios.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Configuration = 'Release',
    [int] $JobCount = 1000,
    [int] $LatencyMs = 50,
    [double] $RateLimit = 100,
    [int] $StreamCount = 100000,
    [int] $ImportSamples = 7
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Sandbox/Sandbox.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1') -Force
$moduleThrottleLimit = 5

function Measure-Approach([string] $Name, [scriptblock] $Run) {
    Reset-PixelcutSandbox $sandbox
    Set-SandboxSetting $sandbox -LatencyMs $LatencyMs -RateLimit $RateLimit
    $ids = 1..$JobCount | ForEach-Object { "auto-$_" }
    Write-Host "Running: $Name"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Run $ids
    $seconds = $watch.Elapsed.TotalSeconds
    $log = @(Get-SandboxLog $sandbox)
    $cancelled = @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled').Count
    [pscustomobject]@{
        Approach       = $Name
        Seconds        = [math]::Round($seconds, 2)
        VsIdeal        = [math]::Round($seconds / $ideal, 2)
        Cancelled      = $cancelled
        Failed         = $JobCount - $cancelled
        Requests       = $log.Count
        Answered429    = @($log | Where-Object status -EQ 429).Count
    }
}

$sandbox = Start-PixelcutSandbox -Configuration $Configuration
try {
    $key = $sandbox.ValidApiKey
    $base = $sandbox.BaseUri
    $ideal = [math]::Max($JobCount / $RateLimit, $JobCount * $LatencyMs / 1000 / $moduleThrottleLimit)
    $env:PIXELCUT_API_KEY = $key
    $env:PIXELCUT_BASE_URI = $base
    $env:PIXELCUT_REQUESTS_PER_SECOND = [string]$RateLimit
    Import-Module $ModulePath -Force

    $results = @(
        Measure-Approach 'Stop-PixelcutTryOnJob (defaults)' {
            param($ids)
            $ids | Stop-PixelcutTryOnJob -ErrorAction SilentlyContinue
        }
        Measure-Approach 'foreach + Invoke-RestMethod' {
            param($ids)
            foreach ($id in $ids) {
                try { $null = Invoke-RestMethod -Method Post -Uri "$base/v1/try-on/job/$id/cancel" -Headers @{ 'X-API-KEY' = $key } }
                catch { }
            }
        }
        Measure-Approach 'ForEach-Object -Parallel -ThrottleLimit 8 + Invoke-RestMethod' {
            param($ids)
            $ids | ForEach-Object -ThrottleLimit 8 -Parallel {
                try { $null = Invoke-RestMethod -Method Post -Uri "$using:base/v1/try-on/job/$_/cancel" -Headers @{ 'X-API-KEY' = $using:key } }
                catch { }
            }
        }
    )

    $importTimes = 1..$ImportSamples | ForEach-Object {
        $measure = Invoke-ChildPwsh -WithoutModule -Script "(Measure-Command { Import-Module '$ModulePath' }).TotalMilliseconds"
        [double](($measure.Output -split "`n" | Where-Object { $_ -match '^\s*[\d.]+\s*$' } | Select-Object -Last 1).Trim())
    } | Sort-Object
    $importMedian = $importTimes[[int][math]::Floor($importTimes.Count / 2)]

    Reset-PixelcutSandbox $sandbox
    $memory = Invoke-ChildPwsh -Environment @{ PIXELCUT_API_KEY = $key; PIXELCUT_BASE_URI = $base; PIXELCUT_REQUESTS_PER_SECOND = '10000' } -Script @"
'auto-warm-1', 'auto-warm-2' | Stop-PixelcutTryOnJob
[GC]::Collect()
`$process = [Diagnostics.Process]::GetCurrentProcess()
`$before = `$process.WorkingSet64
`$watch = [Diagnostics.Stopwatch]::StartNew()
1..$StreamCount | ForEach-Object { "auto-stream-`$_" } | Stop-PixelcutTryOnJob -ThrottleLimit 16
`$process.Refresh()
"STREAM `$([math]::Round((`$process.PeakWorkingSet64 - `$before) / 1MB, 1)) `$([math]::Round(`$watch.Elapsed.TotalSeconds, 1))"
"@
    $streamLine = ($memory.Output -split "`n" | Where-Object { $_ -match '^STREAM ' } | Select-Object -Last 1)
    if (-not $streamLine) { throw "The streaming run failed: $($memory.Output)" }
    $growthMb, $streamSeconds = $streamLine.Split(' ')[1, 2]

    Write-Host ''
    Write-Host "Bench: $JobCount jobs, stand-in latency $LatencyMs ms, stand-in rate limit $RateLimit/s, module pacer $RateLimit/s, throttle limit $moduleThrottleLimit."
    Write-Host "Ideal: max(N / rate, N * latency / ThrottleLimit) = $([math]::Round($ideal, 2)) s"
    Write-Host ''
    Write-Host '| Approach | Wall time (s) | x ideal | Cancelled | Failed | Requests | Answered 429 |'
    Write-Host '|---|---:|---:|---:|---:|---:|---:|'
    foreach ($result in $results) {
        Write-Host "| $($result.Approach) | $($result.Seconds) | $($result.VsIdeal) | $($result.Cancelled) | $($result.Failed) | $($result.Requests) | $($result.Answered429) |"
    }
    Write-Host ''
    Write-Host "| Measure | Value |"
    Write-Host '|---|---:|'
    Write-Host "| Import-Module, median of $ImportSamples fresh processes | $([math]::Round($importMedian, 1)) ms |"
    Write-Host "| Peak working set growth streaming $StreamCount ids | $growthMb MB (in $streamSeconds s) |"
}
finally {
    Stop-PixelcutSandbox $sandbox
    Remove-Item Env:PIXELCUT_API_KEY, Env:PIXELCUT_BASE_URI, Env:PIXELCUT_REQUESTS_PER_SECOND -ErrorAction SilentlyContinue
}
