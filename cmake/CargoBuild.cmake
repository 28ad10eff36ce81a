# Build step of the CMake build (run as `cmake -D... -P CargoBuild.cmake` by CMakeLists.txt):
# runs cargo, then copies the libraries into the build tree's staging directory.
#
# Inputs (-D): CARGO, MANIFEST, TARGET_DIR, PROFILE (release or debug), CARGO_FLAGS (extra
# arguments, shell-like words separated by spaces), STAGE_DIR, REALNAME
# (libzstdpool.so.X.Y.Z), SONAME.
#
# Outputs in STAGE_DIR: REALNAME, libzstdpool.a, and native-static-libs.txt: the native
# libraries a program linking libzstdpool.a statically also needs, as rustc reports them
# (`--print native-static-libs`), e.g. "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc".
#
# `cargo rustc -- ARGS` passes ARGS to the zstdpool crate's own rustc call only, and
# `--print native-static-libs=FILE` (rustc >= 1.79) writes the list to FILE instead of a note
# on stderr. rustc only writes it when it links, so when cargo finds everything fresh and
# the file is missing (a new staging directory over an old cargo target directory), the
# crate's outputs are removed to make cargo link it again.

foreach(_var CARGO MANIFEST TARGET_DIR PROFILE STAGE_DIR REALNAME SONAME)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "CargoBuild.cmake: -D${_var}=... is required")
    endif()
endforeach()

set(_out "${TARGET_DIR}/${PROFILE}")
set(_native "${_out}/zstdpool-native-static-libs.txt")
separate_arguments(_flags UNIX_COMMAND "${CARGO_FLAGS}")
set(_args rustc --manifest-path "${MANIFEST}" --lib ${_flags})
if(PROFILE STREQUAL "release")
    list(APPEND _args --release)
elseif(NOT PROFILE STREQUAL "debug")
    message(FATAL_ERROR "CargoBuild.cmake: PROFILE must be release or debug, not '${PROFILE}'")
endif()
list(APPEND _args -- --print "native-static-libs=${_native}")

set(ENV{CARGO_TARGET_DIR} "${TARGET_DIR}")

function(_run_cargo)
    execute_process(COMMAND "${CARGO}" ${_args} RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "cargo failed (${_rc}): ${CARGO} ${_args}")
    endif()
endfunction()

_run_cargo()
if(NOT EXISTS "${_native}")
    message(STATUS "cargo found libzstdpool fresh but ${_native} is missing: relinking")
    file(GLOB _crate_outputs "${_out}/deps/libzstdpool-*" "${_out}/deps/libzstdpool.*")
    file(REMOVE ${_crate_outputs} "${_out}/libzstdpool.so" "${_out}/libzstdpool.a"
        "${_out}/libzstdpool.rlib")
    _run_cargo()
    if(NOT EXISTS "${_native}")
        message(FATAL_ERROR "rustc did not write ${_native}")
    endif()
endif()

# The staged copies. copy_if_different keeps their time stamps when cargo had nothing to
# do (so that what depends on them is not redone), and the outputs are touched afterwards
# so that CMake sees them newer than the sources that made it call cargo.
file(MAKE_DIRECTORY "${STAGE_DIR}")
foreach(_pair "libzstdpool.so=${REALNAME}" "libzstdpool.a=libzstdpool.a"
        "zstdpool-native-static-libs.txt=native-static-libs.txt")
    string(REPLACE "=" ";" _pair "${_pair}")
    list(GET _pair 0 _from)
    list(GET _pair 1 _to)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different
        "${_out}/${_from}" "${STAGE_DIR}/${_to}" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "cannot copy ${_out}/${_from} to ${STAGE_DIR}/${_to}")
    endif()
    file(TOUCH_NOCREATE "${STAGE_DIR}/${_to}")
endforeach()

# build.rs sets the SONAME; check that it agrees with the install layout's links.
find_program(_readelf readelf)
if(_readelf)
    execute_process(COMMAND "${_readelf}" -d "${STAGE_DIR}/${REALNAME}"
        OUTPUT_VARIABLE _dynamic RESULT_VARIABLE _rc)
    if(_rc EQUAL 0 AND NOT _dynamic MATCHES "Library soname: \\[${SONAME}\\]")
        message(FATAL_ERROR "${STAGE_DIR}/${REALNAME} does not have the SONAME ${SONAME} "
            "that the install links assume (see build.rs)")
    endif()
endif()
