// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Hyper-V transport on x86_64: hypervisor detection through CPUID,
 * hypercalls, the SynIC registers, and the interrupt that the SynIC raises
 * for VMBus.
 *
 * Where the running kernel has Hyper-V arch support (it set up the hypercall
 * page at boot and owns the callback vector), we use it through the hooks the
 * compat probes found. Where it has none (RHEL 6), we install our own
 * hypercall page and take the VMBus interrupt from the ACPI VMBus device.
 */
#define pr_fmt(fmt) "hv_vmbus: " fmt

#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/version.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#include <asm/irq_vectors.h>
#include <hvlis/compat_x86.h>
#include <hvlis/hv_tlfs.h>
#include "vmbus_priv.h"

#if defined(HAVE_HV_DO_HYPERCALL) || defined(HVLIS_ARCH_VMBUS_VECTOR)
#include <asm/mshyperv.h>
#endif

#ifndef HVLIS_ARCH_VMBUS_VECTOR
#include <linux/acpi.h>
#endif

#ifdef HAVE_CALL_NOSPEC
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#endif

static DEFINE_PER_CPU(u32, vp_index);
static DEFINE_PER_CPU(void *, post_page);
static void (*vmbus_isr_fn)(void);
static bool use_auto_eoi;
static bool have_ref_count;
static u8 sint_vector;

/* ---- detection */

static int hvx_hyperv_detect(void)
{
	u32 eax, ebx, ecx, edx;
	char vendor[13];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return -ENODEV;
	cpuid(HVLIS_CPUID_VENDOR_MAX, &eax, &ebx, &ecx, &edx);
	memcpy(vendor, &ebx, 4);
	memcpy(vendor + 4, &ecx, 4);
	memcpy(vendor + 8, &edx, 4);
	vendor[12] = '\0';
	if (strcmp(vendor, "Microsoft Hv") || eax < HVLIS_CPUID_IMPL_LIMITS)
		return -ENODEV;
	if (cpuid_eax(HVLIS_CPUID_INTERFACE) != HVLIS_HV_INTERFACE_SIG)
		return -ENODEV;

	cpuid(HVLIS_CPUID_FEATURES, &eax, &ebx, &ecx, &edx);
	if (!(eax & HVLIS_PRIV_ACCESS_SYNIC_MSRS) ||
	    !(eax & HVLIS_PRIV_ACCESS_HYPERCALL_MSRS) ||
	    !(eax & HVLIS_PRIV_ACCESS_VP_INDEX)) {
		pr_err("Hyper-V does not grant this partition SynIC, hypercall and VP index access (privileges %#x)\n",
		       eax);
		return -ENODEV;
	}
	if (ebx & HVLIS_PRIV_ISOLATION) {
		pr_err("isolated (confidential) VMs are not supported by hvlis; use the in-box drivers\n");
		return -ENODEV;
	}
	have_ref_count = eax & HVLIS_PRIV_ACCESS_PARTITION_REFCOUNT;
	/* CPUID 0x40000004 EAX bit 9: the host recommends no auto-EOI. */
	use_auto_eoi = !(cpuid_eax(HVLIS_CPUID_ENLIGHTENMENTS) & (1u << 9));
	return 0;
}

/* ---- hypercalls */

#ifdef HAVE_HV_DO_HYPERCALL

static int hvx_hypercall_init(void)
{
#ifdef HAVE_HV_HYPERCALL_PG
	if (!hv_hypercall_pg) {
		pr_err("the kernel did not set up the Hyper-V hypercall page\n");
		return -ENODEV;
	}
#endif
	return 0;
}

static void hvx_hypercall_exit(void)
{
}

static u64 hvx_do_hypercall(u64 control, void *input)
{
	return hv_do_hypercall(control, input, NULL);
}

static u64 hvx_do_fast_hypercall8(u16 code, u64 input)
{
	return hv_do_fast_hypercall8(code, input);
}

#elif defined(HAVE_VMALLOC_3ARG)

/*
 * No arch support: our own hypercall page (RHEL 6). The hypervisor fills it
 * through its guest physical address when we enable it; we only execute it,
 * so it is mapped read-execute.
 */
static void *own_hypercall_page;

