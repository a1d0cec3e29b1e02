/* impl.c — the implementation under test: rmref.dll loaded by full path, or the platform's
 * rstrtmgr.dll by name (under Wine, Wine's builtin stub), and the few calls the bench times. */
#include "bench.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void impl_name_from(const WCHAR *path, char *out, size_t n)
{
    const WCHAR *base = path;
    for (const WCHAR *c = path; *c; c++) if (*c == L'\\' || *c == L'/' || *c == L':') base = c + 1;
    size_t len = wcslen(base), k = 0;
    if (len > 4 && !_wcsicmp(base + len - 4, L".dll")) len -= 4;
    for (size_t i = 0; i < len && k + 1 < n; i++) {
        WCHAR ch = base[i];
        int ok = (ch >= L'a' && ch <= L'z') || (ch >= L'A' && ch <= L'Z') || (ch >= L'0' && ch <= L'9') ||
                 ch == L'-' || ch == L'_' || ch == L'.';
        out[k++] = ok ? (char)ch : '_';
    }
    if (!k && n > 4) memcpy(out, "dll", 4), k = 3;
    if (n) out[k] = 0;
}

DWORD impl_load(impl *im, const char *name, const WCHAR *dll)
{
    memset(im, 0, sizeof *im);
    im->name = name;
    im->module = LoadLibraryW(dll ? dll : L"rstrtmgr.dll");
    if (!im->module) return GetLastError();
    GetModuleFileNameW(im->module, im->path, MAX_PATH);
    im->start = (rm_start_session_fn)(void *)GetProcAddress(im->module, "RmStartSession");
    im->end = (rm_end_session_fn)(void *)GetProcAddress(im->module, "RmEndSession");
    im->reg = (rm_register_resources_fn)(void *)GetProcAddress(im->module, "RmRegisterResources");
    im->get_list = (rm_get_list_fn)(void *)GetProcAddress(im->module, "RmGetList");
    if (!im->start || !im->end || !im->reg || !im->get_list) return ERROR_PROC_NOT_FOUND;
    return 0;
}

DWORD impl_session_with_files(impl *im, const WCHAR *const *files, size_t m, size_t batch, DWORD *session,
                              double *register_ms, WCHAR key_out[CCH_RM_SESSION_KEY + 1])
{
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    *session = 0;
    DWORD err = im->start(session, 0, key);
    if (err) return err;
    if (!batch) batch = m ? m : 1;
    double t0 = bench_now_ms();
    for (size_t at = 0; at < m && !err; at += batch) {
        UINT n = (UINT)(m - at < batch ? m - at : batch);
        err = im->reg(*session, n, (LPCWSTR *)(files + at), 0, NULL, 0, NULL);
    }
    if (register_ms) *register_ms = bench_now_ms() - t0;
    if (key_out) memcpy(key_out, key, sizeof key);
    if (err) {
        im->end(*session);
        *session = 0;
    }
    return err;
}

DWORD impl_get_list(impl *im, DWORD session, RM_PROCESS_INFO *buf, UINT cap, UINT *count, double *ms)
{
    UINT needed = 0;
    DWORD reasons = 0;
    *count = cap;
    double t0 = bench_now_ms();
    DWORD err = im->get_list(session, &needed, count, buf, &reasons);
    *ms = bench_now_ms() - t0;
    if (err) *count = needed;
    return err;
}
