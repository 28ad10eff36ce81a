# Build step (cmake -D... -P GenerateTargets.cmake): writes zstdpoolTargets.cmake from its
# template once rustc has reported the static library's native dependencies.
#
# Inputs (-D): TEMPLATE, OUTPUT, NATIVE_LIBS_FILE, VERSION, REALNAME, SONAME,
# CONFIG_TO_PREFIX, LIBDIR_EXPR, INCLUDEDIR_EXPR.

include("${CMAKE_CURRENT_LIST_DIR}/NativeLibs.cmake")
zstdpool_native_libs("${NATIVE_LIBS_FILE}" ZSTDPOOL_STATIC_LINK_LIBRARIES _unused)
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
# configure_file() leaves an unchanged file alone: touch it so that the build sees it done.
file(TOUCH "${OUTPUT}")
