/* harness_util.h — the few routines of harness/util.c that rmbench's overhead mode (overhead.c)
 * links in to time the runner's steps with the runner's own code. Their declarations live in
 * harness/internal.h, which pulls in the case API (and cmocka); these are the same prototypes. */
#ifndef RMBENCH_HARNESS_UTIL_H
#define RMBENCH_HARNESS_UTIL_H
#include <windows.h>
#include <stddef.h>

int make_dirs(const WCHAR *path);        /* mkdir -p; returns 1 on success */
int remove_tree(const WCHAR *path);
int write_text_file(const WCHAR *path, const char *data, size_t n);
BOOL create_process_retrying(WCHAR *cmdline, BOOL inherit, DWORD flags, STARTUPINFOW *si, PROCESS_INFORMATION *pi);

#endif
