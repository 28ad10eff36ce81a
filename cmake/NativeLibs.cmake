# Turns rustc's `--print native-static-libs` list into link items.
#
#   zstdpool_native_libs(<file> <out-cmake> <out-pc>)
#
# reads <file> (e.g. "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc") and sets
#   <out-cmake>  a ;-list for INTERFACE_LINK_LIBRARIES: -lNAME becomes NAME, except
#                -lpthread, which becomes Threads::Threads (found by the package's
#                find_dependency(Threads)); -framework X stays a flag pair
#   <out-pc>     the list as it is, for pkg-config's Libs.private
# Duplicates are kept: rustc says their order and duplication can matter.

function(zstdpool_native_libs file out_cmake out_pc)
    file(READ "${file}" _text)
    string(STRIP "${_text}" _text)
    separate_arguments(_items UNIX_COMMAND "${_text}")
    set(_cmake "")
    set(_framework FALSE)
    foreach(_item IN LISTS _items)
        if(_framework)
            list(APPEND _cmake "-framework ${_item}")
            set(_framework FALSE)
        elseif(_item STREQUAL "-framework")
            set(_framework TRUE)
        elseif(_item STREQUAL "-lpthread")
            list(APPEND _cmake "Threads::Threads")
        elseif(_item MATCHES "^-l(.+)$")
            list(APPEND _cmake "${CMAKE_MATCH_1}")
        else()
            list(APPEND _cmake "${_item}")
        endif()
    endforeach()
    set(${out_cmake} "${_cmake}" PARENT_SCOPE)
    set(${out_pc} "${_text}" PARENT_SCOPE)
endfunction()
