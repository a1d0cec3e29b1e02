/* store_win32.c — the per-user session store: one volatile registry key per session under
 * HKCU\Software\rmconform\rmref\Sessions (rmref's own key, never native RM's), named by the
 * session key, holding REG_BINARY values; guarded across processes by a named mutex
 * Global\rmconform.rmref.store.<user SID>. Volatile keys vanish at logoff, like native's.
 *
 * The lock wait is 10 s (RMREF_STORE_LOCK_TIMEOUT_MS in the environment overrides it, for
 * tests); a timeout is ERROR_SEM_TIMEOUT as documented. An abandoned mutex (holder crashed)
 * counts as acquired: the store's writes are ordered so a crash leaves it readable. */
#include "win32_internal.h"
#include <sddl.h>
#include <stdlib.h>
#include <wchar.h>

#define RMWIN_STORE_PARENT L"Software\\rmconform\\rmref"
#define RMWIN_LOCK_TIMEOUT_MS 10000

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static HKEY g_root;
static HANDLE g_mutex;
static DWORD g_lock_timeout = RMWIN_LOCK_TIMEOUT_MS;

static void mutex_name(WCHAR *out, size_t cch)
{
    HANDLE token;
    WCHAR *sid_text = NULL;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        union { TOKEN_USER user; BYTE raw[256]; } tu;
        DWORD len = 0;
        if (GetTokenInformation(token, TokenUser, &tu, sizeof tu, &len))
            ConvertSidToStringSidW(tu.user.User.Sid, &sid_text);
        CloseHandle(token);
    }
    swprintf(out, cch, L"Global\\rmconform.rmref.store.%ls", sid_text ? sid_text : L"unknown");
    if (sid_text) LocalFree(sid_text);
}

static BOOL CALLBACK init_store(INIT_ONCE *once, void *param, void **context)
{
    WCHAR name[256], env[32];
    HKEY parent;
    mutex_name(name, 256);
    g_mutex = CreateMutexW(NULL, FALSE, name);
    if (!g_mutex) g_mutex = CreateMutexW(NULL, FALSE, name + 7);   /* no Global\ namespace */
    if (GetEnvironmentVariableW(L"RMREF_STORE_LOCK_TIMEOUT_MS", env, 32) - 1u < 31u)
        g_lock_timeout = wcstoul(env, NULL, 10);
    if (!RegCreateKeyExW(HKEY_CURRENT_USER, RMWIN_STORE_PARENT, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &parent, NULL)) {
        if (RegCreateKeyExW(parent, L"Sessions", 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &g_root, NULL))
            g_root = NULL;
        RegCloseKey(parent);
    }
    return TRUE;
}

static int ready(void)
{
    InitOnceExecuteOnce(&g_once, init_store, NULL, NULL);
    return g_root && g_mutex;
}

DWORD rmwin_store_lock(void *ctx)
{
    if (!ready()) return ERROR_WRITE_FAULT;
    switch (WaitForSingleObject(g_mutex, g_lock_timeout)) {
    case WAIT_OBJECT_0:
    case WAIT_ABANDONED: return 0;
    case WAIT_TIMEOUT: return ERROR_SEM_TIMEOUT;
    default: return ERROR_WRITE_FAULT;
    }
}

/* The session key last opened, kept open while the store lock is held: a session's load reads
 * tens of values (one per registration batch), each an open, a query and a close otherwise.
 * Every store call runs under the lock (the unit tests' fake platform checks it), and the lock
 * is a mutex, held by one thread of one process at a time: so only its holder touches these,
 * and they are closed before it lets go. */
static HKEY g_session;
static WCHAR g_session_name[RMREF_KEY_CHARS + 1];

static void close_session(void)
{
    if (g_session) RegCloseKey(g_session);
    g_session = NULL;
    g_session_name[0] = 0;
}

void rmwin_store_unlock(void *ctx)
{
    close_session();
    ReleaseMutex(g_mutex);
}

