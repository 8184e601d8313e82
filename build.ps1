<#
.SYNOPSIS
    Builds, tests, demonstrates, measures and packages the Pixelcut.TryOn module.
.DESCRIPTION
    Build    compiles everything and lays out the loadable module in out/Pixelcut.TryOn.
    Package  builds and publishes out/Pixelcut.TryOn as a .nupkg into the folder repository out/repository.
    Test     packages, installs nginx, squid and apache2-utils for the real-server tests when they are missing and it can
             (apt-get, as root or with sudo), runs the xunit and Pester tests, ends with "Tests: N passed, N failed".
    Demo     builds and runs a short session against the local stand-in API.
    Bench    builds and measures bulk cancels in three scenarios against the stand-in API (not a test).
    Clean    removes build output.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir 'Pixelcut.TryOn'
$ModuleSource = Join-Path $Root 'src/Pixelcut.TryOn'
$RepositoryDir = Join-Path $OutDir 'repository'

function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

# A fresh pwsh, so what it imports is not held by this process; under 'dotnet pwsh' the host needs pwsh.dll named first.
function Invoke-PwshProcess {
    $pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "pwsh $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Dotnet build (Join-Path $Root 'Pixelcut.sln') --configuration $Configuration --nologo --verbosity quiet
    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleDir
    Copy-Item (Join-Path $Root 'Pixelcut.TryOn.psd1') $ModuleDir
    Copy-Item (Join-Path $ModuleSource "bin/$Configuration/netstandard2.0/Pixelcut.TryOn.dll") $ModuleDir
    Copy-Item (Join-Path $ModuleSource 'Pixelcut.TryOn.format.ps1xml') $ModuleDir
    Copy-Item (Join-Path $ModuleSource 'en-US') $ModuleDir -Recurse
    Invoke-PwshProcess -File (Join-Path $ModuleSource 'help/New-MamlHelp.ps1') `
        -ModulePath (Join-Path $ModuleDir 'Pixelcut.TryOn.psd1') -Destination (Join-Path $ModuleDir 'en-US/Pixelcut.TryOn.dll-Help.xml')
    Write-Host "Built $ModuleDir"
}

function Invoke-Package {
    Invoke-Build
    if (Test-Path $RepositoryDir) { Remove-Item $RepositoryDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $RepositoryDir
    # Publish-PSResource publishes only to a registered repository: register the folder for this one call.
    $name = "Pixelcut.TryOn.Build.$PID"
    Register-PSResourceRepository -Name $name -Uri $RepositoryDir -Trusted
    try { Publish-PSResource -Path $ModuleDir -Repository $name }
    finally { Unregister-PSResourceRepository -Name $name }
    Write-Host "Packaged $((Get-ChildItem $RepositoryDir -Filter *.nupkg).FullName)"
}

function Get-PesterModulePath {
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = & dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $path = Join-Path $packages 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 6.2.0 was not restored to $path." }
    $path
}

function Invoke-XunitTests {
    $results = Join-Path $OutDir 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    & dotnet test (Join-Path $Root 'tests/Pixelcut.TryOn.Tests') --configuration $Configuration --no-build --nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $results | Out-Host
    $trx = Join-Path $results 'xunit.trx'
    if (-not (Test-Path $trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1 } }
    $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

function Invoke-PesterTests {
    Import-Module (Get-PesterModulePath) -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $Root 'tests/Pester'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $result = Invoke-Pester -Configuration $config
    [pscustomobject]@{
        Passed = $result.PassedCount
        Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    }
}

# nginx, squid and htpasswd (apache2-utils) for tests/Pester/RealServers.Tests.ps1, which a fresh machine lacks: installed
# with apt-get when this runs as root or has sudo without a password. Otherwise those tests skip and say why, or fail
# under CI. Installing starts the system's nginx and squid services; they are stopped again, as the tests start their own.
function Install-TestServerPackages {
    if (-not $IsLinux) { return }
    Import-Module (Join-Path $Root 'tests/Pester/RealServers.psm1') -Force
    $missing = @(Get-MissingRealServerTool)
    if (-not $missing) { return }
    if ($env:PIXELCUT_TEST_HIDE_TOOLS) {
        Write-Host "PIXELCUT_TEST_HIDE_TOOLS hides $($missing -join ', '): not installing anything."
        return
    }
    $prefix = @()
    if ((& id -u) -ne '0') {
        $sudo = Get-Command sudo -CommandType Application -ErrorAction Ignore
        if ($sudo) { & $sudo.Source -n true 2>$null }
        if (-not $sudo -or $LASTEXITCODE -ne 0) {
            Write-Warning "The real-server tests need $($missing -join ', '), and installing them needs root or sudo without a password."
            return
        }
        $prefix = @($sudo.Source, '-n')
    }
    if (-not (Get-Command apt-get -CommandType Application -ErrorAction Ignore)) {
        Write-Warning "The real-server tests need $($missing -join ', '), and this machine has no apt-get to install them with."
        return
    }
    function Invoke-AsRoot([string[]] $Command) {
        $all = $prefix + $Command
        & $all[0] @($all | Select-Object -Skip 1) 2>&1 | Out-Host
        $LASTEXITCODE -eq 0
    }
    $services = 'nginx', 'squid'
    $runningBefore = @($services | Where-Object { Get-Process -Name $_ -ErrorAction Ignore })
    # Only what is missing: a package that is there is left at its version.
    $packages = @($missing | ForEach-Object { if ($_ -match '\((?<package>[^)]+)\)$') { $Matches.package } } | Sort-Object -Unique)
    Write-Host "Installing $($packages -join ', ') for the real-server tests (missing: $($missing -join ', '))."
    $installed = (Invoke-AsRoot 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-q') -and
        (Invoke-AsRoot (@('env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q') + $packages))
    if (-not $installed) { Write-Warning "apt-get could not install $($packages -join ', '); the real-server tests will say what is missing." }
    foreach ($service in $services | Where-Object { $_ -notin $runningBefore -and (Get-Process -Name $_ -ErrorAction Ignore) }) {
        Write-Host "Stopping the system's $service service, which the installation started; the tests start their own."
        $stopped = if (Get-Command service -CommandType Application -ErrorAction Ignore) { Invoke-AsRoot 'service', $service, 'stop' }
        if (-not $stopped) { Write-Warning "Could not stop the $service service; the tests do not use it." }
    }
    $global:LASTEXITCODE = 0
}

function Invoke-Test {
    Invoke-Package
    Invoke-Dotnet restore (Join-Path $Root 'tests/Tools/Tools.csproj') --verbosity quiet
    Install-TestServerPackages
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "Tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'tests/Demo.ps1') -ModulePath $ModuleDir -Configuration $Configuration
}

function Invoke-Bench {
    Invoke-Build
    & (Join-Path $Root 'tests/Bench.ps1') -ModulePath $ModuleDir -Configuration $Configuration
}

function Invoke-Clean {
    foreach ($path in @($OutDir) + (Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Select-Object -ExpandProperty FullName)) {
        if (Test-Path $path) { Remove-Item $path -Recurse -Force }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Package }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Clean' { Invoke-Clean }
}
