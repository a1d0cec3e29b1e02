; nsis_installer.nsi — an NSIS installer that closes the application using its files before it
; replaces them, the way NSIS scripts drive the Restart Manager: through the System plug-in's
; System::Call into rstrtmgr (spec §13.1, §21). A foreign calling layer: NSIS marshals the
; arguments, its 'w' out-parameter is a 1024-character buffer, and the sizing call alone decides
; whether the application is running (234) or not (0).
;
;   rm-installer.exe /S /FILE=<path> /REPORT=<path>
;
; Starts a session, registers FILE, asks RmGetList for the size (count 0, NULL array), and when
; 234 says the application is running, shuts it down (RmShutdown, no flags) and ends the session.
; Writes {"dll","start","key","register","sizing","needed","running","shutdown","end"} to REPORT.
; Built by clients/CMakeLists.txt with makensis (Debian's nsis package) for the build's target.

Unicode true
Target ${RMC_NSIS_TARGET}
Name "rmconform NSIS client"
OutFile "${RMC_NSIS_OUT}"
RequestExecutionLevel user
SilentInstall silent
!include FileFunc.nsh
!include LogicLib.nsh
!include WordFunc.nsh

!define ERROR_MORE_DATA 234

Section
  ${GetParameters} $R0
  ${GetOptions} $R0 "/FILE=" $R1
  ${GetOptions} $R0 "/REPORT=" $R2

  ; An installer that carries its own rstrtmgr.dll loads it by path first (NSIS itself only
  ; searches System32); System::Call "rstrtmgr::..." then finds the loaded module by name.
  ${If} ${FileExists} "$EXEDIR\rstrtmgr.dll"
    System::Call 'kernel32::LoadLibraryW(w "$EXEDIR\rstrtmgr.dll") p.r9'
  ${EndIf}

  System::Call 'rstrtmgr::RmStartSession(*i 0 .r3, i 0, w .r4) i.r5'
  System::Call 'kernel32::GetModuleHandleW(w "rstrtmgr.dll") p.r8'
  System::Call 'kernel32::GetModuleFileNameW(p r8, w .r7, i ${NSIS_MAX_STRLEN})'
  ${WordReplace} $7 "\" "\\" "+" $7
  FileOpen $6 $R2 w
  FileWrite $6 '{"dll":"$7","start":$5,"key":"$4"'
  ${If} $5 != 0
    FileWrite $6 '}$\n'
    FileClose $6
    Abort
  ${EndIf}

  System::Call '*(w "$R1") p.r1'   ; LPCWSTR[1]
  System::Call 'rstrtmgr::RmRegisterResources(i r3, i 1, p r1, i 0, p 0, i 0, p 0) i.r5'
  System::Free $1
  FileWrite $6 ',"register":$5'

  StrCpy $0 0  ; reasons
  StrCpy $1 0  ; needed
  StrCpy $2 0  ; count: 0 with a NULL array, the sizing call
  System::Call 'rstrtmgr::RmGetList(i r3, *i r1r1, *i r2r2, p 0, *i r0r0) i.r5'
  FileWrite $6 ',"sizing":$5,"needed":$1'
  ${If} $5 = ${ERROR_MORE_DATA}
    FileWrite $6 ',"running":true'
    System::Call 'rstrtmgr::RmShutdown(i r3, i 0, p 0) i.r5'
    FileWrite $6 ',"shutdown":$5'
  ${ElseIf} $5 = 0
    FileWrite $6 ',"running":false'
  ${Else}
    FileWrite $6 ',"running":null'
  ${EndIf}

  System::Call 'rstrtmgr::RmEndSession(i r3) i.r5'
  FileWrite $6 ',"end":$5}$\n'
  FileClose $6
SectionEnd
