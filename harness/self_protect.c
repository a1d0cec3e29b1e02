/* self_protect.c — keeps a case process from reaching the runner. Any code in an implementation
 * can open its parent (the runner, same user) for PROCESS_TERMINATE and end it with exit code 0:
 * a CI job would then see a green run. At start the runner replaces the DACL of its own process
 * and threads with one that grants everyone — the owner included, through the OWNER RIGHTS SID,
 * which takes away the owner's implicit WRITE_DAC — only query, read and synchronize rights: no
 * terminate, suspend/resume, memory write or operation, thread creation, handle duplication,
 * set-information or DACL change. The runner itself uses GetCurrentProcess(), which keeps full
 * access. A process holding SeDebugPrivilege bypasses any DACL; what Wine enforces is measured in
 * docs/wine-notes.md. */
#include "internal.h"
#include <aclapi.h>
#include <sddl.h>
#include <tlhelp32.h>

/* PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ | READ_CONTROL | SYNCHRONIZE */
#define PROCESS_RIGHTS_GRANTED 0x00121410u
/* THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION | READ_CONTROL | SYNCHRONIZE */
#define THREAD_RIGHTS_GRANTED 0x00120840u

static PACL make_dacl(DWORD rights, PSECURITY_DESCRIPTOR *sd)
{
    WCHAR sddl[96];
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    /* P: protected (nothing inherited). WD: Everyone. OW: OWNER RIGHTS. */
    _snwprintf(sddl, 96, L"D:P(A;;0x%08lx;;;WD)(A;;0x%08lx;;;OW)", (unsigned long)rights, (unsigned long)rights);
    sddl[95] = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, sd, NULL)) return NULL;
    if (!GetSecurityDescriptorDacl(*sd, &present, &dacl, &defaulted) || !present) return NULL;
    return dacl;
}

int runner_protect_self(void)
{
    PSECURITY_DESCRIPTOR psd = NULL, tsd = NULL;
    PACL pdacl = make_dacl(PROCESS_RIGHTS_GRANTED, &psd), tdacl = make_dacl(THREAD_RIGHTS_GRANTED, &tsd);
    int ok = 0;
    if (pdacl && SetSecurityInfo(GetCurrentProcess(), SE_KERNEL_OBJECT,
                                 DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL, pdacl,
                                 NULL) == ERROR_SUCCESS)
        ok = 1;
    HANDLE snap = tdacl ? CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0) : INVALID_HANDLE_VALUE;
    THREADENTRY32 te = {sizeof(te)};
    if (snap != INVALID_HANDLE_VALUE && Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID != GetCurrentProcessId()) continue;
            HANDLE t = OpenThread(WRITE_DAC, FALSE, te.th32ThreadID);
            if (!t) continue;
            SetSecurityInfo(t, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, NULL,
                            NULL, tdacl, NULL);
            CloseHandle(t);
        } while (Thread32Next(snap, &te));
    }
    if (snap != INVALID_HANDLE_VALUE) CloseHandle(snap);
    if (psd) LocalFree(psd);
    if (tsd) LocalFree(tsd);
    return ok;
}
