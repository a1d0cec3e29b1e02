/* fake_platform.c — see fake_platform.h. */
#include "fake_platform.h"
#include "core_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

fake_world W;

/* ---- store -------------------------------------------------------------------------------- */
typedef struct fake_value { WCHAR name[32]; void *data; DWORD size; } fake_value;
typedef struct fake_session { int used; WCHAR key[RMREF_KEY_CHARS + 1]; fake_value *v; size_t n; } fake_session;
static fake_session g_sessions[256];

static void logf_(const char *fmt, ...)
{
    size_t len = strlen(W.log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(W.log + len, sizeof W.log - len, fmt, ap);
    va_end(ap);
}

static void free_session(fake_session *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i].data);
    free(s->v);
    memset(s, 0, sizeof *s);
}

void fake_reset(void)
{
    for (size_t i = 0; i < 256; i++) free_session(&g_sessions[i]);
    memset(&W, 0, sizeof W);
    rmcore_reset_local_state();
    W.self.dwProcessId = 10;
    W.self.ProcessStartTime.dwLowDateTime = 10010;
    W.self_ts = 1;
    W.os_major = 10;
    W.hung_timeout = 5000;
    W.svc_timeout = 4000;
    W.now = 1000000;
    W.next_pid = 5000;
    fake_proc *me = fake_proc_add(10, L"C:\\installer\\setup.exe", RMREF_PF_MAIN_WINDOW);
    me->facts.start = W.self.ProcessStartTime;
}

static fake_session *session(const WCHAR *key)
{
    for (size_t i = 0; i < 256; i++)
        if (g_sessions[i].used && !wcscmp(g_sessions[i].key, key)) return &g_sessions[i];
    return NULL;
}

size_t fake_store_session_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < 256; i++) n += g_sessions[i].used;
    return n;
}

static DWORD f_store_lock(void *ctx)
{
    if (W.store_lock_timeout) return ERROR_SEM_TIMEOUT;
    W.locked++;
    return 0;
}
static void f_store_unlock(void *ctx) { assert_true(W.locked > 0); W.locked--; }

static DWORD f_store_list(void *ctx, WCHAR (*keys)[RMREF_KEY_CHARS + 1], UINT cap, UINT *count)
{
    assert_true(W.locked > 0);
    *count = 0;
    for (size_t i = 0; i < 256 && *count < cap; i++)
        if (g_sessions[i].used) wcscpy(keys[(*count)++], g_sessions[i].key);
    return 0;
}

static DWORD f_store_create(void *ctx, const WCHAR *key)
{
    assert_true(W.locked > 0);
    if (session(key)) return ERROR_ALREADY_EXISTS;
    for (size_t i = 0; i < 256; i++)
        if (!g_sessions[i].used) {
            g_sessions[i].used = 1;
            wcscpy(g_sessions[i].key, key);
            return 0;
        }
    return ERROR_WRITE_FAULT;
}

static DWORD f_store_delete(void *ctx, const WCHAR *key)
{
    assert_true(W.locked > 0);
    fake_session *s = session(key);
    if (!s) return ERROR_INVALID_HANDLE;
    free_session(s);
    return 0;
}

static DWORD f_store_read(void *ctx, const WCHAR *key, const WCHAR *name, void **data, DWORD *size)
{
    assert_true(W.locked > 0);
    fake_session *s = session(key);
    if (!s) return ERROR_INVALID_HANDLE;
    for (size_t i = 0; i < s->n; i++)
        if (!wcscmp(s->v[i].name, name)) {
            *data = malloc(s->v[i].size ? s->v[i].size : 1);
            memcpy(*data, s->v[i].data, s->v[i].size);
            *size = s->v[i].size;
            return 0;
        }
    return ERROR_FILE_NOT_FOUND;
}

