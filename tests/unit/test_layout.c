// SPDX-License-Identifier: GPL-2.0-only
#define HVTEST_SUITE "layout"
#include "hvtest.h"
#include <hvlis/chanmsg.h>
TEST(placeholder) { CHECK(1); }
HVTEST_MAIN()
