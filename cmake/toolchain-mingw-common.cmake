# Shared by toolchain-<triple>.cmake: cross-compiling for Windows with Debian's mingw-w64
# (win32 thread model, so no winpthread DLL). RMC_TRIPLE and CMAKE_SYSTEM_PROCESSOR are set by
# the including file.
set(CMAKE_SYSTEM_NAME Windows)
find_program(CMAKE_C_COMPILER NAMES ${RMC_TRIPLE}-gcc-win32 ${RMC_TRIPLE}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${RMC_TRIPLE}-windres REQUIRED)
set(CMAKE_FIND_ROOT_PATH /usr/${RMC_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
