// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus ring outside any VM (`make bench-ring`): hvlis's ring code
 * (modules/proto/ring_core.c and ring_iter.c, compiled in here unchanged, as
 * tests/unit does) moving messages from a producer thread to a consumer
 * thread, beside the same two threads moving the same bytes through a plain
 * shared buffer with no protocol at all. See docs/benchmarks.md.
 *
 * Ring: the producer writes each message with hvlis_ring_write() (packet
 * descriptor + message, copied in, as hvlis_sendpacket() does); the
 * consumer reads in batches in place, as hv_netvsc's receive path does
 * (hvlis_ring_iter_begin/next/end; a packet that wraps comes through a
 * bounce buffer), with the ring's interrupts masked (a polling reader, as
 * NAPI is under load).
 *
 * Plain: a circular byte buffer of the same data size, a head and a tail
 * counter on their own cache lines; the producer copies each message in at
 * the head (split at the end of the buffer) and publishes the head, the
 * consumer reads every message in place and publishes its tail once per
 * batch. No descriptor, no trailer, no index validation: the limit (one
 * copy in, one read out).
 *
 * Both ways every message is checked by the consumer: its first 8 bytes are
 * the sequence number (must be the next one expected), the next 8 a
 * checksum of the rest and the sequence number, recomputed over every byte
 * of the message as it lies in the ring or buffer. A wrong message ends the
 * run with exit status 1 ("FAIL:" line); the speed numbers never do. Both
 * ways run the same message count; a run's result is the median of the
 * repetitions, which alternate ring and plain. Besides the wall-clock rates
 * it gives the ratio of the CPU time the busier of the two threads used
 * (median over the repetitions): on a loaded machine a thread that is not
 * running adds wall time but no CPU time, and a thread that waits spins
 * only briefly before it yields the CPU.
 *
 *   ring_bench [-n reps] [-s sizes,...] [-b bytes per run] [-r ring bytes]
 *              [-m ring|plain]   (only one of them, e.g. under perf record)
 *              [-x seq]   self-check: message seq goes out with another
 *                         message's body; the run must fail
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hvlis/ring.h>

#define HDR_BYTES	16u	/* sequence number + checksum */
#define NPAT		61u	/* distinct message bodies (a prime) */
#define CSUM_SEQ_MUL	0x9e3779b97f4a7c15ull
#define SPIN_BEFORE_YIELD 256
#define MAX_MSGS	(4ull << 20)	/* so 64-byte runs do not take minutes */

static u32 msg_size;		/* bytes of one message, a multiple of 8 */
static u64 msg_count;		/* messages per run */
static u32 ring_total = 512 * 1024;	/* hv_netvsc's default ring_size */
static u8 *pat;			/* NPAT bodies of msg_size - HDR_BYTES */
static u64 pat_sum[NPAT];
static int nopin;
static u64 corrupt_at = ~0ull;	/* -x: the producer sends a wrong body there */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

struct waiter {
	unsigned int spins;
	u64 waits;		/* times the side found nothing to do */
	u64 yields;
};

static void wait_a_bit(struct waiter *w)
{
	w->waits++;
	if (++w->spins < SPIN_BEFORE_YIELD) {
		cpu_relax();
		return;
	}
	w->spins = 0;
	w->yields++;
	sched_yield();
}

static u64 thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* Sum of the 64-bit words of @len bytes (a multiple of 8) at @p. */
static u64 words_sum(const void *p, u32 len)
{
	const u8 *b = p;
	u64 s = 0, w;
	u32 i;

	for (i = 0; i < len; i += 8) {
		memcpy(&w, b + i, 8);
		s += w;
	}
	return s;
}

static u64 expected_csum(u64 seq)
{
	return pat_sum[seq % NPAT] + seq * CSUM_SEQ_MUL;
}

static const u8 *body_of(u64 seq)
{
	return pat + (seq % NPAT) * (msg_size - HDR_BYTES);
}

