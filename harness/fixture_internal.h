/* fixture_internal.h — what fixture.c, fixture_app.c, fixture_service.c and
 * fixture_secondary.c share (not for cases: they use fixture.h). */
#ifndef RMC_FIXTURE_INTERNAL_H
#define RMC_FIXTURE_INTERNAL_H

#include "fixture.h"
#include "internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define FIXTURE_STOP_WAIT_MS 5000u

/* A fixture's journal file and the lines last read from it. */
typedef struct journal_file {
    WCHAR path[MAX_PATH];
    char *text;
    fixture_journal j;
} journal_file;

void *fx_calloc(size_t n, size_t size);
char *fx_utf8(const WCHAR *s);
WCHAR *fx_vformat(const WCHAR *fmt, va_list ap);
unsigned long long fx_filetime_u64(FILETIME t);
void fx_spawn(const WCHAR *what, WCHAR *cmdline, DWORD flags, STARTUPINFOW *si, BOOL inherit,
              PROCESS_INFORMATION *pi);
void fx_bin_path(WCHAR out[MAX_PATH], const WCHAR *image);
void fx_journal_release(journal_file *f);
const fixture_journal *fx_journal_read(journal_file *f);
const char *fx_journal_tail(journal_file *f);
const char *fx_journal_wait(journal_file *f, const char *who, const char *event, unsigned nth, DWORD timeout_ms);
void fx_journal_obs(journal_file *f, const char *key);

#endif
