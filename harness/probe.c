/* probe.c — what the platform offers (probed at start so an `unsupported` verdict can be traced
 * to its cause), the OS version, and checks on the DLL file before anything loads it. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <bcrypt.h>
#include <winternl.h>

const char *const rmc_cap_names[RMC_CAP_COUNT_] = {
    "windows", "services", "restart_registration", "handle_enumeration", "admin", "unelevated"};

/* ---- OS version ------------------------------------------------------------------------------ */
void os_detect(rmc_osinfo *os)
{
    memset(os, 0, sizeof(*os));
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    LONG (WINAPI *get_version)(RTL_OSVERSIONINFOW *) = (void *)GetProcAddress(ntdll, "RtlGetVersion");
    RTL_OSVERSIONINFOW v = {sizeof(v)};
    if (get_version && get_version(&v) == 0) {
        os->major = v.dwMajorVersion;
        os->minor = v.dwMinorVersion;
        os->build = v.dwBuildNumber;
    }
    if (os->major < 6 || (os->major == 6 && os->minor == 0)) os->detected = RMC_PROFILE_VISTA;
    else if (os->major == 6 && os->minor == 1) os->detected = RMC_PROFILE_WIN7;
    else if (os->major == 6) os->detected = RMC_PROFILE_WIN8;
    else if (os->build >= 22000) os->detected = RMC_PROFILE_WIN11;
    else os->detected = RMC_PROFILE_WIN10;
    /* Reported, never used to choose expectations. */
    const char *(CDECL *wine_version)(void) = (void *)GetProcAddress(ntdll, "wine_get_version");
    if (wine_version) snprintf(os->wine, sizeof os->wine, "%s", wine_version());
}

/* ---- platform capabilities ----------------------------------------------------------------- */
static void cap(rmc_buf *j, int *first, const char *name, int ok, const char *detail)
{
    buf_printf(j, "%s\"%s\": {\"available\": %s, \"detail\": ", *first ? "" : ", ", name, ok ? "true" : "false");
    buf_json_str(j, detail);
    buf_puts(j, "}");
    *first = 0;
}

static int probe_windows(char *d, size_t n)
{
    WNDCLASSW wc = {0};
    wc.lpfnWndProc = DefWindowProcW;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"rmconform-probe";
    RegisterClassW(&wc);
    HWND w = CreateWindowExW(0, wc.lpszClassName, L"rmconform probe", WS_OVERLAPPEDWINDOW, 0, 0, 100, 100,
                             NULL, NULL, wc.hInstance, NULL);
    if (!w) { snprintf(d, n, "CreateWindowEx failed: error %lu", GetLastError()); return 0; }
    DWORD_PTR answer = 0;
    LRESULT sent = SendMessageTimeoutW(w, WM_QUERYENDSESSION, 0, ENDSESSION_CLOSEAPP, SMTO_ABORTIFHUNG, 2000, &answer);
    DestroyWindow(w);
    if (!sent) { snprintf(d, n, "a top-level window was created but did not answer WM_QUERYENDSESSION"); return 0; }
    snprintf(d, n, "top-level windows are created and answer messages");
    return 1;
}

static int probe_services(char *d, size_t n)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE | SC_MANAGER_ENUMERATE_SERVICE);
    if (!scm) { snprintf(d, n, "OpenSCManager(create service) failed: error %lu", GetLastError()); return 0; }
    CloseServiceHandle(scm);
    snprintf(d, n, "the service control manager allows creating services");
    return 1;
}

static int probe_restart_read(char *d, size_t n)
{
    HRESULT (WINAPI *reg)(PCWSTR, DWORD) =
        (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "RegisterApplicationRestart");
    HRESULT (WINAPI *get)(HANDLE, PWSTR, PDWORD, PDWORD) =
        (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "GetApplicationRestartSettings");
    HRESULT (WINAPI *unreg)(void) =
        (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "UnregisterApplicationRestart");
    if (!reg || !get) { snprintf(d, n, "RegisterApplicationRestart/GetApplicationRestartSettings not exported"); return 0; }
    HRESULT hr = reg(L"--rmconform-probe", 0);
    if (FAILED(hr)) { snprintf(d, n, "RegisterApplicationRestart returned 0x%08lX", (unsigned long)hr); return 0; }
    WCHAR cmd[64] = {0};
    DWORD size = 64, flags = 0;
    hr = get(GetCurrentProcess(), cmd, &size, &flags);
    if (unreg) unreg();
    if (FAILED(hr)) {
        snprintf(d, n, "GetApplicationRestartSettings returned 0x%08lX%s", (unsigned long)hr,
                 hr == (HRESULT)0x80004001L ? " (E_NOTIMPL)" : "");
        return 0;
    }
    if (wcscmp(cmd, L"--rmconform-probe")) { snprintf(d, n, "GetApplicationRestartSettings did not return the registered command line"); return 0; }
    snprintf(d, n, "a registration made with RegisterApplicationRestart reads back");
    return 1;
}