static int hvx_hypercall_init(void)
{
	u64 guest_id, msr;

	hvlis_rdmsr(HVLIS_MSR_GUEST_OS_ID, guest_id);
	if (!guest_id) {
		/*
		 * The guest OS ID reports the kernel version to the host, as
		 * the TLFS asks; this is data, not a feature test.
		 */
		guest_id = (1ull << 63) | (HVLIS_GUEST_ID_LINUX_VENDOR << 48) |
			   ((u64)LINUX_VERSION_CODE << 16);
		hvlis_wrmsr(HVLIS_MSR_GUEST_OS_ID, guest_id);
	}
	own_hypercall_page = __vmalloc(PAGE_SIZE, GFP_KERNEL, PAGE_KERNEL_ROX);
	if (!own_hypercall_page)
		return -ENOMEM;
	hvlis_rdmsr(HVLIS_MSR_HYPERCALL, msr);
	msr = (msr & (HVLIS_HV_PAGE_SIZE - 1)) | HVLIS_MSR_HYPERCALL_ENABLE |
	      ((u64)vmalloc_to_pfn(own_hypercall_page) << HVLIS_MSR_PAGE_SHIFT);
	hvlis_wrmsr(HVLIS_MSR_HYPERCALL, msr);
	hvlis_rdmsr(HVLIS_MSR_HYPERCALL, msr);
	if (!(msr & HVLIS_MSR_HYPERCALL_ENABLE)) {
		pr_err("Hyper-V refused to enable the hypercall page\n");
		vfree(own_hypercall_page);
		own_hypercall_page = NULL;
		return -ENODEV;
	}
	return 0;
}

static void hvx_hypercall_exit(void)
{
	u64 msr;

	if (!own_hypercall_page)
		return;
	hvlis_rdmsr(HVLIS_MSR_HYPERCALL, msr);
	hvlis_wrmsr(HVLIS_MSR_HYPERCALL, msr & ~HVLIS_MSR_HYPERCALL_ENABLE);
	vfree(own_hypercall_page);
	own_hypercall_page = NULL;
}

/*
 * x86_64 hypercall ABI: RCX control, RDX input GPA, R8 output GPA; RAX status.
 * An indirect call: through the kernel's retpoline-safe CALL_NOSPEC where it
 * has one (a retpoline kernel patches it to its thunk), with the page's
 * address in a register.
 */
static u64 hvx_own_hypercall(u64 control, u64 in, u64 out)
{
	register u64 r8 asm("r8") = out;
	void *page = READ_ONCE(own_hypercall_page);
	u64 status;

#ifdef HAVE_CALL_NOSPEC
	asm volatile(CALL_NOSPEC
		     : "=a" (status), ASM_CALL_CONSTRAINT, "+c" (control), "+d" (in),
		       "+r" (r8)
		     : THUNK_TARGET(page)
		     : "cc", "memory", "r9", "r10", "r11");
#else
	asm volatile("call *%[thunk_target]"
		     : "=a" (status), "+c" (control), "+d" (in), "+r" (r8)
		     : [thunk_target] "r" (page)
		     : "cc", "memory", "r9", "r10", "r11");
#endif
	return status;
}

static u64 hvx_do_hypercall(u64 control, void *input)
{
	return hvx_own_hypercall(control, input ? virt_to_phys(input) : 0, 0);
}

static u64 hvx_do_fast_hypercall8(u16 code, u64 input)
{
	return hvx_own_hypercall(code | HVLIS_HVCALL_FAST_BIT, input, 0);
}

#else

static int hvx_hypercall_init(void)
{
	pr_err("this kernel has no Hyper-V hypercall support and hvlis cannot install its own here\n");
	return -ENODEV;
}

static void hvx_hypercall_exit(void)
{
}

static u64 hvx_do_hypercall(u64 control, void *input)
{
	return HVLIS_HV_STATUS_INVALID_HYPERCALL_CODE;
}

static u64 hvx_do_fast_hypercall8(u16 code, u64 input)
{
	return HVLIS_HV_STATUS_INVALID_HYPERCALL_CODE;
}

#endif

