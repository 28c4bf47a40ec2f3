// CMicroHTTPD: libmicrohttpd, the inbound HTTP server (webhooks, API, inbox, metrics).
// Debian: libmicrohttpd-dev.
//
// MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are variadic, which
// Swift cannot call; MHD_SIZE_UNKNOWN / MHD_CONTENT_READER_END_OF_STREAM are cast macros
// Swift does not import; MHD's logger hands out a va_list. The inline functions below give
// them fixed signatures. SwitchboardHTTP binds the listening socket itself (to report
// errno and read the bound port) and passes it in with MHD_OPTION_LISTEN_SOCKET.
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Called with each of MHD's own error messages, already formatted.
typedef void (*CMicroHTTPD_LogFunction)(void *context, const char *message);

/// What CMicroHTTPD_start passes to MHD's external logger: the Swift function and its
/// context. Must stay valid until MHD_stop_daemon returns.
struct CMicroHTTPD_LogTarget {
    CMicroHTTPD_LogFunction function;
    void *context;
};

static inline void CMicroHTTPD_log_trampoline(void *cls, const char *fmt, va_list ap) {
    struct CMicroHTTPD_LogTarget *target = (struct CMicroHTTPD_LogTarget *)cls;
    char buffer[512];
    vsnprintf(buffer, sizeof buffer, fmt, ap);
    if (target && target->function) target->function(target->context, buffer);
}

typedef void *(*CMicroHTTPD_URILogCallback)(void *cls, const char *uri, struct MHD_Connection *connection);

/// Starts a daemon on an already bound, listening socket: internal polling with epoll, a
/// pool of `thread_pool_size` threads (1 = one internal thread), inter-thread
/// communication (needed for MHD_quiesce_daemon and suspend/resume).
/// `uri_log` runs once per request before headers are parsed, with the raw request
/// target; what it returns becomes the request's `*con_cls`.
static inline struct MHD_Daemon *CMicroHTTPD_start(int listen_fd,
        MHD_AcceptPolicyCallback accept_policy, void *accept_policy_cls,
        MHD_AccessHandlerCallback handler, void *handler_cls,
        MHD_RequestCompletedCallback completed, void *completed_cls,
        CMicroHTTPD_URILogCallback uri_log, void *uri_log_cls,
        struct CMicroHTTPD_LogTarget *log_target,
        unsigned int connection_limit, unsigned int per_ip_connection_limit, unsigned int timeout_seconds,
        unsigned int thread_pool_size, size_t connection_memory_limit) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC
        | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    struct MHD_OptionItem ops[] = {
        // The logger comes first, or MHD warns that earlier options may log elsewhere.
        { MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)&CMicroHTTPD_log_trampoline, log_target },
        { MHD_OPTION_LISTEN_SOCKET, (intptr_t)listen_fd, NULL },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completed_cls },
        { MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log, uri_log_cls },
        { MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL },
        // 0 = no per-address limit (MHD's own default).
        { MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)per_ip_connection_limit, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)timeout_seconds, NULL },
        { MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)connection_memory_limit, NULL },
        { thread_pool_size > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
          (intptr_t)thread_pool_size, NULL },
        { MHD_OPTION_END, 0, NULL },
    };
    return MHD_start_daemon(flags, 0, accept_policy, accept_policy_cls, handler, handler_cls,
                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

/// The client's address of a connection, or NULL.
/// Starts a daemon that binds `bind_addr` itself (test fakes that need a fixed port
/// again after being "down"), with thread-per-connection or a pool.
static inline struct MHD_Daemon *CMicroHTTPD_start_bound(unsigned int flags, uint16_t port,
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

static inline const struct sockaddr *CMicroHTTPD_client_address(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

/// The port the daemon listens on (useful after binding port 0).
static inline uint16_t CMicroHTTPD_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

static inline uint64_t CMicroHTTPD_SIZE_UNKNOWN(void) { return MHD_SIZE_UNKNOWN; }
static inline ssize_t CMicroHTTPD_CONTENT_READER_END_OF_STREAM(void) { return MHD_CONTENT_READER_END_OF_STREAM; }
static inline ssize_t CMicroHTTPD_CONTENT_READER_END_WITH_ERROR(void) { return MHD_CONTENT_READER_END_WITH_ERROR; }
