/* filters.c — RmAddFilter, RmRemoveFilter, RmGetFilterList.
 *
 * Choices (undocumented): exactly one target must be given, else 160; RmInvalidFilterAction or
 * an unknown action → 160; a filter may name something not registered in the session; file
 * targets are compared as normalised full paths, case-insensitively, against the executable
 * image of an affected process; service names case-insensitively. The most recent filter for
 * a target replaces the earlier one.
 *
 * RmGetFilterList buffer: one record per filter, each an RM_FILTER_INFO immediately followed
 * (pointer-aligned) by its string for file/service triggers; the union's pointer points at that
 * string inside the caller's buffer. cbNextOffset is the byte distance from the start of a
 * record to the next one; the last record has cbNextOffset 0. No filters → 0 bytes needed. */
#include "core_internal.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static DWORD target_of(const rmref_platform *pf, LPCWSTR module, const RM_UNIQUE_PROCESS *process,
                       LPCWSTR service, rmref_filter *f, WCHAR *buf)
{
    int given = (module != NULL) + (process != NULL) + (service != NULL);
    if (given != 1) return ERROR_BAD_ARGUMENTS;
    memset(f, 0, sizeof *f);
    if (module) {
        /* always the long form: the text is handed back by RmGetFilterList */
        if (!module[0] || rmref_resolve_path(pf, module, 1, buf)) return ERROR_BAD_ARGUMENTS;
        f->trigger = RmFilterTriggerFile;
        f->text = buf;
    } else if (service) {
        if (!service[0]) return ERROR_BAD_ARGUMENTS;
        f->trigger = RmFilterTriggerService;
        f->text = (WCHAR *)service;
    } else {
        f->trigger = RmFilterTriggerProcess;
        f->process = *process;
    }
    return 0;
}

static int same_target(const rmref_filter *a, const rmref_filter *b)
{
    if (a->trigger != b->trigger) return 0;
    if (a->trigger == RmFilterTriggerProcess) return rmref_unique_eq(&a->process, &b->process);
    return !rmref_wcsicmp(a->text, b->text);
}

/* Common prologue: handle, primary role, then the session's filters under the store lock.
 * On success the store lock is held. */
static DWORD open_filters(const rmref_platform *pf, DWORD handle, rmref_handle_info *h, rmref_session_data *d)
{
    if (!rmref_handle_get(pf, handle, h)) return ERROR_INVALID_HANDLE;
    DWORD err = rmref_role_check(pf, h, RMREF_OP_FILTER);
    if (err) return err;
    if ((err = pf->store_lock(pf->ctx))) return err;
    if ((err = rmref_store_load(pf, h->key, RMREF_LOAD_FILTERS, d))) pf->store_unlock(pf->ctx);
    return err;
}

DWORD rmcore_add_filter(const rmref_platform *pf, DWORD handle, LPCWSTR module,
                        const RM_UNIQUE_PROCESS *process, LPCWSTR service, RM_FILTER_ACTION action)
{
    WCHAR *buf = malloc(RMREF_PATH_CHARS * sizeof(WCHAR));
    if (!buf) return ERROR_OUTOFMEMORY;
    rmref_filter want;
    DWORD err = target_of(pf, module, process, service, &want, buf);
    if (!err && action != RmNoRestart && action != RmNoShutdown) err = ERROR_BAD_ARGUMENTS;
    rmref_handle_info h;
    rmref_session_data d;
    if (!err) err = open_filters(pf, handle, &h, &d);
    if (err) { free(buf); return err; }

    want.action = action;
    size_t i;
    for (i = 0; i < d.nfilters && !same_target(&d.filters[i], &want); i++) {}
    if (i < d.nfilters) {
        d.filters[i].action = action;          /* the latest call wins */
    } else {
        rmref_filter *v = realloc(d.filters, (d.nfilters + 1) * sizeof *v);
        WCHAR *text = want.text ? rmref_wcsdup(want.text) : NULL;
        if (!v || (want.text && !text)) {
            if (v) d.filters = v;
            free(text);
            err = ERROR_OUTOFMEMORY;
        } else {
            d.filters = v;
            want.text = text;
            d.filters[d.nfilters++] = want;
        }
    }
    if (!err) err = rmref_store_save_filters(pf, h.key, &d);
    pf->store_unlock(pf->ctx);
    rmref_session_data_free(&d);
    free(buf);
    return err;
}

