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
function(rmc_delay_load target dll def)
  if(RMC_ARCH STREQUAL "x64" AND CMAKE_DLLTOOL)
    get_filename_component(stem ${def} NAME_WE)
    set(lib ${CMAKE_CURRENT_BINARY_DIR}/lib${target}-${stem}.a)
    add_custom_command(OUTPUT ${lib}
                       COMMAND ${CMAKE_DLLTOOL} --input-def ${def} --output-delaylib ${lib}
                       DEPENDS ${def} VERBATIM)
    add_custom_target(${target}-${stem} DEPENDS ${lib})
    add_dependencies(${target} ${target}-${stem})
    target_link_libraries(${target} PRIVATE ${lib})
  else()
    target_link_libraries(${target} PRIVATE ${dll})
  endif()
endfunction()