static DWORD f_store_write(void *ctx, const WCHAR *key, const WCHAR *name, const void *data, DWORD size)
{
    assert_true(W.locked > 0);
    /* Like Wine under load: one registry write over 64 KiB is not safe (docs/wine-notes.md). */
    assert_true(size <= 65536);
    fake_session *s = session(key);
    if (!s) return ERROR_INVALID_HANDLE;
    fake_value *v = NULL;
    for (size_t i = 0; i < s->n && !v; i++) if (!wcscmp(s->v[i].name, name)) v = &s->v[i];
    if (!v) {
        s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
        v = &s->v[s->n++];
        memset(v, 0, sizeof *v);
        wcscpy(v->name, name);
    }
    free(v->data);
    v->data = malloc(size ? size : 1);
    memcpy(v->data, data, size);
    v->size = size;
    return 0;
}

/* ---- identity, time ----------------------------------------------------------------------- */
static void f_self(void *ctx, RM_UNIQUE_PROCESS *me, DWORD *ts) { *me = W.self; *ts = W.self_ts; }
static void f_os_version(void *ctx, DWORD *major, DWORD *minor) { *major = W.os_major; *minor = W.os_minor; }
static DWORD f_random(void *ctx, unsigned char *buf, unsigned n)
{
    for (unsigned i = 0; i < n; i++) buf[i] = (unsigned char)(W.random_seed * 31 + i * 7);
    W.random_seed++;
    return 0;
}
static ULONGLONG f_now(void *ctx) { return W.now; }
static void f_sleep(void *ctx, DWORD ms)
{
    W.now += ms ? ms : 1;
    if (W.on_tick) W.on_tick();
}
static void f_nolock(void *ctx) {}

/* ---- paths -------------------------------------------------------------------------------- */
static DWORD f_full_path(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch)
{
    if (path[0] && path[1] == L':') swprintf(out, cch, L"%ls", path);
    else if (path[0] == L'\\') swprintf(out, cch, L"%ls", path);
    else swprintf(out, cch, L"C:\\cwd\\%ls", path);           /* relative: against the cwd */
    return 0;
}
static DWORD f_long_path(void *ctx, const WCHAR *path, WCHAR *out, DWORD cch)
{
    W.long_path_calls++;
    /* the one 8.3 name the fake file system knows */
    if (!_wcsicmp(path, L"C:\\LONGNA~1\\a.bin")) { swprintf(out, cch, L"C:\\Long Name\\a.bin"); return 0; }
    return ERROR_FILE_NOT_FOUND;
}
static int f_path_kind(void *ctx, const WCHAR *path)
{
    W.path_kind_calls++;
    for (int i = 0; i < 4 && W.directories[i]; i++)
        if (!_wcsicmp(W.directories[i], path)) return RMREF_KIND_DIRECTORY;
    for (int i = 0; i < 4 && W.missing[i]; i++)
        if (!_wcsicmp(W.missing[i], path)) return RMREF_KIND_MISSING;
    return RMREF_KIND_FILE;
}

/* ---- processes ---------------------------------------------------------------------------- */
fake_proc *fake_proc_find(DWORD pid)
{
    for (size_t i = 0; i < FAKE_MAX_PROCS; i++)
        if (W.procs[i].used && W.procs[i].pid == pid && W.procs[i].alive) return &W.procs[i];
    return NULL;
}

fake_proc *fake_proc_add(DWORD pid, const WCHAR *image, unsigned flags)
{
    for (size_t i = 0; i < FAKE_MAX_PROCS; i++)
        if (!W.procs[i].used) {
            fake_proc *p = &W.procs[i];
            memset(p, 0, sizeof *p);
            p->used = p->alive = 1;
            p->pid = pid;
            p->facts.start.dwLowDateTime = pid * 1000 + 7;
            p->facts.ts_session = 1;
            p->facts.flags = flags;
            wcscpy(p->facts.image, image);
            p->query_answer = 1;
            p->exit_on_endsession = 1;
            p->exit_on_ctrl_c = 1;
            return p;
        }
    fail_msg("too many fake processes");
    return NULL;
}

RM_UNIQUE_PROCESS fake_unique(DWORD pid)
{
    RM_UNIQUE_PROCESS u = { pid, { 0, 0 } };
    fake_proc *p = fake_proc_find(pid);
    if (p) u.ProcessStartTime = p->facts.start;
    return u;
}

