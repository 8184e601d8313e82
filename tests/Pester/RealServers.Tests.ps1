BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'RealServers.psm1') -Force
    $unavailable = @(Get-MissingRealServerTool).Count -gt 0
}

Describe 'Real servers: nginx terminating TLS in front of the stand-in API, and squid as the proxy' {
    It 'finds nginx, squid, htpasswd and openssl (skipped without them, failed without them under CI)' {
        $missing = @(Get-MissingRealServerTool)
        if ($missing -and $env:CI -ne 'true') {
            Set-ItResult -Skipped -Because "this machine lacks $($missing -join ', '); build.ps1 Test installs them with apt-get when it runs as root or with sudo"
            return
        }
        $missing | Should -BeNullOrEmpty -Because 'CI must run the real-server tests: build.ps1 Test installs nginx, squid and apache2-utils with apt-get when it runs as root or with sudo'
    }

    Context 'With the servers running' -Skip:$unavailable {
        BeforeAll {
            Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
            Import-Module (Join-Path $PSScriptRoot 'RealServers.psm1') -Force
            Import-Module (Join-Path $PSScriptRoot '../Sandbox/Sandbox.psm1') -Force

            $root = New-RealServerRoot
            $sandbox = Start-PixelcutSandbox
            $pki = New-TestPki (Join-Path $root 'pki')
            $api = $sandbox.BaseUri
            # Nothing listens there: the upstream of the gateway that answers 502.
            $closedPort = Get-FreeLoopbackPort
            $nginx = Start-TestNginx -Root $root -Server @(
                @{ Name = 'good'; Certificate = $pki.Good; Upstream = $api }
                @{ Name = 'untrusted'; Certificate = $pki.Untrusted; Upstream = $api }
                @{ Name = 'wrong-name'; Certificate = $pki.WrongName; Upstream = $api }
                @{ Name = 'expired'; Certificate = $pki.Expired; Upstream = $api }
                # Closes an idle connection well within the 200 ms between requests at 5 a second.
                @{ Name = 'short-keepalive'; Certificate = $pki.Good; Upstream = $api; Directives = 'keepalive_timeout 100ms;' }
                @{ Name = 'dead-upstream'; Certificate = $pki.Good; Upstream = "http://127.0.0.1:$closedPort" }
                @{ Name = 'gateway-timeout'; Certificate = $pki.Good; Upstream = $api; Directives = 'proxy_read_timeout 500ms;' }
                # 5 a second and no burst: a request less than 200 ms after the last one let through is refused.
                @{
                    Name = 'rate-limited'; Certificate = $pki.Good; Upstream = $api
                    HttpDirectives = 'limit_req_zone $binary_remote_addr zone=five_a_second:1m rate=5r/s;'
                    Directives = "limit_req zone=five_a_second;`nlimit_req_status 429;"
                }
            )
            $proxyUser = 'corp-user'
            $proxyPassword = "Pw-$([guid]::NewGuid().ToString('n').Substring(0, 12))"
            $squid = Start-TestSquid -Root $root -UserName $proxyUser -Password $proxyPassword -TunnelPort $nginx.Ports['good'] -TlsPort @(
                @{ Name = 'trusted'; Certificate = $pki.Good }
                @{ Name = 'untrusted'; Certificate = $pki.Untrusted }
            )

            # What the module needs to reach one of the nginx server blocks; no pace means the module's own, 5 a second.
            function Get-ChildEnvironment([string] $Server, [string] $HostName = '127.0.0.1', [string] $RequestsPerSecond = '1000', [hashtable] $More = @{}) {
                $environment = @{
                    SSL_CERT_FILE     = $pki.TrustBundle
                    PIXELCUT_API_KEY  = $sandbox.ValidApiKey
                    PIXELCUT_BASE_URI = "https://${HostName}:$($nginx.Ports[$Server])"
                }
                if ($RequestsPerSecond) { $environment.PIXELCUT_REQUESTS_PER_SECOND = $RequestsPerSecond }
                foreach ($entry in $More.GetEnumerator()) { $environment[$entry.Key] = $entry.Value }
                $environment
            }

            # The module's own TLS state is per process and this one's was set up long ago, so every command runs in a
            # child pwsh. It reports what the script wrote as JSON: output objects, error records (non-terminating) and
            # the terminating one, and the lines of the other streams.
            $childReport = @'
$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
function ConvertTo-Plain($Value) {
    if ($null -eq $Value -or $Value -is [string] -or $Value -is [int] -or $Value -is [long] -or $Value -is [bool]) { return $Value }
    if ($Value -is [datetime]) { return $Value.ToString('o') }
    "$Value"
}
function ConvertTo-Summary($Item) {
    if ($Item -is [System.Management.Automation.ErrorRecord]) {
        $e = $Item.Exception
        $chain = @(for ($x = $e; $x; $x = $x.InnerException) { "$($x.GetType().FullName): $($x.Message)" })
        return [ordered]@{
            id = $Item.FullyQualifiedErrorId.Split(',')[0]; category = "$($Item.CategoryInfo.Category)"; target = ConvertTo-Plain $Item.TargetObject
            exceptionType = $e.GetType().FullName; message = $e.Message; chain = $chain
            details = $(if ($Item.ErrorDetails) { $Item.ErrorDetails.Message }); recommendedAction = $(if ($Item.ErrorDetails) { $Item.ErrorDetails.RecommendedAction })
            statusCode = ConvertTo-Plain $e.StatusCode; attempts = ConvertTo-Plain $e.Attempts; jobId = ConvertTo-Plain $e.JobId
        }
    }
    if ($Item -is [string]) { return $Item }
    if ($Item -is [System.IO.FileInfo]) { return [ordered]@{ type = 'FileInfo'; Name = $Item.Name; FullName = $Item.FullName; Length = $Item.Length } }
    $summary = [ordered]@{ type = $Item.GetType().Name }
    foreach ($property in $Item.PSObject.Properties) { $summary[$property.Name] = ConvertTo-Plain $property.Value }
    $summary
}
$items = [System.Collections.Generic.List[object]]::new()
$terminating = $null
try { & { SCRIPT } *>&1 | ForEach-Object { $items.Add($_) } }
catch { $terminating = $_ }
# Verbose, Debug and Warning records are InformationalRecords; Write-Information's are InformationRecords.
function Test-StreamRecord($Item) { $Item -is [System.Management.Automation.InformationalRecord] -or $Item -is [System.Management.Automation.InformationRecord] }
$report = [ordered]@{
    output = @($items | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and -not (Test-StreamRecord $_) } | ForEach-Object { ConvertTo-Summary $_ })
    errors = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { ConvertTo-Summary $_ })
    terminating = $(if ($terminating) { ConvertTo-Summary $terminating })
    lines = @($items | Where-Object { Test-StreamRecord $_ } | ForEach-Object { "$_" })
}
'<<<REPORT'
$report | ConvertTo-Json -Depth 6 -Compress
'REPORT>>>'
'@

            function Invoke-ModuleChild([string] $Script, [hashtable] $Environment) {
                $result = Invoke-ChildPwsh -Environment $Environment -Script $childReport.Replace('SCRIPT', $Script)
                if ($result.Output -notmatch '(?s)<<<REPORT\s*(?<json>.*?)\s*REPORT>>>') { throw "The child pwsh reported nothing: $($result.Output)" }
                $report = $Matches.json | ConvertFrom-Json
                $report | Add-Member -NotePropertyName Text -NotePropertyValue $result.Output
                $report
            }

            function Get-JobState([string] $Id) { Get-SandboxJob $sandbox | Where-Object id -EQ $Id }
            function Get-RequestLog([string] $Id) { @(Get-SandboxLog $sandbox | Where-Object jobId -EQ $Id) }

            # Servers write a connection's log line once they notice it closed, a moment after the client let go.
            function Wait-Count([scriptblock] $Count, [int] $AtLeast) {
                $deadline = [DateTime]::UtcNow.AddSeconds(5)
                while ((& $Count) -lt $AtLeast -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                Start-Sleep -Milliseconds 300
                & $Count
            }

            function Assert-CertificateRejected($Report, [string] $Reason, [string] $HostName) {
                $Report.output | Should -BeNullOrEmpty
                $Report.errors | Should -BeNullOrEmpty -Because 'the refusal stops the command, with nothing written before it'
                $Report.terminating | Should -Not -BeNullOrEmpty -Because "the command must stop: $($Report.Text)"
                $Report.terminating.id | Should -BeExactly 'CertificateRejected'
                $Report.terminating.category | Should -Be 'SecurityError'
                $Report.terminating.exceptionType | Should -Be 'Pixelcut.TryOn.PixelcutConnectionException'
                $Report.terminating.message | Should -Match $Reason
                $Report.terminating.message | Should -Match ([regex]::Escape($HostName))
            }
        }

        AfterAll {
            Stop-TestSquid $squid
            Stop-TestNginx $nginx
            if ($sandbox) { Stop-PixelcutSandbox $sandbox }
            Remove-RealServerRoot $root
        }

        BeforeEach { Reset-PixelcutSandbox $sandbox }

        Context 'A gateway with a trusted certificate' {
            It 'stops, reads, waits for and saves jobs over https, the pictures coming through nginx too' {
                Add-SandboxJob $sandbox -Id tls-s1, tls-s2
                Add-SandboxJob $sandbox -Id tls-g1 -Status running
                Add-SandboxJob $sandbox -Id tls-w1 -Timeline @(@{ afterMs = 600; status = 'completed' })
                Add-SandboxJob $sandbox -Id tls-c1 -Status completed -AssetBytes 5000
                $folder = Join-Path $TestDrive 'tls-results'
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script @"
'tls-s1', 'tls-s2' | Stop-PixelcutTryOnJob -PassThru
Get-PixelcutTryOnJob tls-g1
Get-PixelcutTryOnJob tls-w1 | Wait-PixelcutTryOnJob -PollIntervalSec 1 -TimeoutSec 20
'tls-c1', 'tls-w1' | Save-PixelcutTryOnResult -Path '$folder' -PassThru
"@
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.Count | Should -Be 6
                $report.output[0..3].JobId | Should -Be @('tls-s1', 'tls-s2', 'tls-g1', 'tls-w1')
                $report.output[0..1].Message | Should -Be @('Job cancelled', 'Job cancelled')
                $report.output[2].Status | Should -Be 'Running'
                $report.output[3].Status | Should -Be 'Completed'
                $report.output[3].ResultUrl | Should -BeLike "https://127.0.0.1:$($nginx.Ports['good'])/assets/tls-w1.jpg?expires=*"
                $report.output[4..5].Name | Should -Be @('tls-c1.jpg', 'tls-w1.jpg')

                foreach ($id in 'tls-s1', 'tls-s2') { (Get-JobState $id).cancelCount | Should -Be 1 }
                # The bytes written are the ones the result host serves, read here straight from the stand-in.
                $expires = [DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds()
                foreach ($id in 'tls-c1', 'tls-w1') {
                    $served = [byte[]](Invoke-WebRequest -Uri "$api/assets/$id.jpg?expires=$expires").Content
                    $saved = [IO.File]::ReadAllBytes((Join-Path $folder "$id.jpg"))
                    [Convert]::ToBase64String($saved) | Should -BeExactly ([Convert]::ToBase64String($served))
                }
                ([IO.FileInfo](Join-Path $folder 'tls-c1.jpg')).Length | Should -Be 5000
                $downloads = Get-NginxRequest $nginx good | Where-Object uri -Like '/assets/*'
                $downloads | ForEach-Object { $_.uri -replace '\?.*' } | Sort-Object | Should -Be @('/assets/tls-c1.jpg', '/assets/tls-w1.jpg')
                $downloads.status | Should -Be @(200, 200)
            }
        }

        Context 'A certificate the module must refuse' {
            It '<Command> stops at once on <Case>: one CertificateRejected naming <HostName>, after one handshake' -ForEach @(
                @{ Case = 'a certificate from a CA that is not trusted'; Server = 'untrusted'; HostName = '127.0.0.1'; Reason = 'not trusted'
                    Command = 'Stop-PixelcutTryOnJob'; Script = "'cr-1', 'cr-2', 'cr-3', 'cr-4', 'cr-5' | Stop-PixelcutTryOnJob -PassThru" }
                @{ Case = 'a certificate for another name'; Server = 'wrong-name'; HostName = 'localhost'; Reason = "name does not match 'localhost', the name asked for"
                    Command = 'Get-PixelcutTryOnJob'; Script = "'cr-1', 'cr-2', 'cr-3' | Get-PixelcutTryOnJob" }
                @{ Case = 'an expired certificate'; Server = 'expired'; HostName = '127.0.0.1'; Reason = 'expired'
                    Command = 'Wait-PixelcutTryOnJob'; Script = "'cr-1', 'cr-2', 'cr-3' | Wait-PixelcutTryOnJob -PollIntervalSec 1 -TimeoutSec 60" }
                @{ Case = 'a certificate from a CA that is not trusted'; Server = 'untrusted'; HostName = '127.0.0.1'; Reason = 'not trusted'
                    Command = 'Save-PixelcutTryOnResult'; Script = "'cr-1', 'cr-2', 'cr-3' | Save-PixelcutTryOnResult -Path 'FOLDER'" }
            ) {
                Add-SandboxJob $sandbox -Id cr-1, cr-2, cr-3, cr-4, cr-5 -Status completed
                $before = Get-NginxConnectionCount $nginx $Server
                $requestsBefore = @(Get-NginxRequest $nginx $Server).Count
                # Default in-flight limit and retries, paced at 1000 a second: every job would be on its way at once, were the
                # first request not sent alone.
                $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment $Server -HostName $HostName) -Script $Script.Replace('FOLDER', $folder)
                Assert-CertificateRejected $report $Reason $HostName
                Wait-Count { (Get-NginxConnectionCount $nginx $Server) - $before } 1 | Should -Be 1 -Because 'a refused certificate is not worth another handshake'
                @(Get-NginxRequest $nginx $Server).Count | Should -Be $requestsBefore -Because 'no request is sent over a connection whose certificate was refused'
                Get-SandboxLog $sandbox | Should -BeNullOrEmpty
                Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
                @(Get-ChildItem -LiteralPath $folder -Force -Recurse -ErrorAction Ignore) | Should -BeNullOrEmpty
            }

            It 'Save-PixelcutTryOnResult stops at once on a result host whose certificate is not trusted, after one handshake there' {
                # The API is the trusted gateway; the links of the completed jobs point at the gateway with the untrusted certificate.
                $expires = [DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds()
                foreach ($id in 'rh-1', 'rh-2', 'rh-3') {
                    Add-SandboxJob $sandbox -Id $id -Status completed -ResultUrl "https://127.0.0.1:$($nginx.Ports['untrusted'])/assets/$id.jpg?expires=$expires"
                }
                $before = Get-NginxConnectionCount $nginx untrusted
                $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script "'rh-1', 'rh-2', 'rh-3' | Save-PixelcutTryOnResult -Path '$folder'"
                Assert-CertificateRejected $report 'not trusted' '127.0.0.1'
                Wait-Count { (Get-NginxConnectionCount $nginx untrusted) - $before } 1 | Should -Be 1 -Because 'a refused result host is not worth another handshake'
                (Get-SandboxLog $sandbox).method | Should -Not -Contain 'POST'
                @(Get-SandboxLog $sandbox).Count | Should -BeGreaterThan 0 -Because 'the status reads went to the API, which was trusted'
                Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
                @(Get-ChildItem -LiteralPath $folder -Force -Recurse -ErrorAction Ignore) | Should -BeNullOrEmpty
            }
        }

        Context 'What a gateway does to connections and answers' {
            It 'cancels every job once when nginx closes each idle connection before the next paced request' {
                $ids = 1..15 | ForEach-Object { 'ka-{0:d2}' -f $_ }
                Add-SandboxJob $sandbox -Id $ids
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment short-keepalive -RequestsPerSecond 5) -Script "'$($ids -join "', '")' | Stop-PixelcutTryOnJob -PassThru"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.JobId | Should -Be $ids
                foreach ($id in $ids) { (Get-JobState $id).cancelCount | Should -Be 1 -Because "job $id is cancelled once" }
                $requests = @(Get-NginxRequest $nginx short-keepalive)
                @($requests | Where-Object { $_.method -eq 'POST' -and $_.status -eq 200 }).Count | Should -Be $ids.Count
                # Most requests came on a connection of their own: nginx had closed the one before.
                @($requests | Where-Object connectionRequests -EQ 1).Count | Should -BeGreaterThan ($ids.Count / 2)
            }

            It 'reports a cancel that nginx answered 504 after the stand-in applied it as cancelled, confirmed by a status read' {
                Add-SandboxJob $sandbox -Id gw -Fault 'cancel-then-delay:3000'
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment gateway-timeout) -Script 'Stop-PixelcutTryOnJob gw -PassThru -Verbose'
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.JobId | Should -Be @('gw')
                $report.output[0].Message | Should -Be 'Job cancelled'
                $report.output[0].Attempts | Should -Be 3 -Because 'the cancel, its retry (409) and the status read that confirmed it'
                ($report.lines -match 'answered 409 but reads as cancelled') | Should -HaveCount 1
                $job = Get-JobState gw
                $job.cancelCount | Should -Be 1
                $job.errorCode | Should -Be 'job_cancelled'
                $answered = @(Get-NginxRequest $nginx gateway-timeout | ForEach-Object { "$($_.method) $($_.status)" })
                $answered | Should -Be @('POST 504', 'POST 409', 'GET 200')
                # The stand-in logs the request nginx gave up on once it notices nginx left.
                $log = Get-RequestLog gw
                ($log | Where-Object method -EQ POST | ForEach-Object status | Sort-Object) | Should -Be @(0, 409)
                ($log | Where-Object method -EQ GET | ForEach-Object status) | Should -Be @(200)
            }

            It 'gives one ServerError 502 per job, after every retry, when nothing is behind nginx' {
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment dead-upstream) -Script "'dead-1', 'dead-2', 'dead-3' | Stop-PixelcutTryOnJob -MaxRetryCount 1 -PassThru"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.output | Should -BeNullOrEmpty
                $report.errors.target | Should -Be @('dead-1', 'dead-2', 'dead-3')
                foreach ($failure in $report.errors) {
                    $failure.id | Should -BeExactly 'ServerError'
                    $failure.category | Should -Be 'ResourceUnavailable'
                    $failure.exceptionType | Should -Be 'Pixelcut.TryOn.PixelcutServerException'
                    $failure.statusCode | Should -Be 502
                    $failure.attempts | Should -Be 2
                }
                $requests = @(Get-NginxRequest $nginx dead-upstream)
                $requests.Count | Should -Be 6
                $requests.status | Sort-Object -Unique | Should -Be @(502)
                Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            }

            It 'cancels every job once through nginx limit_req at 5 a second without burst, at the module''s own pace' {
                $ids = 1..30 | ForEach-Object { 'rl-{0:d2}' -f $_ }
                Add-SandboxJob $sandbox -Id $ids
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment rate-limited -RequestsPerSecond $null) -Script "'$($ids -join "', '")' | Stop-PixelcutTryOnJob -PassThru"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.JobId | Should -Be $ids
                foreach ($id in $ids) { (Get-JobState $id).cancelCount | Should -Be 1 -Because "job $id is cancelled once" }
                $accepted = @(Get-NginxRequest $nginx rate-limited | Where-Object { $_.method -eq 'POST' -and $_.status -eq 200 })
                $accepted.Count | Should -Be $ids.Count
            }
        }

        Context 'Submitting jobs through a gateway' {
            BeforeAll {
                # A PNG header and padding up to the given size; the module reads no further than its IHDR.
                function New-PngFile([string] $Name, [int] $Bytes) {
                    $header = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 2, 0, 0, 0, 3, 0, 8, 2, 0, 0, 0)
                    $path = Join-Path $TestDrive $Name
                    [IO.File]::WriteAllBytes($path, $header + [byte[]]::new($Bytes - $header.Length))
                    $path
                }
                function Get-Created([string] $PersonImage) {
                    $found = @(Get-SandboxSubmission $sandbox | Where-Object PersonImage -Like $PersonImage)
                    if ($found) { $found[0].Created } else { 0 }
                }
            }

            It 'uploads a local file over https through nginx and writes the job' {
                $person = New-PngFile 'upload.png' 200000
                $before = @(Get-NginxRequest $nginx good).Count
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script "Start-PixelcutTryOnJob '$person' 'https://img.example.test/g.png' -GarmentMode Lower"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.Count | Should -Be 1
                $report.output[0].PersonImage | Should -Be $person
                Get-Created 'upload.png (200000 bytes)' | Should -Be 1
                $submits = @(Get-NginxRequest $nginx good | Select-Object -Skip $before | Where-Object uri -EQ '/v1/try-on')
                $submits.status | Should -Be @(202)
            }

            It 'reports the 413 of a gateway that takes smaller uploads as InvalidRequest, nothing created, sent once' {
                # nginx takes bodies of 1 MB unless told otherwise.
                $person = New-PngFile 'large.png' 3000000
                $before = @(Get-NginxRequest $nginx good).Count
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script "Start-PixelcutTryOnJob '$person' 'https://img.example.test/g.png'"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors.Count | Should -Be 1
                $report.errors[0].id | Should -BeExactly 'InvalidRequest'
                $report.errors[0].statusCode | Should -Be 413
                @(Get-NginxRequest $nginx good | Select-Object -Skip $before | Where-Object uri -EQ '/v1/try-on').status | Should -Be @(413)
                Get-SandboxSubmission $sandbox | Should -BeNullOrEmpty
            }

            It 'gives SubmitOutcomeUnknown, not a resubmit, when nginx answers 504 after the stand-in created the job' {
                $person = 'https://img.example.test/gateway-slow.jpg'
                Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault 'slow-after-create:2000'
                $before = @(Get-NginxRequest $nginx gateway-timeout).Count
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment gateway-timeout) -Script "Start-PixelcutTryOnJob '$person' 'https://img.example.test/g.png'"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors.Count | Should -Be 1
                $report.errors[0].id | Should -BeExactly 'SubmitOutcomeUnknown'
                $report.errors[0].category | Should -Be 'OperationTimeout'
                $report.errors[0].statusCode | Should -Be 504
                @(Get-NginxRequest $nginx gateway-timeout | Select-Object -Skip $before | Where-Object uri -EQ '/v1/try-on').status | Should -Be @(504)
                Start-Sleep -Milliseconds 2500
                Get-Created $person | Should -Be 1
            }

            It 'gives SubmitOutcomeUnknown for a 502 of nginx with nothing behind it, sent once' {
                $before = @(Get-NginxRequest $nginx dead-upstream).Count
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment dead-upstream) -Script "Start-PixelcutTryOnJob 'https://img.example.test/p.jpg' 'https://img.example.test/g.png'"
                $report.errors[0].id | Should -BeExactly 'SubmitOutcomeUnknown'
                $report.errors[0].statusCode | Should -Be 502
                @(Get-NginxRequest $nginx dead-upstream).Count - $before | Should -Be 1
            }
        }

        Context 'squid with Basic authentication in between' {
            BeforeAll {
                function New-ProxyCredential([string] $Password) { "([pscredential]::new('$proxyUser', (ConvertTo-SecureString '$Password' -AsPlainText -Force)))" }
                $plainProxy = "http://127.0.0.1:$($squid.Ports['plain'])"
                $tunnelTarget = "127.0.0.1:$($nginx.Ports['good'])"
            }

            It 'cancels through -Proxy with -ProxyCredential, and never shows the password' {
                Add-SandboxJob $sandbox -Id px-1, px-2
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script @"
'px-1', 'px-2' | Stop-PixelcutTryOnJob -Proxy '$plainProxy' -ProxyCredential $(New-ProxyCredential $proxyPassword) -PassThru -Verbose -Debug
"@
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.JobId | Should -Be @('px-1', 'px-2')
                foreach ($id in 'px-1', 'px-2') { (Get-JobState $id).cancelCount | Should -Be 1 }
                $tunnels = @(Get-SquidRequest $squid plain | Where-Object { $_.result -eq 'TCP_TUNNEL' -and $_.status -eq 200 })
                $tunnels.Count | Should -BeGreaterThan 0
                $tunnels.url | Sort-Object -Unique | Should -Be @($tunnelTarget)
                $tunnels.user | Sort-Object -Unique | Should -Be @($proxyUser)
                $report.Text | Should -Not -BeLike "*$proxyPassword*"
            }

            It 'submits a job through -Proxy with -ProxyCredential, the body through the tunnel, and never shows the password' {
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script @"
Start-PixelcutTryOnJob 'https://img.example.test/proxied.jpg' 'https://img.example.test/g.png' -Proxy '$plainProxy' -ProxyCredential $(New-ProxyCredential $proxyPassword)
"@
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.Count | Should -Be 1
                @(Get-SandboxSubmission $sandbox | Where-Object PersonImage -EQ 'https://img.example.test/proxied.jpg').Created | Should -Be 1
                @(Get-SquidRequest $squid plain | Where-Object { $_.result -eq 'TCP_TUNNEL' -and $_.user -eq $proxyUser }).Count | Should -BeGreaterThan 0
                $report.Text | Should -Not -BeLike "*$proxyPassword*"
            }

            It 'cancels through the proxy in HTTPS_PROXY, credentials in its URL, and never shows the password' {
                Add-SandboxJob $sandbox -Id env-1, env-2
                $environment = Get-ChildEnvironment good -More @{ HTTPS_PROXY = "http://${proxyUser}:$proxyPassword@127.0.0.1:$($squid.Ports['plain'])"; NO_PROXY = '' }
                $before = @(Get-SquidRequest $squid plain).Count
                $report = Invoke-ModuleChild -Environment $environment -Script "'env-1', 'env-2' | Stop-PixelcutTryOnJob -PassThru -Verbose -Debug; Get-PixelcutConnection | Format-List * | Out-String"
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.Count | Should -Be 3
                $report.output[0..1].JobId | Should -Be @('env-1', 'env-2')
                $report.output[2] | Should -BeLike '*ApiKeySource*'
                foreach ($id in 'env-1', 'env-2') { (Get-JobState $id).cancelCount | Should -Be 1 }
                $tunnels = @(Get-SquidRequest $squid plain | Select-Object -Skip $before | Where-Object { $_.result -eq 'TCP_TUNNEL' -and $_.status -eq 200 })
                $tunnels.Count | Should -BeGreaterThan 0 -Because 'the requests went through squid'
                $tunnels.user | Sort-Object -Unique | Should -Be @($proxyUser)
                $report.Text | Should -Not -BeLike "*$proxyPassword*"
            }

            It 'stops with ProxyAuthenticationRequired <Case>, and sends nothing on' -ForEach @(
                @{ Case = 'for the wrong password'; Credential = $true }
                @{ Case = 'without credentials'; Credential = $false }
            ) {
                Add-SandboxJob $sandbox -Id pa-1, pa-2
                $wrong = "Wrong-$([guid]::NewGuid().ToString('n').Substring(0, 10))"
                $given = if ($Credential) { "-ProxyCredential $(New-ProxyCredential $wrong)" } else { '' }
                $before = @(Get-SquidRequest $squid plain).Count
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script "'pa-1', 'pa-2' | Stop-PixelcutTryOnJob -Proxy '$plainProxy' $given -ThrottleLimit 1 -PassThru -Debug"
                $report.output | Should -BeNullOrEmpty
                $report.errors | Should -BeNullOrEmpty
                $report.terminating.id | Should -BeExactly 'ProxyAuthenticationRequired'
                $report.terminating.category | Should -Be 'AuthenticationError'
                $report.terminating.target | Should -Be 'pa-1'
                Get-SandboxLog $sandbox | Should -BeNullOrEmpty
                (Get-JobState pa-1).status, (Get-JobState pa-2).status | Should -Be @('pending', 'pending')
                $answers = @(Get-SquidRequest $squid plain | Select-Object -Skip $before)
                $answers.Count | Should -BeGreaterThan 0
                $answers.status | Sort-Object -Unique | Should -Be @(407)
                $report.Text | Should -Not -BeLike "*$wrong*"
            }

            It 'cancels through an https proxy whose certificate is trusted' {
                Add-SandboxJob $sandbox -Id tp-1
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script @"
Stop-PixelcutTryOnJob tp-1 -Proxy 'https://127.0.0.1:$($squid.Ports['trusted'])' -ProxyCredential $(New-ProxyCredential $proxyPassword) -PassThru
"@
                $report.terminating | Should -BeNullOrEmpty -Because $report.Text
                $report.errors | Should -BeNullOrEmpty
                $report.output.JobId | Should -Be @('tp-1')
                (Get-JobState tp-1).cancelCount | Should -Be 1
                @(Get-SquidRequest $squid trusted | Where-Object { $_.result -eq 'TCP_TUNNEL' -and $_.url -eq $tunnelTarget }).Count | Should -BeGreaterThan 0
            }

            It 'stops with one CertificateRejected naming the proxy when the https proxy''s certificate is not trusted, after one handshake' {
                Add-SandboxJob $sandbox -Id up-1, up-2, up-3, up-4, up-5
                $before = @(Get-SquidRequest $squid untrusted).Count
                $requestsBefore = @(Get-NginxRequest $nginx good).Count
                # The proxy is named localhost, the API 127.0.0.1, so the message shows which of them was refused.
                $report = Invoke-ModuleChild -Environment (Get-ChildEnvironment good) -Script @"
'up-1', 'up-2', 'up-3', 'up-4', 'up-5' | Stop-PixelcutTryOnJob -Proxy 'https://localhost:$($squid.Ports['untrusted'])' -ProxyCredential $(New-ProxyCredential $proxyPassword) -PassThru
"@
                Assert-CertificateRejected $report 'not trusted' 'the proxy localhost'
                Wait-Count { @(Get-SquidRequest $squid untrusted).Count - $before } 1 | Should -Be 1 -Because 'a refused certificate is not worth another handshake'
                @(Get-NginxRequest $nginx good).Count | Should -Be $requestsBefore
                Get-SandboxLog $sandbox | Should -BeNullOrEmpty
                $report.Text | Should -Not -BeLike "*$proxyPassword*"
            }
        }
    }
}