static u16 hvx_hyperv_post_message(u32 connection_id, const void *payload, u32 len)
{
	struct hvlis_hv_post_message *in;
	unsigned long flags;
	u64 status;

	if (len > HVLIS_MESSAGE_PAYLOAD_BYTES)
		return HVLIS_HV_STATUS_INVALID_PARAMETER;
	local_irq_save(flags);
	in = per_cpu(post_page, smp_processor_id());
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = HVLIS_VMBUS_POST_MESSAGE_TYPE;
	in->payload_size = len;
	memcpy(in->payload, payload, len);
	status = hvx_do_hypercall(HVLIS_HVCALL_POST_MESSAGE, in);
	local_irq_restore(flags);
	return status & HVLIS_HV_STATUS_MASK;
}

static u16 hvx_hyperv_signal_event(u32 connection_id, u16 flag)
{
	u64 status = hvx_do_fast_hypercall8(HVLIS_HVCALL_SIGNAL_EVENT,
					hvlis_signal_event_input(connection_id, flag));

	return status & HVLIS_HV_STATUS_MASK;
}

/* ---- the VMBus interrupt */

#ifdef HVLIS_ARCH_VMBUS_VECTOR

static int hvx_irq_init(void)
{
	sint_vector = HYPERVISOR_CALLBACK_VECTOR;
	hvlis_setup_vmbus_handler(vmbus_isr_fn);
	return 0;
}

static void hvx_irq_exit(void)
{
	hvlis_remove_vmbus_handler();
}

#elif defined(IRQ0_VECTOR) && defined(CONFIG_ACPI)

/*
 * No callback vector (RHEL 6): the ACPI VMBus device names a legacy IRQ and
 * the SINT is aimed at that IRQ's fixed vector.
 */
static int acpi_vmbus_irq = -1;

static acpi_status hvx_find_irq(struct acpi_resource *res, void *ctx)
{
	int *irq = ctx;

	if (res->type == ACPI_RESOURCE_TYPE_IRQ && res->data.irq.interrupt_count)
		*irq = res->data.irq.interrupts[0];
	else if (res->type == ACPI_RESOURCE_TYPE_EXTENDED_IRQ &&
		 res->data.extended_irq.interrupt_count)
		*irq = res->data.extended_irq.interrupts[0];
	return AE_OK;
}

static acpi_status hvx_found_vmbus(acpi_handle handle, u32 level, void *ctx, void **ret)
{
	acpi_walk_resources(handle, METHOD_NAME__CRS, hvx_find_irq, ctx);
	return AE_CTRL_TERMINATE;
}

static irqreturn_t hvx_acpi_isr(int irq, void *dev)
{
	vmbus_isr_fn();
	return IRQ_HANDLED;
}

static int hvx_irq_init(void)
{
	int ret;

	acpi_get_devices("VMBus", hvx_found_vmbus, &acpi_vmbus_irq, NULL);
	if (acpi_vmbus_irq < 0)
		acpi_get_devices("VMBUS", hvx_found_vmbus, &acpi_vmbus_irq, NULL);
	if (acpi_vmbus_irq < 0) {
		pr_err("no ACPI VMBus device with an IRQ, and no Hyper-V callback vector in this kernel\n");
		return -ENODEV;
	}
	ret = request_irq(acpi_vmbus_irq, hvx_acpi_isr, 0, "hv_vmbus", &acpi_vmbus_irq);
	if (ret) {
		pr_err("cannot take IRQ %d: %d\n", acpi_vmbus_irq, ret);
		return ret;
	}
	sint_vector = IRQ0_VECTOR + acpi_vmbus_irq;
	return 0;
}

static void hvx_irq_exit(void)
{
	free_irq(acpi_vmbus_irq, &acpi_vmbus_irq);
}

#else

static int hvx_irq_init(void)
{
	pr_err("this kernel offers no way to receive the VMBus interrupt (no Hyper-V callback vector)\n");
	return -ENODEV;
}

static void hvx_irq_exit(void)
{
}

#endif

/* ---- SynIC registers, run on the CPU they belong to */

