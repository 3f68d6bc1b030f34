/* SPDX-License-Identifier: GPL-2.0 */
/*
 * egre_proto.h in userspace: the kernel integer types it expects, then the
 * header itself.  Shared by the unit tests and the fuzz harnesses.
 */
#ifndef _EGRE_USER_H
#define _EGRE_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;

#include "../egre_proto.h"

/* A property that must hold: abort, so the fuzzer records the input */
#define CHECK(x) do { if (!(x)) abort(); } while (0)

#endif /* _EGRE_USER_H */
