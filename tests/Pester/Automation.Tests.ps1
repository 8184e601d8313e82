Describe 'A runbook run as pwsh -NonInteractive -File' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        # As installed: Import-Module Pixelcut.TryOn finds the module by name on PSModulePath.
        $runbookEnvironment = (Get-SandboxEnvironment $sandbox) + @{ PSModulePath = Split-Path (Get-BuiltModulePath) }

        function Invoke-Runbook([string] $Text, [hashtable] $Environment = @{}) {
            $path = Join-Path $TestDrive "runbook-$([guid]::NewGuid().ToString('N')).ps1"
            "Import-Module Pixelcut.TryOn`n$Text" | Set-Content $path
            $merged = $runbookEnvironment.Clone()
            foreach ($entry in $Environment.GetEnumerator()) { $merged[$entry.Key] = $entry.Value }
            Invoke-ChildPwsh -File $path -Environment $merged
        }

        function Get-CancelledIds { @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled' | ForEach-Object id | Sort-Object) }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach {
        Reset-PixelcutSandbox $sandbox
        Add-SandboxJob $sandbox -Id ok1, ok2
    }

    It 'exits 0 when it neither stops on errors nor checks them, even though a job failed' {
        $run = Invoke-Runbook "'ok1', 'missing', 'ok2' | Stop-PixelcutTryOnJob"
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match "Job 'missing' was not found"
        Get-CancelledIds | Should -Be @('ok1', 'ok2')
    }

    It 'with -ErrorVariable, cancels every other job and then exits 1 naming the failed ones' {
        $run = Invoke-Runbook @'
'ok1', 'missing', 'ok2' | Stop-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue
if ($failed) { $failed | ForEach-Object { 'failed {0}: {1}' -f $_.TargetObject, $_.FullyQualifiedErrorId.Split(',')[0] }; exit 1 }
'@
        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match 'failed missing: JobNotFound'
        Get-CancelledIds | Should -Be @('ok1', 'ok2')
    }

    It 'with try/catch around -ErrorVariable, exits 2 when the key is rejected and nothing could run' {
        $run = Invoke-Runbook @'
try { 'ok1', 'ok2' | Stop-PixelcutTryOnJob -ErrorVariable failed -ErrorAction SilentlyContinue }
catch { 'stopped: ' + $_.FullyQualifiedErrorId.Split(',')[0]; exit 2 }
if ($failed) { exit 1 }
'@ -Environment @{ PIXELCUT_API_KEY = 'sk_wrong' }
        $run.ExitCode | Should -Be 2
        $run.Output | Should -Match 'stopped: InvalidAuthToken'
        Get-CancelledIds | Should -BeNullOrEmpty
    }

    It 'with <Name>, ends at the first failure with exit code 1' -ForEach @(
        @{ Name = '$ErrorActionPreference = ''Stop'''; Script = "`$ErrorActionPreference = 'Stop'`n'missing', 'ok1' | Stop-PixelcutTryOnJob -ThrottleLimit 1" }
        @{ Name = '-ErrorAction Stop on one command'; Script = '$jobs = Get-PixelcutTryOnJob -JobId ok1, missing -ErrorAction Stop' }
    ) {
        $run = Invoke-Runbook "$Script`n'not reached'"
        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match "Job 'missing' was not found"
        $run.Output | Should -Not -Match 'not reached'
    }

    It 'with try/catch on a typed exception, chooses its own exit code' {
        $run = Invoke-Runbook @'
try { Stop-PixelcutTryOnJob -JobId ok1 -ErrorAction Stop }
catch [Pixelcut.TryOn.PixelcutAuthenticationException] { "key problem: $($_.FullyQualifiedErrorId.Split(',')[0])"; exit 3 }
'@ -Environment @{ PIXELCUT_API_KEY = '' }
        $run.ExitCode | Should -Be 3
        $run.Output | Should -Match 'key problem: ApiKeyMissing'
    }
}
