/* rmv_common.h — realistic defective implementations: rmref's own sources, linked into a test
 * DLL with one function replaced through the linker (-Wl,--wrap=<symbol>, see
 * tests/CMakeLists.txt). Each rmv_<name>.c defines __wrap_<symbol> with exactly one defect and
 * calls __real_<symbol> for the rest; reference-impl/ itself stays clean. */
#ifndef RMV_COMMON_H
#define RMV_COMMON_H
#include "../../reference-impl/core/rmref_core.h"
#endif
