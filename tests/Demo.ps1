<# A short scripted session with the built module against the local stand-in API. Run it through ./build.ps1 Demo. #>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Sandbox/Sandbox.psm1') -Force
Import-Module $ModulePath -Force

function Show-Step([string] $Text) { Write-Host "`nPS> $Text" -ForegroundColor Cyan }

$sandbox = Start-PixelcutSandbox -Configuration $Configuration
try {
    $pending = '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '9f3c2a1e-4b7d-4c55-8e0a-2d5f6b7c8d90'
    $finished = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'
    $unknown = '00000000-0000-4000-8000-000000000000'
    $rendering = '3e9a7c51-2b4d-4f68-9a0e-7c1d2e3f4a5b'
    Add-SandboxJob $sandbox -Id $pending
    Add-SandboxJob $sandbox -Id $finished -Status completed
    Add-SandboxJob $sandbox -Id $rendering -Status running -Timeline @(@{ afterMs = 4000; status = 'completed' })
    $results = Join-Path ([IO.Path]::GetTempPath()) "pixelcut-demo-results-$PID"
    Write-Host "Stand-in API at $($sandbox.BaseUri)."

    Show-Step "'$($pending[0])', '$($pending[1])' | Stop-PixelcutTryOnJob -WhatIf"
    $pending | Stop-PixelcutTryOnJob -WhatIf
    Write-Host "Requests the API received: $(@(Get-SandboxLog $sandbox).Count)"

    Show-Step "Connect-Pixelcut -ApiKey `$key -BaseUri $($sandbox.BaseUri) -Validate -Verbose"
    $key = ConvertTo-SecureString $sandbox.ValidApiKey -AsPlainText -Force
    Connect-Pixelcut -ApiKey $key -BaseUri $sandbox.BaseUri -Validate -Verbose

    Show-Step "Get-PixelcutTryOnJob $($pending[0]), $($pending[1]), $finished"
    Get-PixelcutTryOnJob $pending[0], $pending[1], $finished | Format-Table | Out-Host

    Show-Step "Get-PixelcutTryOnJob ... | Where-Object Status -in 'Pending', 'Running' | Stop-PixelcutTryOnJob -PassThru"
    Get-PixelcutTryOnJob $pending[0], $pending[1], $finished | Where-Object Status -In 'Pending', 'Running' |
        Stop-PixelcutTryOnJob -PassThru | Format-Table | Out-Host

    Show-Step "Get-PixelcutTryOnJob $($pending[0]) | Format-List"
    Get-PixelcutTryOnJob $pending[0] | Format-List | Out-Host

    Show-Step "Get-PixelcutTryOnJob $rendering | Wait-PixelcutTryOnJob -PollIntervalSec 1 | Save-PixelcutTryOnResult -Path $results -PassThru"
    Get-PixelcutTryOnJob $rendering | Wait-PixelcutTryOnJob -PollIntervalSec 1 | Save-PixelcutTryOnResult -Path $results -PassThru |
        Format-Table Name, Length, LastWriteTime | Out-Host
    Write-Host "Requests to the result host that carried the API key: $(@(Get-SandboxAssetLog $sandbox | Where-Object hadApiKey).Count)"

    $catalog = Join-Path ([IO.Path]::GetTempPath()) "pixelcut-demo-catalog-$PID.csv"
    @(
        [pscustomobject]@{ PersonImage = 'https://img.example.test/models/ana.jpg'; GarmentImage = 'https://img.example.test/shirts/linen.png'; GarmentMode = 'Upper' }
        [pscustomobject]@{ PersonImage = 'https://img.example.test/models/ben.jpg'; GarmentImage = 'https://img.example.test/trousers/chino.png'; GarmentMode = 'Lower' }
    ) | Export-Csv $catalog
    Show-Step 'Get-PixelcutCredit'
    Get-PixelcutCredit | Format-Table | Out-Host

    Show-Step "Import-Csv catalog.csv | Start-PixelcutTryOnJob | Wait-PixelcutTryOnJob -PollIntervalSec 1 | Save-PixelcutTryOnResult -Path $results -PassThru"
    Import-Csv $catalog | Start-PixelcutTryOnJob | Wait-PixelcutTryOnJob -PollIntervalSec 1 | Save-PixelcutTryOnResult -Path $results -PassThru |
        Format-Table Name, Length, LastWriteTime | Out-Host
    Write-Host "Jobs the API created per row: $((Get-SandboxSubmission $sandbox | ForEach-Object Created) -join ', ')"

    Show-Step "Start-PixelcutTryOnJob ./missing.jpg https://img.example.test/shirts/linen.png -ErrorVariable refused -ErrorAction SilentlyContinue"
    Start-PixelcutTryOnJob ./missing.jpg https://img.example.test/shirts/linen.png -ErrorVariable refused -ErrorAction SilentlyContinue
    Write-Host "$($refused[0].FullyQualifiedErrorId.Split(',')[0]): $($refused[0].ErrorDetails.Message)" -ForegroundColor Red

    Show-Step "Stop-PixelcutTryOnJob -JobId $unknown, $finished -ErrorVariable failed -ErrorAction SilentlyContinue"
    Stop-PixelcutTryOnJob -JobId $unknown, $finished -ErrorVariable failed -ErrorAction SilentlyContinue
    # Error records ignore Format-Table -Property, so pick the columns first.
    $failed | Select-Object -Property @(
        @{ Name = 'ErrorId'; Expression = { $_.FullyQualifiedErrorId.Split(',')[0] } },
        @{ Name = 'Category'; Expression = { $_.CategoryInfo.Category } },
        @{ Name = 'TargetObject'; Expression = { $_.TargetObject } },
        @{ Name = 'Exception'; Expression = { $_.Exception.GetType().Name } }) | Format-Table -AutoSize | Out-Host
    foreach ($record in $failed) {
        Write-Host "$($record.ErrorDetails.Message)" -ForegroundColor Red
        Write-Host "  Recommended action: $($record.ErrorDetails.RecommendedAction)" -ForegroundColor Yellow
    }
}
finally {
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    if ($catalog -and (Test-Path $catalog)) { Remove-Item $catalog -Force }
    Disconnect-Pixelcut
    Stop-PixelcutSandbox $sandbox
}
