# Install step (install(SCRIPT), after the install(CODE) in CMakeLists.txt that sets the
# ZSTDPOOL_* variables used here): writes zstdpool.pc for the prefix being installed to,
# the one given to `cmake --install --prefix` if any, and installs it (with DESTDIR, and in
# install_manifest.txt, through file(INSTALL)).

include("${CMAKE_CURRENT_LIST_DIR}/NativeLibs.cmake")
zstdpool_native_libs("${ZSTDPOOL_NATIVE_LIBS_FILE}" _unused ZSTDPOOL_LIBS_PRIVATE)

set(ZSTDPOOL_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(_dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${ZSTDPOOL_${_dir}}")
        set(ZSTDPOOL_PC_${_dir} "${ZSTDPOOL_${_dir}}")
        set(_dest_${_dir} "${ZSTDPOOL_${_dir}}")
    else()
        set(ZSTDPOOL_PC_${_dir} "\${prefix}/${ZSTDPOOL_${_dir}}")
        set(_dest_${_dir} "${CMAKE_INSTALL_PREFIX}/${ZSTDPOOL_${_dir}}")
    endif()
endforeach()

configure_file("${ZSTDPOOL_PC_TEMPLATE}" "${ZSTDPOOL_PC_OUTPUT}" @ONLY)
file(INSTALL DESTINATION "${_dest_LIBDIR}/pkgconfig" TYPE FILE FILES "${ZSTDPOOL_PC_OUTPUT}")
