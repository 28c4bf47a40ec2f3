/* What one thread waking another costs on this machine (bench/README, "The target on a
 * quiet machine, and writes nobody waits for"). Two threads hand a turn back and forth through
 * a mutex and condition variable, as the host's stages hand work to each other; each round
 * trip is two wake-ups and two sleeps. Build and run:
 *   cc -O2 -o /tmp/wake-cost bench/repro/wake-cost.c -lpthread && /tmp/wake-cost
 * Prints wall time and CPU time (user + system, both threads) per round trip. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <sys/resource.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int turn = 0;
enum { N = 100000 };

static void *other(void *unused) {
  for (int i = 0; i < N; i++) {
    pthread_mutex_lock(&m);
    while (turn != 1) pthread_cond_wait(&c, &m);
    turn = 0;
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
  }
  return 0;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, other, 0);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < N; i++) {
    pthread_mutex_lock(&m);
    turn = 1;
    pthread_cond_signal(&c);
    while (turn != 0) pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
  }
  pthread_join(t, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  double wall = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  double cpu = r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  printf("%d round trips (2 wake-ups each): wall %.1f us, CPU %.1f us per round trip; %ld context switches\n",
         N, wall / N * 1e6, cpu / N * 1e6, r.ru_nvcsw + r.ru_nivcsw);
  return 0;
}
