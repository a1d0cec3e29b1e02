/* rmv_nohandles.dll: rmref that never detects plain open file handles: the platform's
 * enumeration of file users passes on only images and modules (.exe, .dll), as an
 * implementation that looks at loaded modules and never at the handle table would. */
#include "rmv_common.h"
#include <wchar.h>

DWORD __real_rmwin_enum_file_users(void *ctx, rmref_file_user_fn fn, void *cookie);

typedef struct filter { rmref_file_user_fn fn; void *cookie; } filter;

static int ends_with(const WCHAR *s, const WCHAR *tail)
{
    size_t n = wcslen(s), m = wcslen(tail);
    return n >= m && !_wcsicmp(s + n - m, tail);
}

static int modules_only(void *cookie, DWORD pid, const WCHAR *path, const rmref_file_id *id)
{
    filter *f = cookie;
    if (path && !ends_with(path, L".exe") && !ends_with(path, L".dll")) return 0;
    return f->fn(f->cookie, pid, path, id);
}

DWORD __wrap_rmwin_enum_file_users(void *ctx, rmref_file_user_fn fn, void *cookie)
{
    filter f = { fn, cookie };
    return __real_rmwin_enum_file_users(ctx, modules_only, &f);
}

/* Where the kernel's per-file list exists (Windows 7 and later) rmref would ask it instead of
 * enumerating: say it is missing, so this variant takes the enumeration route everywhere. */
DWORD __wrap_rmwin_kernel_file_users(void *ctx, const WCHAR *path, rmref_file_user_fn fn, void *cookie)
{
    return ERROR_NOT_SUPPORTED;
}
