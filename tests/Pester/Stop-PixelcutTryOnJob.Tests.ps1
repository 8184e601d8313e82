Describe 'Stop-PixelcutTryOnJob' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $childEnvironment = Get-SandboxEnvironment $sandbox

        function Get-JobState([string] $Id) { Get-SandboxJob $sandbox | Where-Object id -EQ $Id }
        function Get-CancelledIds { @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled' | ForEach-Object id) }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    Context 'Stop-PixelcutTryOnJob takes job ids the ways scripts have them' {
        It 'cancels ids piped as strings and writes nothing without -PassThru' {
            Add-SandboxJob $sandbox -Id a, b
            $output = 'a', 'b' | Stop-PixelcutTryOnJob
            $output | Should -BeNullOrEmpty
            Get-CancelledIds | Sort-Object | Should -Be @('a', 'b')
        }

        It 'cancels ids given to -JobId as an array, and by position' {
            Add-SandboxJob $sandbox -Id a, b, c
            Stop-PixelcutTryOnJob -JobId a, b
            Stop-PixelcutTryOnJob c
            Get-CancelledIds | Sort-Object | Should -Be @('a', 'b', 'c')
        }

        It 'cancels the rows of a CSV with a <Column> column' -ForEach @(
            @{ Column = 'job_id' }, @{ Column = 'JobId' }, @{ Column = 'Id' }
        ) {
            Add-SandboxJob $sandbox -Id r1, r2
            $csv = Join-Path $TestDrive "$Column.csv"
            "$Column,owner`nr1,ann`nr2,bob" | Set-Content $csv
            Import-Csv $csv | Stop-PixelcutTryOnJob
            Get-CancelledIds | Sort-Object | Should -Be @('r1', 'r2')
        }

        It 'cancels objects from ConvertFrom-Json' {
            Add-SandboxJob $sandbox -Id j1, j2
            '[{"job_id":"j1"},{"JobId":"j2"}]' | ConvertFrom-Json | Stop-PixelcutTryOnJob
            Get-CancelledIds | Sort-Object | Should -Be @('j1', 'j2')
        }

        It 'refuses an object without a job id property and never sends its text' {
            Add-SandboxJob $sandbox -Id ok
            [pscustomobject]@{ name = 'x' }, @{ name = 'y' }, 'ok' | Stop-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 2
            $failed | ForEach-Object { Get-ErrorId $_ } | Should -Be @('InputWithoutJobId', 'InputWithoutJobId')
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failed[0].ErrorDetails.Message | Should -Match 'it has name'
            $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            @(Get-SandboxLog $sandbox).jobId | Should -Be @('ok')
        }

        It 'writes one CancelledJob per job with -PassThru, and the objects pipe back into -JobId' {
            Add-SandboxJob $sandbox -Id p1, p2
            $cancelled = 'p1', 'p2' | Stop-PixelcutTryOnJob -PassThru
            $cancelled | Should -HaveCount 2
            $cancelled[0] | Should -BeOfType ([Pixelcut.TryOn.CancelledJob])
            $cancelled.JobId | Should -Be @('p1', 'p2')
            $cancelled.Message | Should -Be @('Job cancelled', 'Job cancelled')
            (Get-Command Stop-PixelcutTryOnJob).OutputType.Name | Should -Contain 'Pixelcut.TryOn.CancelledJob'

            # Cancelling again is idempotent: the 409 is checked, the jobs read as cancelled, and that is what was asked for.
            $again = $cancelled | Stop-PixelcutTryOnJob -PassThru -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            $again.JobId | Should -Be @('p1', 'p2')
            (Get-SandboxJob $sandbox | Where-Object id -In 'p1', 'p2').cancelCount | Should -Be @(1, 1)
        }

        It 'writes each CancelledJob as an audit record: when, how many requests, which answer' {
            Add-SandboxJob $sandbox -Id a1
            Add-SandboxJob $sandbox -Id a2 -Fault 503
            Add-SandboxJob $sandbox -Id a3 -Fault cancel-then-close
            $before = [DateTime]::UtcNow
            $cancelled = 'a1', 'a2', 'a3' | Stop-PixelcutTryOnJob -PassThru
            $after = [DateTime]::UtcNow
            $log = @(Get-SandboxLog $sandbox)

            $cancelled.Attempts | Should -Be @(1, 2, 2)
            foreach ($record in $cancelled) {
                $record.CancelledAt.Kind | Should -Be 'Utc'
                $record.CancelledAt | Should -BeGreaterOrEqual $before
                $record.CancelledAt | Should -BeLessOrEqual $after
            }
            # The request id is the confirming answer's: the cancel's 200, or for a3 the status read after its 409.
            $cancelled[0].RequestId | Should -Be ($log | Where-Object { $_.jobId -eq 'a1' -and $_.status -eq 200 }).requestId
            $cancelled[1].RequestId | Should -Be ($log | Where-Object { $_.jobId -eq 'a2' -and $_.status -eq 200 }).requestId
            $cancelled[2].RequestId | Should -Be ($log | Where-Object { $_.jobId -eq 'a3' -and $_.method -eq 'GET' }).requestId

            $csv = Join-Path $TestDrive 'cancelled.csv'
            $cancelled | Export-Csv $csv
            (Import-Csv $csv)[1].PSObject.Properties.Name | Should -Be @('JobId', 'Message', 'CancelledAt', 'Attempts', 'RequestId')
            $table = ($cancelled | Format-Table | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '^JobId' }
            $table | Should -Match '^JobId\s+Message\s*$'
            $list = $cancelled[0] | Format-List | Out-String
            $list | Should -Match 'CancelledAt\s*:'
            $list | Should -Match 'RequestId\s*:\s*req-'
        }

        It 'keeps going past a bad id: five ids with the third unknown cancel four and report one' {
            Add-SandboxJob $sandbox -Id k1, k2, k4, k5
            'k1', 'k2', 'k3', 'k4', 'k5' | Stop-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue
            Get-CancelledIds | Sort-Object | Should -Be @('k1', 'k2', 'k4', 'k5')
            $failed | Should -HaveCount 1
            Get-ErrorId $failed[0] | Should -Be 'JobNotFound'
            $failed[0].TargetObject | Should -Be 'k3'
        }
    }

    Context 'Order' {
        It 'writes results and errors in input order, local refusals included' {
            Add-SandboxJob $sandbox -Id slow-first -Fault 'slow:700'
            Add-SandboxJob $sandbox -Id quick
            $records = 'slow-first', '', 'missing-one', 'quick' | Stop-PixelcutTryOnJob -PassThru -ErrorAction Continue 2>&1
            $records | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { Get-ErrorId $_ } else { $_.JobId } } |
                Should -Be @('slow-first', 'InvalidJobId', 'JobNotFound', 'quick')
        }

        It 'reads the status that confirms a 409 ahead of the jobs not yet sent, so the results behind it keep coming' {
            $ids = 1..40 | ForEach-Object { 'job{0:d2}' -f $_ }
            Add-SandboxJob $sandbox -Id ($ids | Where-Object { $_ -ne 'job06' })
            Add-SandboxJob $sandbox -Id job06 -Status failed -ErrorCode job_cancelled
            # At 20 requests a second most of the batch is queued for an in-flight slot when job06 is answered 409.
            $key = New-FreshKey $sandbox
            $run = Invoke-ModulePipeline '$input | Stop-PixelcutTryOnJob -ApiKey $args[0] -PassThru' -InputObject $ids -RequestsPerSecond 20 -Arguments $key
            $run.Errors | Should -BeNullOrEmpty
            $run.Output.JobId | Should -Be $ids
            $log = @(Get-SandboxLog $sandbox)
            $confirmation = [array]::FindIndex($log, [Predicate[object]] { param($entry) $entry.method -eq 'GET' -and $entry.jobId -eq 'job06' })
            $confirmation | Should -BeGreaterOrEqual 0
            # Only requests that already held an in-flight slot (5 to start with) may go before it.
            @($log | Select-Object -First $confirmation | Where-Object method -EQ POST).Count | Should -BeLessOrEqual 12
        }

        It 'counts jobs finished in its progress while one slow job holds back the results behind it' {
            $ids = 1..30 | ForEach-Object { 'job{0:d2}' -f $_ }
            Add-SandboxJob $sandbox -Id job01 -Fault 'slow:2500'
            Add-SandboxJob $sandbox -Id ($ids | Select-Object -Skip 1)
            $run = Invoke-ModulePipeline '$input | Stop-PixelcutTryOnJob -PassThru' -InputObject $ids
            $run.Output.JobId | Should -Be $ids
            $finished = @($run.Progress | Where-Object StatusDescription -Match '^(\d+) jobs' | ForEach-Object { [int]$Matches[1] })
            $finished | Should -Not -BeNullOrEmpty -Because 'progress shows after 1.5 s'
            ($finished | Measure-Object -Maximum).Maximum | Should -BeGreaterOrEqual 29 -Because "progress read: $($run.Progress.StatusDescription -join ' | ')"
        }
    }

    Context 'Job ids travel as one path segment' {
        It 'refuses <Name> locally with InvalidJobId and sends nothing' -ForEach @(
            @{ Name = 'an empty id'; Id = '' }
            @{ Name = 'a blank id'; Id = '   ' }
            @{ Name = 'a dot'; Id = '.' }
            @{ Name = 'two dots'; Id = '..' }
            @{ Name = 'a control character'; Id = "a`tb" }
            @{ Name = 'a line break'; Id = "a`nb" }
        ) {
            Stop-PixelcutTryOnJob -JobId $Id -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Get-ErrorId $failed[0] | Should -Be 'InvalidJobId'
            $failed[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failed[0].TargetObject | Should -Be $Id
            $failed[0].Exception | Should -BeOfType ([Pixelcut.TryOn.PixelcutApiException])
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
        }

        It 'sends <Id> as the escaped segment <Wire>' -ForEach @(
            @{ Id = 'a/b'; Wire = 'a%2Fb' }
            @{ Id = 'q?x=1'; Wire = 'q%3Fx%3D1' }
            @{ Id = 'h#f'; Wire = 'h%23f' }
            @{ Id = '50%'; Wire = '50%25' }
            @{ Id = 'sp ace'; Wire = 'sp%20ace' }
            @{ Id = '../admin'; Wire = '..%2Fadmin' }
            @{ Id = '%2e%2e'; Wire = '%252e%252e' }
        ) {
            Add-SandboxJob $sandbox -Id $Id
            Stop-PixelcutTryOnJob -JobId $Id
            $log = @(Get-SandboxLog $sandbox)
            $log | Should -HaveCount 1
            $log[0].rawTarget | Should -BeExactly "/v1/try-on/job/$Wire/cancel"
            (Get-JobState $Id).errorCode | Should -Be 'job_cancelled'
        }
    }

    Context '-WhatIf and -Confirm' {
        It '-WhatIf sends no request and prints one What if line per job' {
            Add-SandboxJob $sandbox -Id w1, w2, w3
            $run = Invoke-ChildPwsh -Environment $childEnvironment -Script "'w1','w2','w3' | Stop-PixelcutTryOnJob -WhatIf"
            $run.ExitCode | Should -Be 0
            ([regex]::Matches($run.Output, 'What if: Performing the operation "Cancel Try On job" on target "w\d"')).Count | Should -Be 3
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            Get-CancelledIds | Should -BeNullOrEmpty
        }

        It 'never prompts under pwsh -NonInteractive with default preferences' {
            Add-SandboxJob $sandbox -Id n1, n2
            $run = Invoke-ChildPwsh -Environment $childEnvironment -Script "'n1','n2' | Stop-PixelcutTryOnJob -PassThru | ForEach-Object JobId"
            $run.ExitCode | Should -Be 0
            $run.Output | Should -Not -Match 'Confirm|Are you sure'
            Get-CancelledIds | Sort-Object | Should -Be @('n1', 'n2')
        }

        It 'declares ShouldProcess with ConfirmImpact Medium' {
            $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Stop-PixelcutTryOnJob))
            $metadata.SupportsShouldProcess | Should -BeTrue
            $metadata.ConfirmImpact | Should -Be 'Medium'
        }
    }

    Context 'Every documented outcome is an error record a script can act on' {
        It '<Case> gives <ErrorId> (<Category>) as <Exception>' -ForEach @(
            @{ Case = '404 not_found'; Setup = {}; Id = 'missing'; ErrorId = 'JobNotFound'; Category = 'ObjectNotFound'; Exception = 'PixelcutJobNotFoundException'; Status = 404; Code = 'not_found' }
            @{ Case = '409 job_finished'; Setup = { Add-SandboxJob $sandbox -Id done -Status completed }; Id = 'done'; ErrorId = 'JobFinished'; Category = 'InvalidOperation'; Exception = 'PixelcutJobFinishedException'; Status = 409; Code = 'job_finished' }
            @{ Case = '429 rate_limit_exceeded'; Setup = { Add-SandboxJob $sandbox -Id busy -Fault 429 }; Id = 'busy'; ErrorId = 'RateLimitExceeded'; Category = 'LimitsExceeded'; Exception = 'PixelcutRateLimitException'; Status = 429; Code = 'rate_limit_exceeded' }
            @{ Case = '500 without JSON'; Setup = { Add-SandboxJob $sandbox -Id broken -Fault 500 }; Id = 'broken'; ErrorId = 'ServerError'; Category = 'ResourceUnavailable'; Exception = 'PixelcutServerException'; Status = 500; Code = $null }
            @{ Case = '502 with an HTML body'; Setup = { Add-SandboxJob $sandbox -Id proxy -Fault 502-html }; Id = 'proxy'; ErrorId = 'ServerError'; Category = 'ResourceUnavailable'; Exception = 'PixelcutServerException'; Status = 502; Code = $null }
            @{ Case = '400 invalid_parameter'; Setup = { Add-SandboxJob $sandbox -Id odd -Fault 400 }; Id = 'odd'; ErrorId = 'UnexpectedResponse'; Category = 'InvalidResult'; Exception = 'PixelcutApiException'; Status = 400; Code = 'invalid_parameter' }
            @{ Case = 'a 200 over 1 MiB'; Setup = { Add-SandboxJob $sandbox -Id garbled -Fault 'huge:4' }; Id = 'garbled'; ErrorId = 'UnexpectedResponse'; Category = 'InvalidResult'; Exception = 'PixelcutApiException'; Status = 200; Code = $null }
            @{ Case = 'a dropped connection'; Setup = { Add-SandboxJob $sandbox -Id dropped -Fault drop }; Id = 'dropped'; ErrorId = 'ConnectionFailed'; Category = 'ConnectionError'; Exception = 'PixelcutConnectionException'; Status = 0; Code = $null }
            @{ Case = 'a slow answer'; Setup = { Add-SandboxJob $sandbox -Id slow -Fault 'slow:4000' }; Id = 'slow'; ErrorId = 'RequestTimedOut'; Category = 'OperationTimeout'; Exception = 'PixelcutConnectionException'; Status = 0; Code = $null }
        ) {
            & $Setup
            Stop-PixelcutTryOnJob -JobId $Id -MaxRetryCount 0 -TimeoutSec 1 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            $record = $failed[0]
            Get-ErrorId $record | Should -BeExactly $ErrorId
            $record.CategoryInfo.Category | Should -Be $Category
            $record.TargetObject | Should -BeExactly $Id
            $record.Exception.GetType().FullName | Should -BeExactly "Pixelcut.TryOn.$Exception"
            $record.Exception | Should -BeOfType ([Pixelcut.TryOn.PixelcutApiException])
            $record.Exception.StatusCode | Should -Be $Status
            $record.Exception.ErrorCode | Should -Be $Code
            $record.Exception.JobId | Should -BeExactly $Id
            $record.ErrorDetails.Message | Should -Match ([regex]::Escape($Id))
            $record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty

            $caught = $null
            & $Setup
            try { Stop-PixelcutTryOnJob -JobId $Id -MaxRetryCount 0 -TimeoutSec 1 -ErrorAction Stop }
            catch [Pixelcut.TryOn.PixelcutApiException] { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty
            $caught.Exception.GetType().Name | Should -BeExactly $Exception
        }

        It 'a dropped connection keeps the transport exception as the inner exception' {
            Add-SandboxJob $sandbox -Id dropped -Fault drop
            Stop-PixelcutTryOnJob -JobId dropped -MaxRetryCount 0 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed[0].Exception.InnerException | Should -Not -BeNullOrEmpty
        }

        It 'catch [PixelcutJobNotFoundException] takes a 404 under -ErrorAction Stop' {
            $caught = $null
            try { Stop-PixelcutTryOnJob -JobId nowhere -ErrorAction Stop }
            catch [Pixelcut.TryOn.PixelcutJobNotFoundException] { $caught = $_ }
            $caught.Exception.JobId | Should -Be 'nowhere'
        }

        It '401 is terminating and later ids are not sent' {
            Add-SandboxJob $sandbox -Id t1, t2, t3
            $wrong = ConvertTo-SecureKey 'sk_wrong_key_for_test'
            $thrown = $null
            try { 't1', 't2', 't3' | Stop-PixelcutTryOnJob -ApiKey $wrong -ThrottleLimit 1 -ErrorAction SilentlyContinue }
            catch { $thrown = $_ }
            $thrown | Should -Not -BeNullOrEmpty
            Get-ErrorId $thrown | Should -Be 'InvalidAuthToken'
            $thrown.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $thrown.Exception | Should -BeOfType ([Pixelcut.TryOn.PixelcutAuthenticationException])
            $thrown.TargetObject | Should -Be 't1'
            @(Get-SandboxLog $sandbox) | Should -HaveCount 1
            Get-CancelledIds | Should -BeNullOrEmpty
        }

        It '403 insufficient_api_credits is terminating' {
            Add-SandboxJob $sandbox -Id c1, c2
            $thrown = $null
            try { 'c1', 'c2' | Stop-PixelcutTryOnJob -ApiKey (ConvertTo-SecureKey $sandbox.NoCreditsApiKey) -ThrottleLimit 1 }
            catch { $thrown = $_ }
            Get-ErrorId $thrown | Should -Be 'InsufficientCredits'
            $thrown.CategoryInfo.Category | Should -Be 'QuotaExceeded'
            $thrown.Exception.GetType().FullName | Should -Be 'Pixelcut.TryOn.PixelcutApiException'
            $thrown.Exception.ErrorCode | Should -Be 'insufficient_api_credits'
            @(Get-SandboxLog $sandbox) | Should -HaveCount 1
        }

        It 'a missing key is a terminating ApiKeyMissing that says how to give one' {
            $run = Invoke-ChildPwsh -Environment @{ PIXELCUT_BASE_URI = $sandbox.BaseUri } -Script @'
    try { 'a' | Stop-PixelcutTryOnJob -ErrorAction SilentlyContinue; 'not thrown' }
    catch { "$($_.FullyQualifiedErrorId)|$($_.CategoryInfo.Category)|$($_.Exception.GetType().Name)|$($_.ErrorDetails.RecommendedAction)" }
'@
            $run.Output | Should -Match '^ApiKeyMissing,[^|]+\|AuthenticationError\|PixelcutAuthenticationException\|.*PIXELCUT_API_KEY'
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
        }

        It 'refuses a plain http base URI that is not loopback before connecting' {
            $thrown = $null
            try { Stop-PixelcutTryOnJob -JobId a -BaseUri 'http://pixelcut.example.test' }
            catch { $thrown = $_ }
            Get-ErrorId $thrown | Should -Be 'InsecureBaseUri'
            $thrown.CategoryInfo.Category | Should -Be 'SecurityError'
        }

        It 'reports an unreachable API as ConnectionFailed for each job' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
            'x', 'y' | Stop-PixelcutTryOnJob -BaseUri "http://127.0.0.1:$port" -MaxRetryCount 0 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | ForEach-Object { Get-ErrorId $_ } | Should -Be @('ConnectionFailed', 'ConnectionFailed')
            $failed.TargetObject | Should -Be @('x', 'y')
        }
    }

    Context 'The key and the wire' {
        It '-Verbose shows each request with method, path, status, milliseconds and the request id' {
            Add-SandboxJob $sandbox -Id v1
            $verbose = Stop-PixelcutTryOnJob -JobId v1 -Verbose 4>&1 | ForEach-Object { "$_" }
            $verbose -match '^POST /v1/try-on/job/v1/cancel -> 200 OK \(\d+ ms, request id req-[0-9a-f]+\)$' | Should -HaveCount 1
        }

        It 'sends the key only as the X-API-KEY header' {
            Add-SandboxJob $sandbox -Id h1
            Stop-PixelcutTryOnJob -JobId h1 -ApiKey (ConvertTo-SecureKey $sandbox.ValidApiKey)
            (Get-SandboxLog $sandbox)[0].keyAccepted | Should -BeTrue
            (Get-SandboxLog $sandbox)[0].rawTarget | Should -Not -Match 'sk_'
        }

        It 'never shows the key in a transcript of a -Verbose -Debug run, its errors or its exceptions' {
            Add-SandboxJob $sandbox -Id s1
            Add-SandboxJob $sandbox -Id s2 -Fault drop
            $transcript = Join-Path $TestDrive 'transcript.txt'
            $run = Invoke-ChildPwsh -Environment ($childEnvironment + @{ WRONG_KEY = 'sk_wrong_secret_4242' }) -Script @"
    Start-Transcript -Path '$transcript' | Out-Null
    's1', 's2', 'unknown' | Stop-PixelcutTryOnJob -PassThru -Verbose -Debug -MaxRetryCount 0
    try { 's1' | Stop-PixelcutTryOnJob -ApiKey (ConvertTo-SecureString `$env:WRONG_KEY -AsPlainText -Force) -Verbose -Debug } catch { `$_ | Format-List * -Force | Out-String -Width 400; `$_.Exception | Format-List * -Force | Out-String -Width 400 }
    `$Error | ForEach-Object { `$_.Exception.ToString(); `$_.TargetObject; `$_.ErrorDetails.Message }
    Stop-Transcript | Out-Null
"@
            $run.Output | Should -Match 'Job cancelled'
            $run.Output | Should -Match 'DEBUG: .*API key from PIXELCUT_API_KEY'
            $run.Output | Should -Match 'InvalidAuthToken'
            $everything = $run.Output + (Get-Content -Raw $transcript)
            $everything | Should -Not -Match $sandbox.ValidApiKey
            $everything | Should -Not -Match 'sk_wrong_secret_4242'
        }
    }

}
