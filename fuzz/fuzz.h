/* fuzz.h - shared by the fuzz targets (fuzz/targets/<name>.c).
 *
 * Every target defines the libFuzzer entry point
 *     int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
 * and may define LLVMFuzzerInitialize(). The same file is linked either with
 * libFuzzer (clang -fsanitize=fuzzer, fuzz/CMakeLists.txt, `fuzz/run`) or with
 * fuzz/replay.c (any compiler), which feeds every file of the regression
 * folders through the entry point (ctest: fuzz_regress_<name>).
 *
 * Ownership: stc_fuzz_cstr() returns an allocated NUL-terminated copy of the
 * input (embedded NULs kept, so C-string parsers see a prefix); the caller
 * frees it.
 */
#ifndef STC_FUZZ_H
#define STC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline char *stc_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