DWORD rmcore_remove_filter(const rmref_platform *pf, DWORD handle, LPCWSTR module,
                           const RM_UNIQUE_PROCESS *process, LPCWSTR service)
{
    WCHAR *buf = malloc(RMREF_PATH_CHARS * sizeof(WCHAR));
    if (!buf) return ERROR_OUTOFMEMORY;
    rmref_filter want;
    DWORD err = target_of(pf, module, process, service, &want, buf);
    rmref_handle_info h;
    rmref_session_data d;
    if (!err) err = open_filters(pf, handle, &h, &d);
    if (err) { free(buf); return err; }

    size_t i;
    for (i = 0; i < d.nfilters && !same_target(&d.filters[i], &want); i++) {}
    if (i == d.nfilters) {
        err = ERROR_FILE_NOT_FOUND;
    } else {
        free(d.filters[i].text);
        memmove(&d.filters[i], &d.filters[i + 1], (d.nfilters - i - 1) * sizeof *d.filters);
        d.nfilters--;
        err = rmref_store_save_filters(pf, h.key, &d);
    }
    pf->store_unlock(pf->ctx);
    rmref_session_data_free(&d);
    free(buf);
    return err;
}

static size_t align_up(size_t n)
{
    size_t a = sizeof(void *);
    return (n + a - 1) & ~(a - 1);
}

static size_t record_size(const rmref_filter *f)
{
    size_t n = sizeof(RM_FILTER_INFO);
    if (f->trigger != RmFilterTriggerProcess) n += (wcslen(f->text) + 1) * sizeof(WCHAR);
    return align_up(n);
}

/* cbFilterBufNeeded is a required out-parameter: NULL → 160 (the page's "or if
 * cbFilterBufNeeded was not specified → ERROR_MORE_DATA" is read as an erratum). */
DWORD rmcore_get_filter_list(const rmref_platform *pf, DWORD handle, BYTE *buf, DWORD cb, DWORD *needed)
{
    if (!needed || (cb && !buf)) return ERROR_BAD_ARGUMENTS;
    rmref_handle_info h;
    rmref_session_data d;
    DWORD err = open_filters(pf, handle, &h, &d);
    if (err) return err;
    pf->store_unlock(pf->ctx);

    size_t total = 0;
    for (size_t i = 0; i < d.nfilters; i++) total += record_size(&d.filters[i]);
    *needed = (DWORD)total;
    if (total > cb) {
        rmref_session_data_free(&d);
        return ERROR_MORE_DATA;
    }
    size_t off = 0;
    for (size_t i = 0; i < d.nfilters; i++) {
        const rmref_filter *f = &d.filters[i];
        size_t size = record_size(f);
        RM_FILTER_INFO info;
        memset(&info, 0, sizeof info);
        info.FilterAction = f->action;
        info.FilterTrigger = f->trigger;
        info.cbNextOffset = i + 1 < d.nfilters ? (DWORD)size : 0;
        if (f->trigger == RmFilterTriggerProcess) {
            info.Process = f->process;
        } else {
            WCHAR *str = (WCHAR *)(buf + off + sizeof(RM_FILTER_INFO));
            memcpy(str, f->text, (wcslen(f->text) + 1) * sizeof(WCHAR));
            if (f->trigger == RmFilterTriggerFile) info.strFilename = str;
            else info.strServiceShortName = str;
        }
        memcpy(buf + off, &info, sizeof info);
        off += size;
    }
    rmref_session_data_free(&d);
    return 0;
}
