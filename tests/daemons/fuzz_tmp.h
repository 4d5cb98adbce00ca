/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the fuzz harnesses put their temp files: $HVLIS_FUZZ_TMP, which
 * tests/daemons/run.sh makes once per run and removes alone afterwards (a
 * glob over /tmp would also remove those of a run going on beside it), or
 * else fallback ("/dev/shm" or "/tmp").
 */
#ifndef HVLIS_FUZZ_TMP_H
#define HVLIS_FUZZ_TMP_H

#include <stdlib.h>

static inline const char *fuzz_tmp_parent(const char *fallback)
{
	const char *t = getenv("HVLIS_FUZZ_TMP");

	return t && *t ? t : fallback;
}

#endif
