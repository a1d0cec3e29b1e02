@echo off
rem run-native.cmd: the Restart Manager conformance suite on this Windows machine, against its own
rem rstrtmgr.dll (rmconform --system) and against the bundled reference implementation rmref.dll.
rem Writes a folder ready to contribute (see README.txt): both runs, report.html (no Python, no
rem network: viewer.html with the results appended), and the native run named as a baselines/
rem file, <os>-<build>-<arch>.json, with the machine's facts beside it (.machine.json).
rem
rem   run-native.cmd [RUNNER-ARGS...]     e.g. run-native.cmd --case "session.*" --case "getlist.*"
rem
rem Environment: RMC_OUT  the output folder (default: "contribute" beside this file; emptied first).
rem Exit code: 0 when both runs completed, 2 when one did not.
setlocal EnableExtensions EnableDelayedExpansion
set "HERE=%~dp0"
set "RMC_BUNDLE_VERSION=?"
set "RMC_BUNDLE_ARCH=?"
if exist "%HERE%bundle.cmd" call "%HERE%bundle.cmd"
if not defined RMC_OUT set "RMC_OUT=%HERE%contribute"
if not exist "%HERE%rmconform.exe" (
    echo run-native: rmconform.exe is not beside this script; unzip the whole bundle first. 1>&2
    exit /b 2
)
if exist "%RMC_OUT%" rd /s /q "%RMC_OUT%"
mkdir "%RMC_OUT%"
if not exist "%RMC_OUT%\" (
    echo run-native: cannot create %RMC_OUT% 1>&2
    exit /b 2
)

rem ---- the machine: what a reviewer of a baseline needs to know -------------------------------
set "KEY=HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
set "PRODUCT=" & set "EDITION=" & set "DISPVER=" & set "BUILD=" & set "UBR="
call :regval ProductName PRODUCT
call :regval EditionID EDITION
call :regval DisplayVersion DISPVER
if not defined DISPVER call :regval ReleaseId DISPVER
call :regval CurrentBuildNumber BUILD
if not defined BUILD call :regval CurrentBuild BUILD
call :regval UBR UBR
if defined UBR set /a UBR=%UBR%
if not defined BUILD set "BUILD=0"
set "MARCH=%PROCESSOR_ARCHITECTURE%"
if defined PROCESSOR_ARCHITEW6432 set "MARCH=%PROCESSOR_ARCHITEW6432%"
set "ELEVATED=false"
net session >nul 2>&1 && set "ELEVATED=true"
rem The profile the runner detects from the same build number (vista win7 win8 win10 win11).
set "OSNAME=vista"
if %BUILD% GEQ 7600 set "OSNAME=win7"
if %BUILD% GEQ 9200 set "OSNAME=win8"
if %BUILD% GEQ 10240 set "OSNAME=win10"
if %BUILD% GEQ 22000 set "OSNAME=win11"
set "BASENAME=%OSNAME%-%BUILD%-%RMC_BUNDLE_ARCH%"

echo rmconform %RMC_BUNDLE_VERSION% (%RMC_BUNDLE_ARCH%) on !PRODUCT! !EDITION! !DISPVER!, build %BUILD%.!UBR!, %MARCH%, elevated: %ELEVATED%
if "%ELEVATED%"=="false" echo   (not elevated: cases that need an administrator will be "unsupported"; run from an elevated prompt for a full baseline)
echo results: %RMC_OUT%
echo.

rem ---- the two runs --------------------------------------------------------------------------
echo [1/2] the suite against this machine's rstrtmgr.dll
"%HERE%rmconform.exe" --system --out "%RMC_OUT%\native" %*
set "RC_NATIVE=!errorlevel!"
echo.
echo [2/2] the suite against the reference implementation rmref.dll
"%HERE%rmconform.exe" --dll "%HERE%rmref.dll" --out "%RMC_OUT%\rmref" %*
set "RC_RMREF=!errorlevel!"
echo.

rem ---- the contribution: baseline file, machine facts, report --------------------------------
set "MACHINE=%RMC_OUT%\%BASENAME%.machine.json"
> "%MACHINE%" echo {"record": "machine", "product": "!PRODUCT!", "edition": "!EDITION!", "display_version": "!DISPVER!", "build": %BUILD%, "ubr": "!UBR!", "architecture": "%MARCH%", "elevated": %ELEVATED%, "bundle_version": "%RMC_BUNDLE_VERSION%", "bundle_arch": "%RMC_BUNDLE_ARCH%", "baseline": "%BASENAME%.json"}
set "COMPLETE=1"
if exist "%RMC_OUT%\native\results.json" (
    copy /y "%RMC_OUT%\native\results.json" "%RMC_OUT%\%BASENAME%.json" >nul
) else (
    set "COMPLETE=0"
    echo run-native: the native run did not complete ^(runner exit code %RC_NATIVE%^); no baseline file was written 1>&2
)
if not exist "%RMC_OUT%\rmref\results.json" (
    set "COMPLETE=0"
    echo run-native: the rmref.dll run did not complete ^(runner exit code %RC_RMREF%^) 1>&2
)
set PARTS="%HERE%viewer.html" + "%MACHINE%"
if exist "%RMC_OUT%\native\results.jsonl" set PARTS=!PARTS! + "%RMC_OUT%\native\results.jsonl"
if exist "%RMC_OUT%\rmref\results.jsonl" set PARTS=!PARTS! + "%RMC_OUT%\rmref\results.jsonl"
copy /y /b !PARTS! "%RMC_OUT%\report.html" >nul

echo ==== summary ====
call :runline native "%RC_NATIVE%"
call :runline rmref "%RC_RMREF%"
echo report:   %RMC_OUT%\report.html  (open it in a browser: one cell per case and run)
if exist "%RMC_OUT%\%BASENAME%.json" echo baseline: %RMC_OUT%\%BASENAME%.json and %BASENAME%.machine.json
echo To contribute: send the whole folder %RMC_OUT% (zip it), as README.txt says.
if "%COMPLETE%"=="1" exit /b 0
exit /b 2

rem :regval NAME VAR: VAR = the value NAME under %KEY% (empty when absent).
:regval
for /f "tokens=1,2,*" %%a in ('reg query "%KEY%" /v %1 2^>nul') do if /i "%%a"=="%1" set "%2=%%c"
exit /b 0

rem :runline NAME RC: one line of the summary for the run in %RMC_OUT%\NAME.
:runline
if exist "%RMC_OUT%\%1\results.json" (
    echo %1:   complete, runner exit code %~2 ^(0: every case passed, 1: some did not^)
) else (
    echo %1:   INCOMPLETE, runner exit code %~2
)
exit /b 0