static fake_proc *find_unique(const RM_UNIQUE_PROCESS *u)
{
    fake_proc *p = fake_proc_find(u->dwProcessId);
    if (p && !memcmp(&p->facts.start, &u->ProcessStartTime, sizeof(FILETIME))) return p;
    return NULL;
}

/* The fake file system: every path is a file (except W.missing), whose identity is its name
 * folded to lower case, after W.aliases map another name to it. */
static const WCHAR *canonical_name(const WCHAR *path)
{
    for (int i = 0; i < 4 && W.aliases[i][0]; i++)
        if (!_wcsicmp(W.aliases[i][0], path)) return W.aliases[i][1];
    return path;
}

/* The identity of what a path names (not counted: f_file_identity counts the platform calls). */
static DWORD identity_of(const WCHAR *path, rmref_file_id *out)
{
    for (int i = 0; i < 4 && W.missing[i]; i++)
        if (!_wcsicmp(W.missing[i], path)) return ERROR_FILE_NOT_FOUND;
    const WCHAR *name = canonical_name(path);
    ULONGLONG h = 1469598103934665603ull;
    for (const WCHAR *c = name; *c; c++) h = (h ^ (ULONGLONG)towlower(*c)) * 1099511628211ull;
    memset(out, 0, sizeof *out);
    out->volume = 0x1234;
    out->id_low = h;
    out->index = h;
    return 0;
}

static DWORD f_file_identity(void *ctx, const WCHAR *path, rmref_file_id *out)
{
    W.identity_calls++;
    return identity_of(path, out);
}

static int same_file(const WCHAR *a, const WCHAR *b)
{
    rmref_file_id x, y;
    return !f_file_identity(NULL, a, &x) && !f_file_identity(NULL, b, &y) && !memcmp(&x, &y, sizeof x);
}

static DWORD report_modules(fake_proc *p, rmref_file_user_fn fn, void *cookie)
{
    if (fn(cookie, p->pid, p->facts.image, NULL)) return ERROR_CANCELLED;
    for (int k = 0; !p->modules_hidden && k < FAKE_MAX_FILES && p->modules[k]; k++)
        if (fn(cookie, p->pid, p->modules[k], NULL)) return ERROR_CANCELLED;
    return 0;
}

/* Handles come with their identity (the platform holds them); images and modules do not. */
static DWORD f_enum_file_users(void *ctx, rmref_file_user_fn fn, void *cookie)
{
    W.handle_enums++;
    if (W.locked > W.max_locked_during_enum) W.max_locked_during_enum = W.locked;
    if (W.on_tick) W.on_tick();
    if (fn(cookie, 0, NULL, NULL)) return ERROR_CANCELLED;
    for (size_t i = 0; i < FAKE_MAX_PROCS; i++) {
        fake_proc *p = &W.procs[i];
        if (!p->used || !p->alive) continue;
        if (report_modules(p, fn, cookie)) return ERROR_CANCELLED;
        for (int k = 0; k < FAKE_MAX_FILES && p->files[k]; k++) {
            rmref_file_id id;
            if (W.handle_index_only) {           /* the cheap read: not counted as an identity */
                identity_of(p->files[k], &id);
                ULONGLONG index = id.index;
                memset(&id, 0, sizeof id);
                id.index = index;
                id.index_only = 1;
            } else {
                f_file_identity(NULL, p->files[k], &id);
            }
            if (fn(cookie, p->pid, p->files[k], &id)) return ERROR_CANCELLED;
        }
    }
    return 0;
}

static DWORD f_enum_module_users(void *ctx, rmref_file_user_fn fn, void *cookie)
{
    W.module_enums++;
    if (W.locked > W.max_locked_during_enum) W.max_locked_during_enum = W.locked;
    for (size_t i = 0; i < FAKE_MAX_PROCS; i++) {
        fake_proc *p = &W.procs[i];
        if (p->used && p->alive && report_modules(p, fn, cookie)) return ERROR_CANCELLED;
    }
    return 0;
}

