/* The libmicrohttpd quiesce race that made a stopping host abort (see acceptPolicyCallback in
 * Sources/SwitchboardHTTP/HTTPServer+Callbacks.swift). Build and run on this machine:
 *   cc -O1 -o /tmp/q bench/repro/mhd-quiesce-race.c -lmicrohttpd -lpthread
 *   /tmp/q        # MHD_quiesce_daemon under load: aborted in 3 of 6 runs of 400 rounds
 *   /tmp/q apc    # refusing through the accept policy instead: 3 of 3 runs clean
 * (libmicrohttpd 0.9.75 from Debian 12, 2 cores; 8 client threads, thread pool of 4, epoll.) */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdatomic.h>
static atomic_int port;
static atomic_int stopping;
static int use_apc;
static enum MHD_Result apc(void *cls, const struct sockaddr *a, socklen_t l) { return atomic_load(&stopping) ? MHD_NO : MHD_YES; }
static enum MHD_Result h(void *cls, struct MHD_Connection *c, const char *url, const char *m, const char *v,
                         const char *up, size_t *us, void **cc) {
  struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ret = MHD_queue_response(c, 200, r); MHD_destroy_response(r); return ret;
}
static void *client(void *x) {
  char buf[512];
  for (;;) {
    int p = atomic_load(&port); if (!p) { usleep(100); continue; }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; sa.sin_port = htons(p); inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(s, (void*)&sa, sizeof sa) == 0) {
      const char *req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
      for (int i = 0; i < 3; i++) { if (send(s, req, strlen(req), MSG_NOSIGNAL) < 0) break; if (recv(s, buf, sizeof buf, 0) <= 0) break; }
    }
    close(s);
  }
}
int main(int argc, char **argv) {
  use_apc = argc > 1;
  pthread_t t; for (int i = 0; i < 8; i++) pthread_create(&t, NULL, client, NULL);
  for (int round = 0; round < 400; round++) {
    atomic_store(&stopping, 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0}; sa.sin_family = AF_INET; inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    bind(fd, (void*)&sa, sizeof sa); listen(fd, 128);
    socklen_t l = sizeof sa; getsockname(fd, (void*)&sa, &l);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME, 0,
        use_apc ? apc : NULL, NULL, h, NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, 4, MHD_OPTION_END);
    if (!d) { fprintf(stderr, "start failed\n"); return 2; }
    atomic_store(&port, ntohs(sa.sin_port));
    usleep(20000);
    atomic_store(&stopping, 1);
    if (!use_apc) { int q = MHD_quiesce_daemon(d); if (q >= 0) close(q); }
    usleep(5000);
    atomic_store(&port, 0);
    MHD_stop_daemon(d);
  }
  printf("400 rounds ok (%s)\n", use_apc ? "accept policy" : "quiesce");
  return 0;
}
