/* file_index.c — a file's index within its volume (NtQueryInformationFile class
 * FileInternalInformation): a look at the file alone. The whole identity rmref compares
 * (fileid_win32.c) adds the volume serial number, which is a query of the volume: under Wine a
 * round trip to the mount manager, ~0.3 ms, against 0.002 ms for the index (docs/wine-notes.md,
 * session 6). So a handle named in a snapshot is first known by its index alone, and a file
 * whose index no registered file has cannot be one of them (core/getlist.c). */
#include "file_index.h"

#define FILE_INTERNAL_INFORMATION_CLASS 6

typedef struct io_status { union { LONG status; void *pointer; }; ULONG_PTR information; } io_status;
typedef LONG (WINAPI *query_file_fn)(HANDLE, io_status *, void *, ULONG, ULONG);

DWORD rmwin_file_index(HANDLE file, ULONGLONG *index)
{
    static query_file_fn query;
    if (!query) query = (query_file_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationFile");
    io_status io = { { 0 }, 0 };
    *index = 0;
    if (!query || query(file, &io, index, sizeof *index, FILE_INTERNAL_INFORMATION_CLASS) < 0) return ERROR_NOT_SUPPORTED;
    return 0;
}