/* The kernel knows every handle and mapping of a file, whatever its name, hidden or not. */
static DWORD f_kernel_file_users(void *ctx, const WCHAR *path, rmref_file_user_fn fn, void *cookie)
{
    W.kernel_calls++;
    if (W.locked > W.max_locked_during_enum) W.max_locked_during_enum = W.locked;
    if (!W.kernel_query) return ERROR_NOT_SUPPORTED;
    if (W.kernel_refuses && !_wcsicmp(W.kernel_refuses, path)) return ERROR_ACCESS_DENIED;
    rmref_file_id id;
    if (f_file_identity(ctx, path, &id)) return ERROR_FILE_NOT_FOUND;
    if (W.on_tick) W.on_tick();
    for (size_t i = 0; i < FAKE_MAX_PROCS; i++) {
        fake_proc *p = &W.procs[i];
        if (!p->used || !p->alive) continue;
        int uses = 0;
        for (int k = 0; k < FAKE_MAX_FILES; k++)
            uses |= (p->files[k] && same_file(p->files[k], path)) || (p->modules[k] && same_file(p->modules[k], path));
        if (uses && fn(cookie, p->pid, path, &id)) return ERROR_CANCELLED;
    }
    return 0;
}

static int f_process_alive(void *ctx, const RM_UNIQUE_PROCESS *u) { return find_unique(u) != NULL; }

static DWORD f_process_facts(void *ctx, DWORD pid, rmref_proc_facts *out)
{
    fake_proc *p = fake_proc_find(pid);
    if (!p) return ERROR_NOT_FOUND;
    *out = p->facts;
    return 0;
}

/* RmGetList's parts: the process's own facts as the test set them (description and window
 * flags included, so tests set them in one place); image facts from W.image_descriptions. */
static DWORD f_process_basic_facts(void *ctx, DWORD pid, rmref_proc_facts *out)
{
    W.basic_facts_calls++;
    return f_process_facts(ctx, pid, out);
}
static void f_image_facts(void *ctx, const WCHAR *image, WCHAR *description, size_t cch, int *console)
{
    W.image_facts_calls++;
    for (int i = 0; i < 4 && W.image_descriptions[i][0]; i++)
        if (!_wcsicmp(W.image_descriptions[i][0], image)) swprintf(description, cch, L"%ls", W.image_descriptions[i][1]);
}
static void f_window_flags(void *ctx, const DWORD *pids, size_t n, unsigned *flags)
{
    W.window_passes++;
    for (size_t i = 0; i < n; i++) flags[i] = 0;
}
static void f_scm_children(void *ctx, const DWORD *pids, size_t n, unsigned char *is_child)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < FAKE_MAX_SVCS; k++)
            if (W.svcs[k].used && W.svcs[k].f.pid == pids[i]) is_child[i] = 1;
}

fake_service *fake_service_add(const WCHAR *name, const WCHAR *display, DWORD pid)
{
    for (size_t i = 0; i < FAKE_MAX_SVCS; i++)
        if (!W.svcs[i].used) {
            fake_service *s = &W.svcs[i];
            memset(s, 0, sizeof *s);
            s->used = 1;
            wcscpy(s->f.name, name);
            wcscpy(s->f.display, display);
            s->f.pid = pid;
            s->f.state = SERVICE_RUNNING;
            s->f.type = SERVICE_WIN32_OWN_PROCESS;
            s->stop_ok = 1;
            return s;
        }
    fail_msg("too many fake services");
    return NULL;
}

static fake_service *svc_find(const WCHAR *name)
{
    for (size_t i = 0; i < FAKE_MAX_SVCS; i++)
        if (W.svcs[i].used && !_wcsicmp(W.svcs[i].f.name, name)) return &W.svcs[i];
    return NULL;
}

