<#
Measures bulk cancels, bulk submits and a long wait, against the local stand-in API; a benchmark, not a test. Run it through ./build.ps1 Bench.
Each scenario runs the module and a ForEach-Object -Parallel loop one after another in this one process tree, against
the same stand-in, so compare the ratios: each is wall time over the physical limit of that scenario.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Configuration = 'Release',
    [int] $StreamCount = 100000,
    [int] $ImportSamples = 7
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Sandbox/Sandbox.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1') -Force

# The module's pacer is set to the account's rate limit, as PIXELCUT_REQUESTS_PER_SECOND would be.
$scenarios = @(
    [pscustomobject]@{ Name = '1,000 ids, 100/s limit, 50 ms latency'; Jobs = 1000; Rate = 100; LatencyMs = 50; Concurrency = 0; Limiter = 'default'; Burst = 0 }
    [pscustomobject]@{ Name = '100 ids, 5/s limit, 1.5 s latency'; Jobs = 100; Rate = 5; LatencyMs = 1500; Concurrency = 0; Limiter = 'default'; Burst = 0 }
    [pscustomobject]@{ Name = '300 ids, 100/s limit, 3 in flight allowed'; Jobs = 300; Rate = 100; LatencyMs = 50; Concurrency = 3; Limiter = 'default'; Burst = 0 }
)

# The limiters a server may run at 5/s, each at two latencies, alone and with a cap of 3 in flight.
$serverLimiters = @(
    @{ Name = 'token bucket, one second of burst'; Limiter = 'token-bucket'; Burst = 5 }
    @{ Name = 'token bucket of capacity 1 (strict)'; Limiter = 'token-bucket'; Burst = 1 }
    @{ Name = 'nginx limit_req without burst (leaky bucket, integer ms)'; Limiter = 'nginx'; Burst = 0 }
    @{ Name = 'GCRA without burst'; Limiter = 'gcra'; Burst = 0 }
    @{ Name = 'fixed 1 s window'; Limiter = 'fixed-window'; Burst = 0 }
    @{ Name = 'sliding 1 s log'; Limiter = 'sliding-log'; Burst = 0 }
    @{ Name = 'sliding log that also counts refused requests'; Limiter = 'sliding-log-counting-refused'; Burst = 0 }
    @{ Name = 'sliding window counter'; Limiter = 'sliding-window-counter'; Burst = 0 }
)
$limiterScenarios = foreach ($limiter in $serverLimiters) {
    foreach ($latency in 50, 1500) {
        foreach ($cap in 0, 3) {
            [pscustomobject]@{ Name = $limiter.Name; Jobs = 100; Rate = 5; LatencyMs = $latency; Concurrency = $cap; Limiter = $limiter.Limiter; Burst = $limiter.Burst }
        }
    }
}

function Get-PhysicalLimit($Scenario) {
    # N / rate, or N x latency / concurrency limit, whichever is longer, plus the last answer's latency.
    $latency = $Scenario.LatencyMs / 1000
    $byRate = $Scenario.Jobs / $Scenario.Rate
    $byConcurrency = if ($Scenario.Concurrency -gt 0) { $Scenario.Jobs * $latency / $Scenario.Concurrency } else { 0 }
    [math]::Max($byRate, $byConcurrency) + $latency
}

