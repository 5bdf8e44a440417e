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

# clusterdesk_add_sandbox_fixture(<name> PRODUCT <product> NODES <n> SUBNET <s> [ARGS <more up args>...])
#
# A CTest fixture <name>: a sandbox cluster (tests/sandbox) in the build folder,
# brought up before the tests that require it and brought down after them, whether
# they passed or not. Its nodes are on 127.<s>.1.K, so fixtures with different
# subnets run side by side. Tests that use it:
#     set_tests_properties(<test> PROPERTIES FIXTURES_REQUIRED <name>)
# and find the sandbox through the environment variable CLUSTERDESK_SANDBOX_DIR,
# set with clusterdesk_use_sandbox_fixture().
function(clusterdesk_add_sandbox_fixture name)
    cmake_parse_arguments(arg "" "PRODUCT;NODES;SUBNET" "ARGS" ${ARGN})
    set(dir ${CMAKE_CURRENT_BINARY_DIR}/${name})
    set(tool ${PROJECT_SOURCE_DIR}/tests/sandbox/clusterdesk-sandbox)
    list(JOIN arg_ARGS " " args) # one shell word list, not a CMake list
    # A sandbox left by a killed run would hold the addresses: stop it first. The
    # profile is checked by this build's clusterdesk-cli.
    add_test(NAME ${name}_up COMMAND sh -c
        "'${tool}' down --dir '${dir}' >/dev/null 2>&1; rm -rf '${dir}'; exec '${tool}' up --product ${arg_PRODUCT} --nodes ${arg_NODES} --dir '${dir}' --warmup 1 --cli '$<TARGET_FILE:clusterdesk-cli>' ${args}")
    add_test(NAME ${name}_down COMMAND ${tool} down --dir ${dir})
    set(env "CLUSTERDESK_SANDBOX_SUBNET=${arg_SUBNET}"
        "CLUSTERDESK_SANDBOX_CACHE=${PROJECT_BINARY_DIR}/tests/sandbox/cache"
        "PYTHONDONTWRITEBYTECODE=1")
    # The fixture runs without a session bus: the sandbox then keeps its generated
    # secrets in DIR/secrets.env for the tests, never in anyone's keychain.
    set_tests_properties(${name}_up PROPERTIES FIXTURES_SETUP ${name} LABELS sandbox TIMEOUT 300
        ENVIRONMENT "${env};DBUS_SESSION_BUS_ADDRESS=")
    set_tests_properties(${name}_down PROPERTIES FIXTURES_CLEANUP ${name} LABELS sandbox TIMEOUT 120
        ENVIRONMENT "${env}")
endfunction()

# Lets <test> use fixture <name> (see clusterdesk_add_sandbox_fixture).
function(clusterdesk_use_sandbox_fixture test name)
    get_test_property(${test} ENVIRONMENT env)
    if(NOT env)
        set(env "")
    endif()
    list(APPEND env "CLUSTERDESK_SANDBOX_DIR=${CMAKE_CURRENT_BINARY_DIR}/${name}"
        "CLUSTERDESK_SANDBOX=${PROJECT_SOURCE_DIR}/tests/sandbox/clusterdesk-sandbox")
    set_tests_properties(${test} PROPERTIES FIXTURES_REQUIRED ${name} ENVIRONMENT "${env}")
endfunction()