static DWORD f_enum_services(void *ctx, rmref_service_fn fn, void *cookie)
{
    W.enum_services_calls++;
    for (size_t i = 0; i < FAKE_MAX_SVCS; i++)
        if (W.svcs[i].used && W.svcs[i].f.state == SERVICE_RUNNING && fn(cookie, &W.svcs[i].f)) break;
    return 0;
}

static DWORD f_service_dependents(void *ctx, const WCHAR *name, rmref_service_fn fn, void *cookie)
{
    fake_service *s = svc_find(name);
    if (!s) return ERROR_SERVICE_DOES_NOT_EXIST;
    for (int i = 0; i < 4 && s->dependents[i]; i++) {
        fake_service *d = svc_find(s->dependents[i]);
        if (d && d->f.state == SERVICE_RUNNING && fn(cookie, &d->f)) break;
    }
    return 0;
}

/* ---- actions ------------------------------------------------------------------------------ */
static int f_gui_query(void *ctx, DWORD pid, DWORD timeout)
{
    fake_proc *p = fake_proc_find(pid);
    logf_("query:%lu ", (unsigned long)pid);
    if (!p || !(p->facts.flags & (RMREF_PF_MAIN_WINDOW | RMREF_PF_OTHER_WINDOW))) return -1;
    return p->query_answer;
}

static void f_gui_end(void *ctx, DWORD pid, BOOL ending, DWORD timeout)
{
    fake_proc *p = fake_proc_find(pid);
    logf_("end%s:%lu ", ending ? "" : "-false", (unsigned long)pid);
    if (p && ending && p->exit_on_endsession) p->alive = 0;
}

static void f_gui_close(void *ctx, DWORD pid)
{
    fake_proc *p = fake_proc_find(pid);
    logf_("close:%lu ", (unsigned long)pid);
    if (p && p->exit_on_close) p->alive = 0;
}

static DWORD f_ctrl_c(void *ctx, DWORD pid)
{
    fake_proc *p = fake_proc_find(pid);
    logf_("ctrlc:%lu ", (unsigned long)pid);
    if (p && p->exit_on_ctrl_c) p->alive = 0;
    return 0;
}

static int f_process_wait(void *ctx, const RM_UNIQUE_PROCESS *u, DWORD timeout)
{
    if (!find_unique(u)) return 1;
    if (timeout) f_sleep(ctx, timeout);
    return find_unique(u) == NULL;
}

static DWORD f_terminate(void *ctx, const RM_UNIQUE_PROCESS *u)
{
    fake_proc *p = find_unique(u);
    logf_("kill:%lu ", (unsigned long)u->dwProcessId);
    if (!p) return ERROR_NOT_FOUND;
    if (!p->ignore_terminate) p->alive = 0;
    return 0;
}

static DWORD f_service_stop(void *ctx, const WCHAR *name)
{
    fake_service *s = svc_find(name);
    logf_("stop:%ls ", name);
    if (!s) return ERROR_SERVICE_DOES_NOT_EXIST;
    if (s->stop_ok) {
        s->f.state = SERVICE_STOPPED;
        fake_proc *p = fake_proc_find(s->f.pid);
        if (p && s->f.type == SERVICE_WIN32_OWN_PROCESS) p->alive = 0;
        s->f.pid = 0;
    }
    return 0;
}

static DWORD f_service_query(void *ctx, const WCHAR *name, DWORD *state, DWORD *pid)
{
    fake_service *s = svc_find(name);
    if (!s) return ERROR_SERVICE_DOES_NOT_EXIST;
    if (s->f.state == SERVICE_RUNNING && s->f.pid && !fake_proc_find(s->f.pid)) {  /* host killed */
        s->f.state = SERVICE_STOPPED;
        s->f.pid = 0;
    }
    *state = s->f.state;
    *pid = s->f.pid;
    return 0;
}

static DWORD f_service_start(void *ctx, const WCHAR *name)
{
    fake_service *s = svc_find(name);
    logf_("start:%ls ", name);
    if (!s) return ERROR_SERVICE_DOES_NOT_EXIST;
    if (s->start_fails) return ERROR_SERVICE_DISABLED;
    if (s->f.state == SERVICE_RUNNING) return ERROR_SERVICE_ALREADY_RUNNING;
    DWORD pid = W.next_pid++;
    fake_proc_add(pid, L"C:\\svc\\host.exe", 0);
    s->f.pid = pid;
    s->f.state = SERVICE_RUNNING;
    return 0;
}

