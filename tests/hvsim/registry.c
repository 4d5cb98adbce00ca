// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim's device registry: every device kind the simulated host plays, in
 * one list (struct hvsim_kind, hvsim_dev.h). The ctl file's "add" asks it
 * which kind claims a class, its commands and debugfs files come from it,
 * the stats file prints each kind's lines, and module load and unload run
 * each kind's init and exit. A class no kind claims is offered as an idle
 * device. A new kind: its host in a file of its own, one line below.
 */
#include <linux/kernel.h>
#include "hvsim.h"
#include "hvsim_dev.h"

static int stor_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		    bool given, int monitor, char *opts)
{
	return hvsim_stor_add(class_id, given ? instance : NULL, monitor, opts);
}

static const struct hvsim_kind stor_kind = {
	.name = "stor",
	.claims = hvsim_stor_class,
	.add = stor_add,
	.command = hvsim_stor_command,
	.show = hvsim_stor_show,
	.exit = hvsim_stor_exit,
};

static int net_add(const struct hvlis_guid *class_id, const struct hvlis_guid *instance,
		   bool given, int monitor, char *opts)
{
	return hvsim_net_add(given ? instance : NULL, monitor, opts);
}

static const struct hvsim_kind net_kind = {
	.name = "net",
	.claims = hvsim_net_class,
	.add = net_add,
	.command = hvsim_net_command,
	.show = hvsim_net_show,
	.exit = hvsim_net_exit,
};

const struct hvsim_kind *const hvsim_kinds[] = {
	&hvsim_echo_kind,
	&hvsim_ic_kind,
	&stor_kind,
	&net_kind,
};

const unsigned int hvsim_nkinds = ARRAY_SIZE(hvsim_kinds);

/**
 * hvsim_kind_of() - the device kind that plays the host side of a class
 * @class_id: the device class
 *
 * Return: the kind; NULL for a class no kind claims (an idle device).
 */
const struct hvsim_kind *hvsim_kind_of(const struct hvlis_guid *class_id)
{
	unsigned int i;

	for (i = 0; i < hvsim_nkinds; i++)
		if (hvsim_kinds[i]->claims(class_id))
			return hvsim_kinds[i];
	return NULL;
}
