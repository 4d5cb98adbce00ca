// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim uses the protocol tables (version ladder, GUID formatting) of the
 * shared protocol code (modules/proto) that hv_vmbus is built with; it
 * cannot link against hv_vmbus, which loads after it, so it
 * compiles its own copy. The host's ring code is separate on purpose.
 */
#include "../../modules/proto/chanmsg.c"