/* What the producer sends: the body of @seq, or another one under -x. */
static const u8 *sent_body(u64 seq)
{
	return body_of(seq == corrupt_at ? seq + 1 : seq);
}

static void make_patterns(void)
{
	u32 body = msg_size - HDR_BYTES, i, j;
	u64 x = 0x243f6a8885a308d3ull;

	free(pat);
	pat = malloc((size_t)NPAT * body + 8);
	if (!pat) {
		perror("malloc");
		exit(2);
	}
	for (i = 0; i < NPAT; i++) {
		for (j = 0; j < body; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pat[(size_t)i * body + j] = (u8)x;
		}
		pat_sum[i] = words_sum(pat + (size_t)i * body, body);
	}
}

static atomic_int failed;

static void fail(const char *how, u64 seq, u64 got_seq)
{
	if (!atomic_exchange(&failed, 1))
		printf("FAIL: ring_bench %u B: %s at message %llu (its sequence number %llu)\n",
		       msg_size, how, (unsigned long long)seq, (unsigned long long)got_seq);
}

/*
 * Checks one message of msg_size bytes lying in up to two pieces (@a of
 * @alen bytes, then @b): the sequence number, then the checksum over every
 * byte of its body.
 */
static bool check_msg(u64 seq, const u8 *a, u32 alen, const u8 *b)
{
	u8 hdr[HDR_BYTES];
	u64 got_seq, got_sum, sum;

	if (alen >= HDR_BYTES) {
		memcpy(hdr, a, HDR_BYTES);
		sum = words_sum(a + HDR_BYTES, alen - HDR_BYTES) +
		      words_sum(b, msg_size - alen);
	} else {
		memcpy(hdr, a, alen);
		memcpy(hdr + alen, b, HDR_BYTES - alen);
		sum = words_sum(b + (HDR_BYTES - alen), msg_size - HDR_BYTES);
	}
	memcpy(&got_seq, hdr, 8);
	memcpy(&got_sum, hdr + 8, 8);
	if (got_seq != seq) {
		fail("wrong sequence number", seq, got_seq);
		return false;
	}
	if (got_sum != expected_csum(seq) || sum + seq * CSUM_SEQ_MUL != got_sum) {
		fail("wrong checksum", seq, got_seq);
		return false;
	}
	return true;
}

struct side {
	u64 t_end;
	u64 cpu_ns;	/* the thread's CPU time from the start to its end */
	struct waiter w;
	u64 signals;	/* ring: signals the ring code asked for */
	u64 batches;	/* consumer: batches read */
};

struct run {
	pthread_barrier_t go;
	struct side prod, cons;
	u64 t_start;
	/* ring */
	struct hvlis_ring ring;
	void *ring_mem;
	/* plain */
	u8 *buf;
	u32 buf_size;
	_Alignas(64) _Atomic u64 head;	/* bytes written, ever */
	_Alignas(64) _Atomic u64 tail;	/* bytes consumed, ever */
	_Alignas(64) int dummy;
};

