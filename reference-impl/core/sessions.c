/* sessions.c — RmStartSession, RmJoinSession, RmEndSession, RmRegisterResources,
 * RmCancelCurrentTask, and who may call what. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>

/* Secondary (joined) handles. Documented: filters are primary-only (1219); RmShutdown,
 * RmRestart and RmCancelCurrentTask are documented primary-only without a code — rmref answers
 * 1219 (ERROR_SESSION_CREDENTIAL_CONFLICT), the code RM uses for "not the primary" elsewhere.
 * On Vista (6.0) Microsoft's sample says a secondary may only register resources, so RmGetList
 * is refused there too; on 7 and later RmGetList is allowed (its page states no restriction). */
DWORD rmref_role_check(const rmref_platform *pf, const rmref_handle_info *h, enum rmref_op op)
{
    if (h->primary) return 0;
    if (op != RMREF_OP_GETLIST) return ERROR_SESSION_CREDENTIAL_CONFLICT;
    DWORD major = 0, minor = 0;
    pf->os_version(pf->ctx, &major, &minor);
    if (major == 6 && minor == 0) return ERROR_SESSION_CREDENTIAL_CONFLICT;
    return 0;
}

/* Drop sessions whose primary process is gone (or that were left half-created by a crash)
 * and count the rest. Caller holds the store lock. */
static DWORD count_live_sessions(const rmref_platform *pf, UINT *live)
{
    enum { CAP = 1024 };
    WCHAR (*keys)[RMREF_KEY_CHARS + 1] = malloc(CAP * sizeof *keys);
    if (!keys) return ERROR_OUTOFMEMORY;
    UINT n = 0;
    DWORD err = pf->store_list(pf->ctx, keys, CAP, &n);
    *live = 0;
    for (UINT i = 0; !err && i < n; i++) {
        rmref_session_data d;
        DWORD e = rmref_store_load(pf, keys[i], 0, &d);
        if (e == ERROR_INVALID_HANDLE || (!e && !pf->process_alive(pf->ctx, &d.owner)))
            pf->store_delete(pf->ctx, keys[i]);
        else
            (*live)++;
        if (!e) rmref_session_data_free(&d);
    }
    free(keys);
    return err;
}

static DWORD write_owner(const rmref_platform *pf, const WCHAR *key, const RM_UNIQUE_PROCESS *me)
{
    rmref_wbuf wb = {0};
    wb_u32(&wb, me->dwProcessId);
    wb_u32(&wb, me->ProcessStartTime.dwLowDateTime);
    wb_u32(&wb, me->ProcessStartTime.dwHighDateTime);
    DWORD err = wb.oom ? ERROR_OUTOFMEMORY : pf->store_write(pf->ctx, key, L"Owner", wb.p, (DWORD)wb.len);
    wb_free(&wb);
    return err;
}

/* dwSessionFlags is reserved ("should be 0"); rmref ignores it, as a drop-in must not break
 * callers that pass garbage there. */
DWORD rmcore_start_session(const rmref_platform *pf, DWORD *handle, DWORD flags, WCHAR key_out[])
{
    if (!handle || !key_out) return ERROR_BAD_ARGUMENTS;

    RM_UNIQUE_PROCESS me;
    DWORD ts;
    pf->self(pf->ctx, &me, &ts);
    WCHAR key[RMREF_KEY_CHARS + 1];

    DWORD err = pf->store_lock(pf->ctx);
    if (err) return err;
    UINT live = 0;
    err = count_live_sessions(pf, &live);
    if (!err && live >= RMREF_MAX_SESSIONS) err = ERROR_MAX_SESSIONS_REACHED;
    for (int attempt = 0; !err; attempt++) {
        unsigned char bytes[16];
        if ((err = pf->random_bytes(pf->ctx, bytes, sizeof bytes))) break;
        rmref_key_from_bytes(bytes, key);
        err = pf->store_create(pf->ctx, key);
        if (err == ERROR_ALREADY_EXISTS && attempt < 8) { err = 0; continue; }
        if (!err && (err = write_owner(pf, key, &me))) pf->store_delete(pf->ctx, key);
        break;
    }
    pf->store_unlock(pf->ctx);
    if (err) return err;

    err = rmref_handle_alloc(pf, key, 1, handle);
    if (err) {
        if (!pf->store_lock(pf->ctx)) { pf->store_delete(pf->ctx, key); pf->store_unlock(pf->ctx); }
        return err;
    }
    memcpy(key_out, key, sizeof key);   /* 32 characters and the terminating NUL */
    return 0;
}

DWORD rmcore_join_session(const rmref_platform *pf, DWORD *handle, const WCHAR key_in[])
{
    if (!handle || !key_in) return ERROR_BAD_ARGUMENTS;
    WCHAR key[RMREF_KEY_CHARS + 1];
    if (!rmref_key_parse(key_in, key)) return ERROR_SESSION_CREDENTIAL_CONFLICT;

    DWORD err = pf->store_lock(pf->ctx);
    if (err) return err;
    rmref_session_data d;
    err = rmref_store_load(pf, key, 0, &d);
    if (!err) {
        if (!pf->process_alive(pf->ctx, &d.owner)) {   /* abandoned: reclaim, refuse */
            pf->store_delete(pf->ctx, key);
            err = ERROR_INVALID_HANDLE;
        }
        rmref_session_data_free(&d);
    }
    pf->store_unlock(pf->ctx);
    if (err == ERROR_INVALID_HANDLE) return ERROR_SESSION_CREDENTIAL_CONFLICT;
    if (err) return err;
    return rmref_handle_alloc(pf, key, 0, handle);
}

