/* What the same work costs when it comes back to back and when it comes once every few
 * milliseconds, on this machine (bench/README, "One commit for a message and its answer").
 * The work is SQLite's, like the store writer's: a transaction of ten inserts into a table
 * with two indexes, in memory (no disk, no fsync, no other thread). Three paces, in
 * alternating blocks of BLOCK transactions (so the table's growth weighs on each alike):
 * back to back; one every GAP_US (the pace of 500 messages a second), the thread asleep
 * between; and one every GAP_US with the thread spinning between (never asleep). Build
 * and run:
 *   cc -O2 -o /tmp/cold-cost bench/repro/cold-cost.c -lsqlite3 && /tmp/cold-cost
 * Prints the thread's CPU time per transaction (CLOCK_THREAD_CPUTIME_ID: what /proc counts
 * for the host's threads; the spinning is not counted), median and mean, for each pace. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROWS = 10, WARM = 2000, BLOCK = 200, ROUNDS = 10, GAP_US = 2000 };

static double now_cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static sqlite3 *db;
static sqlite3_stmt *ins;
static long seq;

static void one(void) {
  char text[96];
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  for (int r = 0; r < ROWS; r++) {
    seq++;
    snprintf(text, sizeof text, "customer %ld wrote: when are you open on saturday %ld?", seq * 7919 % 100003, seq);
    sqlite3_bind_int64(ins, 1, seq * 2654435761u % 1000003);
    sqlite3_bind_text(ins, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 3, seq);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
}

static double now_wall(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

enum pace { BACK_TO_BACK, ASLEEP, SPINNING };
static const char *names[] = {"back to back", "one every 2 ms, asleep between", "one every 2 ms, spinning between"};
static double cost[3][BLOCK * ROUNDS];

static void block(enum pace pace, int round) {
  struct timespec gap = {0, GAP_US * 1000L};
  for (int i = 0; i < BLOCK; i++) {
    if (pace == ASLEEP) nanosleep(&gap, 0);
    if (pace == SPINNING) {
      double until = now_wall() + GAP_US;
      while (now_wall() < until) {}
    }
    double t0 = now_cpu();
    one();
    cost[pace][round * BLOCK + i] = now_cpu() - t0;
  }
}

int main(void) {
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, text TEXT, seq INTEGER);"
                   "CREATE INDEX t_k ON t (k); CREATE INDEX t_text ON t (text);", 0, 0, 0);
  sqlite3_prepare_v2(db, "INSERT INTO t (k, text, seq) VALUES (?, ?, ?)", -1, &ins, 0);
  for (int i = 0; i < WARM; i++) one();
  for (int r = 0; r < ROUNDS; r++)
    for (int p = 0; p < 3; p++) block((enum pace)p, r);
  int n = BLOCK * ROUNDS;
  for (int p = 0; p < 3; p++) {
    double sum = 0;
    for (int i = 0; i < n; i++) sum += cost[p][i];
    qsort(cost[p], n, sizeof cost[p][0], cmp);
    printf("%-34s %5d transactions: CPU per transaction median %6.1f us, mean %6.1f us\n", names[p], n, cost[p][n / 2], sum / n);
  }
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return 0;
}
