/*
 * hello: the smallest useful Switchboard responder, in plain C.
 *
 * Replies to "hello" (any case, surrounding spaces ignored) with a greeting and two
 * quick-reply buttons, counts greetings per workspace in the host's state, and passes
 * on everything else. Config (optional): {"greeting": "..."}; this example takes the
 * whole config value as-is only when it is a short JSON string field, see parse_greeting.
 *
 * Build: make        (cc -shared -fPIC -I../../include -o libhello.so hello.c)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchboard_plugin.h"

/* One per workspace. `info` is host-owned and valid until destroy returns. */
typedef struct hello_instance {
    const sb_instance_info *info;
    char greeting[256];
} hello_instance;

/* Finds "greeting": "..." in the config JSON. A real plugin would use a JSON parser;
 * this keeps the example dependency-free. Escapes are not supported. */
static void parse_greeting(sb_str json, char *out, size_t cap) {
    snprintf(out, cap, "Hello! How can we help you today?");
    const char *key = "\"greeting\"";
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen < json.len; i++) {
        if (memcmp(json.ptr + i, key, klen) != 0) continue;
        size_t j = i + klen;
        while (j < json.len && (json.ptr[j] == ' ' || json.ptr[j] == ':')) j++;
        if (j >= json.len || json.ptr[j] != '"') return;
        size_t start = ++j;
        while (j < json.len && json.ptr[j] != '"') j++;
        size_t n = j - start < cap - 1 ? j - start : cap - 1;
        memcpy(out, json.ptr + start, n);
        out[n] = '\0';
        return;
    }
}

static sb_status hello_create(const sb_instance_info *info, void **instance_out, sb_error *err) {
    hello_instance *h = calloc(1, sizeof *h);
    if (h == NULL) {
        sb_error_set(err, "out of memory", 13);
        return SB_ERR_RETRYABLE;
    }
    h->info = info;
    parse_greeting(info->config_json, h->greeting, sizeof h->greeting);
    *instance_out = h;
    return SB_OK;
}

/* 1 if the message text is "hello", ignoring case and surrounding spaces. */
static int is_hello(sb_str text) {
    size_t a = 0, b = text.len;
    while (a < b && isspace((unsigned char)text.ptr[a])) a++;
    while (b > a && isspace((unsigned char)text.ptr[b - 1])) b--;
    if (b - a != 5) return 0;
    for (size_t i = 0; i < 5; i++) {
        if (tolower((unsigned char)text.ptr[a + i]) != "hello"[i]) return 0;
    }
    return 1;
}

static sb_status hello_handle(void *instance, const sb_message *msg, sb_call *call, sb_error *err) {
    hello_instance *h = instance;
    const sb_host *host = h->info->host;
    sb_host_ctx *ctx = h->info->host_ctx;

    if (!is_hello(msg->text)) return SB_OK; /* pass: not an error */

    /* Count greetings in this workspace's state (the host keeps it per workspace). */
    char buf[32];
    size_t len = 0;
    long count = 0;
    sb_status s = host->state_get(ctx, SB_STR("greetings"), buf, sizeof buf - 1, &len);
    if (s == SB_OK) {
        buf[len] = '\0';
        count = strtol(buf, NULL, 10);
    } else if (s != SB_ERR_NOT_FOUND) {
        sb_error_set(err, "state unavailable", 17);
        return SB_ERR_RETRYABLE;
    }
    len = (size_t)snprintf(buf, sizeof buf, "%ld", count + 1);
    host->state_set(ctx, SB_STR("greetings"), buf, len);

    sb_field fields[] = {{SB_STR("conversation"), msg->conversation_id}, {SB_STR("greetings"), {buf, len}}};
    host->log(ctx, SB_LOG_INFO, SB_STR("greeted a customer"), fields, 2);

    host->reply(call, (sb_str){h->greeting, strlen(h->greeting)});
    host->add_button(call, SB_STR("Opening hours"));
    host->add_button(call, SB_STR("Talk to a person"));
    return SB_OK;
}

static void hello_destroy(void *instance) {
    free(instance);
}

static const sb_plugin_descriptor hello_descriptor = SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(
    .id = SB_STR_INIT("hello"),
    .name = SB_STR_INIT("Hello"),
    .version = SB_STR_INIT("1.0.0"),
    .description = SB_STR_INIT("Replies to hello, in C."),
    .create = hello_create,
    .handle = hello_handle,
    .destroy = hello_destroy);

SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(uint32_t host_abi) {
    (void)host_abi;
    return &hello_descriptor;
}
