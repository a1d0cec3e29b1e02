/* fileid_win32.c — files by identity rather than by name (spec §8.4), and the kernel's own list
 * of the processes using a file.
 *
 * Identity: the volume serial number and the file ID (FILE_ID_INFO's 128 bits where the
 * system has it, Windows 8 and later; else BY_HANDLE_FILE_INFORMATION's 64-bit index), read
 * from a handle, with the file's index (FileInternalInformation) beside it. Every identity
 * rmref compares is read by this one routine, so both sides of a comparison always come from
 * the same source; a handle named in a snapshot gets its index alone (rmwin_handle_index,
 * file_index.c), the cheap first test against the registered files' indexes (core/getlist.c).
 *
 * The kernel's list: NtQueryInformationFile(FileProcessIdsUsingFileInformation), Windows 7
 * and later. It names every process holding a handle to the file or a mapping of it, whatever
 * name it used, across 32/64-bit, without duplicating anybody's handles. It also names us,
 * for the handle we open to ask; so the caller is left out of its answer and the core learns
 * about the caller's own use from enum_module_users (its handles, images and modules). Where
 * the class is not implemented (Vista, Wine) the answer is ERROR_NOT_SUPPORTED, remembered for
 * the process's lifetime, and the core falls back to enumerating handles. */
#include "win32_internal.h"
#include "file_index.h"
#include <stdlib.h>
#include <string.h>

#define RMWIN_FILE_PROCESS_IDS_USING_FILE 47
#define STATUS_INFO_LENGTH_MISMATCH_  ((LONG)0xC0000004)
#define STATUS_BUFFER_OVERFLOW_       ((LONG)0x80000005)
#define STATUS_NOT_IMPLEMENTED_       ((LONG)0xC0000002)
#define STATUS_INVALID_INFO_CLASS_    ((LONG)0xC0000003)

typedef struct rmwin_io_status { union { LONG status; void *pointer; }; ULONG_PTR information; } rmwin_io_status;
typedef LONG (WINAPI *nt_query_information_file_fn)(HANDLE, rmwin_io_status *, void *, ULONG, ULONG);
/* FILE_ID_INFO and its class (Windows 8 SDK; the project targets older headers) */
typedef struct rmwin_file_id_info { ULONGLONG volume; BYTE id[16]; } rmwin_file_id_info;
#define RMWIN_FILE_ID_INFO_CLASS 18

typedef struct pids_using_file { ULONG count; ULONG_PTR pids[1]; } pids_using_file;

/* The index alone (file_index.c), marked index_only: how a handle named in a snapshot is known. */
DWORD rmwin_handle_index(HANDLE file, rmref_file_id *out)
{
    memset(out, 0, sizeof *out);
    out->index_only = 1;
    return rmwin_file_index(file, &out->index);
}

DWORD rmwin_handle_identity(HANDLE file, rmref_file_id *out)
{
    memset(out, 0, sizeof *out);
    DWORD err = rmwin_file_index(file, &out->index);
    if (err) return err;
    rmwin_file_id_info fi;
    BY_HANDLE_FILE_INFORMATION bi;
    if (GetFileInformationByHandleEx(file, (FILE_INFO_BY_HANDLE_CLASS)RMWIN_FILE_ID_INFO_CLASS, &fi, sizeof fi)) {
        out->volume = fi.volume;
        memcpy(&out->id_low, fi.id, 8);
        memcpy(&out->id_high, fi.id + 8, 8);
        return 0;
    }
    if (!GetFileInformationByHandle(file, &bi)) return GetLastError();
    out->volume = bi.dwVolumeSerialNumber;
    out->id_low = (ULONGLONG)bi.nFileIndexHigh << 32 | bi.nFileIndexLow;
    return 0;
}

/* Attributes access only, every sharing mode: opens next to any user, never a use itself. */
static HANDLE open_for_query(const WCHAR *path)
{
    return CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

DWORD rmwin_file_identity(void *ctx, const WCHAR *path, rmref_file_id *out)
{
    HANDLE f = open_for_query(path);
    if (f == INVALID_HANDLE_VALUE) return GetLastError();
    DWORD err = rmwin_handle_identity(f, out);
    CloseHandle(f);
    return err;
}

static volatile LONG kernel_query_missing;     /* the class is not implemented here */

DWORD rmwin_kernel_file_users(void *ctx, const WCHAR *path, rmref_file_user_fn fn, void *cookie)
{
    static nt_query_information_file_fn query;
    if (kernel_query_missing) return ERROR_NOT_SUPPORTED;
    if (!query) query = (nt_query_information_file_fn)(void *)
        GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationFile");
    if (!query) { InterlockedExchange(&kernel_query_missing, 1); return ERROR_NOT_SUPPORTED; }

    HANDLE f = open_for_query(path);
    if (f == INVALID_HANDLE_VALUE) return GetLastError();
    ULONG size = 4096;
    pids_using_file *list = NULL;
    LONG st = STATUS_INFO_LENGTH_MISMATCH_;
    for (int tries = 0; tries < 8 && (st == STATUS_INFO_LENGTH_MISMATCH_ || st == STATUS_BUFFER_OVERFLOW_); tries++) {
        free(list);
        if (!(list = malloc(size))) { CloseHandle(f); return ERROR_OUTOFMEMORY; }
        rmwin_io_status io = { { 0 }, 0 };
        st = query(f, &io, list, size, RMWIN_FILE_PROCESS_IDS_USING_FILE);
        size *= 4;
    }
    CloseHandle(f);
    DWORD err = 0;
    if (st == STATUS_NOT_IMPLEMENTED_ || st == STATUS_INVALID_INFO_CLASS_) {
        InterlockedExchange(&kernel_query_missing, 1);
        err = ERROR_NOT_SUPPORTED;
    } else if (st < 0) {
        err = ERROR_NOT_SUPPORTED;                  /* this file cannot be asked: enumerate */
    } else {
        DWORD self = GetCurrentProcessId();
        for (ULONG i = 0; i < list->count && !err; i++) {
            DWORD pid = (DWORD)list->pids[i];
            if (pid == self || pid == 0) continue;  /* our query handle; see above */
            if (fn(cookie, pid, path, NULL)) err = ERROR_CANCELLED;
        }
    }
    free(list);
    return err;
}
