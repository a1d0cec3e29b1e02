/* service_watch.c — services an implementation installs. Nothing in the Restart Manager API
 * installs a service, and a service left behind changes the machine for good, so the runner
 * lists the services before the run and after each case; a new one (other than this run's own
 * fixtures) is reported against the case that was running. It is removed only when the user
 * asks (--remove-leftover-services) and only when its binary lies outside the system folders:
 * the runner never deletes what could be part of the OS. */
#include "service_watch.h"
#include "svc_remove.h"   /* shared with rmfx-svc (fixtures/) */
#include <stdlib.h>
#include <string.h>

static ENUM_SERVICE_STATUS_PROCESSW *enum_services(SC_HANDLE scm, DWORD *count, BYTE **buf)
{
    DWORD size = 64 * 1024, needed = 0, resume = 0;
    *count = 0;
    for (int round = 0; round < 4; round++) {
        *buf = malloc(size);
        if (!*buf) return NULL;
        resume = 0;
        if (EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32 | SERVICE_DRIVER, SERVICE_STATE_ALL, *buf,
                                  size, &needed, count, &resume, NULL))
            return (ENUM_SERVICE_STATUS_PROCESSW *)*buf;
        free(*buf);
        *buf = NULL;
        if (GetLastError() != ERROR_MORE_DATA) return NULL;
        size += needed + 4096;
    }
    return NULL;
}

static int known(const service_set *set, const WCHAR *name)
{
    for (int i = 0; i < set->n; i++) if (!_wcsicmp(set->names[i], name)) return 1;
    return 0;
}

static void add(service_set *set, const WCHAR *name)
{
    WCHAR **grown = realloc(set->names, sizeof(*grown) * (size_t)(set->n + 1));
    if (!grown) return;
    set->names = grown;
    set->names[set->n++] = _wcsdup(name);
}

void services_snapshot(service_set *set)
{
    memset(set, 0, sizeof(*set));
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    BYTE *buf = NULL;
    DWORD count = 0;
    ENUM_SERVICE_STATUS_PROCESSW *s = scm ? enum_services(scm, &count, &buf) : NULL;
    set->valid = s != NULL;
    for (DWORD i = 0; s && i < count; i++) add(set, s[i].lpServiceName);
    free(buf);
    if (scm) CloseServiceHandle(scm);
}

/* The binary of a service, without arguments; "" when unknown. */
static void service_binary(SC_HANDLE scm, const WCHAR *name, WCHAR *out, size_t n)
{
    out[0] = 0;
    SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_QUERY_CONFIG);
    if (!svc) return;
    DWORD needed = 0;
    QueryServiceConfigW(svc, NULL, 0, &needed);
    QUERY_SERVICE_CONFIGW *cfg = needed ? malloc(needed) : NULL;
    if (cfg && QueryServiceConfigW(svc, cfg, needed, &needed) && cfg->lpBinaryPathName) {
        const WCHAR *p = cfg->lpBinaryPathName;
        size_t len;
        if (*p == L'"') { p++; len = wcscspn(p, L"\""); }
        else {
            /* Unquoted: up to ".exe" when there is one, else up to the first space. */
            const WCHAR *exe = NULL;
            for (const WCHAR *q = p; *q && !exe; q++) if (!_wcsnicmp(q, L".exe", 4)) exe = q + 4;
            len = exe ? (size_t)(exe - p) : wcscspn(p, L" ");
        }
        if (len >= n) len = n - 1;
        memcpy(out, p, len * sizeof(WCHAR));
        out[len] = 0;
    }
    free(cfg);
    CloseServiceHandle(svc);
}

static int is_fixture_binary(const WCHAR *binary)
{
    static const WCHAR image[] = L"\\rmfx-svc.exe";
    size_t n = wcslen(binary), m = wcslen(image);
    return n >= m && !_wcsicmp(binary + n - m, image);
}

int service_is_suite_fixture(const WCHAR *name, const WCHAR *binary, const WCHAR *prefix, const WCHAR *scratch_root)
{
    if (!prefix || _wcsnicmp(name, prefix, wcslen(prefix))) return 0;
    if (!binary[0] || is_fixture_binary(binary)) return 1;
    /* A case may point its fixture service at a file in its scratch folder (restart.service_start_fails
     * names an image that does not exist): still the suite's own, while that case runs beside others. */
    size_t n = scratch_root ? wcslen(scratch_root) : 0;
    return n && !_wcsnicmp(binary, scratch_root, n) && binary[n] == L'\\';
}

/* Inside the Windows folder (system32, SysWOW64, ... and drivers): never removed. */
static int in_system_folders(const WCHAR *binary)
{
    WCHAR windows[MAX_PATH];
    UINT n = GetWindowsDirectoryW(windows, MAX_PATH);
    if (!binary[0] || !n || n >= MAX_PATH) return 1;   /* unknown: treat as the system's */
    if (!_wcsnicmp(binary, L"\\SystemRoot\\", 12) || !_wcsnicmp(binary, L"system32\\", 9)) return 1;
    if (!_wcsnicmp(binary, L"\\??\\", 4)) binary += 4;
    return !_wcsnicmp(binary, windows, n) && (binary[n] == L'\\' || !binary[n]);
}

int services_report_new(service_set *known_set, const WCHAR *skip_prefix, const WCHAR *scratch_root, int remove,
                        rmc_buf *message, rmc_buf *obs_json)
{
    if (!known_set->valid) return 0;
    service_set now;
    services_snapshot(&now);
    if (!now.valid) return 0;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
    int found = 0;
    for (int i = 0; i < now.n; i++) {
        const WCHAR *name = now.names[i];
        if (known(known_set, name)) continue;
        add(known_set, name);   /* reported once, against the case that was running */
        WCHAR binary[MAX_PATH];
        if (scm) service_binary(scm, name, binary, MAX_PATH);
        else binary[0] = 0;
        /* The suite's own fixture services — of this run, or of another run sharing the machine
         * (CTest runs several at once): named rmfx-… and running the fixture program, or a file
         * in the suite's scratch folders, or already being deleted by their case's clean-up
         * (their configuration can no longer be read). */
        if (service_is_suite_fixture(name, binary, skip_prefix, scratch_root)) continue;
        const char *fate = "left in place (--remove-leftover-services removes it)";
        int removed = 0;
        if (in_system_folders(binary)) fate = "left in place (its binary is in the system folders)";
        else if (remove) {
            DWORD err = scm ? svc_remove(scm, name, 0xF6) : ERROR_INVALID_HANDLE;
            removed = err == 0;
            fate = removed ? "removed (--remove-leftover-services)" : "could not be removed";
        }
        char *n8 = utf8_from_wide(name), *b8 = utf8_from_wide(binary);
        buf_printf(message, "%s%s (binary %s) %s", found ? "; " : "", n8, b8[0] ? b8 : "unknown", fate);
        buf_puts(obs_json, found ? ", " : "[");
        buf_puts(obs_json, "{\"name\": ");
        buf_json_str(obs_json, n8);
        buf_puts(obs_json, ", \"binary\": ");
        buf_json_str(obs_json, b8);
        buf_printf(obs_json, ", \"removed\": %s}", removed ? "true" : "false");
        free(n8);
        free(b8);
        found++;
    }
    if (found) buf_puts(obs_json, "]");
    if (scm) CloseServiceHandle(scm);
    services_free(&now);
    return found;
}

void services_free(service_set *set)
{
    for (int i = 0; i < set->n; i++) free(set->names[i]);
    free(set->names);
    memset(set, 0, sizeof(*set));
}
