Describe 'Save-PixelcutTryOnResult' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $childEnvironment = Get-SandboxEnvironment $sandbox

        # A folder that does not exist yet, inside a parent of its own, so files written beside it show too.
        function New-ResultFolder {
            $parent = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
            $null = New-Item -ItemType Directory -Path $parent
            Join-Path $parent 'results'
        }

        # Every name under a folder, hidden ones (.partial files) included; nothing when it does not exist.
        function Get-Names([string] $Path) {
            if (Test-Path -LiteralPath $Path) { @(Get-ChildItem -LiteralPath $Path -Force -Recurse | ForEach-Object Name) } else { @() }
        }

        function Get-StatusReads([string] $Id) { @(Get-SandboxLog $sandbox | Where-Object { $_.jobId -eq $Id -and $_.method -eq 'GET' }) }
        function Get-Downloads([string] $Id) { @(Get-SandboxAssetLog $sandbox | Where-Object jobId -EQ $Id) }

        # The result host logs a request once its handler ends, which for a dropped or abandoned body can be after the client moved on.
        function Wait-Downloads([string] $Id, [int] $Count) {
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while ((Get-Downloads $Id).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Get-Downloads $Id
        }

        # The picture the result host serves for a job, fetched independently of the module.
        function Read-Picture([string] $Id) {
            $link = (Get-PixelcutTryOnJob $Id).ResultUrl
            [byte[]] (Invoke-WebRequest -Uri $link -UseBasicParsing).Content
        }

        # A job record as Get-PixelcutTryOnJob would have written it at -RetrievedAt; the constructor is the module's own.
        function New-JobRecord([string] $Id, [string] $Status, [string] $ResultUrl, [datetime] $RetrievedAt) {
            $constructor = [Pixelcut.TryOn.TryOnJob].GetConstructors([Reflection.BindingFlags]'NonPublic, Instance')[0]
            $constructor.Invoke(@($Id, $Status, $ResultUrl, $null, $null, $RetrievedAt.ToUniversalTime(), $null, $null))
        }

        function Assert-Failure($Record, [string] $Id, [string] $ErrorId, [string] $Category) {
            Get-ErrorId $Record | Should -BeExactly $ErrorId
            $Record.CategoryInfo.Category | Should -Be $Category
            $Record.TargetObject | Should -BeExactly $Id
            $Record.Exception | Should -BeOfType ([Pixelcut.TryOn.PixelcutApiException])
            $Record.Exception.JobId | Should -BeExactly $Id
            $Record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'declares FileInfo as its output type and ShouldProcess with ConfirmImpact Low' {
        (Get-Command Save-PixelcutTryOnResult).OutputType.Type | Should -Be @([System.IO.FileInfo])
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Save-PixelcutTryOnResult))
        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'Low'
    }

    Context 'What it saves' {
        It 'saves a completed job''s picture as c1.jpg with the bytes the result host served, writing nothing without -PassThru' {
            Add-SandboxJob $sandbox -Id c1 -Status completed -AssetBytes 250000
            $folder = New-ResultFolder
            $output = 'c1' | Save-PixelcutTryOnResult -Path $folder
            $output | Should -BeNullOrEmpty
            Get-Names $folder | Should -Be @('c1.jpg')
            $saved = [IO.File]::ReadAllBytes((Join-Path $folder 'c1.jpg'))
            $saved.Length | Should -Be 250000
            (Get-Downloads c1).bytesWritten | Should -Be @(250000)
            $served = Read-Picture c1
            [Convert]::ToBase64String($saved) | Should -BeExactly ([Convert]::ToBase64String($served))
        }

        It 'takes the rows of a CSV, reads each id''s status first, and writes FileInfo objects in input order with -PassThru' {
            Add-SandboxJob $sandbox -Id row1, row3 -Status completed
            # The second finishes last, so the order of the output is the order of the input, not of the downloads.
            Add-SandboxJob $sandbox -Id row2 -Status completed -AssetFault 'slow-body:400'
            $csv = Join-Path $TestDrive 'jobs.csv'
            "job_id,owner`nrow1,ann`nrow2,bob`nrow3,cy" | Set-Content $csv
            $folder = New-ResultFolder
            $files = Import-Csv $csv | Save-PixelcutTryOnResult -Path $folder -PassThru
            $files | ForEach-Object { $_ | Should -BeOfType ([System.IO.FileInfo]) }
            $files.Name | Should -Be @('row1.jpg', 'row2.jpg', 'row3.jpg')
            $files.DirectoryName | Sort-Object -Unique | Should -Be (Resolve-Path $folder).ProviderPath
            $files | ForEach-Object Length | Should -Be @(304, 304, 304)
            foreach ($id in 'row1', 'row2', 'row3') { Get-StatusReads $id | Should -HaveCount 1 }
        }

        It 'saves into the current location without -Path' {
            Add-SandboxJob $sandbox -Id here -Status completed
            $folder = New-ResultFolder
            $null = New-Item -ItemType Directory -Path $folder
            Push-Location $folder
            try { Save-PixelcutTryOnResult here } finally { Pop-Location }
            Get-Names $folder | Should -Be @('here.jpg')
        }

        It 'shows each download on the Verbose stream with its status, bytes and milliseconds, without the link''s query' {
            Add-SandboxJob $sandbox -Id v1 -Status completed
            $verbose = Save-PixelcutTryOnResult v1 -Path (New-ResultFolder) -Verbose 4>&1 | ForEach-Object { "$_" }
            $verbose -match '^GET http://127\.0\.0\.1:\d+/assets/v1\.jpg -> 200 OK, 304 bytes in \d+ ms$' | Should -HaveCount 1
            $verbose -match 'expires=' | Should -BeNullOrEmpty
        }

        It 'refuses a -Path outside the file system with a terminating InvalidSetting and sends nothing' {
            Add-SandboxJob $sandbox -Id c1 -Status completed
            { Save-PixelcutTryOnResult c1 -Path Env:\results } | Should -Throw -ErrorId 'InvalidSetting*'
            $file = Join-Path $TestDrive 'a-file.txt'
            Set-Content $file 'x'
            { Save-PixelcutTryOnResult c1 -Path $file } | Should -Throw -ErrorId 'InvalidSetting*'
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
        }
    }

    Context 'Status first, unless a recent record says the job completed' {
        It 'downloads a piped TryOnJob read moments ago without a status read, and reads the status of a piped string' {
            Add-SandboxJob $sandbox -Id known, text -Status completed
            $job = Get-PixelcutTryOnJob known
            Get-StatusReads known | Should -HaveCount 1
            $folder = New-ResultFolder
            $job, 'text' | Save-PixelcutTryOnResult -Path $folder
            Get-StatusReads known | Should -HaveCount 1 -Because 'the piped record is bound as it is and spares the read'
            Get-StatusReads text | Should -HaveCount 1 -Because 'a string is bound to -JobId alone'
            Get-Names $folder | Sort-Object | Should -Be @('known.jpg', 'text.jpg')
        }

        It 'reads the status again for a TryOnJob retrieved over an hour ago' {
            Add-SandboxJob $sandbox -Id old -Status completed
            $link = (Get-PixelcutTryOnJob old).ResultUrl
            $record = New-JobRecord old Completed $link ([datetime]::UtcNow.AddHours(-2))
            $folder = New-ResultFolder
            $record | Save-PixelcutTryOnResult -Path $folder
            Get-StatusReads old | Should -HaveCount 2
            Get-Names $folder | Should -Be @('old.jpg')
        }

        It 'reads the status again for a piped TryOnJob that was not completed when read' {
            Add-SandboxJob $sandbox -Id later -Timeline @(@{ afterMs = 300; status = 'completed' })
            $job = Get-PixelcutTryOnJob later
            $job.Status | Should -Be 'Pending'
            Start-Sleep -Milliseconds 500
            $folder = New-ResultFolder
            $job | Save-PixelcutTryOnResult -Path $folder
            Get-StatusReads later | Should -HaveCount 2
            Get-Names $folder | Should -Be @('later.jpg')
        }

        It 'gives JobNotCompleted for a <Status> job, naming its status, and writes nothing' -ForEach @(
            @{ Status = 'pending'; Shown = 'Pending'; Code = $null }
            @{ Status = 'running'; Shown = 'Running'; Code = $null }
            @{ Status = 'failed'; Shown = 'Failed \(content_filter_error: Job processing failed\)'; Code = 'content_filter_error' }
            @{ Status = 'failed'; Shown = 'Failed \(job_cancelled: Job was cancelled\)'; Code = 'job_cancelled' }
        ) {
            Add-SandboxJob $sandbox -Id nc -Status $Status -ErrorCode $Code
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult nc -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] nc JobNotCompleted InvalidOperation
            $failed[0].ErrorDetails.Message | Should -Match "^Job 'nc' has no result to save: it is $Shown\.$"
            $failed[0].Exception.ErrorCode | Should -Be $Code
            Get-Names $folder | Should -BeNullOrEmpty
            Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
        }
    }

    Context 'The result host' {
        It 'reads a fresh link after a <Fault> and saves the picture' -ForEach @(@{ Fault = '403' }, @{ Fault = '404' }) {
            Add-SandboxJob $sandbox -Id once -Status completed -AssetFault $Fault
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult once -Path $folder -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            Get-Names $folder | Should -Be @('once.jpg')
            Get-StatusReads once | Should -HaveCount 2
            (Get-Downloads once).status | Should -Be @([int]$Fault, 200)
        }

        It 'renews a link that had expired when the record was read' {
            Set-SandboxSetting $sandbox -ResultUrlValiditySeconds -10
            Add-SandboxJob $sandbox -Id stale -Status completed
            $job = Get-PixelcutTryOnJob stale
            Set-SandboxSetting $sandbox
            $folder = New-ResultFolder
            $job | Save-PixelcutTryOnResult -Path $folder
            Get-Names $folder | Should -Be @('stale.jpg')
            Get-StatusReads stale | Should -HaveCount 2 -Because 'one read made the record, one renewed its refused link'
            (Get-Downloads stale).status | Should -Be @(403, 200)
        }

        It 'gives ResultExpired when the fresh link is refused too, and writes nothing' {
            Add-SandboxJob $sandbox -Id gone -Status completed -AssetFault 403, 403
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult gone -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] gone ResultExpired ResourceUnavailable
            $failed[0].Exception.StatusCode | Should -Be 403
            $failed[0].ErrorDetails.Message | Should -Match 'Request has expired'
            Get-StatusReads gone | Should -HaveCount 2
            Get-Downloads gone | Should -HaveCount 2
            Get-Names $folder | Should -BeNullOrEmpty
        }

        It 'retries a 500 and saves the picture' {
            Add-SandboxJob $sandbox -Id flaky -Status completed -AssetFault 500
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult flaky -Path $folder -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            Get-Names $folder | Should -Be @('flaky.jpg')
            (Get-Downloads flaky).status | Should -Be @(500, 200)
            Get-StatusReads flaky | Should -HaveCount 1
        }

        It 'gives DownloadFailed for a redirect, naming where it pointed, and never follows it' {
            $target = "$($sandbox.BaseUri)/assets/elsewhere.jpg?expires=9999999999"
            Add-SandboxJob $sandbox -Id elsewhere -Status completed
            Add-SandboxJob $sandbox -Id moved -Status completed -AssetFault "redirect:$target"
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult moved -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] moved DownloadFailed InvalidResult
            $failed[0].Exception.StatusCode | Should -Be 302
            $failed[0].ErrorDetails.Message | Should -Match ([regex]::Escape("redirected to '$($sandbox.BaseUri)/assets/elsewhere.jpg'"))
            Get-Downloads elsewhere | Should -BeNullOrEmpty
            @(Get-SandboxAssetLog $sandbox) | Should -HaveCount 1
            Get-Names $folder | Should -BeNullOrEmpty
        }

        It 'gives DownloadFailed for a sign-in page answered with 200, naming its content type, and saves no file' {
            Add-SandboxJob $sandbox -Id portal -Status completed -AssetFault html-200
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult portal -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] portal DownloadFailed InvalidResult
            $failed[0].ErrorDetails.Message | Should -Match 'text/html, not a JPEG picture'
            Get-Downloads portal | Should -HaveCount 1 -Because 'a page is not retried'
            Get-Names $folder | Should -BeNullOrEmpty
        }

        It 'retries a body cut short and saves the whole picture' {
            Add-SandboxJob $sandbox -Id cut -Status completed -AssetBytes 200000 -AssetFault drop-mid-body
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult cut -Path $folder -ErrorVariable failed
            $failed | Should -BeNullOrEmpty
            (Get-Item (Join-Path $folder 'cut.jpg')).Length | Should -Be 200000
            Get-Names $folder | Should -Be @('cut.jpg')
            (Wait-Downloads cut 2).bytesWritten | Sort-Object | Should -Be @(100000, 200000)
        }

        It 'gives DownloadFailed (ConnectionError) for a body cut short with -MaxRetryCount 0, and leaves no file, whole or partial' {
            Add-SandboxJob $sandbox -Id cut -Status completed -AssetBytes 200000 -AssetFault drop-mid-body
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult cut -Path $folder -MaxRetryCount 0 -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] cut DownloadFailed ConnectionError
            $failed[0].Exception.InnerException | Should -Not -BeNullOrEmpty
            (Wait-Downloads cut 1).bytesWritten | Should -Be @(100000)
            Test-Path $folder | Should -BeTrue -Because 'the folder was made for the download'
            Get-Names $folder | Should -BeNullOrEmpty
        }

        It 'gives DownloadFailed for a plain http link to a host that is not loopback, and sends nothing to it' {
            Add-SandboxJob $sandbox -Id plain -Status completed -ResultUrl 'http://example.com/x.jpg'
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult plain -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] plain DownloadFailed InvalidResult
            $failed[0].ErrorDetails.Message | Should -Match "'http://example\.com/x\.jpg' uses plain http"
            $failed[0].Exception.Attempts | Should -Be 0
            Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
            Get-Names $folder | Should -BeNullOrEmpty
        }

        It 'sends the result host no key, no cookie and no Authorization, though both hosts set cookies and the key is in the environment' {
            $env:PIXELCUT_API_KEY | Should -Not -BeNullOrEmpty
            Set-SandboxSetting $sandbox -SetCookies
            Add-SandboxJob $sandbox -Id k1, k2 -Status completed
            Add-SandboxJob $sandbox -Id k3 -Status completed -AssetFault 403
            $folder = New-ResultFolder
            'k1', 'k2', 'k3' | Save-PixelcutTryOnResult -Path $folder -ThrottleLimit 1
            Save-PixelcutTryOnResult k1, k2 -Path $folder -Force -ThrottleLimit 1
            $downloads = @(Get-SandboxAssetLog $sandbox)
            $downloads | Should -HaveCount 6
            $downloads.hadApiKey | Should -Not -Contain $true
            $downloads.hadCookie | Should -Not -Contain $true
            $downloads.hadAuthorization | Should -Not -Contain $true
            $downloads.userAgent | ForEach-Object { $_ | Should -Match '^Pixelcut\.TryOn/\S+ PowerShell/' }
            (Get-SandboxLog $sandbox).hadCookie | Should -Not -Contain $true
        }

        It 'downloads through -Proxy, as the status reads go' {
            Add-SandboxJob $sandbox -Id viaproxy -Status completed
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult viaproxy -Path $folder -Proxy $sandbox.BaseUri
            Get-Names $folder | Should -Be @('viaproxy.jpg')
            (Get-Downloads viaproxy).viaProxy | Should -Be @($true)
            (Get-StatusReads viaproxy).viaProxy | Should -Be @($true)
        }

        It 'shows progress while one long download is still running' {
            Add-SandboxJob $sandbox -Id long -Status completed -AssetBytes 3000000 -AssetFault 'slow-body:2500'
            $folder = New-ResultFolder
            $run = Invoke-ModulePipeline -InputObject 'long' -Script "`$input | Save-PixelcutTryOnResult -Path '$folder'"
            $run.Errors | Should -BeNullOrEmpty
            $during = @($run.Progress | Where-Object StatusDescription -Match '^0 jobs, .*, 0 file\(s\) saved, \d+\.\d MB received$')
            $during.Count | Should -BeGreaterThan 0 -Because "progress read: $(($run.Progress.StatusDescription) -join ' | ')"
            (Get-Item (Join-Path $folder 'long.jpg')).Length | Should -Be 3000000
        }

        It 'runs at most 8 downloads at once, whatever -ThrottleLimit allows' {
            $ids = 1..10 | ForEach-Object { "wave$_" }
            Add-SandboxJob $sandbox -Id $ids -Status completed -AssetFault 'slow-body:800'
            $jobs = Get-PixelcutTryOnJob $ids
            $folder = New-ResultFolder
            $shell = New-ModulePowerShell '$input | Save-PixelcutTryOnResult -Path $args[0] -ThrottleLimit 64'
            $null = $shell.AddArgument($folder)
            $pipeInput = [System.Management.Automation.PSDataCollection[object]]::new()
            $jobs | ForEach-Object { $pipeInput.Add($_) }
            $pipeInput.Complete()
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $null = $shell.EndInvoke($shell.BeginInvoke($pipeInput))
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1.55 -Because 'ten 0.8 s downloads, eight at a time, take two rounds'
            # Each download lasts at least 0.8 s, so among nine that never ran all at once one began after another ended,
            # and the ninth to end did so at least 0.8 s after the first; two that ended closer than that overlapped.
            $ends = @(Get-SandboxAssetLog $sandbox | ForEach-Object { $_.at.ToUniversalTime() } | Sort-Object)
            $ends | Should -HaveCount 10
            ($ends[1] - $ends[0]).TotalSeconds | Should -BeLessThan 0.75 -Because 'more than one download runs at once'
            ($ends[8] - $ends[0]).TotalSeconds | Should -BeGreaterThan 0.75 -Because 'at most eight downloads run at once'
            $shell.Streams.Error | Should -BeNullOrEmpty
            @(Get-Names $folder).Count | Should -Be 10
            # The second round ends past the 1.5 s after which progress shows.
            $shell.Streams.Progress.StatusDescription -match '^\d+ jobs, .*, \d+ file\(s\) saved, \d+\.\d MB received$' | Should -Not -BeNullOrEmpty
            $shell.Dispose()
        }
    }

    Context 'File names' {
        It 'refuses <Id> with UnsafeFileName, sends nothing and writes nothing inside or beside the folder' -ForEach @(
            @{ Id = '../evil' }, @{ Id = 'a/b' }, @{ Id = '..\evil' }, @{ Id = 'con' }, @{ Id = 'NUL.txt' }, @{ Id = 'x:y' }, @{ Id = 'end.' }
        ) {
            Add-SandboxJob $sandbox -Id $Id -Status completed
            $folder = New-ResultFolder
            $parent = Split-Path $folder
            Save-PixelcutTryOnResult -JobId $Id -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] $Id UnsafeFileName InvalidArgument
            $failed[0].Exception | Should -BeOfType ([Pixelcut.TryOn.PixelcutConfigurationException])
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
            Get-Names $parent | Should -BeNullOrEmpty
        }

        It 'refuses <Name> as InvalidJobId, as every job command does, before its file name is considered' -ForEach @(
            @{ Name = 'two dots'; Id = '..' }, @{ Name = 'a control character'; Id = "a`u{1b}b" }, @{ Name = 'a C1 control character'; Id = "a`u{85}b" }
        ) {
            $folder = New-ResultFolder
            Save-PixelcutTryOnResult -JobId $Id -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] $Id InvalidJobId InvalidArgument
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            Get-Names (Split-Path $folder) | Should -BeNullOrEmpty
        }

        It 'gives FileExists for a file already there, sends nothing, and leaves the file as it was' {
            Add-SandboxJob $sandbox -Id there -Status completed
            $folder = New-ResultFolder
            $null = New-Item -ItemType Directory -Path $folder
            Set-Content (Join-Path $folder 'there.jpg') 'earlier'
            Save-PixelcutTryOnResult there -Path $folder -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] there FileExists ResourceExists
            $failed[0].ErrorDetails.Message | Should -Match ([regex]::Escape((Join-Path $folder 'there.jpg')))
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            Get-Content (Join-Path $folder 'there.jpg') | Should -Be 'earlier'
        }

        It 'replaces a file already there with -Force' {
            Add-SandboxJob $sandbox -Id there -Status completed
            $folder = New-ResultFolder
            $null = New-Item -ItemType Directory -Path $folder
            Set-Content (Join-Path $folder 'there.jpg') 'earlier'
            $file = Save-PixelcutTryOnResult there -Path $folder -Force -PassThru
            $file.Length | Should -Be 304
            $bytes = [IO.File]::ReadAllBytes((Join-Path $folder 'there.jpg'))
            $bytes[0..2] | Should -Be @(0xFF, 0xD8, 0xFF)
            Get-Names $folder | Should -Be @('there.jpg')
        }

        It 'saves a job given twice once, and never lets two ids whose names differ only in case write one file, -Force or not' {
            Add-SandboxJob $sandbox -Id twice, Case, case -Status completed
            $folder = New-ResultFolder
            $files = 'twice', 'twice', 'Case', 'case' | Save-PixelcutTryOnResult -Path $folder -Force -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue
            $files.Name | Should -Be @('twice.jpg', 'Case.jpg')
            $failed | Should -HaveCount 1
            Assert-Failure $failed[0] case FileExists ResourceExists
            $failed[0].Exception.Message | Should -BeLike "*job 'Case' in this command saves to *Case.jpg', which is the same file where names ignore case."
            @(Get-StatusReads twice).Count | Should -Be 1
            @(Get-SandboxLog $sandbox | Where-Object { $_.jobId -ceq 'case' }) | Should -BeNullOrEmpty
            Get-Names $folder | Sort-Object | Should -Be @('Case.jpg', 'twice.jpg')
        }
    }

    Context '-WhatIf and Ctrl+C' {
        It '-WhatIf names each file and its action, and sends, creates and writes nothing' {
            Add-SandboxJob $sandbox -Id w1, w2 -Status completed
            $folder = New-ResultFolder
            $null = New-Item -ItemType Directory -Path $folder
            Set-Content (Join-Path $folder 'w2.jpg') 'earlier'
            $missing = Join-Path (Split-Path $folder) 'not-made'
            $run = Invoke-ChildPwsh -Environment $childEnvironment -Script @"
'w1', 'w2' | Save-PixelcutTryOnResult -Path '$folder' -Force -WhatIf
'w1' | Save-PixelcutTryOnResult -Path '$missing' -WhatIf
"@
            $run.ExitCode | Should -Be 0
            $run.Output | Should -Match ([regex]::Escape("What if: Performing the operation `"Save Try On result`" on target `"$(Join-Path $folder 'w1.jpg')`""))
            $run.Output | Should -Match ([regex]::Escape("What if: Performing the operation `"Replace file with Try On result`" on target `"$(Join-Path $folder 'w2.jpg')`""))
            $run.Output | Should -Match ([regex]::Escape("on target `"$(Join-Path $missing 'w1.jpg')`""))
            Get-SandboxLog $sandbox | Should -BeNullOrEmpty
            Get-SandboxAssetLog $sandbox | Should -BeNullOrEmpty
            Test-Path $missing | Should -BeFalse
            Get-Names $folder | Should -Be @('w2.jpg')
            Get-Content (Join-Path $folder 'w2.jpg') | Should -Be 'earlier'
        }

        It 'stops within a second in the middle of a slow download and leaves no file, whole or partial' {
            Add-SandboxJob $sandbox -Id slow -Status completed -AssetBytes 100000 -AssetFault 'slow-body:5000'
            $folder = New-ResultFolder
            $shell = New-ModulePowerShell "Save-PixelcutTryOnResult slow -Path '$folder'"
            $null = $shell.BeginInvoke()
            # The partial file appears once the first bytes showed a picture: the download is under way.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not (Get-Names $folder | Where-Object { $_ -like '*.partial' }) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Get-Names $folder | Should -HaveCount 1
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-Names $folder | Should -BeNullOrEmpty
            $shell.Dispose()
            (Wait-Downloads slow 1).bytesWritten | Should -BeLessThan 100000
        }
    }

    Context 'Secrets' {
        It 'never shows the key under -Verbose -Debug, nor a link''s query in the download''s lines, while -Debug shows its request and answer' {
            Add-SandboxJob $sandbox -Id d1 -Status completed
            $folder = New-ResultFolder
            $run = Invoke-ChildPwsh -Environment $childEnvironment -Script "'d1' | Save-PixelcutTryOnResult -Path '$folder' -Verbose -Debug *>&1 | Out-String -Width 400"
            $run.ExitCode | Should -Be 0
            $run.Output | Should -Match 'HTTP request: GET http://127\.0\.0\.1:\d+/assets/d1\.jpg \| Accept: image/jpeg, image/\* \| User-Agent: Pixelcut\.TryOn/'
            $run.Output | Should -Match 'HTTP answer: 200 OK in \d+ ms \| Content-Type: image/jpeg \| Content-Length: 304'
            $run.Output | Should -Not -Match $sandbox.ValidApiKey
            $downloadLines = $run.Output -split '\r?\n' | Where-Object { $_ -match '/assets/d1' -and $_ -notmatch '^HTTP answer: .*"result_url"' }
            $downloadLines | Should -HaveCount 2
            $downloadLines | Should -Not -Match 'expires='
            Get-Names $folder | Should -Be @('d1.jpg')
        }
    }
}
