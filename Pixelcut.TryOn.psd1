@{
    RootModule           = 'Pixelcut.TryOn.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '3f0d6f51-7a7c-4c52-9a53-5b1f0f4c2e71'
    Author               = 'Pixelcut.TryOn contributors'
    CompanyName          = 'Pixelcut.TryOn contributors'
    Copyright            = '(c) Pixelcut.TryOn contributors. MIT License.'
    Description          = 'Manage Pixelcut Try On jobs (virtual garment try-on renders) from PowerShell: read their status, save their results, and cancel pending or running jobs in bulk, safely, at the API''s rate limit.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Pixelcut.TryOn.format.ps1xml')
    CmdletsToExport      = @('Connect-Pixelcut', 'Disconnect-Pixelcut', 'Get-PixelcutConnection', 'Get-PixelcutCredit', 'Get-PixelcutTryOnJob', 'Save-PixelcutTryOnResult', 'Start-PixelcutTryOnJob', 'Stop-PixelcutTryOnJob', 'Wait-PixelcutTryOnJob')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Pixelcut', 'TryOn', 'VirtualTryOn', 'REST', 'API', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/pixelcut-tryon/Pixelcut.TryOn'
            ReleaseNotes = 'First release: Get-, Stop- and Wait-PixelcutTryOnJob, Save-PixelcutTryOnResult, Connect-Pixelcut, Disconnect-Pixelcut and Get-PixelcutConnection.'
        }
    }
}
