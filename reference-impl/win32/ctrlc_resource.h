/* ctrlc_resource.h — resource id of the embedded console-control helper (rmref-ctrlc.exe). */
#ifndef RMREF_CTRLC_RESOURCE_H
#define RMREF_CTRLC_RESOURCE_H
#define RMREF_CTRLC_RESOURCE 101
#endif
