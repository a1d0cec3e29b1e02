/* user32_lazy.c — user32 is loaded the first time rmref needs a window (classification,
 * end-session messages, SPI timeouts), not when the DLL loads: installers that never meet a
 * GUI application do not pay for it (under Wine, loading user32 costs megabytes). */
#include "win32_internal.h"
#include <string.h>

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static rmwin_user32 g_user32;

static BOOL CALLBACK load_user32(INIT_ONCE *once, void *param, void **context)
{
    HMODULE m = LoadLibraryW(L"user32.dll");
    if (!m) return TRUE;
#define RESOLVE(field, name) do { FARPROC f_ = GetProcAddress(m, name); memcpy(&g_user32.field, &f_, sizeof f_); } while (0)
    RESOLVE(enum_windows, "EnumWindows");
    RESOLVE(get_window_thread_process_id, "GetWindowThreadProcessId");
    RESOLVE(is_window_visible, "IsWindowVisible");
    RESOLVE(get_window, "GetWindow");
#ifdef _WIN64
    RESOLVE(get_window_long_ptr, "GetWindowLongPtrW");
#else
    RESOLVE(get_window_long_ptr, "GetWindowLongW");
#endif
    RESOLVE(send_message_timeout, "SendMessageTimeoutW");
    RESOLVE(post_message, "PostMessageW");
    RESOLVE(system_parameters_info, "SystemParametersInfoW");
    RESOLVE(get_class_name, "GetClassNameW");
#undef RESOLVE
    g_user32.ok = g_user32.enum_windows && g_user32.get_window_thread_process_id && g_user32.is_window_visible &&
                  g_user32.get_window && g_user32.get_window_long_ptr && g_user32.send_message_timeout &&
                  g_user32.post_message && g_user32.system_parameters_info && g_user32.get_class_name;
    return TRUE;       /* the module stays loaded for the process lifetime */
}

const rmwin_user32 *rmwin_user32_api(void)
{
    InitOnceExecuteOnce(&g_once, load_user32, NULL, NULL);
    return g_user32.ok ? &g_user32 : NULL;
}

int rmwin_is_system_window(HWND hwnd)
{
    WCHAR cls[32];
    const rmwin_user32 *u = rmwin_user32_api();
    if (!u || !u->get_class_name(hwnd, cls, 32)) return 0;
    return !lstrcmpiW(cls, L"IME") || !lstrcmpiW(cls, L"MSCTFIME UI");
}
