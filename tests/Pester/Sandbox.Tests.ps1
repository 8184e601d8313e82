Describe 'The sandbox' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $apiKey = @{ 'X-API-KEY' = $sandbox.ValidApiKey }

        function Get-JobStatus([string] $Id) {
            Invoke-RestMethod "$($sandbox.BaseUri)/v1/try-on/job/$([uri]::EscapeDataString($Id))" -Headers $apiKey
        }

        function Send-Cancel([string] $Id) {
            Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on/job/$([uri]::EscapeDataString($Id))/cancel" -Method Post -Headers $apiKey -SkipHttpErrorCheck
        }

        function Get-Asset([string] $Uri, [hashtable] $Headers = @{}) {
            Invoke-WebRequest $Uri -Headers $Headers -SkipHttpErrorCheck
        }

        function Get-ResultUrl([string] $Id) { (Get-JobStatus $Id).result_url }

        function Wait-Until([Diagnostics.Stopwatch] $Clock, [int] $Milliseconds) {
            $left = $Milliseconds - $Clock.ElapsedMilliseconds
            if ($left -gt 0) { Start-Sleep -Milliseconds $left }
        }

        function Assert-Jpeg([byte[]] $Bytes) {
            $Bytes[0..2] | Should -Be @(0xFF, 0xD8, 0xFF)
            $Bytes[-2..-1] | Should -Be @(0xFF, 0xD9)
        }

        # .NET sends nothing for a loopback address through a proxy, so the absolute form goes out by hand.
        function Send-ThroughProxy([string] $Uri, [string] $ProxyAuthorization) {
            $client = [Net.Sockets.TcpClient]::new()
            try {
                $server = [uri]$sandbox.BaseUri
                $client.Connect($server.Host, $server.Port)
                $stream = $client.GetStream()
                $request = "GET $Uri HTTP/1.1`r`nHost: $($server.Authority)`r`nConnection: close`r`n"
                if ($ProxyAuthorization) { $request += "Proxy-Authorization: $ProxyAuthorization`r`n" }
                $bytes = [Text.Encoding]::ASCII.GetBytes("$request`r`n")
                $stream.Write($bytes, 0, $bytes.Length)
                [IO.StreamReader]::new($stream).ReadLine()
            }
            finally { $client.Dispose() }
        }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    Context 'Jobs that move through time' {
        It 'reads pending, then running, then completed as the timeline says' {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Add-SandboxJob $sandbox -Id walk -Timeline @{ afterMs = 500; status = 'running' }, @{ afterMs = 1200; status = 'completed' }
            $seen = @((Get-JobStatus walk).status)
            Wait-Until $clock 850
            $seen += (Get-JobStatus walk).status
            Wait-Until $clock 1550
            $last = Get-JobStatus walk
            $seen += $last.status
            $seen | Should -Be @('pending', 'running', 'completed')
            $last.result_url | Should -Match '/assets/walk\.jpg\?expires=\d+$'
        }

        It 'ends a failed timeline with its error code, also in the control view' {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Add-SandboxJob $sandbox -Id spoiled -Status running -Timeline @{ afterMs = 300; status = 'failed'; errorCode = 'content_filter_error' }
            (Get-JobStatus spoiled).status | Should -Be 'running'
            Wait-Until $clock 600
            (Get-SandboxJob $sandbox).status | Should -Be 'failed'
            $answer = Get-JobStatus spoiled
            $answer.status | Should -Be 'failed'
            $answer.error.error_code | Should -Be 'content_filter_error'
        }

        It 'keeps a job cancelled mid-timeline cancelled, and refuses a cancel once it has completed' {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Add-SandboxJob $sandbox -Id early -Timeline @{ afterMs = 200; status = 'running' }, @{ afterMs = 900; status = 'completed' }
            Add-SandboxJob $sandbox -Id late -Timeline @{ afterMs = 200; status = 'completed' }
            Wait-Until $clock 450
            (Get-JobStatus early).status | Should -Be 'running'
            (Send-Cancel early).StatusCode | Should -Be 200
            $refused = Send-Cancel late
            $refused.StatusCode | Should -Be 409
            ($refused.Content | ConvertFrom-Json).error_code | Should -Be 'job_finished'
            Wait-Until $clock 1200
            $cancelled = Get-JobStatus early
            $cancelled.status | Should -Be 'failed'
            $cancelled.error.error_code | Should -Be 'job_cancelled'
            (Get-SandboxJob $sandbox | Where-Object id -EQ early).cancelCount | Should -Be 1
        }

        It 'applies a cancel-then-delay cancel at once and holds its answer back' {
            Add-SandboxJob $sandbox -Id delayed -Fault 'cancel-then-delay:3000'
            $left = $null
            try { Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on/job/delayed/cancel" -Method Post -Headers $apiKey -TimeoutSec 1 } catch { $left = $_ }
            $left | Should -Not -BeNullOrEmpty -Because 'the answer waits three seconds'
            (Get-SandboxJob $sandbox | Where-Object id -EQ delayed).cancelCount | Should -Be 1
            (Send-Cancel delayed).StatusCode | Should -Be 409
        }

        It 'answers a result URL given to the job as it was given' {
            Add-SandboxJob $sandbox -Id odd -Status completed -ResultUrl 'http://example.com/x.jpg'
            Get-ResultUrl odd | Should -Be 'http://example.com/x.jpg'
        }
    }

    Context 'The fault tables' {
        It 'refuses an unknown fault when its job is added, listing the known ones, and adds none of the jobs' {
            $jobs = ConvertTo-Json -Compress -InputObject @(@{ id = 'fine'; faults = @('429') }, @{ id = 'odd'; faults = @('no-such-fault') })
            $answer = Invoke-WebRequest "$($sandbox.BaseUri)/_sandbox/jobs" -Method Post -Body $jobs -ContentType 'application/json' -SkipHttpErrorCheck
            $answer.StatusCode | Should -Be 400
            $message = ($answer.Content | ConvertFrom-Json).error
            $message | Should -BeLike "Job 'odd': Unknown api fault 'no-such-fault'. Faults: 429, *"
            foreach ($known in '429-retry-after:S', 'slow:MS', 'cancel-then-close', 'huge[:MiB]', 'slow-body:MS', 'redirect:URL', 'drop-mid-body') {
                $message | Should -BeLike "*$([WildcardPattern]::Escape($known))*"
            }
            @(Get-SandboxJob $sandbox).Count | Should -Be 0
        }

        It 'refuses <Fault> as <Parameter>, through Add-SandboxJob' -ForEach @(
            @{ Parameter = 'Fault'; Fault = 'slow-body:800'; Reason = "Unknown api fault 'slow-body:800'." }
            @{ Parameter = 'AssetFault'; Fault = 'slow:800'; Reason = "Unknown asset fault 'slow:800'." }
            @{ Parameter = 'Fault'; Fault = 'slow'; Reason = "The api fault 'slow' is written slow:MS." }
            @{ Parameter = 'AssetFault'; Fault = '403:x'; Reason = "The asset fault '403' takes no argument, but was given '403:x'." }
        ) {
            $parameters = @{ $Parameter = $Fault }
            { Add-SandboxJob $sandbox -Id refused @parameters } |
                Should -Throw "The sandbox refused POST /_sandbox/jobs: Job 'refused': $([WildcardPattern]::Escape($Reason)) Faults: *"
            @(Get-SandboxJob $sandbox).Count | Should -Be 0
        }

        It 'answers every fault the tests use, each with its kind, argument and description' {
            $faults = Invoke-RestMethod "$($sandbox.BaseUri)/_sandbox/faults"
            $api = @($faults | Where-Object kind -EQ api | ForEach-Object usage)
            $asset = @($faults | Where-Object kind -EQ asset | ForEach-Object usage)
            $used = '429', '429-retry-after:S', '429-retry-after-date:S', '400', '500', '503', '502-html', 'malformed', 'drop',
                'cancel-then-drop', 'slow:MS', 'cancel-then-delay:MS', 'close', 'cancel-then-close', 'bad-charset', 'huge[:MiB]', '204',
                'empty-200', 'control-chars[:STATUS]', 'control-chars-raw[:STATUS]', 'control-chars-status', '403-html', '403-code:CODE',
                '407', 'other-job', 'bad-status-line'
            foreach ($usage in $used) { $api | Should -Contain $usage }
            foreach ($usage in '403', '404', '500', 'redirect:URL', 'html-200', 'drop-mid-body', 'slow-body:MS', 'close') { $asset | Should -Contain $usage }
            $slow = $faults | Where-Object { $_.kind -eq 'api' -and $_.name -eq 'slow' }
            $slow.argument | Should -Be 'MS'
            $slow.argumentOptional | Should -BeFalse
            ($faults | Where-Object name -EQ huge).argumentOptional | Should -BeTrue
            ($faults | Where-Object name -EQ drop).argument | Should -BeNullOrEmpty
            foreach ($fault in $faults) { $fault.description | Should -Not -BeNullOrEmpty -Because $fault.name }
        }

        It 'prints the same table with Get-SandboxFault, from a sandbox of its own when given none' {
            $faults = Invoke-RestMethod "$($sandbox.BaseUri)/_sandbox/faults"
            $listed = @(Get-SandboxFault)
            $listed.Count | Should -Be $faults.Count
            $listed[0].PSObject.Properties.Name | Should -Be @('Kind', 'Name', 'Usage', 'Description')
            ($listed | ForEach-Object { "$($_.Kind) $($_.Usage)" }) | Should -Be ($faults | ForEach-Object { "$($_.kind) $($_.usage)" })
            (Get-SandboxFault $sandbox -Kind asset).Usage | Should -Be @($faults | Where-Object kind -EQ asset | ForEach-Object usage)
        }
    }

    Context 'The result host' {
        It 'serves a completed job''s picture as a JPEG, of the size asked for' {
            Add-SandboxJob $sandbox -Id small -Status completed
            Add-SandboxJob $sandbox -Id large -Status completed -AssetBytes 100000
            $url = Get-ResultUrl large
            $url | Should -Match "^$([regex]::Escape($sandbox.BaseUri))/assets/large\.jpg\?expires=\d+$"
            $answer = Get-Asset $url
            $answer.StatusCode | Should -Be 200
            $answer.Headers['Content-Type'] | Should -Be 'image/jpeg'
            $answer.Content.Length | Should -Be 100000
            Assert-Jpeg $answer.Content
            $base = (Get-Asset (Get-ResultUrl small)).Content
            $base.Length | Should -BeLessThan 1000
            Assert-Jpeg $base
        }

        It 'links to the scheme and host a TLS-terminating reverse proxy in front names' {
            Add-SandboxJob $sandbox -Id behind -Status completed
            $answer = Invoke-RestMethod "$($sandbox.BaseUri)/v1/try-on/job/behind" -Headers ($apiKey + @{ 'X-Forwarded-Proto' = 'https'; Host = 'gateway.test:8443' })
            $answer.result_url | Should -Match '^https://gateway\.test:8443/assets/behind\.jpg\?expires=\d+$'
            Get-ResultUrl behind | Should -Match "^$([regex]::Escape($sandbox.BaseUri))/assets/behind\.jpg\?"
        }

        It 'keeps an escaped id one segment' {
            Add-SandboxJob $sandbox -Id 'a/b c' -Status completed
            $url = Get-ResultUrl 'a/b c'
            $url | Should -Match '/assets/a%2Fb%20c\.jpg\?'
            (Get-Asset $url).StatusCode | Should -Be 200
            (Get-SandboxAssetLog $sandbox).jobId | Should -Be 'a/b c'
        }

        It 'logs what each download carried, apart from the API''s log' {
            Set-SandboxSetting $sandbox -SetCookies
            Add-SandboxJob $sandbox -Id done -Status completed
            $url = Get-ResultUrl done
            $plain = Get-Asset $url
            $null = Get-Asset $url -Headers $apiKey
            $null = Get-Asset $url -Headers @{ Cookie = 'cdn_session=abc'; Authorization = 'Bearer token' }
            $plain.Headers['Set-Cookie'] | Should -Match '^cdn_session='
            $log = Get-SandboxAssetLog $sandbox
            $log.hadApiKey | Should -Be @($false, $true, $false)
            $log.hadCookie | Should -Be @($false, $false, $true)
            $log.hadAuthorization | Should -Be @($false, $false, $true)
            $log.status | Should -Be @(200, 200, 200)
            $log.bytesWritten | Should -Be (@($plain.Content.Length) * 3)
            $log.viaProxy | Should -Be @($false, $false, $false)
            (Get-SandboxLog $sandbox).rawTarget | Should -Be @('/v1/try-on/job/done')
        }

        It 'hands out a link valid for resultUrlValiditySeconds and refuses it once expired, garbled or missing' {
            Add-SandboxJob $sandbox -Id done -Status completed
            $url = Get-ResultUrl done
            [long]($url -replace '.*expires=') - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() | Should -BeIn (3590..3600)
            Set-SandboxSetting $sandbox -ResultUrlValiditySeconds -10
            $stale = @(Get-ResultUrl done; $url -replace 'expires=\d+', 'expires=1'; $url -replace 'expires=\d+', 'expires=soon'; $url -replace '\?.*')
            foreach ($link in $stale) {
                $answer = Get-Asset $link
                $answer.StatusCode | Should -Be 403 -Because $link
                $answer.Headers['Content-Type'] | Should -Be 'application/xml'
                $answer.Content | Should -Be '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'
            }
            Set-SandboxSetting $sandbox
            (Get-Asset (Get-ResultUrl done)).StatusCode | Should -Be 200
        }

        It 'answers NoSuchKey for an unknown job and for one not completed' {
            Add-SandboxJob $sandbox -Id waiting
            foreach ($id in 'missing', 'waiting') {
                $answer = Get-Asset "$($sandbox.BaseUri)/assets/$id.jpg?expires=99999999999"
                $answer.StatusCode | Should -Be 404
                $answer.Headers['Content-Type'] | Should -Be 'application/xml'
                $answer.Content | Should -Match "^<Error><Code>NoSuchKey</Code>.*<Key>assets/$id\.jpg</Key></Error>$"
            }
        }

        It 'plays asset faults one per request, then serves the picture' {
            Add-SandboxJob $sandbox -Id faulty -Status completed -AssetFault '403', '404', '500', 'redirect:http://example.com/elsewhere.jpg', 'html-200'
            $url = Get-ResultUrl faulty
            $answers = foreach ($n in 1..6) { Invoke-WebRequest $url -SkipHttpErrorCheck -MaximumRedirection 0 -ErrorAction SilentlyContinue }
            $answers.StatusCode | Should -Be @(403, 404, 500, 302, 200, 200)
            $answers[0].Content | Should -Match '<Code>AccessDenied</Code>'
            $answers[1].Content | Should -Match '<Code>NoSuchKey</Code>'
            $answers[3].Headers.Location | Should -Be 'http://example.com/elsewhere.jpg'
            $answers[3].RawContentLength | Should -Be 0
            $answers[4].Headers['Content-Type'] | Should -Be 'text/html'
            $answers[4].Content | Should -Match '<html>'
            $answers[5].Headers['Content-Type'] | Should -Be 'image/jpeg'
            (Get-SandboxJob $sandbox).assetFaultsLeft | Should -Be 0
        }

        It 'cuts a drop-mid-body answer short of its Content-Length' {
            Add-SandboxJob $sandbox -Id cut -Status completed -AssetBytes 20000 -AssetFault drop-mid-body
            $url = Get-ResultUrl cut
            { Get-Asset $url } | Should -Throw
            $entry = Get-SandboxAssetLog $sandbox
            $entry.status | Should -Be 200
            $entry.bytesWritten | Should -BeGreaterThan 0
            $entry.bytesWritten | Should -BeLessThan 20000
            (Get-Asset $url).Content.Length | Should -Be 20000
        }

        It 'delivers a slow-body answer whole, after the pause' {
            Add-SandboxJob $sandbox -Id slow -Status completed -AssetBytes 5000 -AssetFault 'slow-body:800'
            $url = Get-ResultUrl slow
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $answer = Get-Asset $url
            $clock.ElapsedMilliseconds | Should -BeGreaterOrEqual 800
            $answer.Content.Length | Should -Be 5000
            Assert-Jpeg $answer.Content
        }

        It 'closes without an answer for close, and answers the request sent again' {
            Add-SandboxJob $sandbox -Id shut -Status completed -AssetFault close
            # .NET sends a GET again by itself when a connection closes before any byte of an answer.
            (Get-Asset (Get-ResultUrl shut)).StatusCode | Should -Be 200
            # The closed request is logged once the client lets go of the connection, which may come after the answer.
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (@(Get-SandboxAssetLog $sandbox).Count -lt 2 -and $clock.ElapsedMilliseconds -lt 3000) { Start-Sleep -Milliseconds 50 }
            $log = Get-SandboxAssetLog $sandbox
            $log.status | Sort-Object | Should -Be @(0, 200)
            ($log | Where-Object status -EQ 0).bytesWritten | Should -Be 0
        }

        It 'does not count downloads against the API''s rate limit' {
            Add-SandboxJob $sandbox -Id done -Status completed
            Set-SandboxSetting $sandbox -RateLimit 1
            $url = Get-ResultUrl done
            $downloads = foreach ($n in 1..5) { (Get-Asset $url).StatusCode }
            $downloads | Should -Be @(200, 200, 200, 200, 200)
            # The limit allows a burst of two: the link took one, and the downloads none.
            $statuses = foreach ($n in 1..2) {
                (Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on/job/done" -Headers $apiKey -SkipHttpErrorCheck).StatusCode
            }
            $statuses | Should -Be @(200, 429)
        }

        It 'serves through the sandbox as a forward proxy, which asks for its credentials as it does for the API' {
            Add-SandboxJob $sandbox -Id done -Status completed
            $url = Get-ResultUrl done
            Send-ThroughProxy $url | Should -Be 'HTTP/1.1 200 OK'
            Set-SandboxSetting $sandbox -ProxyCredential 'corp-user:s3cret'
            Send-ThroughProxy $url | Should -Be 'HTTP/1.1 407 Proxy Authentication Required'
            $basic = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('corp-user:s3cret'))
            Send-ThroughProxy $url -ProxyAuthorization $basic | Should -Be 'HTTP/1.1 200 OK'
            (Get-SandboxAssetLog $sandbox).viaProxy | Should -Be @($true, $true, $true)
            (Get-SandboxAssetLog $sandbox).rawTarget | Should -Be @($url, $url, $url)
        }
    }
}
