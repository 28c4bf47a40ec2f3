/*
 * switchboard_plugin.h: the contract between Switchboard and its responder plugins.
 *
 * This header is the only thing a plugin needs. It is plain C11, has no dependencies
 * beyond <stddef.h> and <stdint.h>, and is the tutorial: read this comment, copy one of
 * the two plugins below, build it, and name it in a workspace's config.
 *
 * ==== WHAT A PLUGIN IS ====
 *
 * A responder plugin is a shared library (`libNAME.so`) that exports ONE function,
 * `switchboard_plugin_entry`, returning a pointer to a static descriptor: the plugin's
 * id, name, version, and three callbacks. The host:
 *
 *   1. dlopen()s the library once per process (RTLD_NOW | RTLD_LOCAL) and never
 *      dlclose()s it;
 *   2. calls `switchboard_plugin_entry` and checks the ABI version in the descriptor;
 *   3. calls `create` once per workspace that lists the plugin, with that workspace's
 *      id, timezone and config (JSON), and the host services table;
 *   4. calls `handle` for each inbound message of a conversation in state `bot`, in the
 *      order of the workspace's chain, until a plugin replies or hands off;
 *   5. calls `destroy` at shutdown, when no `handle` call of that instance is running.
 *
 * A plugin answers through the per-call handle `sb_call`: `host->reply(call, ...)` to
 * answer (with up to 3 quick-reply buttons), `host->handoff(call, ...)` to hand the
 * conversation to a human, or nothing at all to pass ("I have no answer" is a normal
 * outcome, not an error). Through the same handle it may read the conversation's
 * earlier messages (`host->history`) and, since ABI 1.1, download the picture, voice
 * note, video, document or sticker the customer sent (`host->media`, see MEDIA below).
 *
 * ==== A COMPLETE PLUGIN IN C ====
 *
 *     #include <string.h>
 *     #include "switchboard_plugin.h"
 *
 *     static sb_status hello_create(const sb_instance_info *info, void **instance,
 *                                   sb_error *err) {
 *         *instance = (void *)info;            // info lives until destroy
 *         return SB_OK;
 *     }
 *
 *     static sb_status hello_handle(void *instance, const sb_message *msg,
 *                                   sb_call *call, sb_error *err) {
 *         const sb_instance_info *info = instance;
 *         if (!sb_str_eq_cstr(msg->text, "hello")) return SB_OK;     // pass
 *         info->host->reply(call, SB_STR("Hello! How can we help?"));
 *         return SB_OK;
 *     }
 *
 *     static const sb_plugin_descriptor hello = SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(
 *         .id = SB_STR_INIT("hello"), .name = SB_STR_INIT("Hello"),
 *         .version = SB_STR_INIT("1.0.0"), .description = SB_STR_INIT("Answers hello."),
 *         .create = hello_create, .handle = hello_handle,
 *         .flags = SB_PLUGIN_FLAG_INLINE);   // handle only computes (THREADING)
 *
 *     SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(uint32_t host_abi) {
 *         return &hello;
 *     }
 *
 *   Build:  cc -shared -fPIC -I plugin-sdk/include -o libhello.so hello.c
 *   Config: plugins: [{ name: hello }]   (the host looks for libhello.so on plugins.path)
 *   See plugin-sdk/examples/hello-c/ for this plugin with its Makefile and README.
 *
 * ==== A COMPLETE PLUGIN IN SWIFT ====
 *
 * SwitchboardPluginKit (plugin-sdk/Sources/SwitchboardPluginKit) wraps this header: a
 * Swift error never crosses the boundary, strings arrive as `String`.
 *
 *     // Package.swift of your own package:
 *     //   products: [.library(name: "hello", type: .dynamic, targets: ["HelloPlugin"])],
 *     //   dependencies: [.package(url: <switchboard's repository>, ...)],
 *     //   targets: [.target(name: "HelloPlugin", dependencies: [
 *     //       .product(name: "SwitchboardPluginKit", package: "switchboard")])]
 *     // `swift build` then gives .build/debug/libhello.so.
 *     import SwitchboardPluginKit
 *
 *     struct Hello: Responder {
 *         let greeting: String
 *         init(context: PluginContext, config: PluginConfig) throws {
 *             greeting = try config.string("greeting") ?? "Hello! How can we help?"
 *         }
 *         func handle(_ message: IncomingMessage) throws -> Verdict {
 *             message.text.lowercased() == "hello" ? .reply(greeting) : .pass
 *         }
 *     }
 *
 *     @_cdecl("switchboard_plugin_entry")
 *     public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
 *         exportResponder(Hello.self, id: "hello", name: "Hello", version: "1.0.0",
 *                         description: "Answers hello.", inline: true)
 *     }
 *
 * `inline: true` sets SB_PLUGIN_FLAG_INLINE: only for a `handle` that just computes,
 * as this one does (see THREADING).
 *
 * Give each Swift plugin its own module name (two plugins with the same module name
 * confuse the Swift runtime's type lookup). plugin-sdk/examples/hello-swift/ is this
 * plugin grown a little (state, logging, history), built as the product `hello-swift`.
 *
 * ==== MEDIA (ABI 1.1) ====
 *
 * For an image, audio, video, document or sticker, `sb_message.text` holds only the
 * caption. The bytes stay with the provider until a plugin asks: `host->media` downloads
 * them (WhatsApp: a Graph API lookup, then the download) and hands them to a visitor,
 * borrowed for the duration of that visitor call. The `handle` of a plugin that
 * acknowledges pictures:
 *
 *     typedef struct { size_t len; char mime[64]; } got;
 *
 *     static void on_media(void *user, const sb_media *m) {
 *         got *g = user;                        // copy what you need: m is borrowed
 *         g->len = m->len;
 *         snprintf(g->mime, sizeof g->mime, "%.*s", (int)m->mime_type.len, m->mime_type.ptr);
 *     }
 *
 *     static sb_status look_handle(void *instance, const sb_message *msg,
 *                                  sb_call *call, sb_error *err) {
 *         const sb_host *host = ((const sb_instance_info *)instance)->host;
 *         if (host->abi_minor < 1) return SB_OK;   // a 1.0 host: no media (VERSIONING)
 *         got g = {0};
 *         sb_status s = host->media(call, on_media, &g);
 *         if (s == SB_ERR_NOT_FOUND) return SB_OK;  // a text message: nothing to see
 *         if (s != SB_OK) { sb_error_set(err, "no picture", 10); return s; }
 *         char text[128];
 *         int n = snprintf(text, sizeof text, "Got your %s (%zu bytes).", g.mime, g.len);
 *         return host->reply(call, (sb_str){ text, (size_t)n });
 *     }
 *
 * The download blocks the calling thread and counts against the plugin's deadline:
 * give a plugin that reads media a `deadline_ms` of several seconds. Once downloaded,
 * the bytes are kept for the rest of the chain run: another call, or the next plugin of
 * the chain, gets them without a second download. Media over SB_MAX_MEDIA_BYTES is
 * refused (SB_ERR_PERMANENT). The host logs a failed download with the plugin,
 * workspace, message and the provider's reason, and when `handle` then fails, it adds
 * that reason to your error message in the journal.
 *
 * ==== JOURNAL AND COUNTERS (ABI 1.3) ====
 *
 * A plugin may add its own events to the workspace's journal (`switchboard events`,
 * the inbox's timeline) and keep counters the metrics listener shows:
 *
 *     if (host->abi_minor >= 3) {
 *         sb_field f[] = { { SB_STR_INIT("tier"), SB_STR_INIT("faq") },
 *                          { SB_STR_INIT("score"), SB_STR_INIT("0.91") } };
 *         host->journal(call, SB_STR("decision"), f, 2);        // with the verdict
 *         host->count(info->host_ctx, SB_STR("answers_faq"), 1);
 *     }
 *
 * Journal events belong to the message being handled and are committed with the
 * chain's verdict, in one transaction: never one without the other.
 *
 * ==== CONFIG (ABI 1.4: SB_PLUGIN_FLAG_DROP_CONFIG) ====
 *
 * `create` gets the workspace's config for the plugin as JSON text
 * (`sb_instance_info.config_json`, also `host->config`). By default the text stays
 * valid until `destroy` returns, so a plugin may keep pointers into it. A host serving
 * thousands of workspaces keeps thousands of such texts (a 20-entry FAQ is ~3 KB), most
 * of them parsed once and never read again. A plugin that reads the text only inside
 * `create` (parses it, copies what it keeps, keeps no pointer into it) sets
 * SB_PLUGIN_FLAG_DROP_CONFIG in its descriptor's `flags`: the host then frees the text
 * once `create` returns. From then on `info->config_json` and `host->config` are the
 * empty string (`len` 0, `ptr` pointing at a NUL), never freed memory. The rest of
 * `sb_instance_info` lives until `destroy` as before. SwitchboardPluginKit sets the flag
 * for every Swift responder: it copies the text before `init(context:config:)`.
 *
 * ==== THE THREE MEMORY RULES ====
 *
 *   BORROWED IN   Everything the host passes (sb_instance_info, sb_message, history
 *                 entries, media, the sb_call handle) is owned by the host. sb_instance_info
 *                 and what it points to live until `destroy` returns; everything else
 *                 only until the callback (or visitor) it was passed to returns. Copy
 *                 to keep.
 *   COPIED OUT    Everything a plugin passes to a host function (reply text, log lines,
 *                 state values) is copied before that function returns. Pass stack
 *                 buffers freely.
 *   NO CROSS-FREE Nothing is ever freed across the boundary. The host never frees what
 *                 a plugin allocated, and a plugin never frees what the host passed.
 *
 * Strings cross as `sb_str` (pointer + length, UTF-8, NOT NUL-terminated; `ptr` may be
 * NULL when `len` is 0).
 *
 * ==== THREADING ====
 *
 *   - `create` and `destroy` are called from a host thread, never concurrently with
 *     each other for the same instance.
 *   - `handle` runs on a thread of the host's plugin pool (a plugin that sets
 *     SB_PLUGIN_FLAG_INLINE possibly on a host worker instead: INLINE below). Calls
 *     for ONE conversation are never concurrent; calls for DIFFERENT conversations of
 *     the same instance may run concurrently, so an instance's shared state needs its
 *     own locking.
 *   - `handle` may block (an LLM call), unless it sets SB_PLUGIN_FLAG_INLINE. The
 *     host enforces a per-plugin deadline (2 s by
 *     default, `deadline_ms` in config): past it, the chain moves on without this
 *     plugin and whatever the late call does with `call` is discarded. The late call
 *     still runs to completion on its own thread; it never stalls other conversations.
 *   - INLINE (ABI 1.2): a plugin whose `handle` only computes may set
 *     SB_PLUGIN_FLAG_INLINE in the descriptor's `flags`. The host may then call
 *     `handle` directly on its own worker thread instead of handing it to the plugin
 *     pool, which saves two thread switches per message. The promise: `handle` does no
 *     I/O (no files, sockets, subprocesses), never sleeps, never waits on a lock held
 *     by another thread for long, does not call `host->media`, and returns in well
 *     under a millisecond. Quick host functions (reply, add_button, handoff, log,
 *     state_*, now_ms, config, history, journal, count) are fine. The deadline still
 *     holds: an inline call that returns after its deadline has its outcome discarded
 *     (reported as past the deadline, like a pool call), and the host calls that
 *     instance on the pool from then on and logs a warning. While it runs late, though,
 *     it holds a host worker: do not set the flag on a `handle` that can block.
 *     Everything else above (one call per conversation at a time, concurrency across
 *     conversations) holds for inline calls too. When the chain's first plugin is
 *     inline, the host hands the message to it before the message's own commit and
 *     commits the answer with the message (one disk sync for both; the webhook's 200
 *     waits for it, at most 1 ms longer). A `state_set` or `state_add` made then joins
 *     that commit and returns once it is done (at most that 1 ms later): fine, but
 *     another reason to keep inline calls to computing.
 *   - Every host function is thread-safe. Functions taking `sb_host_ctx *` may be called
 *     from any thread between `create` and the start of `destroy`; functions taking
 *     `sb_call *` only during the `handle` call that received it (from any thread, while
 *     it runs). After that `handle` returns, the same `sb_call *` is refused with
 *     SB_ERR_OUTSIDE_CALL, from any thread and however late: the host looks every
 *     handle up (it is a slot number and generation, not an address), so a stale or
 *     made-up handle never reaches freed memory. Do not rely on it: it is a safety net.
 *
 * ==== ERRORS ====
 *
 * Callbacks return `sb_status`. No exception, Swift error, C++ exception or longjmp may
 * leave a callback. On failure write a short, human-readable message into the caller's
 * `sb_error` buffer (`sb_error_set`) and return SB_ERR_RETRYABLE (a temporary
 * condition: a timeout, a provider's 5xx; the same input may work later) or
 * SB_ERR_PERMANENT / SB_ERR_INVALID (it will fail again: bad config, bad input). The
 * host logs and journals the failure with the plugin and workspace and moves on to the
 * next responder of the chain.
 *
 * ==== VERSIONING ====
 *
 * The ABI has a major and a minor version. The host refuses a plugin whose major
 * differs from its own or whose minor is newer, and says so with both versions.
 * Structs only ever grow at the end; every struct that crosses the boundary starts with
 * `struct_size`, so each side reads only the fields the other knows (the host copies
 * min(struct_size, sizeof) bytes of the descriptor into a zeroed one). New fields bump
 * the minor. The descriptor ends with reserved slots, which must be zero (the INIT
 * macro does that).
 *
 * New host functions take the first free reserved slot of `sb_host` (so its size does
 * not change); a host of an older minor leaves that slot NULL. Before calling a function
 * added in minor N, check `host->abi_minor >= N`:
 *
 *   1.0  log, state_get/set/delete, now_ms, config, reply, add_button, handoff, history
 *   1.1  media
 *   1.2  (no new host function) the descriptor's `flags`, which took its first
 *        reserved slot: SB_PLUGIN_FLAG_INLINE (see THREADING)
 *   1.3  journal, count (see JOURNAL AND COUNTERS)
 *   1.4  send_template (an approved WhatsApp message template as the answer) and the
 *        flag SB_PLUGIN_FLAG_DROP_CONFIG (see CONFIG)
 *   1.5  state_add (an atomic add to an integer in the state, with a ceiling: budgets
 *        that several hosts on one database spend from) and the status SB_ERR_LIMIT
 *
 * The host reads `flags` only from a descriptor that declares abi_minor >= 2 and whose
 * struct_size covers the field; for older plugins it is 0 (no flags). It honours
 * SB_PLUGIN_FLAG_DROP_CONFIG only from a descriptor that declares abi_minor >= 4. A
 * plugin built with this header declares ABI 1.5 (the INIT macro fills it in) and is
 * refused by a 1.4, 1.3, 1.2, 1.1 or 1.0 host. A plugin that wants to load on older hosts
 * as well declares a lower `.abi_minor` in its descriptor, sets no flags unless it
 * declares 2 or more (an older host would not read them anyway), calls `media` only
 * when `host->abi_minor >= 1`, `journal` / `count` only when `host->abi_minor >= 3`,
 * `send_template` only when `host->abi_minor >= 4` and `state_add` only when
 * `host->abi_minor >= 5`.
 * Plugins built with the 1.0, 1.1, 1.2, 1.3 or 1.4 header keep working unchanged on a
 * 1.5 host.
 */