static void pin(int cpu)
{
	cpu_set_t set;

	if (nopin)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ---- ring */

static void *ring_producer(void *arg)
{
	struct run *rn = arg;
	u64 cpu0;
	struct hvlis_packet_desc desc;
	u8 hdr[HDR_BYTES];
	struct hvlis_ring_vec vec[3];
	u32 total = sizeof(desc) + msg_size;
	bool sig;
	u64 seq, sum;
	int ret;

	pin(0);
	pthread_barrier_wait(&rn->go);
	cpu0 = thread_cpu_ns();
	for (seq = 0; seq < msg_count && !atomic_load(&failed); seq++) {
		desc.type = HVLIS_PKT_DATA_INBAND;
		desc.offset8 = sizeof(desc) / 8;
		desc.len8 = (u16)((total + 7) / 8);
		desc.flags = 0;
		desc.trans_id = seq;
		sum = expected_csum(seq);
		memcpy(hdr, &seq, 8);
		memcpy(hdr + 8, &sum, 8);
		vec[0].base = &desc;
		vec[0].len = sizeof(desc);
		vec[1].base = hdr;
		vec[1].len = HDR_BYTES;
		vec[2].base = sent_body(seq);
		vec[2].len = msg_size - HDR_BYTES;
		while ((ret = hvlis_ring_write(&rn->ring, vec, 3, &sig)) == -EAGAIN) {
			if (atomic_load(&failed))
				return NULL;
			wait_a_bit(&rn->prod.w);
		}
		if (ret) {
			fail("hvlis_ring_write failed", seq, ret);
			return NULL;
		}
		rn->prod.w.spins = 0;
		rn->prod.signals += sig;
	}
	rn->prod.t_end = now_ns();
	rn->prod.cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

static void *ring_consumer(void *arg)
{
	struct run *rn = arg;
	u64 cpu0;
	struct hvlis_ring_iter it;
	struct hvlis_packet_desc desc;
	u32 bounce_len = msg_size + 64, len, off;
	u8 *bounce = malloc(bounce_len);
	const void *pkt;
	u64 seq = 0;
	bool sig;
	int ret;

	pin(1);
	if (!bounce) {
		fail("out of memory", 0, 0);
		pthread_barrier_wait(&rn->go);
		return NULL;
	}
	pthread_barrier_wait(&rn->go);
	cpu0 = thread_cpu_ns();
	while (seq < msg_count && !atomic_load(&failed)) {
		if (hvlis_ring_iter_begin(&rn->ring, &it)) {
			fail("corrupt ring indices", seq, 0);
			break;
		}
		if (!it.used) {
			wait_a_bit(&rn->cons.w);
			continue;
		}
		rn->cons.w.spins = 0;
		while ((ret = hvlis_ring_iter_next(&rn->ring, &it, bounce, bounce_len,
						   &desc, &pkt, &len)) == 0) {
			off = (u32)desc.offset8 * 8;
			if (desc.trans_id != seq || len - off < msg_size) {
				fail("wrong descriptor", seq, desc.trans_id);
				break;
			}
			if (!check_msg(seq, (const u8 *)pkt + off, msg_size, NULL))
				break;
			seq++;
		}
		if (ret != -EAGAIN && ret != 0) {
			fail("hvlis_ring_iter_next failed", seq, ret);
			break;
		}
		hvlis_ring_iter_end(&rn->ring, &it, &sig);
		rn->cons.signals += sig;
		rn->cons.batches++;
	}
	rn->cons.t_end = now_ns();
	rn->cons.cpu_ns = thread_cpu_ns() - cpu0;
	free(bounce);
	return NULL;
}

/* ---- plain buffer */

static void *plain_producer(void *arg)
{
	struct run *rn = arg;
	u64 cpu0;
	u64 seq, head = 0, sum;
	u32 size = rn->buf_size, at, first;
	u8 hdr[HDR_BYTES];

	pin(0);
	pthread_barrier_wait(&rn->go);
	cpu0 = thread_cpu_ns();
	for (seq = 0; seq < msg_count && !atomic_load(&failed); seq++) {
		while (head + msg_size - atomic_load_explicit(&rn->tail, memory_order_acquire) >
		       size) {
			if (atomic_load(&failed))
				return NULL;
			wait_a_bit(&rn->prod.w);
		}
		rn->prod.w.spins = 0;
		sum = expected_csum(seq);
		memcpy(hdr, &seq, 8);
		memcpy(hdr + 8, &sum, 8);
		at = (u32)(head % size);
		/* header: never split (size and HDR_BYTES are multiples of 16) */
		memcpy(rn->buf + at, hdr, HDR_BYTES);
		at += HDR_BYTES;
		if (at == size)
			at = 0;
		first = msg_size - HDR_BYTES;
		if (first > size - at)
			first = size - at;
		memcpy(rn->buf + at, sent_body(seq), first);
		memcpy(rn->buf, sent_body(seq) + first, msg_size - HDR_BYTES - first);
		head += msg_size;
		atomic_store_explicit(&rn->head, head, memory_order_release);
	}
	rn->prod.t_end = now_ns();
	rn->prod.cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

static void *plain_consumer(void *arg)
{
	struct run *rn = arg;
	u64 cpu0;
	u64 seq = 0, tail = 0, head;
	u32 size = rn->buf_size, at, first;

	pin(1);
	pthread_barrier_wait(&rn->go);
	cpu0 = thread_cpu_ns();
	while (seq < msg_count && !atomic_load(&failed)) {
		head = atomic_load_explicit(&rn->head, memory_order_acquire);
		if (head == tail) {
			wait_a_bit(&rn->cons.w);
			continue;
		}
		rn->cons.w.spins = 0;
		while (tail < head) {
			at = (u32)(tail % size);
			first = size - at < msg_size ? size - at : msg_size;
			if (!check_msg(seq, rn->buf + at, first, rn->buf))
				break;
			tail += msg_size;
			seq++;
		}
		atomic_store_explicit(&rn->tail, tail, memory_order_release);
		rn->cons.batches++;
	}
	rn->cons.t_end = now_ns();
	rn->cons.cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

struct result {
	double secs;	/* wall clock, start to the consumer's end */
	double cpu;	/* CPU time of the busier thread */
	struct side prod, cons;
};

static int one_run(bool ring, struct result *res)
{
	struct run *rn;
	pthread_t p, c;

	if (posix_memalign((void **)&rn, 64, sizeof(*rn)))
		return -1;
	memset(rn, 0, sizeof(*rn));
	if (posix_memalign(&rn->ring_mem, 4096, ring_total))
		return -1;
	memset(rn->ring_mem, 0, ring_total);
	if (hvlis_ring_init(&rn->ring, rn->ring_mem, ring_total)) {
		fprintf(stderr, "ring_bench: bad ring size %u\n", ring_total);
		exit(2);
	}
	/* The reader polls (interrupts masked), as hv_netvsc's NAPI poll. */
	hvlis_ring_mask_interrupts(&rn->ring);
	/* The plain buffer: the ring's data area, no header page used. */
	rn->buf = (u8 *)rn->ring_mem + 4096;
	rn->buf_size = ring_total - 4096;
	pthread_barrier_init(&rn->go, NULL, 3);
	if (pthread_create(&p, NULL, ring ? ring_producer : plain_producer, rn) ||
	    pthread_create(&c, NULL, ring ? ring_consumer : plain_consumer, rn)) {
		perror("pthread_create");
		exit(2);
	}
	pthread_barrier_wait(&rn->go);
	rn->t_start = now_ns();
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	pthread_barrier_destroy(&rn->go);
	res->secs = (double)(rn->cons.t_end - rn->t_start) / 1e9;
	res->cpu = (double)(rn->prod.cpu_ns > rn->cons.cpu_ns ? rn->prod.cpu_ns :
			    rn->cons.cpu_ns) / 1e9;
	res->prod = rn->prod;
	res->cons = rn->cons;
	free(rn->ring_mem);
	free(rn);
	return atomic_load(&failed) ? -1 : 0;
}

static int cmp_res(const void *a, const void *b)
{
	double x = ((const struct result *)a)->secs, y = ((const struct result *)b)->secs;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of the busier thread's CPU time over @n runs. */
static double median_cpu(const struct result *r, int n)
{
	double v[101];
	int i;

	for (i = 0; i < n; i++)
		v[i] = r[i].cpu;
	qsort(v, n, sizeof(v[0]), cmp_dbl);
	return v[n / 2];
}

static void usage(void)
{
	fprintf(stderr, "usage: ring_bench [-n reps] [-s 64,1024,16384] [-b bytes per run]\n"
			"                  [-r ring bytes] [-m ring|plain] [-P (do not pin)] [-x seq]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sizes = "64,1024,16384", *mode = NULL;
	unsigned long long bytes = 1ull << 30;
	int reps = 7, opt, i;
	char *list, *tok, *save;

	while ((opt = getopt(argc, argv, "n:s:b:r:m:Px:")) != -1) {
		switch (opt) {
		case 'n': reps = atoi(optarg); break;
		case 's': sizes = optarg; break;
		case 'b': bytes = strtoull(optarg, NULL, 0); break;
		case 'r': ring_total = (u32)strtoul(optarg, NULL, 0); break;
		case 'm': mode = optarg; break;
		case 'P': nopin = 1; break;
		case 'x': corrupt_at = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (reps < 1 || reps > 101 || !bytes ||
	    (mode && strcmp(mode, "ring") && strcmp(mode, "plain")))
		usage();

	printf("# ring_bench: ring %u bytes (data %u), %d repetitions alternating ring and plain, "
	       "median; %llu MiB per run and size (at least 20000, at most %llu messages)\n",
	       ring_total, ring_total - 4096, reps, bytes >> 20, MAX_MSGS);
	printf("| message | messages | ring msg/s | ring MB/s | plain msg/s | plain MB/s | ring / plain "
	       "| ring / plain, CPU time | ring: producer full-waits, consumer empty-polls, batches "
	       "| plain: same |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	list = strdup(sizes);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct result rr[101], pr[101], *rm, *pm;
		double rmps, pmps, rcpu, pcpu;

		msg_size = (u32)strtoul(tok, NULL, 0);
		if (msg_size < 32 || msg_size % 16 || msg_size > 65536 ||
		    msg_size + 64 > (ring_total - 4096) / 2) {
			fprintf(stderr, "ring_bench: message size %u: a multiple of 16, 32..65536 "
					"and at most half the ring\n", msg_size);
			return 2;
		}
		memset(rr, 0, sizeof(rr));
		memset(pr, 0, sizeof(pr));
		msg_count = bytes / msg_size;
		if (msg_count > MAX_MSGS)
			msg_count = MAX_MSGS;
		if (msg_count < 20000)
			msg_count = 20000;
		make_patterns();
		for (i = 0; i < reps; i++) {
			if ((!mode || !strcmp(mode, "ring")) && one_run(true, &rr[i]))
				return 1;
			if ((!mode || !strcmp(mode, "plain")) && one_run(false, &pr[i]))
				return 1;
		}
		rcpu = median_cpu(rr, reps);
		pcpu = median_cpu(pr, reps);
		qsort(rr, reps, sizeof(rr[0]), cmp_res);
		qsort(pr, reps, sizeof(pr[0]), cmp_res);
		rm = &rr[reps / 2];
		pm = &pr[reps / 2];
		rmps = mode && !strcmp(mode, "plain") ? 0 : msg_count / rm->secs;
		pmps = mode && !strcmp(mode, "ring") ? 0 : msg_count / pm->secs;
		printf("| %u B | %llu | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %llu, %llu, %llu "
		       "| %llu, %llu, %llu |\n",
		       msg_size, (unsigned long long)msg_count, rmps, rmps * msg_size / 1e6,
		       pmps, pmps * msg_size / 1e6, pmps ? rmps / pmps : 0,
		       rcpu > 0 && pcpu > 0 ? pcpu / rcpu : 0,
		       (unsigned long long)rm->prod.w.waits, (unsigned long long)rm->cons.w.waits,
		       (unsigned long long)rm->cons.batches,
		       (unsigned long long)pm->prod.w.waits, (unsigned long long)pm->cons.w.waits,
		       (unsigned long long)pm->cons.batches);
		fflush(stdout);
	}
	free(list);
	free(pat);
	return 0;
}
