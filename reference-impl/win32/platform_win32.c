/* platform_win32.c — identity, OS version, randomness, time, the local lock, paths and the
 * shutdown timeouts; and the rmref_platform instance tying the Win32 layer together. */
#include "win32_internal.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#ifndef SPI_GETHUNGAPPTIMEOUT
#define SPI_GETHUNGAPPTIMEOUT 0x0078
#endif
#ifndef SPI_GETWAITTOKILLSERVICETIMEOUT
#define SPI_GETWAITTOKILLSERVICETIMEOUT 0x007C
#endif
#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
#define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

/* Documented defaults (RM_SHUTDOWN_TYPE): applications 30 s, services 20 s. */
#define RMWIN_DEFAULT_APP_TIMEOUT 30000
#define RMWIN_DEFAULT_SVC_TIMEOUT 20000

static SRWLOCK g_local_lock = SRWLOCK_INIT;

HMODULE rmwin_module(void)
{
    HMODULE m = NULL;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCWSTR)(void *)rmwin_module, &m);
    return m;
}

static void w_self(void *ctx, RM_UNIQUE_PROCESS *me, DWORD *ts)
{
    FILETIME create, exit_, kernel, user;
    me->dwProcessId = GetCurrentProcessId();
    memset(&me->ProcessStartTime, 0, sizeof me->ProcessStartTime);
    if (GetProcessTimes(GetCurrentProcess(), &create, &exit_, &kernel, &user)) me->ProcessStartTime = create;
    if (!ProcessIdToSessionId(me->dwProcessId, ts)) *ts = (DWORD)RM_INVALID_TS_SESSION;
}

