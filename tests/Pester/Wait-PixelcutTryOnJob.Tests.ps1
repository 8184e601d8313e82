Describe 'Wait-PixelcutTryOnJob' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession

        function Get-Reads([string] $Id) { @(Get-SandboxLog $sandbox | Where-Object jobId -EQ $Id) }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'declares TryOnJob as its output type' {
        (Get-Command Wait-PixelcutTryOnJob).OutputType.Type | Should -Be @([Pixelcut.TryOn.TryOnJob])
    }

    It 'writes each job as soon as it finishes, in the order they finish, with when it was read' {
        # Reads come about one second apart, so each job is seen finished in a round of its own.
        Add-SandboxJob $sandbox -Id slow -Timeline @(@{ afterMs = 300; status = 'running' }, @{ afterMs = 2600; status = 'completed' })
        Add-SandboxJob $sandbox -Id fast -Timeline @(@{ afterMs = 400; status = 'completed' })
        Add-SandboxJob $sandbox -Id broken -Status running -Timeline @(@{ afterMs = 1700; status = 'failed'; errorCode = 'content_filter_error' })
        Add-SandboxJob $sandbox -Id done -Status completed
        $before = [DateTime]::UtcNow
        $jobs = 'slow', 'fast', 'broken', 'done' | Wait-PixelcutTryOnJob -PollIntervalSec 1 -TimeoutSec 30
        $after = [DateTime]::UtcNow

        $jobs.JobId | Should -Be @('done', 'fast', 'broken', 'slow')
        $jobs.Status | Should -Be @('Completed', 'Completed', 'Failed', 'Completed')
        $jobs[2].ErrorCode | Should -Be 'content_filter_error'
        $jobs[3].ResultUrl | Should -Match '/assets/slow\.jpg'
        foreach ($job in $jobs) {
            $job.RetrievedAt.Kind | Should -Be 'Utc'
            $job.RetrievedAt | Should -BeGreaterOrEqual $before
            $job.RetrievedAt | Should -BeLessOrEqual $after
            $job.RequestId | Should -Match '^req-[0-9a-f]+$'
        }
        $jobs[3].RetrievedAt - $jobs[1].RetrievedAt | Should -BeGreaterThan ([TimeSpan]::FromSeconds(1.5))
        @(Get-Reads done).Count | Should -Be 1
    }

    It 'takes Get-PixelcutTryOnJob output and Import-Csv rows, and watches a job given twice once' {
        Add-SandboxJob $sandbox -Id c1 -Status completed
        Add-SandboxJob $sandbox -Id c2 -Timeline @(@{ afterMs = 200; status = 'completed' })
        $csv = Join-Path $TestDrive 'jobs.csv'
        "job_id`nc2`nc1" | Set-Content $csv
        $jobs = @(Get-PixelcutTryOnJob c1) + @(Import-Csv $csv) | Wait-PixelcutTryOnJob -PollIntervalSec 1
        @($jobs).Count | Should -Be 2
        $jobs.JobId | Sort-Object | Should -Be @('c1', 'c2')
    }

    It 'reads each of many jobs at most once per poll interval and keeps the key to its pace' {
        $ids = 1..60 | ForEach-Object { 'auto-wait-{0:d2}' -f $_ }
        Set-SandboxSetting $sandbox -RateLimit 20
        $run = Invoke-ModulePipeline -RequestsPerSecond 20 -InputObject $ids -Script @"
`$input | Wait-PixelcutTryOnJob -PollIntervalSec 1 -TimeoutSec 5 -ApiKey (ConvertTo-SecureString '$($sandbox.ValidApiKey)-$([guid]::NewGuid().ToString('n'))' -AsPlainText -Force)
"@
        $log = @(Get-SandboxLog $sandbox)
        $log | Where-Object status -EQ 429 | Should -BeNullOrEmpty
        foreach ($group in $log | Group-Object jobId) {
            $times = @($group.Group | ForEach-Object { [DateTimeOffset]::Parse($_.at) } | Sort-Object)
            for ($i = 1; $i -lt $times.Count; $i++) {
                ($times[$i] - $times[$i - 1]).TotalSeconds | Should -BeGreaterOrEqual 0.99 -Because "job $($group.Name) was read again too soon"
            }
        }
        # 20 a second for 5 seconds, and the stand-in's burst of four.
        $log.Count | Should -BeLessOrEqual 104
        $log.Count | Should -BeGreaterThan 60
        $run.Output | Should -BeNullOrEmpty
        $run.Errors | ForEach-Object { Get-ErrorId $_ } | Sort-Object -Unique | Should -Be 'WaitTimedOut'
        $run.Errors.TargetObject | Sort-Object | Should -Be $ids
    }

    It 'gives each job still unfinished at the timeout one WaitTimedOut naming its last status' {
        Add-SandboxJob $sandbox -Id r1 -Status running
        Add-SandboxJob $sandbox -Id p1
        Add-SandboxJob $sandbox -Id c1 -Status completed
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $jobs = 'r1', 'p1', 'c1' | Wait-PixelcutTryOnJob -TimeoutSec 2 -PollIntervalSec 1 -ErrorVariable late -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
        $jobs.JobId | Should -Be 'c1'
        $late | ForEach-Object { Get-ErrorId $_ } | Should -Be @('WaitTimedOut', 'WaitTimedOut')
        $late.TargetObject | Sort-Object | Should -Be @('p1', 'r1')
        $running = $late | Where-Object TargetObject -EQ r1
        $running.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $running.Exception.GetType().FullName | Should -Be 'Pixelcut.TryOn.PixelcutApiException'
        $running.Exception.Message | Should -Be "Job 'r1' did not finish in time: it was Running when the wait ended after 2 s."
        $running.ErrorDetails.RecommendedAction | Should -Match '-TimeoutSec'
        ($late | Where-Object TargetObject -EQ p1).Exception.Message | Should -Match 'it was Pending'
        # Read at about 0, 1 and 2 s: never faster than the interval, however fast the pace allows.
        $reads = @(Get-Reads r1 | ForEach-Object { [DateTimeOffset]::Parse($_.at) })
        $reads.Count | Should -BeIn 2, 3
        ($reads[1] - $reads[0]).TotalSeconds | Should -BeGreaterOrEqual 0.99
    }

    It 'reports an unknown id as JobNotFound at once, and refuses a bad id without a request' {
        Add-SandboxJob $sandbox -Id p1
        $shell = New-ModulePowerShell "'nope', '..', 'p1' | Wait-PixelcutTryOnJob -TimeoutSec 0 -PollIntervalSec 1"
        $errors = $shell.Streams.Error
        $null = $shell.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        while ($errors.Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        try {
            # Enumerating the stream of a running pipeline waits for its end; read what is there by index.
            $written = for ($i = 0; $i -lt $errors.Count; $i++) { $errors[$i] }
            $written | ForEach-Object { Get-ErrorId $_ } | Sort-Object | Should -Be @('InvalidJobId', 'JobNotFound')
            $shell.InvocationStateInfo.State | Should -Be 'Running'
            @(Get-Reads nope).Count | Should -Be 1
            @(Get-SandboxLog $sandbox | Where-Object rawTarget -Like '*/..*') | Should -BeNullOrEmpty
        }
        finally {
            $shell.Stop()
            $shell.Dispose()
        }
    }

    It 'returns after the first job that finishes with -Any' {
        Add-SandboxJob $sandbox -Id never
        Add-SandboxJob $sandbox -Id soon -Timeline @(@{ afterMs = 300; status = 'completed' })
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $first = 'never', 'soon' | Wait-PixelcutTryOnJob -Any -PollIntervalSec 1 -TimeoutSec 30 -ErrorVariable failed
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
        @($first).Count | Should -Be 1
        $first.JobId | Should -Be 'soon'
        $failed | Should -BeNullOrEmpty
    }

    It 'keeps waiting through a read that fails even after its retries' {
        Add-SandboxJob $sandbox -Id shaky -Fault 500, 503 -Timeline @(@{ afterMs = 500; status = 'completed' })
        $job = Wait-PixelcutTryOnJob shaky -MaxRetryCount 0 -PollIntervalSec 1 -TimeoutSec 30 -ErrorVariable failed -Verbose 4>&1
        $verbose = $job | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($job | Where-Object { $_ -is [Pixelcut.TryOn.TryOnJob] }).Status | Should -Be 'Completed'
        $failed | Should -BeNullOrEmpty
        (Get-Reads shaky).status | Should -Be @(500, 503, 200)
        $verbose -match "status not read \(ServerError\); reading again in 1 s" | Should -HaveCount 2
    }

    It 'stops the command when the key is rejected' {
        Add-SandboxJob $sandbox -Id p1
        { Wait-PixelcutTryOnJob p1 -ApiKey (ConvertTo-SecureKey 'sk_wrong') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAuthToken,Pixelcut.TryOn.Commands.WaitPixelcutTryOnJobCommand'
    }

    It 'shows counts by status in its progress record' {
        Add-SandboxJob $sandbox -Id p1
        Add-SandboxJob $sandbox -Id r1 -Status running
        Add-SandboxJob $sandbox -Id c1 -Status completed
        $run = Invoke-ModulePipeline -InputObject 'p1', 'r1', 'c1', 'nope' -Script '$input | Wait-PixelcutTryOnJob -TimeoutSec 2 -PollIntervalSec 1 -ErrorAction SilentlyContinue'
        $records = @($run.Progress | Where-Object Activity -EQ 'Wait for Try On jobs' | Where-Object RecordType -NE 'Completed')
        $descriptions = $records.StatusDescription
        $expected = @($records | Where-Object StatusDescription -Match '^1 Pending, 1 Running, 1 Completed, 1 ended with an error; \d s of 2 s$')
        $expected.Count | Should -BeGreaterThan 0 -Because "progress read: $($descriptions -join ' | ')"
        $expected[0].PercentComplete | Should -Be 50
        ($run.Progress | Select-Object -Last 1).RecordType | Should -Be 'Completed'
    }

    It 'stops within a second on Ctrl+C' {
        Add-SandboxJob $sandbox -Id forever
        $shell = New-ModulePowerShell 'Wait-PixelcutTryOnJob forever -TimeoutSec 0'
        $async = $shell.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (@(Get-Reads forever).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 300
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
        $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        $async.IsCompleted | Should -BeTrue
        $shell.Dispose()
    }
}
