Describe 'Start-PixelcutTryOnJob' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $images = Join-Path ([IO.Path]::GetTempPath()) "pixelcut-start-$PID"
        $null = New-Item -ItemType Directory -Force $images

        # A PNG header of the given size; the check reads no further than its IHDR.
        function New-Png([string] $Name, [int] $Width = 512, [int] $Height = 768) {
            $bytes = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52) +
                [BitConverter]::GetBytes([Net.IPAddress]::HostToNetworkOrder($Width)) +
                [BitConverter]::GetBytes([Net.IPAddress]::HostToNetworkOrder($Height)) + [byte[]](8, 2, 0, 0, 0) + [byte[]]::new(2000)
            $path = Join-Path $images $Name
            [IO.File]::WriteAllBytes($path, $bytes)
            $path
        }
        function Get-Submits([string] $PersonImage) {
            @(Get-SandboxLog $sandbox | Where-Object { $_.rawTarget -eq '/v1/try-on' -and $_.submit -and
                ($_.submit.json.person_image_url -eq $PersonImage -or @($_.submit.parts | Where-Object name -EQ 'person_image_url').value -eq $PersonImage) })
        }
        function Get-Created([string] $PersonImage) {
            $found = @(Get-SandboxSubmission $sandbox | Where-Object PersonImage -EQ $PersonImage)
            if ($found) { $found[0].Created } else { 0 }
        }
        $garment = 'https://img.example.test/garment.png'
    }

    AfterAll {
        Exit-SandboxSession $sandbox
        Remove-Item $images -Recurse -Force -ErrorAction SilentlyContinue
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'declares TryOnJob as its output type and asks at ConfirmImpact Medium' {
        $command = Get-Command Start-PixelcutTryOnJob
        $command.OutputType.Type | Should -Be @([Pixelcut.TryOn.TryOnJob])
        $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'Medium'
    }

    It 'sends two links as JSON, asynchronously, and writes the job with what was submitted' {
        $before = [DateTime]::UtcNow
        $job = Start-PixelcutTryOnJob 'https://img.example.test/p.jpg?sig=grant' $garment -GarmentMode Upper
        $after = [DateTime]::UtcNow

        $created = @(Get-SandboxSubmission $sandbox)
        $created.Count | Should -Be 1
        $job.JobId | Should -Be $created[0].JobIds[0]
        $job.Status | Should -Be 'Pending'
        $job.SubmittedAt.Kind | Should -Be 'Utc'
        $job.SubmittedAt | Should -BeGreaterOrEqual $before
        $job.SubmittedAt | Should -BeLessOrEqual $after
        $job.Attempts | Should -Be 1
        $job.RequestId | Should -Match '^req-[0-9a-f]+$'
        $job.PersonImage | Should -Be 'https://img.example.test/p.jpg'
        $job.GarmentImage | Should -Be $garment
        $job.GarmentMode | Should -Be 'Upper'
        $sent = (Get-SandboxLog $sandbox | Where-Object rawTarget -EQ '/v1/try-on').submit
        $sent.contentType | Should -BeLike 'application/json*'
        $sent.json.person_image_url | Should -Be 'https://img.example.test/p.jpg?sig=grant'
        $sent.json.garment_image_url | Should -Be $garment
        $sent.json.garment_mode | Should -Be 'upper'
        $sent.json.preprocess_garment | Should -BeOfType [bool]
        $sent.json.preprocess_garment | Should -BeTrue
        $sent.json.wait_for_result | Should -BeFalse
    }

    It 'uploads a local file as multipart, the link beside it as its _url part, and -SkipGarmentPreprocessing as "false"' {
        $person = New-Png 'model.png'
        Push-Location $images
        try { $job = Start-PixelcutTryOnJob ./model.png $garment -SkipGarmentPreprocessing }
        finally { Pop-Location }

        $job.PersonImage | Should -Be $person
        $parts = @((Get-SandboxLog $sandbox | Where-Object rawTarget -EQ '/v1/try-on').submit.parts)
        $file = $parts | Where-Object name -EQ 'person_image'
        $file.fileName | Should -Be 'model.png'
        $file.contentType | Should -Be 'image/png'
        $file.bytes | Should -Be (Get-Item $person).Length
        ($parts | Where-Object name -EQ 'garment_image_url').value | Should -Be $garment
        ($parts | Where-Object name -EQ 'preprocess_garment').value | Should -Be 'false'
        ($parts | Where-Object name -EQ 'wait_for_result').value | Should -Be 'false'
        ($parts | Where-Object name -EQ 'garment_mode').value | Should -Be 'auto'
        @($parts | Where-Object name -EQ 'person_image_url').Count | Should -Be 0
    }

    It 'uploads two files, each with the content type of its signature, and takes a 200 with a job id as well as a 202' {
        Set-SandboxSetting $sandbox -SubmitStatus 200
        $person = New-Png 'two-person.png'
        # A baseline JPEG header: SOI, APP0, and a frame of 640 x 480.
        $jpeg = [byte[]](0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
            0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xDA) + [byte[]]::new(500)
        $garmentFile = Join-Path $images 'two-garment.jpg'
        [IO.File]::WriteAllBytes($garmentFile, $jpeg)
        $job = Start-PixelcutTryOnJob $person $garmentFile
        $job.JobId | Should -Not -BeNullOrEmpty
        $job.GarmentImage | Should -Be $garmentFile
        $parts = @((Get-SandboxLog $sandbox | Where-Object rawTarget -EQ '/v1/try-on').submit.parts)
        ($parts | Where-Object name -EQ 'person_image').contentType | Should -Be 'image/png'
        ($parts | Where-Object name -EQ 'garment_image').contentType | Should -Be 'image/jpeg'
        ($parts | Where-Object name -EQ 'garment_image').bytes | Should -Be $jpeg.Length
        @($parts | Where-Object name -Like '*_url').Count | Should -Be 0
        (Get-SandboxLog $sandbox | Where-Object rawTarget -EQ '/v1/try-on').status | Should -Be 200
    }

    It 'names the person image as given as the TargetObject when the parameters were given directly' {
        Add-SandboxSubmitFault $sandbox -PersonImage 'https://img.example.test/direct.jpg' -Fault '400:invalid_parameter'
        $run = Invoke-ModulePipeline -InputObject @(0) -Script "Start-PixelcutTryOnJob 'https://img.example.test/direct.jpg' '$garment'"
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].TargetObject | Should -BeExactly 'https://img.example.test/direct.jpg'
    }

    It 'takes one job per Import-Csv row, by the API''s column names too, in input order, and Export-Csv keeps every field' {
        $csv = Join-Path $images 'catalog.csv'
        @(
            [pscustomobject]@{ person_image_url = 'https://img.example.test/r1.jpg'; garment_image_url = $garment; garment_mode = 'lower' }
            [pscustomobject]@{ person_image_url = 'https://img.example.test/r2.jpg'; garment_image_url = $garment; garment_mode = 'full' }
            [pscustomobject]@{ person_image_url = 'https://img.example.test/r3.jpg'; garment_image_url = $garment; garment_mode = 'auto' }
        ) | Export-Csv $csv
        $jobs = Import-Csv $csv | Start-PixelcutTryOnJob
        $jobs.PersonImage | Should -Be @('https://img.example.test/r1.jpg', 'https://img.example.test/r2.jpg', 'https://img.example.test/r3.jpg')
        $jobs.GarmentMode | Should -Be @('Lower', 'Full', 'Auto')
        $exported = $jobs | ConvertTo-Csv | ConvertFrom-Csv
        foreach ($field in 'JobId', 'Status', 'SubmittedAt', 'RequestId', 'Attempts', 'PersonImage', 'GarmentImage', 'GarmentMode') {
            $exported[0].$field | Should -Not -BeNullOrEmpty -Because "Export-Csv keeps $field"
        }
    }

    Context 'refuses an image before anything is sent' {
        It 'gives InvalidImage for <Case>, with the row as TargetObject, sending nothing' -ForEach @(
            @{ Case = 'a file that does not exist'; Person = { Join-Path $images 'missing.jpg' }; Says = 'is neither an absolute http(s) URL nor an existing file' }
            @{ Case = 'a file that is not an image'; Person = { $p = Join-Path $images 'notes.jpg'; Set-Content $p 'not a picture'; $p }; Says = 'is not a JPEG, PNG or WEBP image' }
            @{ Case = 'a picture too small'; Person = { New-Png 'tiny.png' -Width 40 -Height 5000 }; Says = 'is 40x5000 px; the API takes 64 to 6000 px on each side' }
            @{ Case = 'a file over 25 MB'; Person = { $p = New-Png 'huge.png'; $s = [IO.File]::OpenWrite($p); $s.SetLength(26MB); $s.Dispose(); $p }; Says = 'the API takes at most 25 MB' }
            @{ Case = 'a plain http link to another machine'; Person = { 'http://img.example.test/p.jpg?sig=grant' }; Says = "'http://img.example.test/p.jpg' is a plain http:// link to another machine" }
            @{ Case = 'a text that is neither'; Person = { 'not an image' }; Says = 'is neither an absolute http(s) URL nor an existing file' }
        ) {
            $row = [pscustomobject]@{ PersonImage = (& $Person); GarmentImage = $garment }
            $run = Invoke-ModulePipeline -InputObject @($row) -Script '$input | Start-PixelcutTryOnJob'
            $run.Output | Should -BeNullOrEmpty
            $run.Errors.Count | Should -Be 1
            Get-ErrorId $run.Errors[0] | Should -Be 'InvalidImage'
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $run.Errors[0].Exception | Should -BeOfType [Pixelcut.TryOn.PixelcutConfigurationException]
            $run.Errors[0].TargetObject.PersonImage | Should -Be $row.PersonImage
            $run.Errors[0].Exception.Message | Should -BeLike "*$Says*"
            $run.Errors[0].Exception.Message | Should -BeLike "*garment image '$garment'*"
            $run.Errors[0].Exception.Message | Should -Not -BeLike '*sig=grant*'
            $run.Errors[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            @(Get-SandboxLog $sandbox).Count | Should -Be 0
        }
    }

    It 'previews with -WhatIf without a key and sends nothing' {
        $result = Invoke-ChildPwsh -Environment @{ PIXELCUT_BASE_URI = $sandbox.BaseUri } -Script "Start-PixelcutTryOnJob 'https://img.example.test/w.jpg' '$garment' -WhatIf"
        $result.Output | Should -BeLike "*What if: Performing the operation `"Submit Try On job (spends credits)`" on target `"person image 'https://img.example.test/w.jpg' with garment image '$garment'`"*"
        @(Get-SandboxLog $sandbox).Count | Should -Be 0
    }

    Context 'at most once' {
        It 'sends the submit of <Fault> once and reports SubmitOutcomeUnknown (<Category>), the job created at most once' -ForEach @(
            @{ Fault = 'close-after-create'; Category = 'ConnectionError'; Created = 1 }
            @{ Fault = 'reset-after-create'; Category = 'ConnectionError'; Created = 1 }
            @{ Fault = '504-after-create'; Category = 'OperationTimeout'; Created = 1 }
            @{ Fault = '502'; Category = 'ConnectionError'; Created = 0 }
            @{ Fault = 'slow-after-create:3000'; Category = 'OperationTimeout'; Created = 1 }
        ) {
            $person = "https://img.example.test/$($Fault.Split(':')[0]).jpg?sig=grant"
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault $Fault
            $row = [pscustomobject]@{ PersonImage = $person; GarmentImage = $garment; Catalogue = 'spring' }
            $run = Invoke-ModulePipeline -InputObject @($row) -Script '$input | Start-PixelcutTryOnJob -TimeoutSec 1'
            Start-Sleep -Milliseconds 2500
            $run.Output | Should -BeNullOrEmpty
            $run.Errors.Count | Should -Be 1
            Get-ErrorId $run.Errors[0] | Should -Be 'SubmitOutcomeUnknown'
            $run.Errors[0].CategoryInfo.Category | Should -Be $Category
            $run.Errors[0].Exception | Should -BeOfType [Pixelcut.TryOn.PixelcutConnectionException]
            $run.Errors[0].TargetObject.Catalogue | Should -Be 'spring'
            $run.Errors[0].Exception.Message | Should -BeLike "*person image 'https://img.example.test/$($Fault.Split(':')[0]).jpg' with garment image '$garment'*may have been created and charged; it was not submitted again*"
            $run.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Get-PixelcutCredit*'
            (Get-Submits $person).Count | Should -Be 1 -Because 'a submit whose outcome is unknown is never sent again'
            Get-Created $person | Should -Be $Created
        }

        It 'retries <Fault> until the job is created once' -ForEach @(
            @{ Fault = '429' }, @{ Fault = '500' }, @{ Fault = '503' }
        ) {
            $person = "https://img.example.test/retry-$Fault.jpg"
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault $Fault, $Fault
            $job = Start-PixelcutTryOnJob $person $garment
            $job.Attempts | Should -Be 3
            Get-Created $person | Should -Be 1
            (Get-Submits $person).Count | Should -Be 3
        }

        It 'never lets the runtime resend a submit whose reused connection closed after the job was created' {
            # The first request opens a connection that the submit then reuses; the server creates the job and closes it
            # gracefully before answering, the case in which .NET resends a request without a body.
            # The same close under a body-less cancel, with no retries of the module's own, shows .NET resending it.
            $person = 'https://img.example.test/reused.jpg'
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault 'close-after-create'
            Add-SandboxJob $sandbox -Id resent -Fault 'close'
            $result = Invoke-ChildPwsh -Environment (Get-SandboxEnvironment $sandbox) -Script @"
`$null = Get-PixelcutCredit
Stop-PixelcutTryOnJob resent -MaxRetryCount 0
`$null = Get-PixelcutCredit
Start-PixelcutTryOnJob '$person' '$garment' -MaxRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failed
`$failed | ForEach-Object { 'ID=' + `$_.FullyQualifiedErrorId }
"@
            @(Get-SandboxLog $sandbox | Where-Object jobId -EQ 'resent').Count | Should -Be 2 -Because 'the runtime resends a body-less request after a graceful close'
            $result.Output | Should -BeLike '*ID=SubmitOutcomeUnknown,*'
            $submit = @(Get-Submits $person)
            $submit.Count | Should -Be 1
            $log = @(Get-SandboxLog $sandbox)
            $before = $log[[array]::IndexOf(@($log.requestId), $submit[0].requestId) - 1]
            $before.rawTarget | Should -Be '/v1/credits'
            $submit[0].connection | Should -Be $before.connection -Because 'the submit went on the connection the credits read had opened'
            Get-Created $person | Should -Be 1
        }

        It 'reports a synchronous result as ResultWithoutJobId, the link kept on the exception' {
            $person = 'https://img.example.test/sync.jpg'
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault 'sync-result'
            $run = Invoke-ModulePipeline -InputObject @([pscustomobject]@{ PersonImage = $person; GarmentImage = $garment }) -Script '$input | Start-PixelcutTryOnJob'
            Get-ErrorId $run.Errors[0] | Should -Be 'ResultWithoutJobId'
            $run.Errors[0].Exception.ResultUrl | Should -Match '/assets/[0-9a-f-]+\.jpg\?expires=\d+$'
            $run.Errors[0].Exception.Message | Should -Not -BeLike '*expires=*'
            (Invoke-WebRequest $run.Errors[0].Exception.ResultUrl).StatusCode | Should -Be 200
            Get-Created $person | Should -Be 1
        }

        It 'gives InvalidRequest with the API''s code for a 400 <Code>, sent once' -ForEach @(
            @{ Code = 'unsupported_image_format' }, @{ Code = 'file_size_too_large' }, @{ Code = 'resolution_too_high' }, @{ Code = 'invalid_parameter' }
        ) {
            $person = "https://img.example.test/$Code.jpg"
            Add-SandboxSubmitFault $sandbox -PersonImage $person -Fault "400:$Code"
            $run = Invoke-ModulePipeline -InputObject @([pscustomobject]@{ PersonImage = $person; GarmentImage = $garment }) -Script '$input | Start-PixelcutTryOnJob'
            Get-ErrorId $run.Errors[0] | Should -Be 'InvalidRequest'
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $run.Errors[0].Exception.ErrorCode | Should -Be $Code
            $run.Errors[0].Exception.Message | Should -BeLike "*400 $Code*No job was created*"
            (Get-Submits $person).Count | Should -Be 1
        }

        It 'stops at an account without credits, the rows after it not sent' {
            Set-SandboxSetting $sandbox -Credits 2
            $rows = 1..5 | ForEach-Object { [pscustomobject]@{ PersonImage = "https://img.example.test/c$_.jpg"; GarmentImage = $garment } }
            $run = Invoke-ModulePipeline -InputObject $rows -Script '$input | Start-PixelcutTryOnJob -ThrottleLimit 1'
            $run.Output.Count | Should -Be 2
            $run.Errors.Count | Should -Be 1
            Get-ErrorId $run.Errors[0] | Should -Be 'InsufficientCredits'
            @(Get-SandboxLog $sandbox | Where-Object rawTarget -EQ '/v1/try-on').Count | Should -Be 3
        }

        It 'names, when an error halts it, the rows sent without a final answer' {
            Add-SandboxSubmitFault $sandbox -PersonImage 'https://img.example.test/bad.jpg' -Fault '400:invalid_parameter'
            Add-SandboxSubmitFault $sandbox -PersonImage 'https://img.example.test/slow.jpg' -Fault 'slow-after-create:2000'
            $result = Invoke-ChildPwsh -Environment (Get-SandboxEnvironment $sandbox) -Script @"
'bad', 'slow' | ForEach-Object { [pscustomobject]@{ PersonImage = "https://img.example.test/`$_.jpg"; GarmentImage = '$garment' } } |
    Start-PixelcutTryOnJob -ErrorAction Stop
"@
            ([regex]::Matches($result.Output, 'Stopped before every job was reported')).Count | Should -Be 1
            $result.Output | Should -BeLike "*sent without a final answer, may have been created: 'https://img.example.test/slow.jpg' with '$garment'. Check the Pixelcut dashboard*"
        }

        It 'accounts for every one of 800 rows once, with 20% mixed faults, never creating a job twice' {
            Set-SandboxSetting $sandbox -SubmitFaultShare 0.2 -SubmitFaultSeed 7 -SubmitFaultMix 'close-after-create', 'reset-after-create',
                '504-after-create', '502', '503', '500', '429', '400:invalid_parameter'
            $rows = 1..800 | ForEach-Object { [pscustomobject]@{ PersonImage = "https://img.example.test/soak-$_.jpg"; GarmentImage = $garment; Row = $_ } }
            $run = Invoke-ModulePipeline -InputObject $rows -Script '$input | Start-PixelcutTryOnJob -MaxRetryCount 8'

            $created = @{}
            foreach ($submission in Get-SandboxSubmission $sandbox) { $created[$submission.PersonImage] = $submission.Created }
            @($created.Values | Where-Object { $_ -gt 1 }).Count | Should -Be 0 -Because 'no row may create two jobs'

            $outcome = @{}
            foreach ($job in $run.Output) { $outcome[$job.PersonImage] += @('TryOnJob') }
            foreach ($record in $run.Errors) { $outcome[$record.TargetObject.PersonImage] += @(Get-ErrorId $record) }
            foreach ($row in $rows) {
                @($outcome[$row.PersonImage]).Count | Should -Be 1 -Because "row $($row.Row) is accounted for once"
                if ($created[$row.PersonImage]) { $outcome[$row.PersonImage] | Should -BeIn @('TryOnJob', 'SubmitOutcomeUnknown') -Because "row $($row.Row) created a job" }
            }
            @($run.Errors | Where-Object { (Get-ErrorId $_) -eq 'SubmitOutcomeUnknown' }).Count | Should -BeGreaterThan 0
            @($run.Output).Count | Should -BeGreaterThan 600
        }
    }

    It 'pipes into Wait- and Save-, each job saved once' {
        $folder = Join-Path $images "renders-$([guid]::NewGuid().ToString('n'))"
        $rows = 1..3 | ForEach-Object { [pscustomobject]@{ PersonImage = "https://img.example.test/cat-$_.jpg"; GarmentImage = $garment } }
        $run = Invoke-ModulePipeline -InputObject $rows -Arguments $folder -Script '$input | Start-PixelcutTryOnJob | Wait-PixelcutTryOnJob -PollIntervalSec 1 | Save-PixelcutTryOnResult -Path $args[0] -PassThru'
        $run.Errors | Should -BeNullOrEmpty
        @($run.Output).Count | Should -Be 3
        $ids = @(Get-SandboxSubmission $sandbox | ForEach-Object JobIds)
        (Get-ChildItem $folder -Filter *.jpg).BaseName | Sort-Object | Should -Be ($ids | Sort-Object)
    }

    It 'shows rows submitted and MB uploaded while it works' {
        Set-SandboxSetting $sandbox -LatencyMs 400
        $person = New-Png 'progress.png'
        $rows = 1..12 | ForEach-Object { [pscustomobject]@{ PersonImage = $person; GarmentImage = $garment } }
        $run = Invoke-ModulePipeline -InputObject $rows -Script '$input | Start-PixelcutTryOnJob -ThrottleLimit 2'
        @($run.Output).Count | Should -Be 12
        $shown = @($run.Progress | Where-Object StatusDescription -Match '^\d+ jobs, .*, \d+\.\d MB uploaded$')
        $shown.Count | Should -BeGreaterThan 0 -Because "progress read: $(($run.Progress.StatusDescription) -join ' | ')"
    }
}