/* SYSTEM_HANDLE_INFORMATION_EX (class 64) entry layout. */
typedef struct {
    PVOID object;
    ULONG_PTR pid;
    ULONG_PTR handle;
    ULONG access;
    USHORT creator_back_trace_index;
    USHORT object_type_index;
    ULONG attributes;
    ULONG reserved;
} handle_entry_ex;

static int probe_handle_enum(char *d, size_t n)
{
    NTSTATUS (WINAPI *query)(ULONG, PVOID, ULONG, PULONG) =
        (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    if (!query) { snprintf(d, n, "NtQuerySystemInformation not exported"); return 0; }
    WCHAR tmp[MAX_PATH], file[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    GetTempFileNameW(tmp, L"rmc", 0, file);
    HANDLE h = CreateFileW(file, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE) { snprintf(d, n, "could not open a temporary file"); return 0; }
    ULONG size = 1 << 20;
    BYTE *buf = NULL;
    NTSTATUS st;
    for (;;) {
        free(buf);
        buf = malloc(size);
        ULONG got = 0;
        st = query(64, buf, size, &got);
        if (st != (NTSTATUS)0xC0000004L || size > (256u << 20)) break;   /* STATUS_INFO_LENGTH_MISMATCH */
        size = got > size ? got + 65536 : size * 2;
    }
    int found = 0;
    ULONG_PTR count = 0;
    if (st == 0) {
        count = *(ULONG_PTR *)buf;
        handle_entry_ex *e = (handle_entry_ex *)(buf + 2 * sizeof(ULONG_PTR));
        for (ULONG_PTR i = 0; i < count; i++)
            if (e[i].pid == GetCurrentProcessId() && e[i].handle == (ULONG_PTR)h) { found = 1; break; }
    }
    free(buf);
    CloseHandle(h);
    if (st != 0) { snprintf(d, n, "NtQuerySystemInformation(SystemExtendedHandleInformation) returned 0x%08lX", (unsigned long)st); return 0; }
    if (!found) { snprintf(d, n, "%lu handles listed, but not a file handle this process holds", (unsigned long)count); return 0; }
    snprintf(d, n, "system handle enumeration lists this process's file handles (%lu handles)", (unsigned long)count);
    return 1;
}

static int probe_admin(char *d, size_t n)
{
    HANDLE token;
    TOKEN_ELEVATION e = {0};
    DWORD got = 0;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        GetTokenInformation(token, TokenElevation, &e, sizeof e, &got);
        CloseHandle(token);
    }
    snprintf(d, n, e.TokenIsElevated ? "the runner's token is elevated" : "the runner's token is not elevated");
    return e.TokenIsElevated != 0;
}

static int probe_unelevated(char *d, size_t n)
{
    int elevated = probe_admin(d, n);
    if (elevated)
        snprintf(d, n, "the runner's token is elevated, so are the fixtures it starts, and RmRestart never restarts "
                       "elevated applications (§8.7): run the suite unelevated to check application restarts");
    return !elevated;
}

unsigned platform_probe(rmc_buf *j, char (*details)[256])
{
    int (*const probes[RMC_CAP_COUNT_])(char *, size_t) = {
        probe_windows, probe_services, probe_restart_read, probe_handle_enum, probe_admin,
        probe_unelevated};
    unsigned caps = 0;
    int first = 1;
    buf_puts(j, "{");
    for (int i = 0; i < RMC_CAP_COUNT_; i++) {
        char detail[256] = "";
        int ok = probes[i](detail, sizeof detail);
        if (ok) caps |= 1u << i;
        if (details) snprintf(details[i], 256, "%s", detail);
        cap(j, &first, rmc_cap_names[i], ok, detail);
    }
    buf_puts(j, "}");
    return caps;
}

/* ---- the DLL file --------------------------------------------------------------------------- */
int dll_check_file(const WCHAR *path, char *why, size_t n)
{
    char *p8 = utf8_from_wide(path);
    DWORD attrs = GetFileAttributesW(path);
    if (attrs == INVALID_FILE_ATTRIBUTES) { snprintf(why, n, "no such file: %s", p8); free(p8); return 0; }
    if (attrs & FILE_ATTRIBUTE_DIRECTORY) { snprintf(why, n, "%s is a folder, not a DLL", p8); free(p8); return 0; }
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) { snprintf(why, n, "cannot read %s: error %lu", p8, GetLastError()); free(p8); return 0; }
    BYTE hdr[4096];
    DWORD got = 0;
    ReadFile(h, hdr, sizeof hdr, &got, NULL);
    CloseHandle(h);
    int ok = 0;
    DWORD lfanew = got >= 64 ? *(DWORD *)(hdr + 0x3c) : 0;
    if (got < 64 || hdr[0] != 'M' || hdr[1] != 'Z')
        snprintf(why, n, "%s is not a PE file (no MZ header)", p8);
    /* Compared without adding to lfanew: a crafted value must not wrap past the check. */
    else if (lfanew > got - 24)
        snprintf(why, n, "%s is not a PE file (its PE header offset 0x%lx lies outside the first %lu bytes)", p8,
                 (unsigned long)lfanew, (unsigned long)got);
    else if (memcmp(hdr + lfanew, "PE\0\0", 4))
        snprintf(why, n, "%s is not a PE file (no PE signature)", p8);
    else {
        WORD machine = *(WORD *)(hdr + lfanew + 4);
        WORD characteristics = *(WORD *)(hdr + lfanew + 22);
        const char *arch = machine == 0x8664 ? "64-bit (x64)" : machine == 0x14c ? "32-bit (x86)"
                         : machine == 0xAA64 ? "ARM64" : "foreign-architecture";
        if (!(characteristics & 0x2000))
            snprintf(why, n, "%s is a program, not a DLL", p8);
        else if (machine != RMC_MACHINE)
            snprintf(why, n, "%s is a %s DLL; this rmconform.exe is %s: use the %s build of rmconform",
                     p8, arch, RMC_MACHINE == 0x8664 ? "64-bit (x64)" : "32-bit (x86)",
                     machine == 0x14c ? "x86" : machine == 0x8664 ? "x64" : "matching");
        else ok = 1;
    }
    free(p8);
    return ok;
}