#ifndef SWITCHBOARD_PLUGIN_H
#define SWITCHBOARD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions and entry point ------------------------------------------------------ */

#define SWITCHBOARD_PLUGIN_ABI_MAJOR 1
#define SWITCHBOARD_PLUGIN_ABI_MINOR 5
/* major << 16 | minor: what the host passes to the entry function. */
#define SWITCHBOARD_PLUGIN_ABI_VERSION ((SWITCHBOARD_PLUGIN_ABI_MAJOR << 16) | SWITCHBOARD_PLUGIN_ABI_MINOR)
/* The one symbol the host looks up. */
#define SWITCHBOARD_PLUGIN_ENTRY_SYMBOL "switchboard_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define SB_EXPORT __attribute__((visibility("default")))
#else
#define SB_EXPORT
#endif

/* ---- Status codes ------------------------------------------------------------------ */

/* What every callback and host function returns. 0 is success; a failure is retryable
 * (a temporary condition) or permanent (the same call will fail again). */
typedef int32_t sb_status;
#define SB_OK                   0
#define SB_ERR_RETRYABLE        1   /* temporary: timeout, provider down, rate limited */
#define SB_ERR_PERMANENT        2   /* will fail again with the same input and config   */
#define SB_ERR_INVALID          3   /* bad argument or config (permanent)               */
#define SB_ERR_NOT_FOUND        4   /* host: no value under that key; no media          */
#define SB_ERR_BUFFER_TOO_SMALL 5   /* host: *len_out holds the size needed             */
#define SB_ERR_UNSUPPORTED      6   /* host: this host does not offer the function      */
#define SB_ERR_OUTSIDE_CALL     7   /* host: sb_call used after its handle returned     */
#define SB_ERR_LIMIT            8   /* host (1.5): state_add would pass the ceiling     */

