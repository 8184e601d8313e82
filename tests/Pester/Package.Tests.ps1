Describe 'The package' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $sandbox = Enter-SandboxSession
        $repository = Join-Path $PSScriptRoot '../../out/repository' | Resolve-Path | Select-Object -ExpandProperty Path
        # A home of its own: the repository registration and the CurrentUser module path both live under it,
        # so the test neither reads nor changes the real ones. The folders must exist to be used.
        $profileRoot = Join-Path $TestDrive 'home'
        $dataHome = Join-Path $profileRoot '.local/share'
        $null = New-Item -ItemType Directory -Force -Path $dataHome
        $isolated = @{ HOME = $profileRoot; XDG_DATA_HOME = $dataHome; PSModulePath = '' }
    }

    AfterAll {
        Exit-SandboxSession $sandbox
    }

    It 'is one .nupkg in out/repository, built by build.ps1 Package' {
        @(Get-ChildItem $repository -Filter *.nupkg).Name | Should -Be @('Pixelcut.TryOn.0.1.0.nupkg')
    }

    It 'installs with Install-PSResource from the folder repository, imports in a fresh pwsh and cancels a job' {
        $install = Invoke-ChildPwsh -WithoutModule -Environment $isolated -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name PixelcutLocal -Uri '$repository' -Trusted
Install-PSResource -Name Pixelcut.TryOn -Repository PixelcutLocal -Scope CurrentUser
'installed:' + (Get-InstalledPSResource -Name Pixelcut.TryOn).InstalledLocation
"@
        $install.ExitCode | Should -Be 0 -Because $install.Output
        $install.Output | Should -Match ([regex]::Escape("installed:$profileRoot"))

        Add-SandboxJob $sandbox -Id packaged-job
        $use = Invoke-ChildPwsh -WithoutModule -Environment ($isolated + (Get-SandboxEnvironment $sandbox)) -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module Pixelcut.TryOn
'loaded:' + (Get-Module Pixelcut.TryOn).ModuleBase
Stop-PixelcutTryOnJob -JobId packaged-job -PassThru | ForEach-Object { 'cancelled:' + `$_.JobId }
"@
        $use.ExitCode | Should -Be 0 -Because $use.Output
        $use.Output | Should -Match ([regex]::Escape("loaded:$profileRoot"))
        $use.Output | Should -Match 'cancelled:packaged-job'
        (Get-SandboxJob $sandbox | Where-Object id -EQ packaged-job).errorCode | Should -Be 'job_cancelled'
    }
}
