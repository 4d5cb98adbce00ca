# SPDX-License-Identifier: GPL-2.0-only
# Regenerates $(CFGDIR)/hvlis_config.h when a probe, the engine or the target
# kernel's configuration changed since it was last written.
KCONF := $(wildcard $(KDIR)/include/generated/autoconf.h $(KDIR)/include/linux/autoconf.h \
	$(KDIR)/Module.symvers)
HERE := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

$(CFGDIR)/hvlis_config.h: $(wildcard $(HERE)/probes/*.c $(HERE)/hdrwarn/*.c) $(HERE)/probe.sh $(HERE)/probe-prologue.h $(KCONF)
	@$(HERE)/probe.sh $(KDIR) $(CFGDIR)
