// CMicroHTTPD: libmicrohttpd, the inbound HTTP server (webhooks, API, inbox, metrics).
// Debian: libmicrohttpd-dev.
//
// MHD_start_daemon and MHD_get_daemon_info are variadic, which Swift cannot call, and
// MHD_SIZE_UNKNOWN / MHD_CONTENT_READER_END_OF_STREAM are cast macros Swift does not
// import. The inline functions below give them fixed signatures.
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts a daemon with an options array (MHD_OPTION_ARRAY), the access-handler and a
/// request-completed callback.
static inline struct MHD_Daemon *CMicroHTTPD_start(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *handler_cls,
        MHD_RequestCompletedCallback completed, void *completed_cls,
        const struct sockaddr *bind_addr,
        unsigned int connection_limit, unsigned int timeout_seconds, unsigned int thread_pool_size) {
    struct MHD_OptionItem ops[] = {
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completed_cls },
        { MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)timeout_seconds, NULL },
        { bind_addr ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, 0, (void *)bind_addr },
        { MHD_OPTION_END, 0, NULL },
        { MHD_OPTION_END, 0, NULL },
    };
    if (thread_pool_size > 1 && bind_addr) {
        ops[4].option = MHD_OPTION_THREAD_POOL_SIZE; ops[4].value = (intptr_t)thread_pool_size;
    } else if (thread_pool_size > 1) {
        ops[3].option = MHD_OPTION_THREAD_POOL_SIZE; ops[3].value = (intptr_t)thread_pool_size;
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

/// The port the daemon listens on (useful after binding port 0).
static inline uint16_t CMicroHTTPD_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

static inline uint64_t CMicroHTTPD_SIZE_UNKNOWN(void) { return MHD_SIZE_UNKNOWN; }
static inline ssize_t CMicroHTTPD_CONTENT_READER_END_OF_STREAM(void) { return MHD_CONTENT_READER_END_OF_STREAM; }
static inline ssize_t CMicroHTTPD_CONTENT_READER_END_WITH_ERROR(void) { return MHD_CONTENT_READER_END_WITH_ERROR; }
