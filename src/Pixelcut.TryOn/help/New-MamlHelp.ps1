<#
.SYNOPSIS
    Writes the module's MAML help from Pixelcut.TryOn.help.psd1 and the built cmdlets' own metadata.
.DESCRIPTION
    Runs in its own pwsh so the imported module assembly is not held by the build. Fails when an
    exported cmdlet or one of its parameters has no text, so help cannot fall behind the code.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Destination
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module $ModulePath -PassThru
$text = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'Pixelcut.TryOn.help.psd1')
$common = [System.Management.Automation.PSCmdlet]::CommonParameters

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path $Destination)
$writer = [System.Xml.XmlWriter]::Create($Destination, $settings)

function Write-Paragraphs([string[]] $Paragraphs) {
    foreach ($paragraph in $Paragraphs) { $writer.WriteElementString('para', $maml, $paragraph) }
}

function Write-Description([string[]] $Paragraphs) {
    $writer.WriteStartElement('description', $maml)
    Write-Paragraphs $Paragraphs
    $writer.WriteEndElement()
}

function Write-TypeName([string] $Name) {
    $writer.WriteStartElement('type', $dev)
    $writer.WriteElementString('name', $maml, $Name)
    $writer.WriteEndElement()
}

function Get-ParameterText([string] $CommandName, [string] $ParameterName) {
    $own = $text.Commands[$CommandName].Parameters
    if ($own.ContainsKey($ParameterName)) { return $own[$ParameterName] }
    if ($text.Parameters.ContainsKey($ParameterName)) { return $text.Parameters[$ParameterName] }
    throw "$CommandName -$ParameterName has no help text in Pixelcut.TryOn.help.psd1."
}

function Write-Parameter([string] $CommandName, [System.Management.Automation.CommandParameterInfo] $Parameter) {
    $pipeline = @(
        if ($Parameter.ValueFromPipeline) { 'ByValue' }
        if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
    )
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $writer.WriteStartElement('parameter', $command)
    $writer.WriteAttributeString('required', $Parameter.IsMandatory.ToString().ToLowerInvariant())
    $writer.WriteAttributeString('globbing', 'false')
    $writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $writer.WriteAttributeString('position', $(if ($Parameter.Position -ge 0) { [string]$Parameter.Position } else { 'named' }))
    $writer.WriteAttributeString('aliases', $aliases)
    $writer.WriteElementString('name', $maml, $Parameter.Name)
    Write-Description (Get-ParameterText $CommandName $Parameter.Name)
    $typeName = $Parameter.ParameterType.Name
    if ($Parameter.ParameterType -ne [switch]) {
        $writer.WriteStartElement('parameterValue', $command)
        $writer.WriteAttributeString('required', 'true')
        $writer.WriteString($typeName)
        $writer.WriteEndElement()
    }
    Write-TypeName $typeName
    $writer.WriteEndElement()
}

# Hidden parameters (DontShow) are plumbing for the pipeline, not for users: they get no help, as Get-Command hides them.
function Test-Shown([System.Management.Automation.CommandParameterInfo] $Parameter) {
    $Parameter.Name -notin $common -and -not ($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow })
}

# SYNTAX and PARAMETERS list positional parameters first, by position, then the other mandatory ones, then the rest
# in the order the cmdlet declares them; Get-Help adds [<CommonParameters>] after them. Across parameter sets (PARAMETERS)
# a parameter counts as positional by its lowest position in any set, and as mandatory when any set requires it.
function Get-HelpOrder([System.Management.Automation.CommandParameterInfo[]] $Parameters) {
    $names = [System.Collections.Generic.List[string]]::new()
    $first = @{}
    foreach ($parameter in $Parameters) {
        if ($first.ContainsKey($parameter.Name)) { continue }
        $first[$parameter.Name] = $parameter
        $names.Add($parameter.Name)
    }
    $keyed = @(for ($index = 0; $index -lt $names.Count; $index++) {
        $same = @($Parameters | Where-Object Name -EQ $names[$index])
        $positions = @($same | Where-Object Position -GE 0 | ForEach-Object Position)
        $group = if ($positions.Count) { 0 } elseif ($same | Where-Object IsMandatory) { 1 } else { 2 }
        [pscustomobject]@{
            Parameter = $first[$names[$index]]
            Group = $group
            Position = if ($positions.Count) { ($positions | Measure-Object -Minimum).Minimum } else { 0 }
            Index = $index
        }
    })
    @($keyed | Sort-Object Group, Position, Index | ForEach-Object Parameter)
}

function Write-TypedList([string] $ListName, [string] $ItemName, [object[]] $Items) {
    $writer.WriteStartElement($ListName, $command)
    foreach ($item in $Items) {
        $writer.WriteStartElement($ItemName, $command)
        Write-TypeName $item.Type
        Write-Description $item.Description
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
}

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
$writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
$writer.WriteAttributeString('xmlns', 'command', $null, $command)
$writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

foreach ($cmdlet in $module.ExportedCmdlets.Values | Sort-Object Name) {
    $name = $cmdlet.Name
    if (-not $text.Commands.ContainsKey($name)) { throw "$name has no help text in Pixelcut.TryOn.help.psd1." }
    $help = $text.Commands[$name]

    $writer.WriteStartElement('command', $command)
    $writer.WriteStartElement('details', $command)
    $writer.WriteElementString('name', $command, $name)
    $writer.WriteElementString('verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('noun', $command, $cmdlet.Noun)
    Write-Description $help.Synopsis
    $writer.WriteEndElement()
    Write-Description $help.Description

    $writer.WriteStartElement('syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('syntaxItem', $command)
        $writer.WriteElementString('name', $maml, $name)
        foreach ($parameter in Get-HelpOrder @($set.Parameters | Where-Object { Test-Shown $_ })) { Write-Parameter $name $parameter }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('parameters', $command)
    # Each parameter once, described as the first parameter set that has it declares it.
    foreach ($parameter in Get-HelpOrder @($cmdlet.ParameterSets.Parameters | Where-Object { Test-Shown $_ })) { Write-Parameter $name $parameter }
    $writer.WriteEndElement()

    Write-TypedList 'inputTypes' 'inputType' $help.Inputs
    Write-TypedList 'returnValues' 'returnValue' $help.Outputs

    $writer.WriteStartElement('alertSet', $maml)
    $writer.WriteStartElement('alert', $maml)
    Write-Paragraphs $help.Notes
    $writer.WriteEndElement()
    $writer.WriteEndElement()

    $writer.WriteStartElement('examples', $command)
    $number = 0
    foreach ($example in $help.Examples) {
        $number++
        $writer.WriteStartElement('example', $command)
        $writer.WriteElementString('title', $maml, "-------------------------- Example ${number}: $($example.Title) --------------------------")
        $writer.WriteElementString('code', $dev, $example.Code.Trim())
        $writer.WriteStartElement('remarks', $dev)
        Write-Paragraphs $example.Remarks
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('relatedLinks', $command)
    foreach ($related in @('about_Pixelcut_TryOn') + @($module.ExportedCmdlets.Keys | Where-Object { $_ -ne $name } | Sort-Object)) {
        $writer.WriteStartElement('navigationLink', $maml)
        $writer.WriteElementString('linkText', $maml, $related)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()
