Describe 'Get-PixelcutTryOnJob' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'declares TryOnJob as its output type' {
        (Get-Command Get-PixelcutTryOnJob).OutputType.Type | Should -Be @([Pixelcut.TryOn.TryOnJob])
    }

    It 'writes one TryOnJob per id, in input order, with the fields of each status' {
        Add-SandboxJob $sandbox -Id p1
        Add-SandboxJob $sandbox -Id r1 -Status running
        Add-SandboxJob $sandbox -Id c1 -Status completed
        Add-SandboxJob $sandbox -Id f1 -Status failed -ErrorCode content_filter_error
        Add-SandboxJob $sandbox -Id x1 -Status failed -ErrorCode job_cancelled
        $jobs = 'p1', 'r1', 'c1', 'f1', 'x1' | Get-PixelcutTryOnJob
        $jobs | ForEach-Object { $_ | Should -BeOfType Pixelcut.TryOn.TryOnJob }
        $jobs.JobId | Should -Be @('p1', 'r1', 'c1', 'f1', 'x1')
        $jobs.Status | Should -Be @('Pending', 'Running', 'Completed', 'Failed', 'Failed')
        $jobs[2].ResultUrl | Should -Match '^http://127\.0\.0\.1:\d+/assets/c1\.jpg\?expires=\d+$'
        $jobs[3].ErrorCode | Should -Be 'content_filter_error'
        $jobs[3].ErrorMessage | Should -Be 'Job processing failed'
        $jobs.IsCancelled | Should -Be @($false, $false, $false, $false, $true)
        $jobs.IsFinished | Should -Be @($false, $false, $true, $true, $true)
        $jobs.RetrievedAt.Kind | Sort-Object -Unique | Should -Be 'Utc'
        ([DateTime]::UtcNow - $jobs[0].RetrievedAt).TotalSeconds | Should -BeLessThan 30
        $jobs.RequestId | ForEach-Object { $_ | Should -Match '^req-[0-9a-f]+$' }
        $csv = Join-Path $TestDrive 'jobs.csv'
        $jobs | Export-Csv $csv
        (Import-Csv $csv)[0].PSObject.Properties.Name | Should -Be @('JobId', 'Status', 'ResultUrl', 'ErrorCode', 'ErrorMessage', 'RetrievedAt', 'RequestId', 'SubmittedAt', 'Attempts', 'PersonImage', 'GarmentImage', 'GarmentMode', 'IsCancelled', 'IsFinished')
    }

    It 'keeps a status it does not know as the API sent it' {
        Add-SandboxJob $sandbox -Id q1 -Status queued_for_gpu
        $job = Get-PixelcutTryOnJob q1
        $job.Status | Should -Be 'queued_for_gpu'
        $job.IsCancelled | Should -BeFalse
    }

    It 'takes Import-Csv rows and refuses bad ids like Stop-PixelcutTryOnJob, with the job id as target' {
        Add-SandboxJob $sandbox -Id row1
        $csv = Join-Path $TestDrive 'jobs.csv'
        "job_id`nrow1`nmissing`n.." | Set-Content $csv
        $jobs = Import-Csv $csv | Get-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue
        $jobs.JobId | Should -Be @('row1')
        $failed | ForEach-Object { Get-ErrorId $_ } | Should -Be @('JobNotFound', 'InvalidJobId')
        $failed.TargetObject | Should -Be @('missing', '..')
        $failed[0].Exception | Should -BeOfType Pixelcut.TryOn.PixelcutJobNotFoundException
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        @(Get-SandboxLog $sandbox).jobId | Should -Be @('row1', 'missing')
    }

    It 'sends an id as one escaped path segment' {
        Add-SandboxJob $sandbox -Id 'a/b?c'
        (Get-PixelcutTryOnJob 'a/b?c').JobId | Should -Be 'a/b?c'
        (Get-SandboxLog $sandbox).rawTarget | Should -Be @('/v1/try-on/job/a%2Fb%3Fc')
    }

    It 'retries a 503 and a 429 through the same path as cancels' {
        Add-SandboxJob $sandbox -Id flaky -Fault 503, 429
        (Get-PixelcutTryOnJob flaky -WarningVariable warned -WarningAction SilentlyContinue).Status | Should -Be 'Pending'
        (Get-SandboxLog $sandbox).status | Should -Be @(503, 429, 200)
        "$warned" | Should -Match '1 request\(s\) were rate-limited'
    }

    It 'stops at a rejected key with a terminating InvalidAuthToken' {
        Add-SandboxJob $sandbox -Id a
        { Get-PixelcutTryOnJob a -ApiKey (ConvertTo-SecureKey 'sk_wrong') -ErrorAction Stop } |
            Should -Throw -ExceptionType ([Pixelcut.TryOn.PixelcutAuthenticationException]) -ErrorId 'InvalidAuthToken*'
    }

    It 'pipes into Stop-PixelcutTryOnJob so only pending and running jobs get a cancel' {
        Add-SandboxJob $sandbox -Id p1, p2
        Add-SandboxJob $sandbox -Id r1 -Status running
        Add-SandboxJob $sandbox -Id c1 -Status completed
        $cancelled = Get-PixelcutTryOnJob -JobId p1, c1, r1, p2 | Where-Object Status -In 'Pending', 'Running' |
            Stop-PixelcutTryOnJob -PassThru -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $cancelled.JobId | Should -Be @('p1', 'r1', 'p2')
        @(Get-SandboxLog $sandbox | Where-Object rawTarget -Like '*/cancel').jobId | Sort-Object | Should -Be @('p1', 'p2', 'r1')
    }

    It 'shows a table of job id, status and the result URL or the error' {
        Add-SandboxJob $sandbox -Id done -Status completed
        Add-SandboxJob $sandbox -Id gone -Status failed -ErrorCode job_cancelled
        $table = Get-PixelcutTryOnJob done, gone | Out-String -Width 200
        $table | Should -Match 'JobId\s+Status\s+Result'
        $table | Should -Match 'done\s+Completed\s+http://127\.0\.0\.1:\d+/assets/done\.jpg\?expires=\d+'
        $table | Should -Match 'gone\s+Failed\s+job_cancelled: Job was cancelled'
        $list = Get-PixelcutTryOnJob gone | Format-List | Out-String
        $list | Should -Match 'IsCancelled\s+:\s+True'
        $list | Should -Match 'ErrorMessage\s+:\s+Job was cancelled'
    }

    Context 'Tab completion of -JobId' {
        BeforeAll {
            function Get-Completion([string] $Line) {
                (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
            }
        }

        It 'offers the ids this session has looked up, newest first, with their status' {
            Get-Completion 'Stop-PixelcutTryOnJob -JobId tabseen' | Should -BeNullOrEmpty
            Add-SandboxJob $sandbox -Id tabseen-1, tabseen-2
            Add-SandboxJob $sandbox -Id tabseen-3 -Status completed
            $null = Get-PixelcutTryOnJob tabseen-1, tabseen-2, tabseen-3
            $matches = Get-Completion 'Stop-PixelcutTryOnJob -JobId tabseen'
            $matches.CompletionText | Should -Be @('tabseen-3', 'tabseen-2', 'tabseen-1')
            $matches[0].ToolTip | Should -Be 'tabseen-3: Completed'
            (Get-Completion 'Get-PixelcutTryOnJob tabseen-2').CompletionText | Should -Be @('tabseen-2')
        }

        It 'quotes an id that would not reach the command as typed' {
            Add-SandboxJob $sandbox -Id 'tabodd job'
            $null = Get-PixelcutTryOnJob 'tabodd job'
            (Get-Completion 'Stop-PixelcutTryOnJob -JobId tabodd').CompletionText | Should -Be @("'tabodd job'")
        }

        It 'does not offer ids looked up in another runspace' {
            Add-SandboxJob $sandbox -Id tabother-1
            $modulePath = Get-BuiltModulePath
            1 | ForEach-Object -Parallel {
                Import-Module $using:modulePath
                $null = Get-PixelcutTryOnJob tabother-1
            }
            Get-Completion 'Stop-PixelcutTryOnJob -JobId tabother' | Should -BeNullOrEmpty
        }
    }
}