static void hvx_hyperv_synic_enable(unsigned int cpu, void *msg_page, void *event_page)
{
	u64 v;

	hvlis_rdmsr(HVLIS_MSR_VP_INDEX, v);
	per_cpu(vp_index, cpu) = (u32)v;

	hvlis_rdmsr(HVLIS_MSR_SIMP, v);
	v = (v & (HVLIS_HV_PAGE_SIZE - 1)) | HVLIS_MSR_PAGE_ENABLE |
	    (virt_to_phys(msg_page) & ~(u64)(HVLIS_HV_PAGE_SIZE - 1));
	hvlis_wrmsr(HVLIS_MSR_SIMP, v);

	hvlis_rdmsr(HVLIS_MSR_SIEFP, v);
	v = (v & (HVLIS_HV_PAGE_SIZE - 1)) | HVLIS_MSR_PAGE_ENABLE |
	    (virt_to_phys(event_page) & ~(u64)(HVLIS_HV_PAGE_SIZE - 1));
	hvlis_wrmsr(HVLIS_MSR_SIEFP, v);

	hvlis_rdmsr(HVLIS_MSR_SINT0 + HVLIS_VMBUS_MESSAGE_SINT, v);
	v &= ~(HVLIS_SINT_VECTOR_MASK | HVLIS_SINT_MASKED | HVLIS_SINT_AUTO_EOI);
	v |= sint_vector;
	if (use_auto_eoi)
		v |= HVLIS_SINT_AUTO_EOI;
	hvlis_wrmsr(HVLIS_MSR_SINT0 + HVLIS_VMBUS_MESSAGE_SINT, v);

	hvlis_rdmsr(HVLIS_MSR_SCONTROL, v);
	hvlis_wrmsr(HVLIS_MSR_SCONTROL, v | HVLIS_MSR_SCONTROL_ENABLE);
}

static void hvx_hyperv_synic_disable(unsigned int cpu)
{
	u64 v;

	hvlis_rdmsr(HVLIS_MSR_SINT0 + HVLIS_VMBUS_MESSAGE_SINT, v);
	hvlis_wrmsr(HVLIS_MSR_SINT0 + HVLIS_VMBUS_MESSAGE_SINT, v | HVLIS_SINT_MASKED);
	hvlis_rdmsr(HVLIS_MSR_SIMP, v);
	hvlis_wrmsr(HVLIS_MSR_SIMP, v & ~HVLIS_MSR_PAGE_ENABLE);
	hvlis_rdmsr(HVLIS_MSR_SIEFP, v);
	hvlis_wrmsr(HVLIS_MSR_SIEFP, v & ~HVLIS_MSR_PAGE_ENABLE);
}

static u32 hvx_hyperv_vp_index(unsigned int cpu)
{
	return per_cpu(vp_index, cpu);
}

static void hvx_hyperv_eom(void)
{
	hvlis_wrmsr(HVLIS_MSR_EOM, 0);
}

static u64 hvx_hyperv_ref_time(void)
{
	u64 v;

	if (!have_ref_count)
		return 0;
	hvlis_rdmsr(HVLIS_MSR_TIME_REF_COUNT, v);
	return v;
}

static void hvx_free_post_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(post_page, cpu));
		per_cpu(post_page, cpu) = NULL;
	}
}

static int hvx_hyperv_init(void (*isr)(void))
{
	unsigned int cpu;
	int ret;

	ret = hvx_hyperv_detect();
	if (ret)
		return ret;
	for_each_possible_cpu(cpu) {
		per_cpu(post_page, cpu) = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
		if (!per_cpu(post_page, cpu)) {
			hvx_free_post_pages();
			return -ENOMEM;
		}
	}
	ret = hvx_hypercall_init();
	if (ret)
		goto fail_pages;
	vmbus_isr_fn = isr;
	ret = hvx_irq_init();
	if (ret)
		goto fail_hypercall;
	return 0;

fail_hypercall:
	hvx_hypercall_exit();
fail_pages:
	hvx_free_post_pages();
	return ret;
}

static void hvx_hyperv_exit(void)
{
	hvx_irq_exit();
	hvx_hypercall_exit();
	hvx_free_post_pages();
}

const struct hvlis_transport hvlis_hyperv_transport = {
	.name = "hyperv",
	.init = hvx_hyperv_init,
	.exit = hvx_hyperv_exit,
	.synic_enable = hvx_hyperv_synic_enable,
	.synic_disable = hvx_hyperv_synic_disable,
	.vp_index = hvx_hyperv_vp_index,
	.post_message = hvx_hyperv_post_message,
	.signal_event = hvx_hyperv_signal_event,
	.eom = hvx_hyperv_eom,
	.ref_time = hvx_hyperv_ref_time,
};