# What a scenario's run achieved on the server: jobs cancelled, or for submits, rows that created a job.
$cancelledJobs = { @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled').Count }
$submittedRows = { @(Get-SandboxSubmission $sandbox).Count }

function Measure-Approach($Scenario, [string] $Approach, [scriptblock] $Run, [scriptblock] $Done = $cancelledJobs) {
    Reset-PixelcutSandbox $sandbox
    Set-SandboxSetting $sandbox -LatencyMs $Scenario.LatencyMs -RateLimit $Scenario.Rate -ConcurrencyLimit $Scenario.Concurrency `
        -RateLimiter $Scenario.Limiter -RateLimitBurst $Scenario.Burst
    $ids = 1..$Scenario.Jobs | ForEach-Object { "auto-$_" }
    Write-Host "Running: $($Scenario.Name), $Approach"
    $env:PIXELCUT_REQUESTS_PER_SECOND = [string]$Scenario.Rate
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Run $ids
    $seconds = $watch.Elapsed.TotalSeconds
    $log = @(Get-SandboxLog $sandbox)
    $achieved = & $Done
    $limit = Get-PhysicalLimit $Scenario
    [pscustomobject]@{
        Scenario      = $Scenario.Name
        Approach      = $Approach
        Seconds       = [math]::Round($seconds, 2)
        PhysicalLimit = [math]::Round($limit, 2)
        Ratio         = [math]::Round($seconds / $limit, 3)
        Undone        = $Scenario.Jobs - $achieved
        Requests      = $log.Count
        Answered429   = @($log | Where-Object status -EQ 429).Count
        PeakInFlight  = (Get-SandboxStats $sandbox).peakInFlight
    }
}

$sandbox = Start-PixelcutSandbox -Configuration $Configuration
try {
    $key = $sandbox.ValidApiKey
    $base = $sandbox.BaseUri
    $env:PIXELCUT_API_KEY = $key
    $env:PIXELCUT_BASE_URI = $base
    Import-Module $ModulePath -Force

    $results = @(foreach ($scenario in $scenarios) {
        Measure-Approach $scenario 'Stop-PixelcutTryOnJob (defaults)' {
            param($ids)
            # A key of its own per scenario, so the module starts as a new user's would, not from what the last scenario taught it.
            $ids | Stop-PixelcutTryOnJob -ApiKey (New-FreshKey $sandbox) -ErrorAction SilentlyContinue
        }
        Measure-Approach $scenario 'ForEach-Object -Parallel 8 + Invoke-RestMethod' {
            param($ids)
            $ids | ForEach-Object -ThrottleLimit 8 -Parallel {
                try { $null = Invoke-RestMethod -Method Post -Uri "$using:base/v1/try-on/job/$_/cancel" -Headers @{ 'X-API-KEY' = $using:key } }
                catch { }
            }
        }
    })

    # Submits: each row a job, one POST each. The rows are made before the clock starts.
    $submits = [pscustomobject]@{ Name = '1,000 submits, 100/s limit, 50 ms latency'; Jobs = 1000; Rate = 100; LatencyMs = 50; Concurrency = 0; Limiter = 'default'; Burst = 0 }
    $rows = 1..$submits.Jobs | ForEach-Object { [pscustomobject]@{ PersonImage = "https://img.example.test/model-$_.jpg"; GarmentImage = 'https://img.example.test/shirt.png' } }
    $results += Measure-Approach $submits 'Start-PixelcutTryOnJob (defaults)' -Done $submittedRows {
        $null = $rows | Start-PixelcutTryOnJob -ApiKey (New-FreshKey $sandbox) -ErrorAction SilentlyContinue
    }
    $results += Measure-Approach $submits 'ForEach-Object -Parallel 8 + Invoke-RestMethod' -Done $submittedRows {
        $rows | ForEach-Object -ThrottleLimit 8 -Parallel {
            $body = @{ person_image_url = $_.PersonImage; garment_image_url = $_.GarmentImage; wait_for_result = $false } | ConvertTo-Json
            try { $null = Invoke-RestMethod -Method Post -Uri "$using:base/v1/try-on" -Headers @{ 'X-API-KEY' = $using:key } -Body $body -ContentType 'application/json' }
            catch { }
        }
    }

    $limiterResults = foreach ($scenario in $limiterScenarios) {
        Measure-Approach $scenario "$($scenario.LatencyMs) ms, cap $($scenario.Concurrency)" {
            param($ids)
            $ids | Stop-PixelcutTryOnJob -ApiKey (New-FreshKey $sandbox) -ErrorAction SilentlyContinue
        }
    }

    # A wait for many jobs: half finish at known times, half never do. The pace, not the number of jobs, bounds the reads.
    $waitJobs = 500; $waitRate = 50; $waitInterval = 2; $waitTimeout = 20
    Reset-PixelcutSandbox $sandbox
    Set-SandboxSetting $sandbox -RateLimit $waitRate
    $finishAt = @{}
    $waitIds = 1..$waitJobs | ForEach-Object { "wait-$_" }
    $addedAt = [DateTime]::UtcNow
    # Every second job finishes, in half-second steps from 1 s to 8 s after it was added.
    $finishing = for ($i = 0; $i -lt $waitJobs; $i += 2) { $waitIds[$i] }
    $steps = 15
    for ($step = 0; $step -lt $steps; $step++) {
        $afterMs = 1000 + 500 * $step
        $group = @(for ($i = $step; $i -lt $finishing.Count; $i += $steps) { $finishing[$i] })
        foreach ($id in $group) { $finishAt[$id] = $addedAt.AddMilliseconds($afterMs) }
        Add-SandboxJob $sandbox -Id $group -Timeline @(@{ afterMs = $afterMs; status = 'completed' })
    }
    Add-SandboxJob $sandbox -Id ($waitIds | Where-Object { -not $finishAt.ContainsKey($_) })
    Write-Host "Running: Wait-PixelcutTryOnJob, $waitJobs jobs"
    $env:PIXELCUT_REQUESTS_PER_SECOND = [string]$waitRate
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $written = @($waitIds | Wait-PixelcutTryOnJob -PollIntervalSec $waitInterval -TimeoutSec $waitTimeout -ApiKey (New-FreshKey $sandbox) -ErrorVariable late -ErrorAction SilentlyContinue |
        ForEach-Object { [pscustomobject]@{ JobId = $_.JobId; At = [DateTime]::UtcNow } })
    $waitSeconds = $watch.Elapsed.TotalSeconds
    $waitLog = @(Get-SandboxLog $sandbox)
    $gaps = foreach ($group in $waitLog | Group-Object jobId) {
        $times = @($group.Group | ForEach-Object { [DateTimeOffset]::Parse($_.at).UtcDateTime } | Sort-Object)
        for ($i = 1; $i -lt $times.Count; $i++) { ($times[$i] - $times[$i - 1]).TotalSeconds }
    }
    $delays = @($written | ForEach-Object { ($_.At - $finishAt[$_.JobId]).TotalSeconds } | Sort-Object)
    # Each job can be read at most once per max(interval, jobs / rate): a job is seen finished half of that after it finishes, on average.
    $round = [math]::Max($waitInterval, $waitJobs / $waitRate)
    $wait = [pscustomobject]@{
        Reads          = $waitLog.Count
        PaceRatio      = [math]::Round(($waitLog.Count / $waitSeconds) / $waitRate, 3)
        Answered429    = @($waitLog | Where-Object status -EQ 429).Count
        MinGap         = [math]::Round(($gaps | Measure-Object -Minimum).Minimum, 2)
        Written        = $written.Count
        Finishing      = $finishAt.Count
        TimedOut       = @($late | Where-Object { $_.FullyQualifiedErrorId -like 'WaitTimedOut,*' }).Count
        MedianDelay    = [math]::Round($delays[[int][math]::Floor($delays.Count / 2)], 2)
        MaxDelay       = [math]::Round($delays[-1], 2)
        Round          = $round
    }

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
1..$StreamCount | ForEach-Object { "auto-stream-`$_" } | Stop-PixelcutTryOnJob
`$process.Refresh()
"STREAM `$([math]::Round((`$process.PeakWorkingSet64 - `$before) / 1MB, 1)) `$([math]::Round(`$watch.Elapsed.TotalSeconds, 1))"
"@
    $streamLine = ($memory.Output -split "`n" | Where-Object { $_ -match '^STREAM ' } | Select-Object -Last 1)
    if (-not $streamLine) { throw "The streaming run failed: $($memory.Output)" }
    $growthMb, $streamSeconds = $streamLine.Split(' ')[1, 2]

    Write-Host ''
    Write-Host 'Physical limit: max(N / rate limit, N x latency / concurrency limit) + one latency. The module paces itself at the rate limit.'
    Write-Host ''
    Write-Host '| Scenario | Approach | Wall time (s) | Physical limit (s) | Ratio | Left undone | Answered 429 | Requests | Peak in flight |'
    Write-Host '|---|---|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($result in $results) {
        Write-Host "| $($result.Scenario) | $($result.Approach) | $($result.Seconds) | $($result.PhysicalLimit) | $($result.Ratio)x | $($result.Undone) | $($result.Answered429) | $($result.Requests) | $($result.PeakInFlight) |"
    }
    Write-Host ''
    Write-Host 'Stop-PixelcutTryOnJob, 100 ids at 5/s against each server-side limiter (PIXELCUT_REQUESTS_PER_SECOND 5), no rate-limit headers.'
    Write-Host ''
    Write-Host '| Server-side limiter at 5/s | Latency | In flight allowed | Time / physical limit | 429s per 100 ids | Left undone |'
    Write-Host '|---|---:|---:|---:|---:|---:|'
    foreach ($result in $limiterResults) {
        $scenario = $limiterScenarios | Where-Object { "$($_.LatencyMs) ms, cap $($_.Concurrency)" -eq $result.Approach -and $_.Name -eq $result.Scenario } | Select-Object -First 1
        $allowed = if ($scenario.Concurrency -gt 0) { $scenario.Concurrency } else { 'any' }
        Write-Host "| $($result.Scenario) | $($scenario.LatencyMs) ms | $allowed | $($result.Ratio)x | $($result.Answered429) | $($result.Undone) |"
    }
    Write-Host ''
    Write-Host "Wait-PixelcutTryOnJob: $waitJobs jobs, $($wait.Finishing) finishing 1 to 8 s in, the rest never; $waitRate/s limit, -PollIntervalSec $waitInterval, -TimeoutSec $waitTimeout."
    Write-Host "A job can be read once per max(interval, jobs / rate) = $($wait.Round) s, so it is seen finished about half of that after it finishes."
    Write-Host ''
    Write-Host '| Status reads | Reads per second / limit | Answered 429 | Shortest gap between reads of one job (s) | Finished jobs written | WaitTimedOut | Median / max seconds from finishing to written |'
    Write-Host '|---:|---:|---:|---:|---:|---:|---:|'
    Write-Host "| $($wait.Reads) | $($wait.PaceRatio) | $($wait.Answered429) | $($wait.MinGap) | $($wait.Written) of $($wait.Finishing) | $($wait.TimedOut) | $($wait.MedianDelay) / $($wait.MaxDelay) |"
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