/* Log levels for host->log. */
#define SB_LOG_DEBUG 0
#define SB_LOG_INFO  1
#define SB_LOG_WARN  2
#define SB_LOG_ERROR 3

/* Limits the host enforces. */
#define SB_MAX_BUTTONS          3      /* quick-reply buttons per reply           */
#define SB_MAX_BUTTON_TITLE     20     /* bytes of UTF-8 per button title         */
#define SB_MAX_REPLY_TEXT       4096   /* bytes of UTF-8 per reply                */
#define SB_MAX_STATE_KEY        256    /* bytes per state key                     */
#define SB_MAX_STATE_VALUE      65536  /* bytes per state value                   */
#define SB_MAX_EVENT_NAME       64     /* bytes per journal event, field key or counter name (1.3) */
#define SB_MAX_EVENT_FIELDS     16     /* fields per journal event (1.3)           */
#define SB_MAX_EVENT_VALUE      1024   /* bytes per journal field value (1.3)      */
#define SB_MAX_EVENTS_PER_CALL  16     /* journal events per handle call (1.3)     */
#define SB_MAX_TEMPLATE_NAME    512    /* bytes of a template's name or language (1.4) */
#define SB_MAX_TEMPLATE_PARAMS  16     /* body parameters of a template send (1.4)  */
#define SB_MAX_TEMPLATE_PARAM   1024   /* bytes per template parameter (1.4)        */
#define SB_MAX_COUNTERS         64     /* distinct counter names per instance (1.3) */
#define SB_MAX_MEDIA_BYTES      16777216 /* 16 MiB: bytes of media host->media gives */