DWORD rmwin_store_list(void *ctx, WCHAR (*keys)[RMREF_KEY_CHARS + 1], UINT cap, UINT *count)
{
    *count = 0;
    if (!ready()) return ERROR_WRITE_FAULT;
    WCHAR name[256];
    for (DWORD i = 0; *count < cap; i++) {
        DWORD len = 256;
        LONG r = RegEnumKeyExW(g_root, i, name, &len, NULL, NULL, NULL, NULL);
        if (r == ERROR_NO_MORE_ITEMS) break;
        if (r) return ERROR_WRITE_FAULT;
        if (len == RMREF_KEY_CHARS) wcscpy(keys[(*count)++], name);
    }
    return 0;
}

DWORD rmwin_store_create(void *ctx, const WCHAR *key)
{
    HKEY k;
    DWORD disp = 0;
    if (!ready()) return ERROR_WRITE_FAULT;
    if (RegCreateKeyExW(g_root, key, 0, NULL, REG_OPTION_VOLATILE, KEY_ALL_ACCESS, NULL, &k, &disp))
        return ERROR_WRITE_FAULT;
    RegCloseKey(k);
    return disp == REG_OPENED_EXISTING_KEY ? ERROR_ALREADY_EXISTS : 0;
}

DWORD rmwin_store_delete(void *ctx, const WCHAR *key)
{
    if (!ready()) return ERROR_WRITE_FAULT;
    close_session();
    LONG r = RegDeleteKeyW(g_root, key);
    if (r == ERROR_FILE_NOT_FOUND) return ERROR_INVALID_HANDLE;
    return r ? ERROR_WRITE_FAULT : 0;
}

static DWORD open_session(const WCHAR *key, HKEY *out)
{
    if (!ready()) return ERROR_WRITE_FAULT;
    if (g_session && !wcscmp(g_session_name, key)) { *out = g_session; return 0; }
    close_session();
    if (wcslen(key) > RMREF_KEY_CHARS) return ERROR_INVALID_HANDLE;
    LONG r = RegOpenKeyExW(g_root, key, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, out);
    if (r == ERROR_ACCESS_DENIED)       /* a caller that may only read it (its writes will fail) */
        r = RegOpenKeyExW(g_root, key, 0, KEY_QUERY_VALUE, out);
    if (r == ERROR_FILE_NOT_FOUND) return ERROR_INVALID_HANDLE;
    if (r) return ERROR_WRITE_FAULT;
    g_session = *out;
    wcscpy(g_session_name, key);
    return 0;
}

/* A value no bigger than this is read in one query (batches are written in pieces of at most
 * 48 KiB, store.c); a bigger one is asked its size first. */
#define RMWIN_READ_GUESS 65536

DWORD rmwin_store_read(void *ctx, const WCHAR *key, const WCHAR *name, void **data, DWORD *size)
{
    HKEY k;
    *data = NULL;
    *size = 0;
    DWORD err = open_session(key, &k);
    if (err) return err;
    DWORD type = 0, len = RMWIN_READ_GUESS;
    BYTE *buf = malloc(len);
    LONG r = buf ? RegQueryValueExW(k, name, NULL, &type, buf, &len) : ERROR_OUTOFMEMORY;
    if (r == ERROR_MORE_DATA) {
        BYTE *big = realloc(buf, len ? len : 1);
        if (!big) r = ERROR_OUTOFMEMORY;
        else r = RegQueryValueExW(k, name, NULL, &type, buf = big, &len);
    }
    if (!r) {
        BYTE *fit = realloc(buf, len ? len : 1);      /* give the unused guess back */
        *data = fit ? fit : buf;
        *size = len;
    } else {
        free(buf);
    }
    if (r == ERROR_KEY_DELETED) { close_session(); return ERROR_INVALID_HANDLE; }
    if (r == ERROR_FILE_NOT_FOUND || r == ERROR_OUTOFMEMORY) return (DWORD)r;
    return r ? ERROR_WRITE_FAULT : 0;
}

DWORD rmwin_store_write(void *ctx, const WCHAR *key, const WCHAR *name, const void *data, DWORD size)
{
    HKEY k;
    DWORD err = open_session(key, &k);
    if (err) return err;
    LONG r = RegSetValueExW(k, name, 0, REG_BINARY, data, size);
    if (r == ERROR_KEY_DELETED) { close_session(); return ERROR_INVALID_HANDLE; }
    return r ? ERROR_WRITE_FAULT : 0;
}
