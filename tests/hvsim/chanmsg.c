// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim uses the protocol tables (version ladder, GUID formatting) of
 * hv_vmbus; it cannot link against hv_vmbus, which loads after it, so it
 * compiles its own copy. The host's ring code is separate on purpose.
 */
#include "../../modules/hv_vmbus/chanmsg.c"