/* ---- Strings ----------------------------------------------------------------------- */

/* A borrowed UTF-8 string: `len` bytes at `ptr`, not NUL-terminated. Ownership is
 * that of the struct or call it appears in (see the three memory rules above). */
typedef struct sb_str {
    const char *ptr;
    size_t len;
} sb_str;

/* An sb_str from a string literal, as an expression: host->reply(call, SB_STR("Hi")). */
#define SB_STR(literal) ((sb_str){ (literal), sizeof(literal) - 1 })
/* The same for static initializers (the descriptor): .id = SB_STR_INIT("faq"). */
#define SB_STR_INIT(literal) { (literal), sizeof(literal) - 1 }

/* 1 if `s` holds exactly the NUL-terminated `cstr`. */
static inline int sb_str_eq_cstr(sb_str s, const char *cstr) {
    size_t i = 0;
    for (; i < s.len; i++) {
        if (cstr[i] == '\0' || cstr[i] != s.ptr[i]) return 0;
    }
    return cstr[i] == '\0';
}

/* ---- The caller-owned error buffer ------------------------------------------------- */

/* Passed by the host to `create` and `handle`. OWNERSHIP: the host owns the struct and
 * the `message` buffer; the plugin writes at most `capacity` bytes of UTF-8 into
 * `message` and sets `length`. Use sb_error_set. Valid until the callback returns.
 * The host reads back only `length` (capped at the buffer's real size) and `code`, and
 * the text only from its own buffer: it never follows a `message` or `capacity` the
 * plugin changed (a changed `message` means no message). */
