// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shutdown: the host asks the guest to power off, restart or hibernate
 * (Hyper-V Manager's "Shut Down", Stop-VM, a host going down). The guest
 * answers first, then starts the orderly shutdown in process context: the
 * kernel runs userspace's poweroff or reboot command (/sbin/poweroff,
 * /sbin/reboot: systemd, sysvinit or busybox), as for the power button.
 * Hibernation is left to userspace too: the device sends a change uevent
 * with EVENT=hibernate, where the kernel can hibernate at all.
 */
#define pr_fmt(fmt) "hv_utils: " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/ratelimit.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#ifdef CONFIG_ACPI
#include <linux/acpi.h>
#endif
#include <hvlis/compat_power.h>
#include "hv_utils.h"

/*
 * A refused hibernation changes nothing, and a host may ask again per
 * packet: ten lines a minute say it (issue 16 item 10).
 */
static DEFINE_RATELIMIT_STATE(sd_refuse_rs, 60 * HZ, 10);

static const u32 sd_fw[] = { HVLIS_IC_FW_CURRENT, HVLIS_IC_FW_WS2008 };
static const u32 sd_msg[] = {
	HVLIS_IC_SD_3_2, HVLIS_IC_SD_3_1, HVLIS_IC_SD_3_0, HVLIS_IC_SD_1_0
};

/* The fields before display_message: the least a request must carry. */
#define SD_MIN_BODY	offsetof(struct hvlis_ic_shutdown, display_message)
/* At most this much of the host's message goes to the log. */
#define SD_LOG_MSG	80

enum sd_action { SD_POWEROFF, SD_RESTART, SD_HIBERNATE };

struct sd_state {
	struct util_dev *ud;
	struct work_struct work;
	enum sd_action action;		/* of the newest request */
	bool can_hibernate;		/* kernel and firmware (ACPI S4) */
};

/*
 * Hibernation needs it in the kernel and the host's consent: Hyper-V
 * offers the S4 sleep state in ACPI only when the VM may hibernate.
 * Evaluating ACPI may sleep, so this runs at probe time.
 */
static bool sd_can_hibernate(void)
{
#if defined(CONFIG_HIBERNATION) && defined(CONFIG_ACPI)
	u8 a, b;

	return ACPI_SUCCESS(acpi_get_sleep_type_data(ACPI_STATE_S4, &a, &b));
#else
	return false;
#endif
}

static void sd_work(struct work_struct *work)
{
	struct sd_state *st = container_of(work, struct sd_state, work);
	char *envp[2] = { "EVENT=hibernate", NULL };

	switch (READ_ONCE(st->action)) {
	case SD_POWEROFF:
		orderly_poweroff(true);
		break;
	case SD_RESTART:
		hvlis_orderly_reboot();
		break;
	case SD_HIBERNATE:
		kobject_uevent_env(&st->ud->hd->dev.kobj, KOBJ_CHANGE, envp);
		break;
	}
}

/* The printable start of the host's message, for the log. */
static void sd_message(const struct hvlis_ic_shutdown *sd, u32 body, char *out)
{
	u32 avail = body > SD_MIN_BODY ? body - SD_MIN_BODY : 0;
	u32 i;

	avail = min_t(u32, avail, sizeof(sd->display_message));
	for (i = 0; i < avail && i < SD_LOG_MSG && sd->display_message[i]; i++)
		out[i] = isprint(sd->display_message[i]) ? sd->display_message[i] : '?';
	out[i] = '\0';
}

static bool sd_request(struct util_dev *ud, u8 *pkt, u32 len, u32 *status)
{
	struct sd_state *st = ud->priv;
	struct hvlis_ic_shutdown *sd;
	char msg[SD_LOG_MSG + 1];
	const char *what;
	enum sd_action action;
	u32 body = len - HVLIS_IC_BODY_OFFSET;

	*status = HVLIS_IC_E_FAIL;
	if (!hvlis_ic_body_fits(len, SD_MIN_BODY)) {
		pr_err_ratelimited("shutdown: request of %u bytes is too short\n", len);
		return true;
	}
	sd = (struct hvlis_ic_shutdown *)(pkt + HVLIS_IC_BODY_OFFSET);
	sd_message(sd, body, msg);
	switch (sd->flags) {
	case HVLIS_IC_SHUTDOWN_POWEROFF:
	case HVLIS_IC_SHUTDOWN_POWEROFF | HVLIS_IC_SHUTDOWN_FORCE:
		action = SD_POWEROFF;
		what = "powering off";
		break;
	case HVLIS_IC_SHUTDOWN_RESTART:
	case HVLIS_IC_SHUTDOWN_RESTART | HVLIS_IC_SHUTDOWN_FORCE:
		action = SD_RESTART;
		what = "restarting";
		break;
	case HVLIS_IC_SHUTDOWN_HIBERNATE:
	case HVLIS_IC_SHUTDOWN_HIBERNATE | HVLIS_IC_SHUTDOWN_FORCE:
		if (!st->can_hibernate || !hibernation_available()) {
			if (__ratelimit(&sd_refuse_rs))
				pr_warn("shutdown: the host asked to hibernate, but %s: refused\n",
					st->can_hibernate ? "hibernation is disabled" :
					"the kernel or the VM (no ACPI S4) cannot hibernate");
			return true;
		}
		action = SD_HIBERNATE;
		what = "hibernating (uevent EVENT=hibernate for userspace)";
		break;
	default:
		pr_err_ratelimited("shutdown: unknown request flags %#x: refused\n", sd->flags);
		return true;
	}
	pr_notice("shutdown requested by the host: %s (reason %#x%s%s%s)\n", what,
		  sd->reason_code, *msg ? ", \"" : "", msg, *msg ? "\"" : "");
	/* The answer goes out first: util_answer() runs when we return. */
	*status = HVLIS_IC_S_OK;
	WRITE_ONCE(st->action, action);
	schedule_work(&st->work);
	return true;
}

static int sd_init(struct util_dev *ud)
{
	struct sd_state *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return -ENOMEM;
	st->ud = ud;
	st->can_hibernate = sd_can_hibernate();
	INIT_WORK(&st->work, sd_work);
	ud->priv = st;
	return 0;
}

static void sd_deinit(struct util_dev *ud)
{
	struct sd_state *st = ud->priv;

	cancel_work_sync(&st->work);
	kfree(st);
	ud->priv = NULL;
}

const struct util_service util_shutdown = {
	.name = "shutdown",
	.msgtype = HVLIS_ICMSGTYPE_SHUTDOWN,
	.fw_versions = sd_fw,
	.n_fw = ARRAY_SIZE(sd_fw),
	.msg_versions = sd_msg,
	.n_msg = ARRAY_SIZE(sd_msg),
	.buf_bytes = PAGE_SIZE,
	.init = sd_init,
	.deinit = sd_deinit,
	.request = sd_request,
};
