# Settings every Clusterdesk target shares, and the one way tests are registered.

add_library(clusterdesk_common INTERFACE)
target_compile_features(clusterdesk_common INTERFACE cxx_std_23)
target_compile_definitions(clusterdesk_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)

if(MSVC)
    target_compile_options(clusterdesk_common INTERFACE /W4 /permissive- /utf-8)
    if(CLUSTERDESK_WERROR)
        target_compile_options(clusterdesk_common INTERFACE /WX)
    endif()
else()
    target_compile_options(clusterdesk_common INTERFACE
        -Wall -Wextra -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
        -Wshadow=local -Wformat=2 -Wimplicit-fallthrough)
    if(CLUSTERDESK_WERROR)
        target_compile_options(clusterdesk_common INTERFACE -Werror)
    endif()
    if(CLUSTERDESK_SANITIZE)
        target_compile_options(clusterdesk_common INTERFACE
            -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
        target_link_options(clusterdesk_common INTERFACE -fsanitize=address,undefined)
    endif()
endif()

# clusterdesk_add_test(<name> SOURCES <files...> [LIBS <targets...>] [LABELS <labels...>]
#                      [WRAPPER <script>] [TIMEOUT <seconds>] [GUI])
#
# Builds a Qt Test executable and registers it with CTest. WRAPPER runs the test
# through a script (for example one that starts a private Secret Service first).
# GUI tests run on the offscreen platform.
function(clusterdesk_add_test name)
    cmake_parse_arguments(arg "GUI" "WRAPPER;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE clusterdesk_common Qt6::Test ${arg_LIBS})
    target_compile_definitions(${name} PRIVATE
        CLUSTERDESK_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
        CLUSTERDESK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    if(arg_WRAPPER)
        add_test(NAME ${name} COMMAND ${arg_WRAPPER} $<TARGET_FILE:${name}>)
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    if(NOT arg_TIMEOUT)
        set(arg_TIMEOUT 120)
    endif()
    set(env "QT_QPA_PLATFORM=offscreen" "QT_LOGGING_RULES=clusterdesk.*.debug=true")
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${arg_TIMEOUT}
        LABELS "${arg_LABELS}"
        ENVIRONMENT "${env}")
endfunction()