typedef struct sb_error {
    uint32_t struct_size;  /* host: sizeof(sb_error) */
    int32_t code;          /* plugin: optional, a plugin-specific code for the journal */
    char *message;         /* host-owned buffer of `capacity` bytes                    */
    size_t capacity;       /* host: size of `message`                                 */
    size_t length;         /* plugin: bytes written (the host ignores bytes past it)  */
} sb_error;

/* Copies `len` bytes of `text` into the error buffer, truncating to its capacity. */
static inline void sb_error_set(sb_error *err, const char *text, size_t len) {
    if (err == NULL || err->message == NULL) return;
    if (len > err->capacity) len = err->capacity;
    for (size_t i = 0; i < len; i++) err->message[i] = text[i];
    err->length = len;
}

/* ---- Host services ----------------------------------------------------------------- */

/* Opaque: one plugin instance of one workspace. The workspace is bound to it when the
 * instance is created; no host function takes a workspace id, so a plugin can only
 * reach the state and logs of the workspace it was created for. */
typedef struct sb_host_ctx sb_host_ctx;

/* Opaque: one `handle` call. Valid only until that `handle` returns; later uses are
 * refused with SB_ERR_OUTSIDE_CALL (a handle, not a pointer: never dereference it). */
typedef struct sb_call sb_call;

/* A structured log field. Borrowed for the duration of host->log. */
typedef struct sb_field {
    sb_str key;
    sb_str value;
} sb_field;

/* One earlier message of the conversation, oldest first. Borrowed: valid only inside
 * the visitor call it is passed to. */
typedef struct sb_history_entry {
    uint32_t struct_size;      /* host: sizeof(sb_history_entry) this host knows */
    uint32_t reserved0;
    sb_str direction;          /* "inbound" (from the customer) or "outbound"    */
    sb_str kind;               /* message kind, as in sb_message.kind            */
    sb_str text;               /* text, or the caption of media; may be empty    */
    sb_str author;             /* outbound: "bot", "agent:<id>"; inbound: ""     */
    int64_t timestamp_ms;      /* Unix time, milliseconds                        */
} sb_history_entry;

/* Called once per history entry; return 0 to continue, non-zero to stop. */
typedef int32_t (*sb_history_visitor)(void *user, const sb_history_entry *entry);

/* The media of the message being handled (ABI 1.1). Borrowed: the struct, the MIME type
 * and the bytes are valid only inside the visitor call they are passed to. */
typedef struct sb_media {
    uint32_t struct_size;      /* host: sizeof(sb_media) this host knows          */
    uint32_t reserved0;
    sb_str mime_type;          /* as the provider reported it ("image/jpeg",
                                  "audio/ogg; codecs=opus"); "application/octet-stream"
                                  when it gave none                               */
    const uint8_t *bytes;      /* `len` bytes (not NUL-terminated); NULL if len is 0 */
    size_t len;                /* at most SB_MAX_MEDIA_BYTES                      */
} sb_media;

/* Called once, on the calling thread, before host->media returns SB_OK. */
typedef void (*sb_media_visitor)(void *user, const sb_media *media);

/* The host's services. OWNERSHIP: host-owned, static, valid for the life of the
 * process. Every function is thread-safe (see THREADING). Check `struct_size` before
 * using a function added in a later minor version. */
