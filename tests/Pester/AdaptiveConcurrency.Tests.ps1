Describe 'Requests in flight follow the API' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession

        # The limiter lives per key per process; a fresh process starts from what a new user would have, not from what
        # earlier tests taught this one.
        function Invoke-FreshRun([string] $Script, [hashtable] $Extra = @{}) {
            $childEnvironment = Get-SandboxEnvironment $sandbox
            foreach ($entry in $Extra.GetEnumerator()) { $childEnvironment[$entry.Key] = $entry.Value }
            Invoke-ChildPwsh -Environment $childEnvironment -Script $Script
        }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    BeforeEach { Reset-PixelcutSandbox $sandbox }

    It 'keeps an explicit -ThrottleLimit <Limit> as a hard cap' -ForEach @(@{ Limit = 1 }, @{ Limit = 3 }) {
        Set-SandboxSetting $sandbox -LatencyMs 200
        $result = Invoke-FreshRun "1..12 | ForEach-Object { 'auto-cap-{0}' -f `$_ } | Stop-PixelcutTryOnJob -ThrottleLimit $Limit"
        $result.ExitCode | Should -Be 0
        (Get-SandboxStats $sandbox).peakInFlight | Should -Be $Limit
        @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled').Count | Should -Be 12
    }

    It 'grows past the starting five in flight when answers are slow and the pace allows more' {
        Set-SandboxSetting $sandbox -LatencyMs 500
        $result = Invoke-FreshRun "1..40 | ForEach-Object { 'auto-grow-{0}' -f `$_ } | Stop-PixelcutTryOnJob -Verbose" @{ PIXELCUT_REQUESTS_PER_SECOND = '50' }
        (Get-SandboxStats $sandbox).peakInFlight | Should -BeGreaterThan 5
        @(Get-SandboxJob $sandbox | Where-Object errorCode -EQ 'job_cancelled').Count | Should -Be 40
        $summary = [regex]::Match($result.Output, 'VERBOSE: 40 request\(s\) in \d+\.\d s, \d+\.\d per second, at most (\d+) in flight, 0 answered 429, 0 retried\.')
        $summary.Success | Should -BeTrue -Because 'a run over 1.5 s ends with one Verbose line that sums it up'
        [int]$summary.Groups[1].Value | Should -BeGreaterThan 5
    }

    It 'stays at five in flight when answers are quick' {
        $result = Invoke-FreshRun "1..40 | ForEach-Object { 'auto-quick-{0}' -f `$_ } | Stop-PixelcutTryOnJob" @{ PIXELCUT_REQUESTS_PER_SECOND = '20' }
        $result.ExitCode | Should -Be 0
        (Get-SandboxStats $sandbox).peakInFlight | Should -BeLessOrEqual 5
    }

    It 'loses nothing against an API that allows 3 in flight, and stays under that limit after learning it' {
        Set-SandboxSetting $sandbox -LatencyMs 50 -ConcurrencyLimit 3
        $ids = 1..300 | ForEach-Object { 'limited-{0:d3}' -f $_ }
        Add-SandboxJob $sandbox -Id $ids
        $run = Invoke-ModulePipeline '$input | Stop-PixelcutTryOnJob -PassThru' -InputObject $ids -RequestsPerSecond 100

        $run.Errors | Should -BeNullOrEmpty
        @($run.Output | ForEach-Object JobId) | Should -Be $ids
        $jobs = Get-SandboxJob $sandbox
        @($jobs | Where-Object cancelCount -EQ 1).Count | Should -Be 300
        @($jobs | Where-Object cancelCount -GT 1) | Should -BeNullOrEmpty
        $log = @(Get-SandboxLog $sandbox)
        # Finding the limit costs a few 429s, each retried; the 300 cancels are all still there.
        @($log | Where-Object status -EQ 429).Count | Should -BeLessThan 30
        @($log | Where-Object status -EQ 200).Count | Should -Be 300
    }
}
