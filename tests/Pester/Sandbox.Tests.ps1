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

        $person = 'https://images.test/person.jpg'
        $garment = 'https://images.test/garment.jpg'

        function Send-Submit([string] $PersonImage = $person, [hashtable] $Fields = @{}, [int] $TimeoutSec = 0) {
            $body = ConvertTo-Json -Compress (@{ person_image_url = $PersonImage; garment_image_url = $garment } + $Fields)
            Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on" -Method Post -Headers $apiKey -Body $body -ContentType 'application/json' `
                -SkipHttpErrorCheck -TimeoutSec $TimeoutSec
        }

        function Get-Credits([string] $Key = $sandbox.ValidApiKey) {
            (Invoke-WebRequest "$($sandbox.BaseUri)/v1/credits" -Headers @{ 'X-API-KEY' = $Key }).Content
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
            $submit = @($faults | Where-Object kind -EQ submit | ForEach-Object usage)
            $usedOnSubmit = 'close-after-create', 'reset-after-create', '504-after-create', 'slow-after-create:MS', 'sync-result', 'close', 'drop',
                'slow:MS', '400:CODE', '429', '500', '502', '503'
            foreach ($usage in $usedOnSubmit) { $submit | Should -Contain $usage }
            $slow = $faults | Where-Object { $_.kind -eq 'api' -and $_.name -eq 'slow' }
            $slow.argument | Should -Be 'MS'
            $slow.argumentOptional | Should -BeFalse
            ($faults | Where-Object name -EQ huge).argumentOptional | Should -BeTrue
            ($faults | Where-Object { $_.kind -eq 'api' -and $_.name -eq 'drop' }).argument | Should -BeNullOrEmpty
            foreach ($fault in $faults) { $fault.description | Should -Not -BeNullOrEmpty -Because $fault.name }
        }

        It 'refuses a submit fault not in the table, whether scripted for a person image or put in the mix' {
            { Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault '502', 'slow-after-create' } |
                Should -Throw "The sandbox refused POST /_sandbox/submit-faults: The submit fault 'slow-after-create' is written slow-after-create:MS. Submit faults: close-after-create, *"
            { Set-SandboxSetting $sandbox -SubmitFaultMix '502', 'cancel-then-close' -SubmitFaultShare 0.5 } |
                Should -Throw "The sandbox refused POST /_sandbox/settings: Unknown submit fault 'cancel-then-close'. Submit faults: *"
            (Send-Submit).StatusCode | Should -Be 202 -Because 'neither the 502 nor the mix was taken'
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

    Context 'Submits' {
        It 'creates a job from JSON that walks to completed, charged a credit and counted for its inputs' {
            Set-SandboxSetting $sandbox -SubmitPendingMs 500 -SubmitRunningMs 500
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $answer = Send-Submit -Fields @{ garment_mode = 'upper'; wait_for_result = $false }
            $answer.StatusCode | Should -Be 202
            $created = $answer.Content | ConvertFrom-Json
            $created.job_id | Should -Match '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$'
            $created.status | Should -Be 'pending'
            $seen = @((Get-JobStatus $created.job_id).status)
            Wait-Until $clock 750
            $seen += (Get-JobStatus $created.job_id).status
            Wait-Until $clock 1250
            $done = Get-JobStatus $created.job_id
            $seen += $done.status
            $seen | Should -Be @('pending', 'running', 'completed')
            (Get-Asset $done.result_url).StatusCode | Should -Be 200
            Get-Credits | Should -Be '{"credits_remaining":999}'
            $submission = Get-SandboxSubmission $sandbox
            $submission.PersonImage | Should -Be $person
            $submission.GarmentImage | Should -Be $garment
            $submission.Created | Should -Be 1
            $submission.JobIds | Should -Be @($created.job_id)
            $entry = (Get-SandboxLog $sandbox)[0]
            $entry.jobId | Should -Be $created.job_id
            $entry.submit.contentType | Should -Be 'application/json'
            $entry.submit.json.garment_mode | Should -Be 'upper'
            $entry.submit.json.wait_for_result | Should -BeOfType [bool]
        }

        It 'creates a job from multipart, counting a file by its name and size before a URL, and logs every part' {
            $picture = Join-Path $TestDrive 'me.jpg'
            [IO.File]::WriteAllBytes($picture, [byte[]]::new(1234))
            $form = [ordered]@{ person_image = Get-Item $picture; person_image_url = $person; garment_image_url = $garment; preprocess_garment = 'false' }
            $answer = Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on" -Method Post -Headers $apiKey -Form $form -SkipHttpErrorCheck
            $answer.StatusCode | Should -Be 202
            $submission = Get-SandboxSubmission $sandbox
            $submission.PersonImage | Should -Be 'me.jpg (1234 bytes)'
            $submission.GarmentImage | Should -Be $garment
            $entry = Get-SandboxLog $sandbox
            $entry.submit.contentType | Should -BeLike 'multipart/form-data; boundary=*'
            $entry.submit.parts.name | Should -Be @('person_image', 'person_image_url', 'garment_image_url', 'preprocess_garment')
            $entry.submit.parts[0].fileName | Should -Be 'me.jpg'
            $entry.submit.parts[0].bytes | Should -Be 1234
            $entry.submit.parts[0].value | Should -BeNullOrEmpty
            $entry.submit.parts[3].value | Should -Be 'false'
            $entry.submit.parts[3].contentType | Should -Be 'text/plain; charset=utf-8'
        }

        It 'refuses <Case> with 400 <Code>, creating nothing and charging nothing' -ForEach @(
            @{ Case = 'a submit without a garment image'; Body = '{"person_image_url": "https://images.test/p.jpg"}'; Code = 'missing_parameter' }
            @{ Case = 'a submit without a person image'; Body = '{"garment_image_url": "https://images.test/g.jpg"}'; Code = 'missing_parameter' }
            @{ Case = 'an unknown garment_mode'; Body = '{"person_image_url": "p", "garment_image_url": "g", "garment_mode": "hat"}'; Code = 'invalid_parameter' }
            @{ Case = 'a flag written as PowerShell writes a boolean'; Body = '{"person_image_url": "p", "garment_image_url": "g", "wait_for_result": "True"}'; Code = 'invalid_parameter' }
            @{ Case = 'JSON that does not parse'; Body = '{"person_image_url": '; Code = 'invalid_request_body' }
            @{ Case = 'a form that is not multipart'; Body = 'person_image_url=p'; ContentType = 'application/x-www-form-urlencoded'; Code = 'invalid_request_body' }
        ) {
            $type = if ($_.ContainsKey('ContentType')) { $_.ContentType } else { 'application/json' }
            $answer = Invoke-WebRequest "$($sandbox.BaseUri)/v1/try-on" -Method Post -Headers $apiKey -Body $Body -ContentType $type -SkipHttpErrorCheck
            $answer.StatusCode | Should -Be 400
            ($answer.Content | ConvertFrom-Json).error_code | Should -Be $Code
            @(Get-SandboxSubmission $sandbox).Count | Should -Be 0
            @(Get-SandboxJob $sandbox).Count | Should -Be 0
            Get-Credits | Should -Be '{"credits_remaining":1000}'
        }

        It 'refuses a submit 403 once the credits are used up, answers 200 when told, and passes the rate limit' {
            Set-SandboxSetting $sandbox -Credits 1 -CreditsAsString -SubmitStatus 200
            (Send-Submit).StatusCode | Should -Be 200
            $refused = Send-Submit
            $refused.StatusCode | Should -Be 403
            ($refused.Content | ConvertFrom-Json).error_code | Should -Be 'insufficient_api_credits'
            Get-Credits | Should -Be '{"credits_remaining":"0"}'
            Get-Credits $sandbox.NoCreditsApiKey | Should -Be '{"credits_remaining":"0"}'
            (Get-SandboxSubmission $sandbox).Created | Should -Be 1
            Set-SandboxSetting $sandbox -RateLimit 1 -Credits 10
            (1..3 | ForEach-Object { (Send-Submit).StatusCode }) | Should -Be @(202, 202, 429)
            (Get-SandboxLog $sandbox).rawTarget | Should -Be (@('/v1/try-on') * 2 + @('/v1/credits') * 2 + @('/v1/try-on') * 3)
        }

        It 'plays a person image''s submit faults one per submit, creating the job only for those after-create' {
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault '502', '503', '500', '429', '400:resolution_too_high', '504-after-create'
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault 'sync-result'
            (Send-Submit 'https://images.test/someone-else.jpg').StatusCode | Should -Be 202
            $answers = foreach ($n in 1..8) { Send-Submit }
            $answers.StatusCode | Should -Be @(502, 503, 500, 429, 400, 504, 200, 202)
            $answers[0].Headers['Content-Type'] | Should -Be 'text/html'
            $answers[2].Content | Should -Be 'Internal service error'
            ($answers[4].Content | ConvertFrom-Json).error_code | Should -Be 'resolution_too_high'
            $answers[5].Headers['Content-Type'] | Should -Be 'text/html'
            $sync = $answers[6].Content | ConvertFrom-Json
            $sync.PSObject.Properties.Name | Should -Be @('result_url')
            (Get-Asset $sync.result_url).StatusCode | Should -Be 200
            $log = @(Get-SandboxLog $sandbox | Select-Object -Skip 1)
            $log.fault | Should -Be @('502', '503', '500', '429', '400:resolution_too_high', '504-after-create', 'sync-result', $null)
            $submission = Get-SandboxSubmission $sandbox | Where-Object PersonImage -EQ $person
            $submission.Created | Should -Be 3
            $submission.JobIds | Should -Be @($log[5].jobId, $log[6].jobId, $log[7].jobId)
            Get-Credits | Should -Be '{"credits_remaining":996}'
        }

        It 'ends the connection without an answer for <Fault>, with <Created> job created' -ForEach @(
            @{ Fault = 'close-after-create'; Created = 1 }
            @{ Fault = 'reset-after-create'; Created = 1 }
            @{ Fault = 'close'; Created = 0 }
            @{ Fault = 'drop'; Created = 0 }
        ) {
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault $Fault
            { Send-Submit } | Should -Throw
            @(Get-SandboxSubmission $sandbox).Count | Should -Be $Created
            (Send-Submit).StatusCode | Should -Be 202
        }

        It 'closes in order after creating the job for close-after-create, on a connection a request used before' {
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault close-after-create, close-after-create
            $server = [uri]$sandbox.BaseUri
            $client = [Net.Sockets.TcpClient]::new($server.Host, $server.Port)
            try {
                $stream = $client.GetStream()
                $reader = [IO.StreamReader]::new($stream, [Text.Encoding]::ASCII)
                $head = "Host: $($server.Authority)`r`nX-API-KEY: $($sandbox.ValidApiKey)`r`n"
                $json = "{`"person_image_url`": `"$person`", `"garment_image_url`": `"$garment`"}"
                $requests = "GET /v1/credits HTTP/1.1`r`n$head`r`n", "POST /v1/try-on HTTP/1.1`r`n${head}Content-Type: application/json`r`nContent-Length: $($json.Length)`r`n`r`n$json"
                $bytes = [Text.Encoding]::ASCII.GetBytes($requests[0])
                $stream.Write($bytes, 0, $bytes.Length)
                $reader.ReadLine() | Should -Be 'HTTP/1.1 200 OK'
                while ($reader.ReadLine() -ne '') { }
                # Kestrel writes JSON in chunks; the answer is read to its last one, so the connection is ready for the next request.
                while (($size = [Convert]::ToInt32($reader.ReadLine(), 16)) -gt 0) { $null = $reader.ReadBlock([char[]]::new($size + 2), 0, $size + 2) }
                $null = $reader.ReadLine()
                $bytes = [Text.Encoding]::ASCII.GetBytes($requests[1])
                $stream.Write($bytes, 0, $bytes.Length)
                # An end of stream and no byte, where a reset would throw.
                $reader.ReadToEnd() | Should -Be ''
            }
            finally { $client.Dispose() }
            (Get-SandboxSubmission $sandbox).Created | Should -Be 1

            # HttpClient, on the connection its first request opened, meets the end of the answer, and does not send the submit again.
            $http = [Net.Http.HttpClient]::new()
            try {
                $http.DefaultRequestHeaders.Add('X-API-KEY', $sandbox.ValidApiKey)
                $http.GetAsync("$($sandbox.BaseUri)/v1/credits").GetAwaiter().GetResult().StatusCode | Should -Be 'OK'
                $content = [Net.Http.StringContent]::new($json, [Text.Encoding]::UTF8, 'application/json')
                $failure = try { $null = $http.PostAsync("$($sandbox.BaseUri)/v1/try-on", $content).GetAwaiter().GetResult() } catch { $_.Exception.InnerException }
                $failure | Should -BeOfType [Net.Http.HttpRequestException]
                $failure.InnerException | Should -BeOfType [Net.Http.HttpIOException]
                $failure.InnerException.HttpRequestError | Should -Be 'ResponseEnded'
            }
            finally { $http.Dispose() }
            (Get-SandboxSubmission $sandbox).Created | Should -Be 2
        }

        It 'lets a client time out after the job was created for slow-after-create, and before it for slow' {
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault 'slow-after-create:3000', 'slow:1500'
            { Send-Submit -TimeoutSec 1 } | Should -Throw
            (Get-SandboxSubmission $sandbox).Created | Should -Be 1
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Send-Submit -TimeoutSec 1 } | Should -Throw
            Wait-Until $clock 2000
            (Get-SandboxSubmission $sandbox).Created | Should -Be 1 -Because 'the client that gave up took the job with it'
        }

        It 'draws the fault mix for its share of the submits, the same faults in the same order for a seed' {
            $mix = '502', '503', '429', '504-after-create'
            $runs = foreach ($run in 1, 2) {
                Reset-PixelcutSandbox $sandbox
                Set-SandboxSetting $sandbox -SubmitFaultMix $mix -SubmitFaultShare 0.5 -SubmitFaultSeed 7
                foreach ($n in 1..40) { $null = Send-Submit "https://images.test/person-$n.jpg" }
                , @((Get-SandboxLog $sandbox).fault)
            }
            ($runs[1] -join ',') | Should -Be ($runs[0] -join ',')
            $drawn = @($runs[0] | Where-Object { $_ })
            $drawn.Count | Should -BeIn (10..30)
            foreach ($fault in $drawn) { $fault | Should -BeIn $mix }
            @(Get-SandboxSubmission $sandbox).Count | Should -Be (40 - @($drawn | Where-Object { $_ -ne '504-after-create' }).Count)

            Set-SandboxSetting $sandbox -SubmitFaultMix $mix -SubmitFaultShare 1
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault '500'
            (Send-Submit).StatusCode | Should -Be 500 -Because 'a scripted fault goes before the mix'
            (Send-Submit).StatusCode | Should -BeIn @(502, 503, 429, 504)
            Set-SandboxSetting $sandbox
            (Send-Submit).StatusCode | Should -Be 202
        }

        It 'forgets submissions, scripted submit faults and used credits on reset' {
            Set-SandboxSetting $sandbox -Credits 5
            (Send-Submit 'https://images.test/someone-else.jpg').StatusCode | Should -Be 202
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault '503'
            Set-SandboxSetting $sandbox -SubmitFaultMix '502' -SubmitFaultShare 1
            Reset-PixelcutSandbox $sandbox
            @(Get-SandboxSubmission $sandbox).Count | Should -Be 0
            Get-Credits | Should -Be '{"credits_remaining":1000}'
            (Send-Submit).StatusCode | Should -Be 202
            (Get-SandboxSubmission $sandbox).Created | Should -Be 1
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
            # The server logs the answer once it has let go of the connection, a moment after the client gave up on it.
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while (-not @(Get-SandboxAssetLog $sandbox) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
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

    Context 'Rate limiters' {
        BeforeAll {
            $client = [Net.Http.HttpClient]::new()
            $client.DefaultRequestHeaders.Add('X-API-KEY', $sandbox.ValidApiKey)

            # Sent together, so that they reach the sandbox within a few milliseconds of each other.
            function Send-AtOnce([int] $Count, [string] $Path = '/v1/try-on/job/auto-burst') {
                $sends = foreach ($n in 1..$Count) { $client.GetAsync("$($sandbox.BaseUri)$Path") }
                [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]@($sends))
                $sends.Result
            }

            # A window that turns over mid-burst would let more through, so a burst starts early in a UTC second, as
            # the sandbox's windows are.
            function Wait-EarlyInSecond {
                while ([DateTime]::UtcNow.Millisecond -notin 100..500) { Start-Sleep -Milliseconds 20 }
            }

            function Get-Header($Answer, [string] $Name) {
                $values = $null
                if ($Answer.Headers.TryGetValues($Name, [ref] $values)) { @($values) }
            }
        }

        AfterAll { $client.Dispose() }

        It 'passes <Passing> of six requests at once under <Limiter> at 5/s and refuses the rest for the rate' -ForEach @(
            @{ Limiter = 'default'; Burst = 0; Passing = 2 }
            @{ Limiter = 'token-bucket'; Burst = 0; Passing = 1 }
            @{ Limiter = 'token-bucket'; Burst = 3; Passing = 3 }
            @{ Limiter = 'nginx'; Burst = 0; Passing = 1 }
            @{ Limiter = 'gcra'; Burst = 0; Passing = 1 }
            @{ Limiter = 'gcra'; Burst = 2; Passing = 3 }
            @{ Limiter = 'fixed-window'; Burst = 0; Passing = 5 }
            @{ Limiter = 'sliding-log'; Burst = 0; Passing = 5 }
            @{ Limiter = 'sliding-log-counting-refused'; Burst = 0; Passing = 5 }
            @{ Limiter = 'sliding-window-counter'; Burst = 0; Passing = 5 }
        ) {
            Set-SandboxSetting $sandbox -RateLimit 5 -RateLimiter $Limiter -RateLimitBurst $Burst
            Wait-EarlyInSecond
            $answers = Send-AtOnce 6
            @($answers | Where-Object { [int]$_.StatusCode -eq 200 }).Count | Should -Be $Passing
            $refused = @($answers | Where-Object { [int]$_.StatusCode -eq 429 })
            $refused.Count | Should -Be (6 - $Passing)
            ($refused[0].Content.ReadAsStringAsync().Result | ConvertFrom-Json).error | Should -Be 'Too many requests'
            $log = Get-SandboxLog $sandbox
            ($log | Where-Object status -EQ 429).refusedBy | Should -Be (@('rate') * (6 - $Passing))
            ($log | Where-Object status -EQ 200).refusedBy | Should -Be (@($null) * $Passing)
            (Get-SandboxStats $sandbox).tooManyRequests.rate | Should -Be (6 - $Passing)
        }

        It 'refuses an unknown limiter or header style, naming the known ones' {
            { Set-SandboxSetting $sandbox -RateLimit 5 -RateLimiter leaky } |
                Should -Throw "The sandbox refused POST /_sandbox/settings: Unknown rate limiter 'leaky'. Rate limiters: default, token-bucket, nginx, gcra, fixed-window, sliding-log, sliding-log-counting-refused, sliding-window-counter."
            { Set-SandboxSetting $sandbox -RateLimitHeaders github } |
                Should -Throw "The sandbox refused POST /_sandbox/settings: Unknown rate limit headers 'github'. Rate limit headers: none, ietf, x-ratelimit, ratelimit, retry-after."
        }

        It 'sends the <Style> headers on every API answer, errors included' -ForEach @(
            @{ Style = 'ietf'; First = @{ 'RateLimit-Policy' = '"default";q=5;w=1'; 'RateLimit' = '"default";r=4;t=1' }
                Second = @{ 'RateLimit-Policy' = '"default";q=5;w=1'; 'RateLimit' = '"default";r=3;t=1' } }
            @{ Style = 'x-ratelimit'; First = @{ 'X-RateLimit-Limit' = '5'; 'X-RateLimit-Remaining' = '4'; 'X-RateLimit-Reset' = '1' }
                Second = @{ 'X-RateLimit-Limit' = '5'; 'X-RateLimit-Remaining' = '3'; 'X-RateLimit-Reset' = '1' } }
            @{ Style = 'ratelimit'; First = @{ 'RateLimit-Limit' = '5'; 'RateLimit-Remaining' = '4'; 'RateLimit-Reset' = '1' }
                Second = @{ 'RateLimit-Limit' = '5'; 'RateLimit-Remaining' = '3'; 'RateLimit-Reset' = '1' } }
        ) {
            Set-SandboxSetting $sandbox -RateLimit 5 -RateLimiter fixed-window -RateLimitHeaders $Style
            Wait-EarlyInSecond
            $found = Send-AtOnce 1
            $missing = Send-AtOnce 1 '/v1/no-such-route'
            [int]$missing.StatusCode | Should -Be 404
            foreach ($name in $First.Keys) { Get-Header $found $name | Should -Be $First[$name] -Because $name }
            foreach ($name in $Second.Keys) { Get-Header $missing $name | Should -Be $Second[$name] -Because $name }
            Get-Header $found 'Retry-After' | Should -BeNullOrEmpty
        }

        It 'sends Retry-After on a refusal only with retry-after, and no rate limit header at all with none' {
            Set-SandboxSetting $sandbox -RateLimit 1 -RateLimiter nginx -RateLimitHeaders retry-after
            $answers = Send-AtOnce 2
            $passed = $answers | Where-Object { [int]$_.StatusCode -eq 200 }
            $refused = $answers | Where-Object { [int]$_.StatusCode -eq 429 }
            Get-Header $refused 'Retry-After' | Should -Be '1'
            Get-Header $passed 'Retry-After' | Should -BeNullOrEmpty
            Get-Header $refused 'RateLimit' | Should -BeNullOrEmpty

            Set-SandboxSetting $sandbox -RateLimit 1 -RateLimiter nginx
            $quiet = Send-AtOnce 2
            foreach ($answer in $quiet) {
                $names = @($answer.Headers | ForEach-Object Key)
                $names | Where-Object { $_ -like '*RateLimit*' -or $_ -eq 'Retry-After' } | Should -BeNullOrEmpty
            }
        }

        It 'refuses for concurrency with its own text, its own ietf policy and its own cause in the log and the stats' {
            Set-SandboxSetting $sandbox -ConcurrencyLimit 1 -RateLimitHeaders ietf
            Add-SandboxJob $sandbox -Id held -Fault 'slow:800'
            $held = $client.GetAsync("$($sandbox.BaseUri)/v1/try-on/job/held")
            Start-Sleep -Milliseconds 200
            $refused = Send-AtOnce 1
            [int]$refused.StatusCode | Should -Be 429
            ($refused.Content.ReadAsStringAsync().Result | ConvertFrom-Json).error | Should -Be 'Too much concurrency'
            Get-Header $refused 'RateLimit-Policy' | Should -Be '"concurrency";q=1;qu="concurrent-requests"'
            Get-Header $refused 'RateLimit' | Should -Be '"concurrency";r=0'
            [int]$held.Result.StatusCode | Should -Be 200
            (Get-SandboxLog $sandbox | Where-Object status -EQ 429).refusedBy | Should -Be 'concurrency'
            $counts = (Get-SandboxStats $sandbox).tooManyRequests
            $counts.concurrency, $counts.rate, $counts.fault | Should -Be @(1, 0, 0)
        }

        It 'logs when each request arrived, to the tick, and counts a fault''s 429 apart from the limits' {
            Add-SandboxJob $sandbox -Id throttled -Fault 429
            $first = Send-AtOnce 1 '/v1/try-on/job/throttled'
            Start-Sleep -Milliseconds 300
            $null = Send-AtOnce 1 '/v1/try-on/job/throttled'
            [int]$first.StatusCode | Should -Be 429
            $raw = (Invoke-WebRequest "$($sandbox.BaseUri)/_sandbox/log").Content
            ([regex]::Matches($raw, '"arrivedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z"')).Count | Should -Be 2
            $log = Get-SandboxLog $sandbox
            ([datetime]$log[1].arrivedAt - [datetime]$log[0].arrivedAt).TotalMilliseconds | Should -BeGreaterOrEqual 300
            $log.refusedBy | Should -Be @($null, $null)
            (Get-SandboxStats $sandbox).tooManyRequests.fault | Should -Be 1
        }
    }
}
