# delay_load.cmake — rmc_delay_load(TARGET DLL DEF): TARGET reaches the functions DEF lists
# through a delay-load library (dlltool --output-delaylib), so DLL is loaded at the first call
# instead of at process start.
#
# Why: the runner starts rmconform.exe once per case and the fixtures many times per run, and
# under Wine a program that imports user32 takes ~30 ms longer to start than one that does not
# (shell32, which pulls in user32 and more, ~40 ms; measured in session 5, issue 16). Most case
# processes and fixtures never call them: only the cases and fixtures that make or look for
# windows do, and they load the DLL then.
#
# DEF lists every function of DLL the target calls. One it misses resolves through the usual
# import library instead, and DLL is loaded at start again: tests/check_startup_imports.sh
# (CTest startup_imports) fails then, naming the program.
#
# x64 only: the i686 import names are decorated (GetSystemMetrics@4), which DEF does not carry,
# so the x86 build imports DLL as usual; so does a toolchain without dlltool.
#
# One library per DEF file, however many targets use it (the fixtures share theirs).
function(rmc_delay_load target dll def)
  if(RMC_ARCH STREQUAL "x64" AND CMAKE_DLLTOOL)
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${def})
    string(MAKE_C_IDENTIFIER "delayload_${rel}" name)     # e.g. delayload_fixtures_user32_delay_def
    set(lib ${CMAKE_BINARY_DIR}/delayload/lib${name}.a)
    if(NOT TARGET ${name})
      add_custom_command(OUTPUT ${lib}
                         COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/delayload
                         COMMAND ${CMAKE_DLLTOOL} --input-def ${def} --output-delaylib ${lib}
                         DEPENDS ${def} VERBATIM)
      add_custom_target(${name} DEPENDS ${lib})
    endif()
    add_dependencies(${target} ${name})
    target_link_libraries(${target} PRIVATE ${lib})
  else()
    target_link_libraries(${target} PRIVATE ${dll})
  endif()
endfunction()