/* The primary's RmEndSession deletes the session for everyone; a secondary's only forgets its
 * handle (and succeeds even if the primary already ended the session: leaving a session that
 * is gone is harmless). Nothing is restarted on end. */
DWORD rmcore_end_session(const rmref_platform *pf, DWORD handle)
{
    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;
    if (h.primary) {
        DWORD err = pf->store_lock(pf->ctx);
        if (err) return err;
        err = pf->store_delete(pf->ctx, h.key);
        pf->store_unlock(pf->ctx);
        if (err && err != ERROR_INVALID_HANDLE && err != ERROR_FILE_NOT_FOUND) return ERROR_WRITE_FAULT;
    }
    rmref_handle_free(pf, handle);
    return 0;
}

/* Registration: NULL array with a non-zero count, a NULL or empty name → 160, checked for
 * the whole call before anything is stored (all or nothing). Relative file paths are made
 * absolute against the caller's current directory. Non-existent files, dead processes and
 * unknown services are accepted and simply never match. */
DWORD rmcore_register_resources(const rmref_platform *pf, DWORD handle,
                                UINT nfiles, LPCWSTR files[], UINT napps, RM_UNIQUE_PROCESS apps[],
                                UINT nsvcs, LPCWSTR svcs[])
{
    if ((nfiles && !files) || (napps && !apps) || (nsvcs && !svcs)) return ERROR_BAD_ARGUMENTS;
    for (UINT i = 0; i < nfiles; i++) if (!files[i] || !files[i][0]) return ERROR_BAD_ARGUMENTS;
    for (UINT i = 0; i < nsvcs; i++) if (!svcs[i] || !svcs[i][0]) return ERROR_BAD_ARGUMENTS;
    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;

    /* Each file is made absolute (text only) and expanded to its long form only when it can
     * hold an 8.3 component; what it is (file, directory, nothing) is looked at once here, so
     * RmGetList need not look at every registered file again (see rmref_check_directories). */
    rmref_wbuf wb = {0};
    WCHAR *full = malloc(RMREF_PATH_CHARS * sizeof(WCHAR));
    unsigned char *kinds = malloc(nfiles ? nfiles : 1);
    if (!full || !kinds) { free(full); free(kinds); return ERROR_OUTOFMEMORY; }
    wb_u32(&wb, nfiles);
    for (UINT i = 0; i < nfiles; i++) {
        DWORD e = rmref_resolve_path(pf, files[i], 0, full);
        if (e) {
            free(full); free(kinds); wb_free(&wb);
            return e == ERROR_OUTOFMEMORY ? e : ERROR_BAD_ARGUMENTS;
        }
        wb_str(&wb, full);
        kinds[i] = (unsigned char)pf->path_kind(pf->ctx, full);
    }
    free(full);
    wb_u32(&wb, napps);
    for (UINT i = 0; i < napps; i++) {
        wb_u32(&wb, apps[i].dwProcessId);
        wb_u32(&wb, apps[i].ProcessStartTime.dwLowDateTime);
        wb_u32(&wb, apps[i].ProcessStartTime.dwHighDateTime);
    }
    wb_u32(&wb, nsvcs);
    for (UINT i = 0; i < nsvcs; i++) wb_str(&wb, svcs[i]);
    /* appended after the services, so a batch without it (older writer) still reads */
    wb_u32(&wb, nfiles);
    for (UINT i = 0; i < nfiles; i++) wb_u32(&wb, kinds[i]);
    free(kinds);
    if (wb.oom) { wb_free(&wb); return ERROR_OUTOFMEMORY; }

    DWORD err = pf->store_lock(pf->ctx);
    if (!err) {
        rmref_session_data d;
        err = rmref_store_load(pf, h.key, 0, &d);      /* does the session still exist? */
        if (!err) {
            rmref_session_data_free(&d);
            if (nfiles || napps || nsvcs)
                err = rmref_store_append_resources(pf, h.key, wb.p, (DWORD)wb.len);
        }
        pf->store_unlock(pf->ctx);
    }
    wb_free(&wb);
    return err;
}

/* Cancel only flags the running operation of this handle; with nothing running it succeeds
 * and is forgotten (it does not cancel the next operation). */
DWORD rmcore_cancel_current_task(const rmref_platform *pf, DWORD handle)
{
    rmref_handle_info h;
    if (!rmref_handle_get(pf, handle, &h)) return ERROR_INVALID_HANDLE;
    DWORD err = rmref_role_check(pf, &h, RMREF_OP_CANCEL);
    if (err) return err;
    rmref_op_request_cancel(pf, handle);
    return 0;
}