/* RtlGetVersion: the only call that reports 10.0 to an unmanifested DLL (design.md). */
static void w_os_version(void *ctx, DWORD *major, DWORD *minor)
{
    static volatile LONG cached_major = -1, cached_minor;
    if (cached_major < 0) {
        typedef LONG (WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);
        OSVERSIONINFOW vi = { sizeof vi };
        rtl_get_version_fn fn = (rtl_get_version_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
        if (fn && fn(&vi) == 0) { cached_minor = (LONG)vi.dwMinorVersion; cached_major = (LONG)vi.dwMajorVersion; }
        else { cached_minor = 1; cached_major = 6; }
    }
    *major = (DWORD)cached_major;
    *minor = (DWORD)cached_minor;
}

/* RtlGenRandom (advapi32!SystemFunction036, the CRT's rand_s source; advapi32 is loaded for
 * the registry anyway), else BCryptGenRandom with the system-preferred RNG (Windows 7+), loaded
 * only then: under Wine bcrypt drags in GnuTLS. */
static DWORD w_random_bytes(void *ctx, unsigned char *buf, unsigned n)
{
    typedef BOOLEAN (WINAPI *rtl_gen_random_fn)(void *, ULONG);
    typedef LONG (WINAPI *bcrypt_gen_random_fn)(void *, PUCHAR, ULONG, ULONG);
    HMODULE advapi = GetModuleHandleW(L"advapi32.dll");
    rtl_gen_random_fn rtl = advapi ? (rtl_gen_random_fn)(void *)GetProcAddress(advapi, "SystemFunction036") : NULL;
    if (rtl && rtl(buf, n)) return 0;
    HMODULE bcrypt = LoadLibraryW(L"bcrypt.dll");
    bcrypt_gen_random_fn gen = bcrypt ? (bcrypt_gen_random_fn)(void *)GetProcAddress(bcrypt, "BCryptGenRandom") : NULL;
    DWORD err = gen && gen(NULL, buf, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0 ? 0 : ERROR_WRITE_FAULT;
    if (bcrypt) FreeLibrary(bcrypt);
    return err;
}

static ULONGLONG w_now_ms(void *ctx) { return GetTickCount64(); }
static void w_sleep_ms(void *ctx, DWORD ms) { Sleep(ms); }
static void w_local_lock(void *ctx) { AcquireSRWLockExclusive(&g_local_lock); }
static void w_local_unlock(void *ctx) { ReleaseSRWLockExclusive(&g_local_lock); }

static DWORD w_full_path(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch)
{
    DWORD n = GetFullPathNameW(path, cch, out, NULL);
    return !n || n >= cch ? ERROR_BAD_ARGUMENTS : 0;
}

/* 8.3 names → long names, so they compare equal to what handle queries report */
static DWORD w_long_path(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch)
{
    DWORD m = GetLongPathNameW(path, out, cch);
    return !m || m >= cch ? ERROR_FILE_NOT_FOUND : 0;
}

static int w_path_kind(void *ctx, const WCHAR *path)
{
    DWORD a = GetFileAttributesW(path);
    if (a == INVALID_FILE_ATTRIBUTES) return RMREF_KIND_MISSING;
    return a & FILE_ATTRIBUTE_DIRECTORY ? RMREF_KIND_DIRECTORY : RMREF_KIND_FILE;
}

static DWORD reg_ms(HKEY root, const WCHAR *subkey, const WCHAR *name)
{
    WCHAR buf[32];
    DWORD type = 0, size = sizeof buf - sizeof(WCHAR);
    HKEY k;
    DWORD v = 0;
    if (RegOpenKeyExW(root, subkey, 0, KEY_QUERY_VALUE, &k)) return 0;
    if (!RegQueryValueExW(k, name, NULL, &type, (BYTE *)buf, &size)) {
        if (type == REG_DWORD && size == sizeof(DWORD)) memcpy(&v, buf, sizeof v);
        else if (type == REG_SZ || type == REG_EXPAND_SZ) { buf[size / sizeof(WCHAR)] = 0; v = wcstoul(buf, NULL, 10); }
    }
    RegCloseKey(k);
    return v;
}

/* SystemParametersInfo first (current docs), the registry values the older docs name next
 * (Wine's SystemParametersInfo fails for these, and a test lowers them there), documented
 * defaults last. */
static DWORD w_hung_app_timeout_ms(void *ctx)
{
    DWORD v = 0;
    const rmwin_user32 *u = rmwin_user32_api();
    if (u && u->system_parameters_info(SPI_GETHUNGAPPTIMEOUT, 0, &v, 0) && v) return v;
    if ((v = reg_ms(HKEY_CURRENT_USER, L"Control Panel\\Desktop", L"HungAppTimeout"))) return v;
    return RMWIN_DEFAULT_APP_TIMEOUT;
}

static DWORD w_service_timeout_ms(void *ctx)
{
    DWORD v = 0;
    const rmwin_user32 *u = rmwin_user32_api();
    if (u && u->system_parameters_info(SPI_GETWAITTOKILLSERVICETIMEOUT, 0, &v, 0) && v) return v;
    if ((v = reg_ms(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control", L"WaitToKillServiceTimeout"))) return v;
    return RMWIN_DEFAULT_SVC_TIMEOUT;
}

static const rmref_platform g_platform = {
    .ctx = NULL,
    .self = w_self,
    .os_version = w_os_version,
    .random_bytes = w_random_bytes,
    .now_ms = w_now_ms,
    .sleep_ms = w_sleep_ms,
    .local_lock = w_local_lock,
    .local_unlock = w_local_unlock,
    .store_lock = rmwin_store_lock,
    .store_unlock = rmwin_store_unlock,
    .store_list = rmwin_store_list,
    .store_create = rmwin_store_create,
    .store_delete = rmwin_store_delete,
    .store_read = rmwin_store_read,
    .store_write = rmwin_store_write,
    .full_path = w_full_path,
    .long_path = w_long_path,
    .path_kind = w_path_kind,
    .file_identity = rmwin_file_identity,
    .kernel_file_users = rmwin_kernel_file_users,
    .enum_module_users = rmwin_enum_module_users,
    .enum_file_users = rmwin_enum_file_users,
    .process_alive = rmwin_process_alive,
    .process_facts = rmwin_process_facts,
    .process_basic_facts = rmwin_process_basic_facts,
    .image_facts = rmwin_image_facts,
    .window_flags = rmwin_window_flags,
    .scm_children = rmwin_scm_children,
    .enum_services = rmwin_enum_services,
    .service_dependents = rmwin_service_dependents,
    .gui_query_end_session = rmwin_gui_query_end_session,
    .gui_end_session = rmwin_gui_end_session,
    .gui_close = rmwin_gui_close,
    .console_ctrl_c = rmwin_console_ctrl_c,
    .process_wait = rmwin_process_wait,
    .process_terminate = rmwin_process_terminate,
    .service_stop = rmwin_service_stop,
    .service_query = rmwin_service_query,
    .service_start = rmwin_service_start,
    .process_launch = rmwin_process_launch,
    .hung_app_timeout_ms = w_hung_app_timeout_ms,
    .service_timeout_ms = w_service_timeout_ms,
};

const rmref_platform *rmwin_platform(void) { return &g_platform; }
