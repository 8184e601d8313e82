Describe 'Connect-Pixelcut and Disconnect-Pixelcut' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $validKey = ConvertTo-SecureKey $sandbox.ValidApiKey
        $wrongKey = ConvertTo-SecureKey 'sk_wrong'
        $modulePath = Get-BuiltModulePath

        # Cancels one fresh job and returns the error id, or 'Cancelled'.
        function Test-Cancel([hashtable] $Parameters = @{}) {
            $id = "job-$([guid]::NewGuid().ToString('N'))"
            Add-SandboxJob $sandbox -Id $id
            try {
                $null = Stop-PixelcutTryOnJob -JobId $id @Parameters -ErrorAction Stop
                'Cancelled'
            }
            catch { Get-ErrorId $_ }
        }
    }

    AfterAll {
        Disconnect-Pixelcut
        Exit-SandboxSession $sandbox
    }

    BeforeEach {
        Reset-PixelcutSandbox $sandbox
        $env:PIXELCUT_API_KEY = $sandbox.ValidApiKey
        $env:PIXELCUT_BASE_URI = $sandbox.BaseUri
    }

    AfterEach { Disconnect-Pixelcut }

    It 'uses -ApiKey first, then the session key, then PIXELCUT_API_KEY' {
        $env:PIXELCUT_API_KEY = 'sk_wrong'
        Test-Cancel | Should -Be 'InvalidAuthToken'
        Connect-Pixelcut -ApiKey $validKey
        Test-Cancel | Should -Be 'Cancelled'
        Test-Cancel @{ ApiKey = $wrongKey } | Should -Be 'InvalidAuthToken'
        Disconnect-Pixelcut
        Test-Cancel | Should -Be 'InvalidAuthToken'
    }

    It 'lets PIXELCUT_API_KEY work again after Disconnect-Pixelcut' {
        Connect-Pixelcut -ApiKey $wrongKey
        Test-Cancel | Should -Be 'InvalidAuthToken'
        Disconnect-Pixelcut
        Test-Cancel | Should -Be 'Cancelled'
    }

    It 'fails with ApiKeyMissing, naming Connect-Pixelcut, when no key is set anywhere' {
        Remove-Item Env:PIXELCUT_API_KEY
        $record = { Get-PixelcutTryOnJob a -ErrorAction Stop } | Should -Throw -PassThru -ExceptionType ([Pixelcut.TryOn.PixelcutAuthenticationException])
        Get-ErrorId $record | Should -Be 'ApiKeyMissing'
        $record.ErrorDetails.RecommendedAction | Should -Match 'Connect-Pixelcut'
    }

    It 'uses the session base URI over PIXELCUT_BASE_URI, and -BaseUri over both' {
        $env:PIXELCUT_BASE_URI = 'http://127.0.0.1:9'
        Connect-Pixelcut -ApiKey $validKey -BaseUri $sandbox.BaseUri
        Test-Cancel @{ MaxRetryCount = 0 } | Should -Be 'Cancelled'
        Test-Cancel @{ MaxRetryCount = 0; BaseUri = 'http://127.0.0.1:9' } | Should -Be 'ConnectionFailed'
    }

    It 'refuses a plain-http base URI that is not loopback and keeps nothing' {
        $record = { Connect-Pixelcut -ApiKey $wrongKey -BaseUri 'http://api.example.test' } | Should -Throw -PassThru
        Get-ErrorId $record | Should -Be 'InsecureBaseUri'
        Test-Cancel | Should -Be 'Cancelled'
    }

    It 'takes the key as a SecureString from the pipeline, as Get-Secret gives it, or as a PSCredential' {
        $env:PIXELCUT_API_KEY = 'sk_wrong'
        $validKey | Connect-Pixelcut
        Test-Cancel | Should -Be 'Cancelled'
        Disconnect-Pixelcut
        Connect-Pixelcut -ApiKey ([pscredential]::new('pixelcut', $validKey))
        Test-Cancel | Should -Be 'Cancelled'
    }

    It 'refuses a plain-text key, saying how to pass one' {
        { Connect-Pixelcut -ApiKey 'sk_plain' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*' -ExpectedMessage '*Read-Host -AsSecureString*'
        { Stop-PixelcutTryOnJob -JobId a -ApiKey 'sk_plain' } | Should -Throw -ExpectedMessage '*not plain text*'
        @(Get-SandboxLog $sandbox) | Should -BeNullOrEmpty
    }

    It 'with -Validate sends one status request and keeps a key the API accepts' {
        Connect-Pixelcut -ApiKey $validKey -Validate
        $log = @(Get-SandboxLog $sandbox)
        $log | Should -HaveCount 1
        $log[0].method | Should -Be 'GET'
        $log[0].keyAccepted | Should -BeTrue
    }

    It 'with -Validate fails with InvalidAuthToken on a rejected key and keeps the key it had' {
        $env:PIXELCUT_API_KEY = 'sk_wrong'
        Connect-Pixelcut -ApiKey $validKey
        $record = { Connect-Pixelcut -ApiKey $wrongKey -Validate } | Should -Throw -PassThru -ExceptionType ([Pixelcut.TryOn.PixelcutAuthenticationException])
        Get-ErrorId $record | Should -Be 'InvalidAuthToken'
        $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Test-Cancel | Should -Be 'Cancelled'
    }

    It 'never prompts: without a key a non-interactive run fails with ApiKeyMissing' {
        $run = Invoke-ChildPwsh -Script 'try { Connect-Pixelcut } catch { "error id: $($_.FullyQualifiedErrorId)" }'
        $run.Output | Should -Match 'error id: ApiKeyMissing'
        $run.Output | Should -Not -Match 'NonInteractive'
    }

    It 'keeps the key per runspace: parallel runspaces with different keys do not see each other''s' {
        Remove-Item Env:PIXELCUT_API_KEY
        Connect-Pixelcut -ApiKey $validKey
        Add-SandboxJob $sandbox -Id par-good, par-wrong, par-none
        $keys = @{ 'par-good' = $validKey; 'par-wrong' = $wrongKey; 'par-none' = $null }
        $outcomes = 'par-good', 'par-wrong', 'par-none' | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:modulePath
            $jobId = $_
            $key = ($using:keys)[$jobId]
            if ($key) { Connect-Pixelcut -ApiKey $key }
            try { Stop-PixelcutTryOnJob -JobId $jobId -ErrorAction Stop; "${jobId}: Cancelled" }
            catch { "${jobId}: $($_.FullyQualifiedErrorId.Split(',')[0])" }
        }
        $outcomes | Sort-Object | Should -Be @('par-good: Cancelled', 'par-none: ApiKeyMissing', 'par-wrong: InvalidAuthToken')
        Test-Cancel | Should -Be 'Cancelled'
    }

    It 'starts a runspace that ForEach-Object -Parallel reuses without the key its previous user connected with' {
        Remove-Item Env:PIXELCUT_API_KEY
        Add-SandboxJob $sandbox -Id reuse-1, reuse-2
        $outcomes = @(@{ Id = 'reuse-1'; Key = $validKey }, @{ Id = 'reuse-2'; Key = $null }) | ForEach-Object -ThrottleLimit 1 -Parallel {
            Import-Module $using:modulePath
            $job = $_
            if ($job.Key) { Connect-Pixelcut -ApiKey $job.Key }
            try { Stop-PixelcutTryOnJob -JobId $job.Id -ErrorAction Stop; "$($job.Id): Cancelled in runspace $([runspace]::DefaultRunspace.Id)" }
            catch { "$($job.Id): $($_.FullyQualifiedErrorId.Split(',')[0]) in runspace $([runspace]::DefaultRunspace.Id)" }
        }
        $outcomes[0] -match '^reuse-1: Cancelled in runspace (\d+)$' | Should -BeTrue -Because $outcomes[0]
        $outcomes[1] | Should -Be "reuse-2: ApiKeyMissing in runspace $($Matches[1])" -Because 'the second item runs in the first runspace, reset'
    }

    It 'keeps the key out of every stream and the transcript of a -Verbose -Debug run' {
        $transcript = Join-Path $TestDrive 'connect.txt'
        $run = Invoke-ChildPwsh -Environment @{ GOOD_KEY = $sandbox.ValidApiKey; WRONG_KEY = 'sk_wrong_secret_4242'; PIXELCUT_BASE_URI = $sandbox.BaseUri } -Script @"
Start-Transcript -Path '$transcript' | Out-Null
Connect-Pixelcut -ApiKey (ConvertTo-SecureString `$env:GOOD_KEY -AsPlainText -Force) -Validate -Verbose -Debug
try { Connect-Pixelcut -ApiKey (ConvertTo-SecureString `$env:WRONG_KEY -AsPlainText -Force) -Validate -Verbose -Debug }
catch { `$_ | Format-List * -Force | Out-String -Width 400; `$_.Exception | Format-List * -Force | Out-String -Width 400 }
Stop-Transcript | Out-Null
"@
        $everything = $run.Output + (Get-Content -Raw $transcript)
        $everything | Should -Match 'key-check -> 404'
        $everything | Should -Match 'InvalidAuthToken'
        $everything | Should -Not -Match $sandbox.ValidApiKey
        $everything | Should -Not -Match 'sk_wrong_secret_4242'
    }
}
