/* module_walk.h — every process, its parent and its loaded modules, read the cheap way
 * (module_walk.c). Shared by rmref (detect_win32.c) and by the bench's floor and step replay,
 * so the floor costs the module scan exactly as rmref does it. Needs only kernel32 and ntdll. */
#ifndef RMWIN_MODULE_WALK_H
#define RMWIN_MODULE_WALK_H

#include <windows.h>

typedef void (*rmwin_module_fn)(void *cookie, DWORD pid, const WCHAR *path);

/* Calls fn for every module of process pid, its image first. Returns the number of modules
 * reported, or -1 when the list could not be read (another bitness, a protected process, a
 * process gone): then nothing was reported and the caller asks another way. */
int rmwin_walk_modules(DWORD pid, rmwin_module_fn fn, void *cookie);

/* Every module of process pid, the image first, the cheapest way that works: the loader list
 * (above) when it lists any; else a Toolhelp module snapshot (32-bit modules included: a
 * 64-bit caller's way into a 32-bit process); else only the image path
 * (QueryFullProcessImageNameW: a protected process). Returns the number of paths reported. */
int rmwin_process_modules(DWORD pid, rmwin_module_fn fn, void *cookie);

/* The running processes, their parents and image names (NtQuerySystemInformation class 5), in
 * one call. *out is malloc'd (free it); returns the count, -1 on failure. */
typedef struct rmwin_process { DWORD pid, parent; WCHAR name[MAX_PATH]; } rmwin_process;
int rmwin_list_processes(rmwin_process **out);

/* Which of the n processes pids the service control manager started (their parent is a
 * services.exe): is_child[i] 1 or 0; all 1 when the process list cannot be read (they may). */
void rmwin_started_by_scm(const DWORD *pids, size_t n, unsigned char *is_child);

#endif
