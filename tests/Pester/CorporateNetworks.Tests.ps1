Describe 'Corporate networks, runbooks with -Debug, and what support needs' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $childEnvironment = Get-SandboxEnvironment $sandbox

        function Get-RequestLog([string] $Id) { @(Get-SandboxLog $sandbox | Where-Object jobId -EQ $Id) }
        function New-ProxyCredential([string] $Password = 's3cret') { [pscredential]::new('corp-user', (ConvertTo-SecureKey $Password)) }
        # The stand-in is the proxy as well as the API: a request sent to it as a proxy arrives in absolute form.
        $proxy = $sandbox.BaseUri
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    Context 'Proxies' {
        It 'sends every request through -Proxy, loopback included, and none without it' {
            Add-SandboxJob $sandbox -Id viaproxy, direct
            Stop-PixelcutTryOnJob -JobId viaproxy -Proxy $proxy
            Stop-PixelcutTryOnJob -JobId direct
            (Get-RequestLog viaproxy).viaProxy | Should -Be @($true)
            (Get-RequestLog direct).viaProxy | Should -Be @($false)
            (Get-SandboxJob $sandbox).errorCode | Should -Be @('job_cancelled', 'job_cancelled')
        }

        It 'stops with ProxyAuthenticationRequired when the proxy wants credentials it was not given' {
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Add-SandboxJob $sandbox -Id p1, p2
            $stopped = $null
            try { 'p1', 'p2' | Stop-PixelcutTryOnJob -Proxy $proxy -ThrottleLimit 1 } catch { $stopped = $_ }
            Get-ErrorId $stopped | Should -Be 'ProxyAuthenticationRequired'
            $stopped.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $stopped.TargetObject | Should -Be 'p1'
            Get-RequestLog p2 | Should -BeNullOrEmpty
            (Get-SandboxJob $sandbox).status | Should -Be @('pending', 'pending')
        }

        It 'answers the proxy with -ProxyCredential, and never shows its password' {
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Add-SandboxJob $sandbox -Id p1
            $output = Stop-PixelcutTryOnJob -JobId p1 -Proxy $proxy -ProxyCredential (New-ProxyCredential) -PassThru -Verbose -Debug 4>&1 5>&1 | Out-String
            $output | Should -BeLike '*Job cancelled*'
            $output | Should -Not -BeLike '*s3cret*'
            (Get-RequestLog p1 | Where-Object status -EQ 200).proxyAuthorization | Should -Be 'Basic corp-user'
        }

        It 'keeps one client per proxy setting: a command without credentials is not answered with another command''s' {
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Add-SandboxJob $sandbox -Id with, without, wrong
            Stop-PixelcutTryOnJob -JobId with -Proxy $proxy -ProxyCredential (New-ProxyCredential)
            { Stop-PixelcutTryOnJob -JobId without -Proxy $proxy } | Should -Throw -ErrorId 'ProxyAuthenticationRequired*'
            { Stop-PixelcutTryOnJob -JobId wrong -Proxy $proxy -ProxyCredential (New-ProxyCredential 'other') } | Should -Throw -ErrorId 'ProxyAuthenticationRequired*'
            (Get-SandboxJob $sandbox | Where-Object status -EQ 'failed').id | Should -Be @('with')
        }

        It 'keeps -Proxy and -ProxyCredential from Connect-Pixelcut for the runspace until Disconnect-Pixelcut' {
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Add-SandboxJob $sandbox -Id c1, c2
            Connect-Pixelcut -ApiKey (ConvertTo-SecureKey $sandbox.ValidApiKey) -Proxy $proxy -ProxyCredential (New-ProxyCredential)
            try {
                Stop-PixelcutTryOnJob -JobId c1
                $connection = Get-PixelcutConnection
            }
            finally { Disconnect-Pixelcut }
            (Get-RequestLog c1 | Where-Object status -EQ 200).viaProxy | Should -BeTrue
            $connection.Proxy | Should -Be ([uri]$proxy)
            $connection.ProxyUserName | Should -Be 'corp-user'
            ($connection | Format-List * | Out-String) | Should -Not -BeLike '*s3cret*'
            Stop-PixelcutTryOnJob -JobId c2
            (Get-RequestLog c2).viaProxy | Should -Be @($false)
        }

        It 'refuses a proxy or base URI with a password in it, and never shows the password' {
            $stopped = @()
            foreach ($run in { Stop-PixelcutTryOnJob -JobId x -Proxy 'http://corp:Hunter2pw@127.0.0.1:9/' },
                { Connect-Pixelcut -ApiKey (ConvertTo-SecureKey $sandbox.ValidApiKey) -Proxy 'http://corp:Hunter2pw@127.0.0.1:9/' },
                { Stop-PixelcutTryOnJob -JobId x -BaseUri 'https://corp:Hunter2pw@api.example.test' }) {
                try { & $run } catch { $stopped += $_ }
            }
            $stopped.Count | Should -Be 3
            foreach ($record in $stopped) {
                Get-ErrorId $record | Should -Be 'InvalidSetting'
                ($record | Out-String) + $record.ErrorDetails.RecommendedAction | Should -Not -BeLike '*Hunter2pw*'
            }
            (Get-PixelcutConnection | Format-List * | Out-String) | Should -Not -BeLike '*Hunter2pw*'
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
        }

        It 'answers the session''s proxy with -ProxyCredential given alone' {
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Add-SandboxJob $sandbox -Id alone
            Connect-Pixelcut -ApiKey (ConvertTo-SecureKey $sandbox.ValidApiKey) -Proxy $proxy
            try { Stop-PixelcutTryOnJob -JobId alone -ProxyCredential (New-ProxyCredential) }
            finally { Disconnect-Pixelcut }
            (Get-RequestLog alone | Where-Object status -EQ 200).proxyAuthorization | Should -Be 'Basic corp-user'
        }

        It 'refuses -ProxyCredential with -ProxyUseDefaultCredentials, and a proxy that is not an http address' {
            { Stop-PixelcutTryOnJob -JobId x -Proxy $proxy -ProxyCredential (New-ProxyCredential) -ProxyUseDefaultCredentials } |
                Should -Throw -ErrorId 'InvalidSetting*'
            { Stop-PixelcutTryOnJob -JobId x -Proxy 'socks5://127.0.0.1:1080' } | Should -Throw -ErrorId 'InvalidSetting*'
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
        }
    }

    Context 'Identify and correlate' {
        It 'sends a User-Agent naming the module, PowerShell and the OS' {
            Add-SandboxJob $sandbox -Id ua
            Stop-PixelcutTryOnJob -JobId ua
            $version = (Import-PowerShellDataFile (Join-Path (Get-BuiltModulePath) 'Pixelcut.TryOn.psd1')).ModuleVersion
            (Get-RequestLog ua)[0].userAgent | Should -BeLike "Pixelcut.TryOn/$version PowerShell/$($PSVersionTable.PSVersion) (*)"
        }

        It 'puts the request id on the exception of an answer the module cannot use' {
            Add-SandboxJob $sandbox -Id garbled -Fault malformed
            Get-PixelcutTryOnJob -JobId garbled -ErrorVariable failed -ErrorAction SilentlyContinue
            Get-ErrorId $failed[0] | Should -Be 'UnexpectedResponse'
            $failed[0].Exception.RequestId | Should -Be (Get-RequestLog garbled)[0].requestId
        }

        It 'puts the server''s request id on the exception and in the Verbose line' {
            Add-SandboxJob $sandbox -Id done -Status completed
            $verbose = Get-PixelcutTryOnJob -JobId missing -Verbose -ErrorVariable failed -ErrorAction SilentlyContinue 4>&1 | ForEach-Object { "$_" }
            $requestId = (Get-RequestLog missing)[0].requestId
            $requestId | Should -Match '^req-'
            $failed[0].Exception.RequestId | Should -Be $requestId
            ($verbose -match [regex]::Escape("request id $requestId")) | Should -HaveCount 1
        }
    }

    Context '-Debug works unattended' {
        It '<Command> -Debug under pwsh -NonInteractive prints Debug and Verbose lines and never prompts' -ForEach @(
            @{ Command = 'Stop-PixelcutTryOnJob'; Script = "'a', 'missing' | Stop-PixelcutTryOnJob -Debug -PassThru"; Expect = 'POST /v1/try-on/job/a/cancel -> 200' }
            @{ Command = 'Get-PixelcutTryOnJob'; Script = "Get-PixelcutTryOnJob -JobId a, missing -Debug"; Expect = 'GET /v1/try-on/job/a -> 200' }
            @{ Command = 'Connect-Pixelcut'; Script = "Connect-Pixelcut -ApiKey (ConvertTo-SecureString `$env:PIXELCUT_API_KEY -AsPlainText -Force) -Validate -Debug"; Expect = 'now use this API key' }
            @{ Command = 'Disconnect-Pixelcut'; Script = 'Disconnect-Pixelcut -Debug'; Expect = 'now use -ApiKey' }
            @{ Command = 'Get-PixelcutConnection'; Script = 'Get-PixelcutConnection -Debug | Format-List'; Expect = 'ApiKeySource' }
        ) {
            Add-SandboxJob $sandbox -Id a
            $result = Invoke-ChildPwsh -Environment $childEnvironment -Script "$Script`n'exit reached'"
            $result.Output | Should -Not -BeLike '*NonInteractive mode*'
            $result.Output | Should -BeLike "*$Expect*"
            $result.Output | Should -BeLike '*exit reached*'
            $result.Output | Should -Not -BeLike "*$($sandbox.ValidApiKey)*"
        }

        It 'shows the HTTP exchange under -Debug, the key as ***, and warnings without asking' {
            Add-SandboxJob $sandbox -Id slow -Fault 429
            $result = Invoke-ChildPwsh -Environment $childEnvironment -Script "Stop-PixelcutTryOnJob -JobId slow -Debug`n'exit reached'"
            $result.Output | Should -BeLike '*DEBUG: HTTP request: POST http://127.0.0.1:*/v1/try-on/job/slow/cancel | X-API-KEY: *** | Accept: application/json | User-Agent: Pixelcut.TryOn/* PowerShell/* (*)*'
            $result.Output | Should -BeLike '*DEBUG: HTTP answer: 429 Too Many Requests in * ms | request id: req-* | Content-Type: application/json* | body: ''{"error":"Too many requests","error_code":"rate_limit_exceeded"}''*'
            $result.Output | Should -BeLike '*DEBUG: Warning: 1 request(s) were rate-limited (429) and retried*'
            $result.Output | Should -BeLike '*exit reached*'
            $result.Output | Should -Not -BeLike "*$($sandbox.ValidApiKey)*"
        }

        It 'keeps -Verbose and -WarningAction given with -Debug on their own streams' {
            Add-SandboxJob $sandbox -Id v -Fault 429
            $result = Invoke-ChildPwsh -Environment $childEnvironment -Script "Stop-PixelcutTryOnJob -JobId v -Debug -Verbose -WarningAction Continue"
            $result.Output | Should -BeLike '*VERBOSE: POST /v1/try-on/job/v/cancel -> 429*'
            $result.Output | Should -BeLike '*WARNING: 1 request(s) were rate-limited*'
        }
    }

    Context 'Get-PixelcutConnection' {
        It 'says the key comes from <Source>, and never shows it' -ForEach @(
            @{ Source = 'None'; Setup = { Remove-Item Env:PIXELCUT_API_KEY } }
            @{ Source = 'PIXELCUT_API_KEY'; Setup = {} }
            @{ Source = 'Connect-Pixelcut'; Setup = { Connect-Pixelcut -ApiKey (ConvertTo-SecureKey 'sk_session_secret') } }
        ) {
            try {
                & $Setup
                $connection = Get-PixelcutConnection
                $shown = ($connection | Format-List * | Out-String) + ($connection | Format-Table | Out-String)
            }
            finally { Disconnect-Pixelcut; $env:PIXELCUT_API_KEY = $sandbox.ValidApiKey }
            $connection | Should -BeOfType ([Pixelcut.TryOn.PixelcutConnection])
            $connection.ApiKeySource | Should -Be $Source
            $shown | Should -Not -BeLike '*secret*'
            $shown | Should -Not -BeLike "*$($sandbox.ValidApiKey)*"
        }

        It 'shows the base URI, pace and proxy the next command would use' {
            $env:PIXELCUT_REQUESTS_PER_SECOND = '12.5'
            try { $fromEnvironment = Get-PixelcutConnection }
            finally { $env:PIXELCUT_REQUESTS_PER_SECOND = '1000' }
            $fromEnvironment.BaseUri | Should -Be ([uri]$sandbox.BaseUri)
            $fromEnvironment.RequestsPerSecond | Should -Be 12.5
            $fromEnvironment.Proxy | Should -BeNullOrEmpty
            ($fromEnvironment | Out-String) | Should -BeLike '*ApiKeySource*BaseUri*RequestsPerSecond*Proxy*(system)*'

            Connect-Pixelcut -ApiKey (ConvertTo-SecureKey $sandbox.ValidApiKey) -BaseUri 'https://api.example.test' -Proxy 'http://proxy.example.test:8080'
            try { $connected = Get-PixelcutConnection }
            finally { Disconnect-Pixelcut }
            $connected.BaseUri | Should -Be ([uri]'https://api.example.test')
            $connected.Proxy | Should -Be ([uri]'http://proxy.example.test:8080')
        }
    }
}