typedef struct sb_host {
    uint32_t struct_size;      /* sizeof(sb_host) of this host */
    uint16_t abi_major;        /* the host's ABI version        */
    uint16_t abi_minor;

    /* Writes one structured log line into the host's log, with the plugin id and the
     * workspace added by the host (a plugin cannot override those two keys). `level`
     * is SB_LOG_*. Copies everything before returning. */
    void (*log)(sb_host_ctx *ctx, int32_t level, sb_str message,
                const sb_field *fields, size_t field_count);

    /* Per-workspace, per-plugin key/value state, kept by the host's store (it survives
     * restarts). Keys: at most SB_MAX_STATE_KEY bytes; values at most
     * SB_MAX_STATE_VALUE bytes, any bytes.
     * state_get copies the value into `buf` (capacity `cap`) and sets *len_out.
     * Returns SB_ERR_NOT_FOUND when absent, SB_ERR_BUFFER_TOO_SMALL (with *len_out set
     * to the size needed) when `cap` is too small, SB_ERR_RETRYABLE when the store is
     * temporarily unavailable. */
    sb_status (*state_get)(sb_host_ctx *ctx, sb_str key, void *buf, size_t cap,
                           size_t *len_out);
    /* Stores a copy of `len` bytes at `value` under `key`, replacing any old value. */
    sb_status (*state_set)(sb_host_ctx *ctx, sb_str key, const void *value, size_t len);
    /* Removes `key`; SB_OK also when it was absent. */
    sb_status (*state_delete)(sb_host_ctx *ctx, sb_str key);

    /* The host's clock: Unix time in milliseconds. Use it rather than time(): tests and
     * `switchboard ask` may fix the time. */
    int64_t (*now_ms)(sb_host_ctx *ctx);

    /* The instance's config as JSON (an object, "{}" when the workspace gave none).
     * Host-owned; valid until `destroy` returns. Same as sb_instance_info.config_json:
     * with SB_PLUGIN_FLAG_DROP_CONFIG (1.4), the empty string once `create` returned. */
    sb_str (*config)(sb_host_ctx *ctx);

    /* -- functions taking sb_call: only during the `handle` call that received it -- */

    /* Answers the message: `text` (at most SB_MAX_REPLY_TEXT bytes) is copied. Calling
     * it again replaces the text. Returns SB_ERR_INVALID for empty or oversized text. */
    sb_status (*reply)(sb_call *call, sb_str text);
    /* Adds a quick-reply button to the reply (at most SB_MAX_BUTTONS, each title at
     * most SB_MAX_BUTTON_TITLE bytes); SB_ERR_INVALID beyond that. */
    sb_status (*add_button)(sb_call *call, sb_str title);
    /* Hands the conversation to a human, with a reason for the agents and the journal.
     * If `reply` was also called, its text is sent to the customer as the last bot
     * message ("An agent will reply at 9:00"). */
    sb_status (*handoff)(sb_call *call, sb_str reason);
    /* Visits up to `max_entries` earlier messages of the conversation (not including the
     * current one), oldest first. Costs a store read: ask only when needed. */
    sb_status (*history)(sb_call *call, uint32_t max_entries, sb_history_visitor visit,
                         void *user);

    /* ABI 1.1 (check host->abi_minor >= 1 first; NULL on a 1.0 host). Downloads the
     * media of the message being handled (kind "image", "audio", "video", "document"
     * or "sticker") and calls `visit` once with its bytes and MIME type, borrowed for
     * that call only (copy what you keep). Blocks while it downloads; the time counts
     * against the plugin's deadline. A successful download is kept for the chain run
     * (later calls get the same bytes); a failed one is tried again on the next call.
     * Returns SB_OK after `visit` returned; otherwise `visit` is not called and it
     * returns SB_ERR_NOT_FOUND (the message has no media: text, location, ...),
     * SB_ERR_RETRYABLE (the provider failed for now: a timeout, a 5xx, rate limited,
     * a damaged download), SB_ERR_PERMANENT (the provider refused: media expired after
     * its 7 days or deleted, a channel that cannot download media, or more than
     * SB_MAX_MEDIA_BYTES), SB_ERR_INVALID (`visit` is NULL) or SB_ERR_OUTSIDE_CALL
     * (after `handle` returned). The host logs every failure with its reason, and
     * adds the reason to the journal's entry when `handle` then fails. */
    sb_status (*media)(sb_call *call, sb_media_visitor visit, void *user);

    /* ABI 1.3 (check host->abi_minor >= 3 first; NULL on an older host). Adds an event
     * to the workspace's journal for the message being handled: written as a
     * `plugin_event` (detail: "plugin", "event" and the fields) in the same transaction
     * as the chain's verdict, also when this plugin then passes or fails (not when its
     * call overran its deadline: a late call's events are discarded with its outcome).
     * `event`: 1-SB_MAX_EVENT_NAME bytes of [a-z0-9_.] ("decision"). At most
     * SB_MAX_EVENT_FIELDS fields (keys 1-SB_MAX_EVENT_NAME bytes, values at most
     * SB_MAX_EVENT_VALUE bytes; a key "plugin" or "event" is kept as "field_plugin" /
     * "field_event") and at most SB_MAX_EVENTS_PER_CALL events per call. Never put
     * secrets or what the customer wrote in an event: the journal is kept and shown to
     * agents. Copies everything before returning. Returns SB_ERR_INVALID beyond those
     * limits (the event is not recorded) or SB_ERR_OUTSIDE_CALL after `handle`
     * returned. */
    sb_status (*journal)(sb_call *call, sb_str event, const sb_field *fields,
                         size_t field_count);

    /* ABI 1.3 (check host->abi_minor >= 3 first; NULL on an older host). Adds `value`
     * (finite, >= 0) to the instance's counter `name` (1-SB_MAX_EVENT_NAME bytes of
     * [a-z0-9_]). The host's metrics listener shows it as
     *   switchboard_plugin_counter_total{plugin="ID",workspace="WS",name="NAME"}
     * (ID: the plugin's name in the workspace's chain). At most SB_MAX_COUNTERS distinct
     * names per instance; SB_ERR_INVALID for a bad name or value or a name beyond that.
     * Counters start at 0 when the process starts: they are for monitoring, not
     * accounting (journal what must be kept). Cheap: callable on every message. */
    sb_status (*count)(sb_host_ctx *ctx, sb_str name, double value);

    /* ABI 1.4 (check host->abi_minor >= 4 first; NULL on an older host). Answers the
     * message with an approved WhatsApp message template instead of a text: the only
     * kind of message WhatsApp delivers once the customer has not written for 24 hours
     * (order updates, reminders, "your cake is ready"). `name` and `language` ("en_US")
     * name a template of the conversation's channel (its business account, `waba_id` in
     * the host config; 1-SB_MAX_TEMPLATE_NAME bytes each); `params` are its body
     * parameters {{1}}, {{2}}, ... in order (at most SB_MAX_TEMPLATE_PARAMS, each
     * 1-SB_MAX_TEMPLATE_PARAM bytes, no newline or tab), copied before returning.
     * Replaces a `reply` (and its buttons) given earlier in the same call; a later
     * `reply` replaces the template. With `handoff`, the template is not sent (a handoff's
     * message is text). The host checks the template against the channel's synced list
     * before queueing it (approved, the right number of parameters): a template that does
     * not fit is not sent, the failure is journalled as this plugin's error with the
     * reason, and the workspace's fallback applies. It goes through the outbox like any
     * reply (retries, rate limits, delivery statuses). Returns SB_ERR_INVALID for a bad
     * name, language or parameter (nothing is kept) or SB_ERR_OUTSIDE_CALL after
     * `handle` returned. */
    sb_status (*send_template)(sb_call *call, sb_str name, sb_str language, const sb_str *params,
                               size_t param_count);

    /* ABI 1.5 (check host->abi_minor >= 5 first; NULL on an older host). Adds `delta` to
     * the integer kept under `key` in the instance's state as decimal text ("0" when
     * absent), in one atomic step for every host on the store: with several hosts on one
     * database, two adds at once both count, and two spenders cannot both take the last
     * of a budget (state_get then state_set could). When `ceiling` is not NULL and the
     * total would pass *ceiling, nothing is added and it returns SB_ERR_LIMIT. On SB_OK
     * *total_out (if not NULL) holds the new total. Returns SB_ERR_INVALID for a bad key
     * or a value under `key` that is not a decimal integer (left as it is), and
     * SB_ERR_RETRYABLE when the store is temporarily unavailable (nothing added). */
    sb_status (*state_add)(sb_host_ctx *ctx, sb_str key, int64_t delta, const int64_t *ceiling,
                           int64_t *total_out);

    void *reserved[3];         /* zero; future host functions */
} sb_host;

