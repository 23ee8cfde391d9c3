/*
 * smpcheck's built-in recording workload: cross-CPU function calls of the three kinds a kernel
 * trace of kernel/smp.c should show. One thread pinned per online CPU; for MS milliseconds:
 *  - TLB shootdowns: each thread maps, writes, write-protects and unmaps private memory of the shared
 *    mm, so the kernel flushes the other CPUs' TLBs (flush_tlb_func via on_each_cpu_cond_mask);
 *  - membarrier: the main thread issues MEMBARRIER_CMD_PRIVATE_EXPEDITED (ipi_mb on the CPUs
 *    running this mm);
 *  - cross-CPU wake-ups: threads on neighbouring CPUs hand a token back and forth through a futex,
 *    each wake-up of a sleeping thread on another CPU queueing sched_ttwu_pending there.
 * A CPU that goes offline meanwhile only loses its thread's pinning; the run goes on.
 * Usage: workload MS
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 256
static atomic_int stop;
static atomic_int token[MAX_CPUS];
static int ncpu;

static void pin(int cpu) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(cpu, &s);
  sched_setaffinity(0, sizeof s, &s);
}

static void futex_wait(atomic_int *a, int v) {
  struct timespec ts = {0, 2000000};
  syscall(SYS_futex, a, FUTEX_WAIT_PRIVATE, v, &ts, NULL, 0);
}

static void futex_wake(atomic_int *a) { syscall(SYS_futex, a, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void *worker(void *arg) {
  int me = (int)(long)arg;
  int next = (me + 1) % ncpu;
  pin(me);
  for (unsigned k = 0; !atomic_load(&stop); k++) {
    char *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      p[0] = 1;
      mprotect(p, 1 << 16, PROT_READ);
      munmap(p, 1 << 16);
    }
    if (ncpu > 1 && k % 8 == 0) {
      /* pass the token to the next CPU's thread, then wait (bounded) for ours */
      atomic_store(&token[next], 1);
      futex_wake(&token[next]);
      if (atomic_exchange(&token[me], 0) == 0) futex_wait(&token[me], 0);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  int ms = argc > 1 ? atoi(argv[1]) : 1500;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  ncpu = n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : (int)n;
  syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
  pthread_t t[MAX_CPUS];
  for (long i = 0; i < ncpu; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
    usleep(2000);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= ms) break;
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < ncpu; i++) {
    atomic_store(&token[i], 1);
    futex_wake(&token[i]);
  }
  for (int i = 0; i < ncpu; i++) pthread_join(t[i], NULL);
  return 0;
}
