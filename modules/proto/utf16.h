/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UTF-16LE (the host's strings) to and from UTF-8 (the daemons' strings)
 * for KVP and file copy. Only bytes in, bytes out: builds in the kernel
 * and in the userspace unit tests (tests/unit/test_utf16.c).
 */
#ifndef HVLIS_UTF16_H
#define HVLIS_UTF16_H

#include <hvlis/types.h>

int hvlis_utf16_to_utf8(const u8 *src, size_t units, bool need_nul, char *dst, size_t size);
int hvlis_utf8_to_utf16(const char *src, size_t bytes, u8 *dst, size_t units);

#endif
