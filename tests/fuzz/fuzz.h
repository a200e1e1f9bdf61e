/* SPDX-License-Identifier: ISC */
/*
 * fuzz.h - the libFuzzer entry points every harness defines. The same
 * harness links either with libFuzzer (make fuzz) or with replay.c
 * (make check-fuzz-regress), which feeds it the seed corpus and every
 * past crash.
 */
#ifndef ROOTGATE_FUZZ_H
#define ROOTGATE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input; must free everything it allocates and return 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional, once before the first input (libFuzzer's convention). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
