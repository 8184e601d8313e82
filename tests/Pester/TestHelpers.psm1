Set-StrictMode -Version Latest

$script:ModulePath = Join-Path $PSScriptRoot '../../out/Pixelcut.TryOn' | Resolve-Path | Select-Object -ExpandProperty Path

function Get-BuiltModulePath { $script:ModulePath }

function Invoke-ChildPwsh {
    <#
    Runs a script in a fresh pwsh -NonInteractive process with the built module imported (unless -WithoutModule) and the given
    environment, and returns everything it printed, all streams merged, as one string, and its exit code.
    With -File it runs a script file as a scheduled task would (pwsh -File), importing nothing.
    #>
    param(
        [Parameter(Mandatory, ParameterSetName = 'Command')] [string] $Script,
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [hashtable] $Environment = @{},
        [string[]] $Arguments = @(),
        [switch] $WithoutModule
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    # Under 'dotnet pwsh' the process is the dotnet host, which needs pwsh.dll named first.
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    $run = if ($File) { '-File', $File }
    elseif ($WithoutModule) { '-Command', $Script }
    else { '-Command', "Import-Module '$script:ModulePath'`n$Script" }
    foreach ($argument in @('-NoProfile', '-NonInteractive') + $run + $Arguments) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.RedirectStandardInput = $true
    # A proxy set on the machine running the tests would carry the child's requests to loopback servers through it.
    $inherited = 'PIXELCUT_API_KEY', 'PIXELCUT_BASE_URI', 'PIXELCUT_REQUESTS_PER_SECOND', 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'
    foreach ($name in $inherited) { foreach ($spelling in $name, $name.ToLowerInvariant()) { $null = $start.Environment.Remove($spelling) } }
    foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = [string]$entry.Value }
    $start.Environment['NO_COLOR'] = '1'
    $process = [System.Diagnostics.Process]::Start($start)
    $process.StandardInput.Close()
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{ Output = $stdout + $stderr.Result; ExitCode = $process.ExitCode }
}

function Invoke-ModulePipeline {
    <#
    Runs a script in a new runspace of this process with the built module imported, feeding -InputObject to it as
    $input and -Arguments as $args, at the pace PIXELCUT_REQUESTS_PER_SECOND = -RequestsPerSecond; returns its Output, Errors and Progress.
    #>
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [object[]] $InputObject, [string] $RequestsPerSecond = '1000',
        [object[]] $Arguments = @())
    $shell = [powershell]::Create()
    $null = $shell.AddScript("Import-Module '$script:ModulePath'`n$Script")
    foreach ($argument in $Arguments) { $null = $shell.AddArgument($argument) }
    $inputList = [System.Management.Automation.PSDataCollection[object]]::new()
    foreach ($item in $InputObject) { $inputList.Add($item) }
    $inputList.Complete()
    $pace = $env:PIXELCUT_REQUESTS_PER_SECOND
    try {
        $env:PIXELCUT_REQUESTS_PER_SECOND = $RequestsPerSecond
        $output = $shell.Invoke($inputList)
        [pscustomobject]@{ Output = $output; Errors = @($shell.Streams.Error); Progress = @($shell.Streams.Progress) }
    }
    finally {
        $env:PIXELCUT_REQUESTS_PER_SECOND = $pace
        $shell.Dispose()
    }
}

function New-ModulePowerShell {
    <# A PowerShell instance that runs a script in its own runspace with the built module imported, so a test can read its streams or stop it. #>
    param([Parameter(Mandatory)] [string] $Script)
    $shell = [powershell]::Create()
    $null = $shell.AddScript("Import-Module '$script:ModulePath'`n$Script")
    $shell
}

function Enter-SandboxSession {
    <#
    Starts the stand-in API, imports it and the built module into the caller's session, and points the
    module at the stand-in through its environment variables, paced fast so tests do not wait.
    #>
    Import-Module (Join-Path $PSScriptRoot '../Sandbox/Sandbox.psm1') -Global -Force
    Import-Module $script:ModulePath -Global -Force
    $sandbox = Start-PixelcutSandbox
    foreach ($entry in (Get-SandboxEnvironment $sandbox).GetEnumerator()) { Set-Item "Env:$($entry.Key)" $entry.Value }
    $sandbox
}

function Get-SandboxEnvironment($Sandbox) {
    <# The environment that points the module at the stand-in with its valid key, paced fast so tests do not wait. #>
    @{ PIXELCUT_API_KEY = $Sandbox.ValidApiKey; PIXELCUT_BASE_URI = $Sandbox.BaseUri; PIXELCUT_REQUESTS_PER_SECOND = '1000' }
}

function Exit-SandboxSession($Sandbox) {
    Stop-PixelcutSandbox $Sandbox
    Remove-Item Env:PIXELCUT_API_KEY, Env:PIXELCUT_BASE_URI, Env:PIXELCUT_REQUESTS_PER_SECOND -ErrorAction SilentlyContinue
}

function Get-ErrorId($Record) { $Record.FullyQualifiedErrorId.Split(',')[0] }

function ConvertTo-SecureKey([string] $Key) { ConvertTo-SecureString -String $Key -AsPlainText -Force }

function New-FreshKey($Sandbox) {
    <# A key the stand-in accepts whose pace and concurrency, kept per key per process, have learned nothing from earlier tests. #>
    ConvertTo-SecureKey "$($Sandbox.ValidApiKey)-$([guid]::NewGuid().ToString('n'))"
}

Export-ModuleMember -Function Get-BuiltModulePath, Invoke-ChildPwsh, Invoke-ModulePipeline, New-ModulePowerShell, Enter-SandboxSession, Get-SandboxEnvironment, Exit-SandboxSession, Get-ErrorId, ConvertTo-SecureKey, New-FreshKey
