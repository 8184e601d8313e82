BeforeDiscovery {
    $exportedCmdlets = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../out/Pixelcut.TryOn/Pixelcut.TryOn.psd1')).CmdletsToExport |
        ForEach-Object { @{ Name = $_ } }
}

Describe 'The built module' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $modulePath = Get-BuiltModulePath
        Import-Module $modulePath -Force
        $commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    }

    It 'has a manifest that passes Test-ModuleManifest and exports cmdlets by name' {
        $manifest = Test-ModuleManifest (Join-Path $modulePath 'Pixelcut.TryOn.psd1')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $data = Import-PowerShellDataFile (Join-Path $modulePath 'Pixelcut.TryOn.psd1')
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.CmdletsToExport | Sort-Object | Should -Be @('Connect-Pixelcut', 'Disconnect-Pixelcut', 'Get-PixelcutConnection', 'Get-PixelcutCredit', 'Get-PixelcutTryOnJob', 'Save-PixelcutTryOnResult', 'Start-PixelcutTryOnJob', 'Stop-PixelcutTryOnJob', 'Wait-PixelcutTryOnJob')
        $manifest.DotNetFrameworkVersion | Should -Be ([version]'4.7.2')
        foreach ($field in 'Tags', 'LicenseUri', 'ProjectUri', 'ReleaseNotes') { $data.PrivateData.PSData[$field] | Should -Not -BeNullOrEmpty -Because "a gallery shows $field" }
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
        (Get-Module Pixelcut.TryOn).ExportedCmdlets.Keys | Sort-Object | Should -Be ($data.CmdletsToExport | Sort-Object)
    }

    It 'ships no assembly but its own, referencing nothing beyond netstandard and System.Management.Automation' {
        @(Get-ChildItem $modulePath -Recurse -Filter *.dll).Name | Should -Be @('Pixelcut.TryOn.dll')
        $assembly = [System.Reflection.Assembly]::LoadFile((Join-Path $modulePath 'Pixelcut.TryOn.dll'))
        $assembly.GetReferencedAssemblies().Name | Sort-Object | Should -Be @('netstandard', 'System.Management.Automation')
    }

    It 'has help for <Name>: synopsis, description, every parameter and at least four examples' -ForEach $exportedCmdlets {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name \["
        ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 4
        foreach ($example in $examples) {
            $example.code | Should -Match $Name -Because "every example of $Name shows $Name"
            ($example.remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
        $code = $examples.code -join "`n"
        $code | Should -Match 'Import-Csv' -Because 'one example pipes from Import-Csv'
        $code | Should -Match 'PIXELCUT_API_KEY' -Because 'one example is a runbook with the key in the environment'
        $code | Should -Match 'catch|FullyQualifiedErrorId' -Because 'one example acts on an error id'
        (Get-Command $Name).OutputType | ForEach-Object { $help.returnValues.returnValue.type.name | Should -Contain $_.Name }
        # Hidden parameters (DontShow) take pipeline objects and have no help, as Get-Command hides them.
        $shown = @((Get-Command $Name).Parameters.Values | Where-Object {
            $_.Name -notin $commonParameters -and -not ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow })
        } | ForEach-Object Name)
        foreach ($parameter in $shown) {
            $described = $help.parameters.parameter | Where-Object name -EQ $parameter
            ($described.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$parameter needs help"
        }
    }

    It 'lists the position-0 parameter first in the help SYNTAX of every cmdlet that has positional parameters' {
        $expected = [System.Collections.Generic.List[string]]::new()
        $actual = [System.Collections.Generic.List[string]]::new()
        foreach ($cmdlet in (Get-Module Pixelcut.TryOn).ExportedCmdlets.Values | Sort-Object Name) {
            $positional = @($cmdlet.ParameterSets[0].Parameters | Where-Object Position -GE 0 | Sort-Object Position)
            if (-not $positional) { continue }
            $syntaxItem = @((Get-Help $cmdlet.Name).syntax.syntaxItem)[0]
            $expected.Add("$($cmdlet.Name) -$($positional[0].Name)")
            $actual.Add("$($cmdlet.Name) -$(@($syntaxItem.parameter)[0].name)")
        }
        $expected | Should -Contain 'Stop-PixelcutTryOnJob -JobId'
        $actual | Should -Be $expected
    }

    It 'has the about_Pixelcut_TryOn topic' {
        (Get-Help about_Pixelcut_TryOn | Out-String) | Should -Match 'PIXELCUT_API_KEY'
    }

}