/* ---- What `create` receives --------------------------------------------------------- */

/* OWNERSHIP: host-owned; the struct and every string in it stay valid until `destroy`
 * returns, so a plugin may keep the pointer as its instance (the C example does). One
 * exception: a plugin that sets SB_PLUGIN_FLAG_DROP_CONFIG (1.4) promises to read
 * config_json only during `create`; after `create` it is the empty string (CONFIG). */
typedef struct sb_instance_info {
    uint32_t struct_size;      /* sizeof(sb_instance_info) of this host             */
    uint32_t reserved0;
    sb_str plugin_name;        /* the name in the workspace's chain ("faq")          */
    sb_str workspace_id;       /* the workspace this instance serves                 */
    sb_str workspace_timezone; /* IANA name ("Africa/Lagos"); empty when not set     */
    sb_str config_json;        /* this workspace's config for the plugin, "{}" if none;
                                  "" after create with SB_PLUGIN_FLAG_DROP_CONFIG     */
    const sb_host *host;       /* the host services                                   */
    sb_host_ctx *host_ctx;     /* this instance's context for host functions          */
} sb_instance_info;

/* ---- What `handle` receives ---------------------------------------------------------- */

/* One inbound message. OWNERSHIP: host-owned, borrowed until `handle` returns. */
typedef struct sb_message {
    uint32_t struct_size;      /* sizeof(sb_message) of this host: fields past it are absent */
    uint32_t unanswered_turns; /* earlier inbound messages in a row, in this conversation,
                                  that no responder answered (0 after any reply)         */
    sb_str workspace_id;       /* always the instance's workspace                        */
    sb_str channel_id;         /* the channel it arrived on ("wa-main")                  */
    sb_str conversation_id;
    sb_str message_id;         /* the host's id of this message                          */
    sb_str sender_e164;        /* "+2348031234567"; empty on channels without numbers   */
    sb_str sender_name;        /* the profile name the customer set; may be empty        */
    sb_str text;               /* text, or the caption of media; may be empty            */
    sb_str kind;               /* "text", "image", "audio", "video", "document",
                                  "sticker", "location", "contacts", "interactive",
                                  "button", "reaction", "order", "unsupported", ...      */
    sb_str conversation_state; /* "bot", "human" or "resolved"                           */
    int64_t timestamp_ms;      /* when the customer sent it, Unix milliseconds           */
} sb_message;

