#!/bin/sh
# build_sanitizer: configures a second copy of the C tests with USERTOKEN_SANITIZE=ON
# (-fsanitize=address,undefined) in its own build directory, builds a set of them that covers
# arguments, outputs, threads, async and sessions, and runs them against the same emulators.
# Usage: sanitizer_test.sh SOURCE_DIR BUILD_DIR USERTOKEN_ROOT CMAKE CC
set -eu
source_dir=$1
build_dir=$2
root=$3
cmake=$4
cc=$5
# Not int_fork: AddressSanitizer's allocator is not fork-safe here. A thread that holds one of
# its allocator locks when another thread forks leaves that lock held forever in the child,
# whose first malloc of that size then hangs (glibc's own malloc resets its locks in the child).
tests="api_issue_args api_config_invalid api_async_args api_session_args int_headers int_body_bytes int_decode
int_async_many int_async_cancel int_async_free_pending int_async_free_in_callback int_async_blocking_in_callback
int_threads int_session_concurrent int_session_reissue int_logging int_log_reentrant"

"$cmake" -S "$source_dir" -B "$build_dir" -DUSERTOKEN_ROOT="$root" -DUSERTOKEN_SANITIZE=ON \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug >"$build_dir.configure.log" 2>&1 ||
    { cat "$build_dir.configure.log" >&2; exit 1; }
# shellcheck disable=SC2086 # one target per word
"$cmake" --build "$build_dir" -j2 --target $tests >"$build_dir.build.log" 2>&1 ||
    { cat "$build_dir.build.log" >&2; exit 1; }

# Any finding ends the program with an error; leak checking stays on.
export ASAN_OPTIONS="abort_on_error=0:halt_on_error=1:detect_leaks=1:exitcode=86"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
failed=""
for test in $tests; do
    if "$build_dir/$test" >"$build_dir/$test.log" 2>&1; then
        echo "passed  $test"
    else
        echo "FAILED  $test (exit $?):"
        cat "$build_dir/$test.log"
        failed="$failed $test"
    fi
done
[ -z "$failed" ] || { echo "failed under -fsanitize=address,undefined:$failed" >&2; exit 1; }
echo "all passed under -fsanitize=address,undefined"
