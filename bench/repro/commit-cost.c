/* What the kernel part of one commit costs on this machine (bench/README, "The target on a
 * quiet machine, and writes nobody waits for"): P frames of a 1 KiB page and its 24-byte
 * header appended with one write, as the host's WAL writer (Sources/CSQLiteWAL) appends a
 * commit, then one fdatasync; 3,000 times.
 * Build and run in the directory of the database (the same disk):
 *   cc -O2 -o /tmp/commit-cost bench/repro/commit-cost.c && /tmp/commit-cost 4 && /tmp/commit-cost 40
 * Prints wall time, CPU time and context switches per commit. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

int main(int argc, char **argv) {
  int pages = argc > 1 ? atoi(argv[1]) : 4;
  const char *path = "commit-cost.tmp";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { perror(path); return 1; }
  size_t size = (size_t)pages * 1048;
  char *frames = malloc(size);
  memset(frames, 1, size);
  enum { N = 3000 };
  off_t off = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < N; i++) {
    if (pwrite(fd, frames, size, off) != (ssize_t)size) { perror("pwrite"); return 1; }
    off += size;
    if (off > (4 << 20)) off = 0; /* a WAL is rewritten from its start after a checkpoint */
    if (fdatasync(fd) != 0) { perror("fdatasync"); return 1; }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  double wall = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  double cpu = r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  printf("%d pages a commit: wall %.0f us, CPU %.0f us, %.1f context switches per commit\n",
         pages, wall / N * 1e6, cpu / N * 1e6, (double)(r.ru_nvcsw + r.ru_nivcsw) / N);
  unlink(path);
  return 0;
}
