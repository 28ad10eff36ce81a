# Reads the [package] table of a Cargo.toml, so that the version and description are
# written once, in Cargo.toml.
#
#   zstdpool_read_cargo_package(<Cargo.toml> <prefix>)
#
# sets <prefix>_VERSION (e.g. 0.1.0; a pre-release or build suffix, as in 0.2.0-rc.1, is cut
# off: CMake versions are numeric) and <prefix>_DESCRIPTION in the caller's scope. Only
# single-line `key = "value"` entries are understood, which is how cargo writes them;
# anything else is a configure error rather than a silently wrong version.

function(zstdpool_read_cargo_package manifest prefix)
    file(STRINGS "${manifest}" _lines)
    set(_in_package FALSE)
    set(_version "")
    set(_description "")
    foreach(_line IN LISTS _lines)
        if(_line MATCHES "^[ \t]*\\[([^]]*)\\]")
            if(CMAKE_MATCH_1 STREQUAL "package")
                set(_in_package TRUE)
            else()
                set(_in_package FALSE)
            endif()
        elseif(_in_package AND _line MATCHES "^[ \t]*version[ \t]*=[ \t]*\"([^\"]*)\"")
            set(_version "${CMAKE_MATCH_1}")
        elseif(_in_package AND _line MATCHES "^[ \t]*description[ \t]*=[ \t]*\"([^\"]*)\"")
            set(_description "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    if(NOT _version MATCHES "^([0-9]+\\.[0-9]+\\.[0-9]+)")
        message(FATAL_ERROR "${manifest}: no `version = \"X.Y.Z\"` in [package] (found '${_version}')")
    endif()
    set(${prefix}_VERSION "${CMAKE_MATCH_1}" PARENT_SCOPE)
    set(${prefix}_DESCRIPTION "${_description}" PARENT_SCOPE)
endfunction()