/* ---- The descriptor ---------------------------------------------------------------- */

/* What `switchboard_plugin_entry` returns. OWNERSHIP: plugin-owned, static: it and
 * every string in it must stay valid for the life of the process. Declare it with
 * SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT. */
typedef struct sb_plugin_descriptor {
    uint32_t struct_size;      /* sizeof(sb_plugin_descriptor) the plugin was built with */
    uint16_t abi_major;        /* SWITCHBOARD_PLUGIN_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor;        /* SWITCHBOARD_PLUGIN_ABI_MINOR                           */
    sb_str id;                 /* stable id, lower case ("faq"); required                 */
    sb_str name;               /* human name ("FAQ")                                      */
    sb_str version;            /* the plugin's own version ("1.2.0")                      */
    sb_str description;        /* one sentence, shown by `switchboard plugins`            */

    /* Required. Creates the instance for one workspace. Validate the config here: a
     * config error fails the workspace's load with your message. Store the instance in
     * *instance_out (the host passes it back to handle and destroy; it may be NULL).
     * THREADING: a host thread, once per workspace, before any handle. May block
     * briefly (reading a file named in the config). */
    sb_status (*create)(const sb_instance_info *info, void **instance_out, sb_error *err);

    /* Required. Handles one inbound message: call host->reply / host->handoff on `call`
     * to answer, or nothing to pass. Return SB_OK unless something failed.
     * THREADING: a plugin-pool thread; never concurrently for one conversation,
     * possibly concurrently for different ones. Past the deadline, the outcome is
     * discarded. With SB_PLUGIN_FLAG_INLINE in `flags`, possibly a host worker thread
     * instead (then it must only compute: see SB_PLUGIN_FLAG_INLINE). */
    sb_status (*handle)(void *instance, const sb_message *message, sb_call *call,
                        sb_error *err);

    /* Optional. Frees the instance. THREADING: a host thread, after every handle call of
     * the instance has returned; the instance is never used again. */
    void (*destroy)(void *instance);

    /* ABI 1.2. SB_PLUGIN_FLAG_* bits, 0 for none. Read only when abi_minor >= 2 (it was
     * reserved[0], zero, before). */
    uint64_t flags;

    void *reserved[7];         /* must be zero; future callbacks */
} sb_plugin_descriptor;

/* Flags for sb_plugin_descriptor.flags (ABI 1.2). Unknown bits are ignored by the host.
 *
 * SB_PLUGIN_FLAG_INLINE: `handle` only computes, so the host may call it on its own
 * worker thread instead of the plugin pool (cheaper: no thread hand-over). Set it only
 * when ALL of these hold for every call:
 *   - no I/O: no files, sockets, pipes, subprocesses, no network client of any kind;
 *   - no sleeping, and no waiting on a lock or condition another thread may hold for
 *     long (a short mutex around the plugin's own in-memory data is fine);
 *   - no host->media (it downloads); other host functions are quick and allowed;
 *   - it returns in well under a millisecond.
 * An inline call that still overruns its deadline has its outcome discarded (a
 * deadline failure, as on the pool) and the host calls that instance on the pool from
 * then on, with a warning in the log. */
#define SB_PLUGIN_FLAG_INLINE ((uint64_t)1)

/* SB_PLUGIN_FLAG_DROP_CONFIG (ABI 1.4; honoured from a descriptor declaring abi_minor
 * >= 4): the plugin reads `config_json` (and `host->config`) only during `create` and
 * keeps no pointer into it, so the host frees the config text when `create` returns.
 * Afterwards both are the empty string. Saves the config's size per workspace (see
 * CONFIG above). */
#define SB_PLUGIN_FLAG_DROP_CONFIG ((uint64_t)2)

/* Declares a descriptor: zeroes every field, fills struct_size and the ABI version,
 * then applies the designated initializers given:
 *   static const sb_plugin_descriptor d = SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(
 *       .id = SB_STR_INIT("faq"), .create = faq_create, .handle = faq_handle); */
#define SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(...)                 \
    {                                                           \
        .struct_size = sizeof(sb_plugin_descriptor),            \
        .abi_major = SWITCHBOARD_PLUGIN_ABI_MAJOR,              \
        .abi_minor = SWITCHBOARD_PLUGIN_ABI_MINOR,              \
        __VA_ARGS__                                             \
    }

/* The entry function every plugin exports (name: SWITCHBOARD_PLUGIN_ENTRY_SYMBOL).
 * `host_abi` is SWITCHBOARD_PLUGIN_ABI_VERSION of the host (major << 16 | minor).
 * Returns the static descriptor; NULL refuses to load (log why to stderr).
 * THREADING: called once, from a host thread, before anything else. */
typedef const sb_plugin_descriptor *(*switchboard_plugin_entry_fn)(uint32_t host_abi);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_PLUGIN_H */