static DWORD f_launch(void *ctx, const WCHAR *image, const WCHAR *args, BOOL new_console, RM_UNIQUE_PROCESS *out)
{
    logf_("launch:%ls ", rmref_path_basename(image));
    if (W.launch_fails) return ERROR_FILE_NOT_FOUND;
    DWORD pid = W.next_pid++;
    fake_proc *p = fake_proc_add(pid, image, RMREF_PF_MAIN_WINDOW);
    p->launched_by_restart = 1;
    p->launch_console = new_console;
    wcsncpy(p->launch_args, args ? args : L"", RMREF_CMDLINE_CHARS - 1);
    out->dwProcessId = pid;
    out->ProcessStartTime = p->facts.start;
    return 0;
}

static DWORD f_hung(void *ctx) { return W.hung_timeout; }
static DWORD f_svc_timeout(void *ctx) { return W.svc_timeout; }

static const rmref_platform g_fake = {
    .self = f_self, .os_version = f_os_version, .random_bytes = f_random, .now_ms = f_now,
    .sleep_ms = f_sleep, .local_lock = f_nolock, .local_unlock = f_nolock,
    .store_lock = f_store_lock, .store_unlock = f_store_unlock, .store_list = f_store_list,
    .store_create = f_store_create, .store_delete = f_store_delete, .store_read = f_store_read,
    .store_write = f_store_write, .full_path = f_full_path, .long_path = f_long_path, .path_kind = f_path_kind,
    .file_identity = f_file_identity, .kernel_file_users = f_kernel_file_users,
    .enum_module_users = f_enum_module_users,
    .enum_file_users = f_enum_file_users, .process_alive = f_process_alive,
    .process_facts = f_process_facts, .process_basic_facts = f_process_basic_facts,
    .image_facts = f_image_facts, .window_flags = f_window_flags, .scm_children = f_scm_children, .enum_services = f_enum_services,
    .service_dependents = f_service_dependents, .gui_query_end_session = f_gui_query,
    .gui_end_session = f_gui_end, .gui_close = f_gui_close, .console_ctrl_c = f_ctrl_c,
    .process_wait = f_process_wait, .process_terminate = f_terminate, .service_stop = f_service_stop,
    .service_query = f_service_query, .service_start = f_service_start, .process_launch = f_launch,
    .hung_app_timeout_ms = f_hung, .service_timeout_ms = f_svc_timeout,
};

const rmref_platform *fake_platform(void) { return &g_fake; }

DWORD fake_start(WCHAR key[RMREF_KEY_CHARS + 1])
{
    DWORD h = 0xdead;
    WCHAR local[RMREF_KEY_CHARS + 1];
    assert_int_equal(rmcore_start_session(&g_fake, &h, 0, key ? key : local), 0);
    return h;
}

DWORD fake_session_with(const WCHAR *a, const WCHAR *b)
{
    DWORD h = fake_start(NULL);
    LPCWSTR f[] = { a, b };
    assert_int_equal(rmcore_register_resources(&g_fake, h, b ? 2 : 1, f, 0, NULL, 0, NULL), 0);
    return h;
}

int fake_listed(DWORD h, DWORD pid)
{
    RM_PROCESS_INFO v[16];
    UINT needed, n = 16;
    DWORD reasons;
    assert_int_equal(rmcore_get_list(&g_fake, h, &needed, &n, v, &reasons), 0);
    for (UINT i = 0; i < n; i++) if (v[i].Process.dwProcessId == pid) return 1;
    return 0;
}

int fake_setup_alias(void **state)
{
    fake_reset();
    W.aliases[0][0] = FAKE_LIB_LINK;
    W.aliases[0][1] = FAKE_LIB;
    return 0;
}