Describe 'Get-PixelcutCredit' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
    }

    AfterAll { Exit-SandboxSession $sandbox }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'reads the balance as a number, or from the string the schema allows' -ForEach @(@{ AsString = $false }, @{ AsString = $true }) {
        Set-SandboxSetting $sandbox -Credits 42 -CreditsAsString:$AsString
        $before = [DateTime]::UtcNow
        $credit = Get-PixelcutCredit
        $credit | Should -BeOfType [Pixelcut.TryOn.PixelcutCredit]
        $credit.CreditsRemaining | Should -Be 42
        $credit.RetrievedAt.Kind | Should -Be 'Utc'
        $credit.RetrievedAt | Should -BeGreaterOrEqual $before
        $credit.RequestId | Should -Match '^req-[0-9a-f]+$'
    }

    It 'counts down as jobs are created' {
        Set-SandboxSetting $sandbox -Credits 10
        $null = Start-PixelcutTryOnJob 'https://img.example.test/a.jpg' 'https://img.example.test/g.jpg'
        (Get-PixelcutCredit).CreditsRemaining | Should -Be 9
    }

    It 'stops with InvalidAuthToken for a rejected key' {
        { Get-PixelcutCredit -ApiKey (ConvertTo-SecureKey 'sk_wrong') -ErrorAction Stop } |
            Should -Throw -ExceptionType ([Pixelcut.TryOn.PixelcutAuthenticationException])
    }
}
