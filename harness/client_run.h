/* client_run.h — running one of our client programs (clients/, built into bin\clients) the way
 * the client is run in the field: as its own process that imports rstrtmgr.dll by name. Used by
 * the clients area (cases/clients.c).
 *
 * The implementation under test is copied into the case folder as rstrtmgr.dll beside a copy of
 * the client, and the client runs with WINEDLLOVERRIDES=rstrtmgr=n,b so Wine's loader prefers
 * that copy to its builtin (harmless on Windows, where the application folder comes first);
 * with --system nothing is copied and the client gets the system's DLL. The client prints one
 * JSON object on stdout; its "dll" field says which rstrtmgr.dll it really loaded.
 *
 * Verdicts: a client that dies of an exception makes the case a `crash` naming the exception,
 * the module it happened in and the client; a client that does not finish in time is killed and
 * the case fails saying so; a client the loader could not start (the implementation lacks a
 * function it imports) fails the case; a client that loaded another rstrtmgr.dll than the copy
 * makes the case `unsupported` (the platform will not run a client against this DLL). */
#ifndef RMC_CLIENT_RUN_H
#define RMC_CLIENT_RUN_H

#include "rmcase.h"

#define CLIENT_WAIT_MS 30000u

/* Copies bin\clients\<image> into the case folder (and the implementation beside it, once);
 * out receives the copy's full path. For clients that start other clients. */
void client_place(WCHAR out[MAX_PATH], const WCHAR *image);

/* Places and runs `image` with the formatted arguments, waits up to timeout_ms, records its
 * output and exit code as observations under "client.<image>", applies the verdicts above,
 * and returns what it printed (valid until the end of the case). *exit_code may be NULL. */
const char *client_run(const WCHAR *image, DWORD timeout_ms, DWORD *exit_code, const WCHAR *args_fmt, ...);

/* Ends the case as a `crash` with the message (for a process a client started, whose exit
 * code is an exception: the case saw it only through the client). */
void client_crash(DWORD code, const char *fmt, ...) __attribute__((format(gnu_printf, 2, 3), noreturn));
/* Whether a process exit code is an exception code (0xC..., Wine's 0x80000100, a breakpoint). */
int client_exit_is_exception(DWORD code);

/* Same, for a client that writes its JSON to the file `report` instead of stdout (a GUI
 * program: the NSIS installer). */
const char *client_run_report(const WCHAR *image, const WCHAR *report, DWORD timeout_ms, DWORD *exit_code,
                              const WCHAR *args_fmt, ...);

/* Reading the client's JSON: a top-level field of `json` (an object). */
int client_has(const char *json, const char *key);
/* A number (true 1, false 0); fails the case when it is missing (quoting the output). */
long long client_num(const char *json, const char *key);
/* A nested object or array as text (malloc'd, freed after the case); NULL when absent or null. */
const char *client_value(const char *json, const char *key);
/* The numbers of an array field ("pids"): how many, up to max, into out. Fails when missing. */
size_t client_nums(const char *json, const char *key, long long *out, size_t max);
/* Whether the array field contains n. */
int client_lists(const char *json, const char *key, long long n);

#endif