int file_sha256(const WCHAR *path, char hex[65])
{
    hex[0] = 0;
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    if (BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0) != 0) return 0;
    int ok = 0;
    if (BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0) == 0) {
        HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            static BYTE chunk[65536];
            DWORD got;
            while (ReadFile(h, chunk, sizeof chunk, &got, NULL) && got) BCryptHashData(hash, chunk, got, 0);
            CloseHandle(h);
            BYTE digest[32];
            if (BCryptFinishHash(hash, digest, 32, 0) == 0) {
                for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
                ok = 1;
            }
        }
        BCryptDestroyHash(hash);
    }
    BCryptCloseAlgorithmProvider(alg, 0);
    return ok;
}

int file_version(const WCHAR *path, char *out, size_t n)
{
    DWORD ignored, size = GetFileVersionInfoSizeW(path, &ignored);
    if (!size) return 0;
    void *data = malloc(size);
    VS_FIXEDFILEINFO *ffi = NULL;
    UINT len = 0;
    int ok = data && GetFileVersionInfoW(path, 0, size, data) && VerQueryValueW(data, L"\\", (void **)&ffi, &len) && ffi;
    if (ok)
        snprintf(out, n, "%lu.%lu.%lu.%lu", (unsigned long)HIWORD(ffi->dwFileVersionMS), (unsigned long)LOWORD(ffi->dwFileVersionMS),
                 (unsigned long)HIWORD(ffi->dwFileVersionLS), (unsigned long)LOWORD(ffi->dwFileVersionLS));
    free(data);
    return ok;
}
