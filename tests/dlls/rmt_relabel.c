/* rmt_relabel.dll: rmt_blind.dll that changes the TimeDateStamp of its own mapped PE header when
 * loaded, so the image a client has in memory no longer matches the file. Stands in for "the
 * loader ran another rstrtmgr.dll under the copy's name" (which Wine does when an override puts
 * the builtin first: it names the builtin after the file it did not load), to show the clients
 * area checks the mapped image, not only the path. */
#include "rmt_blind.c"

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved)
{
    if (reason != DLL_PROCESS_ATTACH) return TRUE;
    IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)self;
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)((BYTE *)self + dos->e_lfanew);
    DWORD old;
    if (VirtualProtect(&nt->FileHeader.TimeDateStamp, sizeof(DWORD), PAGE_READWRITE, &old)) {
        nt->FileHeader.TimeDateStamp ^= 0x5a5a5a5a;
        VirtualProtect(&nt->FileHeader.TimeDateStamp, sizeof(DWORD), old, &old);
    }
    return TRUE;
}
