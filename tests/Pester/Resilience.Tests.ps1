Describe 'Stop-PixelcutTryOnJob in bulk: retries, pacing, order, Ctrl+C' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession

        function Get-RequestCount([string] $Id) { @(Get-SandboxLog $sandbox | Where-Object jobId -EQ $Id).Count }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    Context 'Retries' {
        It 'retries <Fault> and then cancels the job' -ForEach @(
            @{ Fault = '429' }, @{ Fault = '500' }, @{ Fault = '502-html' }, @{ Fault = '503' }, @{ Fault = 'drop' }
        ) {
            Add-SandboxJob $sandbox -Id r -Fault $Fault, $Fault
            $result = Stop-PixelcutTryOnJob -JobId r -PassThru -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            $result.JobId | Should -Be 'r'
            Get-RequestCount r | Should -Be 3
        }

        It 'says on the Verbose stream why and how long it waits, and warns once about throttling' {
            Add-SandboxJob $sandbox -Id v -Fault 429, 429
            $records = Stop-PixelcutTryOnJob -JobId v -Verbose 4>&1 3>&1 | ForEach-Object { "$_" }
            ($records -match '^429 rate_limit_exceeded, retrying in \d+\.\d s, attempt 2 of 6$') | Should -HaveCount 1
            ($records -match '^429 rate_limit_exceeded, retrying in \d+\.\d s, attempt 3 of 6$') | Should -HaveCount 1
            ($records -match '^2 request\(s\) were rate-limited \(429\) and retried') | Should -HaveCount 1
        }

        It 'never retries <Case>' -ForEach @(
            @{ Case = '404'; Setup = {}; Id = 'nothing-here' }
            @{ Case = '409'; Setup = { Add-SandboxJob $sandbox -Id fin -Status completed }; Id = 'fin' }
            @{ Case = '400'; Setup = { Add-SandboxJob $sandbox -Id bad -Fault 400, 400 }; Id = 'bad' }
        ) {
            & $Setup
            Stop-PixelcutTryOnJob -JobId $Id -ErrorAction SilentlyContinue
            @(Get-SandboxLog $sandbox | Where-Object { $_.jobId -eq $Id -and $_.method -eq 'POST' }).Count | Should -Be 1
        }

        It 'writes the last error with the number of attempts when retries run out' {
            Add-SandboxJob $sandbox -Id tired -Fault 429, 429, 429, 429
            Stop-PixelcutTryOnJob -JobId tired -MaxRetryCount 2 -ErrorVariable failed -ErrorAction SilentlyContinue
            Get-ErrorId $failed[0] | Should -Be 'RateLimitExceeded'
            $failed[0].Exception.Attempts | Should -Be 3
            Get-RequestCount tired | Should -Be 3
        }

        It 'waits as long as Retry-After says, in <Form> form' -ForEach @(
            @{ Form = 'delta-seconds'; Fault = '429-retry-after:2' }
            @{ Form = 'HTTP-date'; Fault = '429-retry-after-date:3' }
        ) {
            Add-SandboxJob $sandbox -Id later -Fault $Fault
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-PixelcutTryOnJob -JobId later -PassThru | Should -Not -BeNullOrEmpty
            # An HTTP-date has whole seconds, so it may read up to a second short.
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'gives up at once on a Retry-After beyond 60 s' {
            Add-SandboxJob $sandbox -Id never -Fault '429-retry-after:120'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Stop-PixelcutTryOnJob -JobId never -ErrorVariable failed -ErrorAction SilentlyContinue
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            Get-ErrorId $failed[0] | Should -Be 'RateLimitExceeded'
            $failed[0].Exception.Attempts | Should -Be 1
        }

        It 'reports a cancel whose answer was lost as cancelled, not as JobFinished' {
            Add-SandboxJob $sandbox -Id lost -Fault cancel-then-drop
            $result = Stop-PixelcutTryOnJob -JobId lost -PassThru -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            $result.JobId | Should -Be 'lost'
            $log = @(Get-SandboxLog $sandbox)
            ($log | ForEach-Object { "$($_.method) $($_.status)" }) | Should -Be @('POST 0', 'POST 409', 'GET 200')
            (Get-SandboxJob $sandbox | Where-Object id -EQ lost).cancelCount | Should -Be 1
        }

        It 'reports a cancel that timed out but landed as cancelled' {
            Add-SandboxJob $sandbox -Id slow -Fault 'slow:2500'
            $result = Stop-PixelcutTryOnJob -JobId slow -TimeoutSec 1 -PassThru -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            $result.JobId | Should -Be 'slow'
        }

        It 'still reports JobFinished when the job ended by itself after a lost answer' {
            Add-SandboxJob $sandbox -Id ended -Status completed -Fault drop
            Stop-PixelcutTryOnJob -JobId ended -ErrorVariable failed -ErrorAction SilentlyContinue
            Get-ErrorId $failed[0] | Should -Be 'JobFinished'
        }
    }

    Context 'Ctrl+C' {
        It 'stops within a second in the middle of a 60 s Retry-After and reports nothing as cancelled' {
            Add-SandboxJob $sandbox -Id waiting -Fault '429-retry-after:60'
            $shell = New-ModulePowerShell "'waiting' | Stop-PixelcutTryOnJob -PassThru"
            $async = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ((Get-RequestCount waiting) -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 200
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $async.IsCompleted | Should -BeTrue
            (Get-SandboxJob $sandbox | Where-Object id -EQ waiting).status | Should -Be 'pending'
            $shell.Dispose()
        }

        It 'stops within a second while requests are in flight' {
            Add-SandboxJob $sandbox -Id s1, s2, s3 -Fault 'slow:20000'
            $shell = New-ModulePowerShell "'s1','s2','s3' | Stop-PixelcutTryOnJob -PassThru"
            $null = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (@(Get-SandboxJob $sandbox | Where-Object faultsLeft -EQ 0).Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $shell.Streams.Error | Should -BeNullOrEmpty
            $shell.Dispose()
        }
    }

    Context 'Bulk' {
        It 'accounts for every one of 2,000 ids exactly once under a fault mix with lost answers and a server rate limit' {
            $ids = 1..2000 | ForEach-Object { 'soak-{0:d4}' -f $_ }
            $plan = @{}
            for ($i = 0; $i -lt $ids.Count; $i++) {
                $plan[$ids[$i]] = switch ($i % 100) {
                    { $_ -lt 10 } { '429'; break }
                    { $_ -lt 15 } { '500'; break }
                    { $_ -lt 17 } { 'drop'; break }
                    { $_ -lt 19 } { 'cancel-then-drop'; break }
                    { $_ -lt 21 } { 'cancel-then-close'; break }
                    { $_ -lt 26 } { 'finished'; break }
                    { $_ -lt 29 } { 'unknown'; break }
                    default { 'plain' }
                }
            }
            foreach ($group in ($ids | Group-Object { $plan[$_] })) {
                switch ($group.Name) {
                    'unknown' { }
                    'plain' { Add-SandboxJob $sandbox -Id $group.Group }
                    'finished' { Add-SandboxJob $sandbox -Id $group.Group -Status completed }
                    default { Add-SandboxJob $sandbox -Id $group.Group -Fault $group.Name }
                }
            }
            Set-SandboxSetting $sandbox -RateLimit 200

            $run = Invoke-ModulePipeline '$input | Stop-PixelcutTryOnJob -PassThru' -InputObject $ids -RequestsPerSecond 200
            $output = $run.Output
            $errors = $run.Errors
            $progress = $run.Progress

            $cancelled = @($output | ForEach-Object JobId)
            $failedIds = @($errors | ForEach-Object TargetObject)
            ($cancelled + $failedIds) | Sort-Object | Should -Be ($ids | Sort-Object)
            $cancelled.Count + $errors.Count | Should -Be 2000

            $expectedCancelled = @($ids | Where-Object { $plan[$_] -notin 'finished', 'unknown' })
            $cancelled | Should -Be $expectedCancelled
            @($errors | Where-Object { (Get-ErrorId $_) -eq 'JobFinished' }).Count | Should -Be 100
            @($errors | Where-Object { (Get-ErrorId $_) -eq 'JobNotFound' }).Count | Should -Be 60
            $errors.Count | Should -Be 160

            $jobs = Get-SandboxJob $sandbox
            @($jobs | Where-Object cancelCount -GT 1) | Should -BeNullOrEmpty
            @($jobs | Where-Object cancelCount -EQ 1).Count | Should -Be $expectedCancelled.Count
            $progress.Count | Should -BeGreaterThan 0
        }

        It 'writes no progress for a small batch' {
            Add-SandboxJob $sandbox -Id p1, p2, p3
            $shell = New-ModulePowerShell "'p1','p2','p3' | Stop-PixelcutTryOnJob"
            $null = $shell.Invoke()
            $shell.Streams.Progress | Should -BeNullOrEmpty
            $shell.Dispose()
        }

        It 'keeps to PIXELCUT_REQUESTS_PER_SECOND' {
            Add-SandboxJob $sandbox -Id (1..12 | ForEach-Object { "paced-$_" })
            try {
                $env:PIXELCUT_REQUESTS_PER_SECOND = '10'
                1..12 | ForEach-Object { "paced-$_" } | Stop-PixelcutTryOnJob -ThrottleLimit 8
            }
            finally { $env:PIXELCUT_REQUESTS_PER_SECOND = '1000' }
            $times = @(Get-SandboxLog $sandbox | ForEach-Object { [DateTimeOffset]$_.at } | Sort-Object)
            $span = ($times[-1] - $times[0]).TotalSeconds
            # 12 requests at 10 per second take 1.1 s from the first to the last; unpaced they would take milliseconds.
            $span | Should -BeGreaterThan 0.9
            $span | Should -BeLessThan 3
        }
    }
}
