/* case_log.c — a case process's own output (stdout and stderr: cmocka's lines, and whatever the
 * implementation prints) into cases/<id>.log, capped.
 *
 * An implementation that prints in every call once wrote 1.7 GB of logs in one run (issue 15).
 * The child writes into a pipe; a thread of the runner keeps the first CASE_LOG_HEAD bytes (written
 * to the file as they come) and the last CASE_LOG_TAIL bytes (in memory), and at the end writes
 * the tail after a line saying how much was cut. The thread never blocks in ReadFile (it polls
 * the pipe), so fixtures that inherited the pipe and outlive the case cannot keep it waiting. */
#include "runner.h"
#include <stdlib.h>
#include <string.h>

#define CASE_LOG_HEAD (256u * 1024u)
#define CASE_LOG_TAIL (256u * 1024u)

/* Reads what the pipe holds, at most about 1 MiB per call (so a writer that never pauses cannot
 * keep the reader from seeing its stop request). */
static void drain(case_log *cl)
{
    char chunk[16384];
    DWORD avail = 0, got = 0;
    for (int round = 0; round < 64 && PeekNamedPipe(cl->read, NULL, 0, NULL, &avail, NULL) && avail; round++) {
        if (!ReadFile(cl->read, chunk, avail < sizeof chunk ? avail : sizeof chunk, &got, NULL) || !got) return;
        const char *p = chunk;
        DWORD n = got;
        cl->total += n;
        if (cl->head_written < CASE_LOG_HEAD) {
            DWORD take = CASE_LOG_HEAD - cl->head_written < n ? CASE_LOG_HEAD - cl->head_written : n, done = 0;
            if (cl->file != INVALID_HANDLE_VALUE) WriteFile(cl->file, p, take, &done, NULL);
            cl->head_written += take;
            p += take;
            n -= take;
        }
        for (DWORD i = 0; i < n; i++) {   /* ring of the last CASE_LOG_TAIL bytes */
            cl->tail[cl->tail_pos] = p[i];
            cl->tail_pos = (cl->tail_pos + 1) % CASE_LOG_TAIL;
            if (cl->tail_len < CASE_LOG_TAIL) cl->tail_len++;
        }
    }
}

static DWORD WINAPI reader(void *arg)
{
    case_log *cl = arg;
    for (;;) {
        DWORD avail = 0;
        if (InterlockedCompareExchange(&cl->stop, 0, 0)) break;
        if (!PeekNamedPipe(cl->read, NULL, 0, NULL, &avail, NULL)) break;   /* every writer is gone */
        if (avail) drain(cl);
        else Sleep(15);
    }
    drain(cl);
    return 0;
}

HANDLE case_log_start(case_log *cl, const WCHAR *path)
{
    memset(cl, 0, sizeof(*cl));
    cl->read = cl->file = cl->thread = INVALID_HANDLE_VALUE;
    SECURITY_ATTRIBUTES inherit = {sizeof(inherit), NULL, TRUE};
    cl->file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, CREATE_ALWAYS, 0, NULL);
    HANDLE write = INVALID_HANDLE_VALUE;
    cl->tail = malloc(CASE_LOG_TAIL);
    if (!cl->tail || !CreatePipe(&cl->read, &write, &inherit, 65536)) {
        /* No pipe: the child writes into the file itself, uncapped, as before. */
        free(cl->tail);
        cl->tail = NULL;
        cl->read = INVALID_HANDLE_VALUE;
        HANDLE h = cl->file;
        cl->file = INVALID_HANDLE_VALUE;
        if (h != INVALID_HANDLE_VALUE) SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        return h;
    }
    SetHandleInformation(cl->read, HANDLE_FLAG_INHERIT, 0);
    cl->thread = CreateThread(NULL, 0, reader, cl, 0, NULL);
    if (!cl->thread) cl->thread = INVALID_HANDLE_VALUE;
    return write;
}

void case_log_finish(case_log *cl)
{
    if (cl->read == INVALID_HANDLE_VALUE) return;
    InterlockedExchange(&cl->stop, 1);
    if (cl->thread != INVALID_HANDLE_VALUE) {
        WaitForSingleObject(cl->thread, INFINITE);
        CloseHandle(cl->thread);
    } else
        drain(cl);
    CloseHandle(cl->read);
    cl->read = INVALID_HANDLE_VALUE;
    if (cl->file != INVALID_HANDLE_VALUE) {
        DWORD done;
        unsigned long long cut = cl->total - cl->head_written - cl->tail_len;
        if (cut) {
            char line[300];
            int n = snprintf(line, sizeof line,
                             "\n[rmconform: %llu bytes cut here: the case process wrote %llu bytes; this log keeps the "
                             "first %u and the last %u]\n",
                             cut, cl->total, CASE_LOG_HEAD, CASE_LOG_TAIL);
            WriteFile(cl->file, line, (DWORD)n, &done, NULL);
        }
        size_t start = (cl->tail_pos + CASE_LOG_TAIL - cl->tail_len) % CASE_LOG_TAIL;
        size_t first = cl->tail_len < CASE_LOG_TAIL - start ? cl->tail_len : CASE_LOG_TAIL - start;
        WriteFile(cl->file, cl->tail + start, (DWORD)first, &done, NULL);
        WriteFile(cl->file, cl->tail, (DWORD)(cl->tail_len - first), &done, NULL);
        CloseHandle(cl->file);
        cl->file = INVALID_HANDLE_VALUE;
    }
    free(cl->tail);
    cl->tail = NULL;
}
