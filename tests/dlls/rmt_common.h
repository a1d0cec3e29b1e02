/* rmt_common.h — test-only implementations that misbehave on purpose, to prove the runner turns
 * each misbehaviour into the right verdict. Not Restart Manager implementations. */
#ifndef RMT_COMMON_H
#define RMT_COMMON_H
#include <windows.h>
#include <restartmanager.h>
#define RMT_EXPORT __declspec(dllexport)
#endif
