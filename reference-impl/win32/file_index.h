/* file_index.h — a file's index within its volume, read from a handle (file_index.c). Shared by
 * rmref (fileid_win32.c) and by the bench's floor and step replay, which read it as rmref does.
 * Needs only kernel32 and ntdll. */
#ifndef RMWIN_FILE_INDEX_H
#define RMWIN_FILE_INDEX_H

#include <windows.h>

/* FileInternalInformation of the handle's file: 0 on success, else ERROR_NOT_SUPPORTED. */
DWORD rmwin_file_index(HANDLE file, ULONGLONG *index);

#endif
