# ci/machine-facts.ps1: the machine facts a reviewer of a baseline needs (product, edition,
# display version, build, UBR, architecture, elevation), as one JSON line with the fields of the
# .machine.json file the bundle's run-native.cmd writes. ci/record-baselines.sh puts it beside
# each native run it names as a baseline.
#
#   pwsh ci/machine-facts.ps1 -Out build/reports/machine.json -Arch x64
param(
    [Parameter(Mandatory = $true)][string]$Out,
    [Parameter(Mandatory = $true)][ValidateSet('x64', 'x86')][string]$Arch
)
$ErrorActionPreference = 'Stop'
$cv = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$principal = New-Object Security.Principal.WindowsPrincipal ([Security.Principal.WindowsIdentity]::GetCurrent())
$machine = [ordered]@{
    record          = 'machine'
    product         = "$($cv.ProductName)"
    edition         = "$($cv.EditionID)"
    display_version = "$($cv.DisplayVersion)"
    build           = [int]$cv.CurrentBuildNumber
    ubr             = "$($cv.UBR)"
    architecture    = "$env:PROCESSOR_ARCHITECTURE"
    elevated        = $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
    bundle_version  = ''
    bundle_arch     = $Arch
    baseline        = ''
}
New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Out) | Out-Null
[IO.File]::WriteAllText($Out, ($machine | ConvertTo-Json -Compress) + "`n")
Write-Output "machine-facts: $Out"
