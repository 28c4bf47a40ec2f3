/*
 * A C plugin the tests build with cc, in several variants (-D flags):
 *   TEST_ID="name"        descriptor id (default "testplugin")
 *   TEST_ABI_MAJOR/MINOR  the ABI version it claims (default: the header's)
 *   TEST_NO_ENTRY         export no entry function (not a Switchboard plugin)
 *   TEST_SHORT_DESCRIPTOR claim a descriptor without the reserved slots (an older,
 *                         smaller layout; the host must read only struct_size bytes)
 *   TEST_NULL_DESCRIPTOR  the entry returns NULL
 *   TEST_INLINE           set SB_PLUGIN_FLAG_INLINE in the descriptor's flags (ABI 1.2
 *                         headers only; with TEST_ABI_MINOR or TEST_SHORT_DESCRIPTOR
 *                         the host must not read it)
 *   TEST_DROP_CONFIG      set SB_PLUGIN_FLAG_DROP_CONFIG (ABI 1.4 headers only; with
 *                         TEST_ABI_MINOR below 4 the host must not honour it)
 * What it does is driven by the message text:
 *   reply:TEXT      reply TEXT            handoff:REASON  hand off
 *   buttons:N       reply with N buttons  fail-retry / fail-perm  fail with a message
 *   sleep:MS        sleep, then reply "slept"
 *   block:ID:PATH   the plugin whose id is ID creates PATH.entered, waits (up to 30 s)
 *                   until PATH exists (the test's gate), then replies "unblocked";
 *                   any other plugin replies "slept" at once
 *   block-once:PATH the first call to take PATH.taken (any instance) waits (up to 30 s)
 *                   until PATH exists, the others do not wait; each then replies the
 *                   calling thread's name
 *   meet:N:DIR      create a file in DIR, wait (up to 10 s) until DIR holds N entries
 *                   (N calls running at once), then reply "met"; "alone" on timeout
 *   set:KEY=VALUE   store state, reply "ok"      get:KEY  reply the value or "none"
 *   whoami          reply "<workspace>|<timezone>|<config>"
 *   history         reply "<n> <first text>"
 *   log             log a line with a field named "workspace" (which must not win)
 *   late-reply      sleep 300 ms, then reply "too late"
 *   turns           reply "turns=<unanswered_turns>"
 *   thread          reply the calling thread's name (pthread_getname_np)
 *   thread-sleep:MS sleep, then reply the calling thread's name
 *   media           host->media: reply "got <n> bytes of <mime> (sum <byte sum>)",
 *                   "no media" on SB_ERR_NOT_FOUND, or return the failure status
 *                   without a message; on a host older than 1.1 reply "host has no
 *                   media"; built with a 1.0 header, reply "built without media"
 *   media-twice     host->media twice: reply "<n1>+<n2> bytes"
 *   media-null      host->media with a NULL visitor: reply "status=<status>"
 *   stash-call      keep this call's sb_call handle past the call, reply "stashed"
 *   late-from-thread  on another thread, use the handle kept by stash-call (its call
 *                   has returned) with every sb_call function, then reply
 *                   "reply=<s> button=<s> handoff=<s> history=<s> media=<s>"
 *                   (built with a 1.3 header: " journal=<s>" added)
 *   journal         (1.3) journal "decision" {tier=faq, plugin=mine} and "second" (no
 *                   fields), count "answers" 2 then 0.5, and pass; "host has no journal"
 *                   on an older host
 *   journal-fail    (1.3) journal "before.failure" {n=1}, then fail (permanent)
 *   journal-bad     (1.3) bad journal and count calls; reply "event=<s> empty=<s>
 *                   fields=<s> value=<s> key=<s> many=<s> name=<s> neg=<s> nan=<s>
 *                   names=<s>" (many: the 17th event; names: the 65th counter name)
 *   template        (1.4) reply "text first", then send_template("order_ready", "en_US",
 *                   ["Ana", "#12"]): the template is the verdict
 *   template-bad    (1.4) bad send_template calls; reply "name=<s> lang=<s> count=<s>
 *                   empty=<s> newline=<s>"
 *   bogus-call      host->reply with a handle the host never gave: reply "status=<s>"
 *   err-redirect    point err->message at the plugin's own memory with a huge capacity
 *                   and length, and fail (the host must not read through them)
 *   err-overlong    write "abc" with sb_error_set, then claim a length past the
 *                   buffer's capacity, and fail
 *   anything else   pass
 * Config {"fail_create": true} makes create fail.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchboard_plugin.h"

#ifndef TEST_ID
#define TEST_ID "testplugin"
#endif
#ifndef TEST_ABI_MAJOR
#define TEST_ABI_MAJOR SWITCHBOARD_PLUGIN_ABI_MAJOR
#endif
#ifndef TEST_ABI_MINOR
#define TEST_ABI_MINOR SWITCHBOARD_PLUGIN_ABI_MINOR
#endif

static int starts(sb_str s, const char *prefix, sb_str *rest) {
    size_t n = strlen(prefix);
    if (s.len < n || memcmp(s.ptr, prefix, n) != 0) return 0;
    rest->ptr = s.ptr + n;
    rest->len = s.len - n;
    return 1;
}

static sb_status t_create(const sb_instance_info *info, void **out, sb_error *err) {
    const char *bad = "\"fail_create\":true";
    size_t n = strlen(bad);
    for (size_t i = 0; i + n <= info->config_json.len; i++) {
        if (memcmp(info->config_json.ptr + i, bad, n) == 0) {
            sb_error_set(err, "fail_create is set", 18);
            return SB_ERR_INVALID;
        }
    }
    *out = (void *)info;
    return SB_OK;
}

typedef struct { int n; char first[128]; size_t first_len; } hist;

#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 1
typedef struct { int visits; size_t len; unsigned sum; char mime[128]; } got_media;

static void on_media(void *user, const sb_media *m) {
    got_media *g = user;
    g->visits++;
    g->len = m->len;
    g->sum = 0;
    for (size_t i = 0; i < m->len; i++) g->sum += m->bytes[i];
    snprintf(g->mime, sizeof g->mime, "%.*s", (int)m->mime_type.len, m->mime_type.ptr);
}
#endif

/* What late_thread did with a call handle whose `handle` had returned. */
typedef struct {
    const sb_host *host;
    sb_call *call;
    sb_status reply, button, handoff, history, media, journal;
} late_use;

static sb_call *stashed_call;

static int32_t ignore_entry(void *user, const sb_history_entry *e) { (void)user; (void)e; return 0; }
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 1
static void ignore_media(void *user, const sb_media *m) { (void)user; (void)m; }
#endif

static void *late_thread(void *p) {
    late_use *u = p;
    u->reply = u->host->reply(u->call, SB_STR("late"));
    u->button = u->host->add_button(u->call, SB_STR("late"));
    u->handoff = u->host->handoff(u->call, SB_STR("late"));
    u->history = u->host->history(u->call, 5, ignore_entry, NULL);
    u->media = -1;
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 1
    if (u->host->abi_minor >= 1 && u->host->media != NULL) u->media = u->host->media(u->call, ignore_media, NULL);
#endif
    u->journal = -1;
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 3
    if (u->host->abi_minor >= 3 && u->host->journal != NULL) u->journal = u->host->journal(u->call, SB_STR("late"), NULL, 0);
#endif
    return NULL;
}

static int32_t visit(void *user, const sb_history_entry *e) {
    hist *h = user;
    if (h->n == 0) {
        h->first_len = e->text.len < sizeof h->first ? e->text.len : sizeof h->first;
        memcpy(h->first, e->text.ptr, h->first_len);
    }
    h->n++;
    return 0;
}

static sb_status t_handle(void *instance, const sb_message *m, sb_call *call, sb_error *err) {
    const sb_instance_info *info = instance;
    const sb_host *host = info->host;
    sb_host_ctx *ctx = info->host_ctx;
    sb_str rest;
    char buf[1024];

    if (starts(m->text, "reply:", &rest)) {
        return host->reply(call, rest);
    }
    if (starts(m->text, "handoff:", &rest)) {
        return host->handoff(call, rest);
    }
    if (starts(m->text, "buttons:", &rest)) {
        int n = atoi(rest.ptr);
        host->reply(call, SB_STR("choose"));
        for (int i = 0; i < n; i++) {
            int len = snprintf(buf, sizeof buf, "b%d", i);
            sb_status s = host->add_button(call, (sb_str){buf, (size_t)len});
            if (s != SB_OK) {
                sb_error_set(err, "too many buttons", 16);
                return SB_ERR_PERMANENT;
            }
        }
        return SB_OK;
    }
    if (sb_str_eq_cstr(m->text, "fail-retry")) {
        sb_error_set(err, "upstream timed out", 18);
        return SB_ERR_RETRYABLE;
    }
    if (sb_str_eq_cstr(m->text, "fail-perm")) {
        sb_error_set(err, "cannot handle this", 18);
        return SB_ERR_PERMANENT;
    }
    if (starts(m->text, "sleep:", &rest)) {
        int ms = atoi(rest.ptr);
        usleep((useconds_t)ms * 1000);
        return host->reply(call, SB_STR("slept"));
    }
    if (starts(m->text, "block:", &rest)) {
        const char *colon = memchr(rest.ptr, ':', rest.len);
        if (colon == NULL) return SB_ERR_INVALID;
        size_t idlen = (size_t)(colon - rest.ptr);
        if (idlen != strlen(TEST_ID) || memcmp(rest.ptr, TEST_ID, idlen) != 0) return host->reply(call, SB_STR("slept"));
        char path[512], entered[600];
        snprintf(path, sizeof path, "%.*s", (int)(rest.len - idlen - 1), colon + 1);
        snprintf(entered, sizeof entered, "%s.entered.%lu", path, (unsigned long)pthread_self());
        FILE *f = fopen(entered, "w");
        if (f) fclose(f);
        for (int i = 0; i < 30000 && access(path, F_OK) != 0; i++) usleep(1000);
        return host->reply(call, SB_STR("unblocked"));
    }
    if (starts(m->text, "block-once:", &rest)) {
        char path[512], taken[600];
        snprintf(path, sizeof path, "%.*s", (int)rest.len, rest.ptr);
        snprintf(taken, sizeof taken, "%s.taken", path);
        int fd = open(taken, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd >= 0) {
            close(fd);
            for (int i = 0; i < 30000 && access(path, F_OK) != 0; i++) usleep(1000);
        }
        char name[64] = {0};
        if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return SB_ERR_RETRYABLE;
        return host->reply(call, (sb_str){name, strlen(name)});
    }
    if (starts(m->text, "meet:", &rest)) {
        int n = atoi(rest.ptr);
        const char *colon = memchr(rest.ptr, ':', rest.len);
        if (colon == NULL) return SB_ERR_INVALID;
        char dir[512], mine[600];
        snprintf(dir, sizeof dir, "%.*s", (int)(rest.len - (size_t)(colon - rest.ptr) - 1), colon + 1);
        snprintf(mine, sizeof mine, "%s/XXXXXX", dir);
        int fd = mkstemp(mine);
        if (fd < 0) return SB_ERR_RETRYABLE;
        close(fd);
        for (int i = 0; i < 10000; i++) {
            int count = 0;
            DIR *d = opendir(dir);
            if (d == NULL) return SB_ERR_RETRYABLE;
            struct dirent *e;
            while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') count++;
            closedir(d);
            if (count >= n) return host->reply(call, SB_STR("met"));
            usleep(1000);
        }
        return host->reply(call, SB_STR("alone"));
    }
    if (sb_str_eq_cstr(m->text, "late-reply")) {
        usleep(300 * 1000);
        return host->reply(call, SB_STR("too late"));
    }
    if (starts(m->text, "set:", &rest)) {
        const char *eq = memchr(rest.ptr, '=', rest.len);
        if (eq == NULL) return SB_ERR_INVALID;
        sb_str key = {rest.ptr, (size_t)(eq - rest.ptr)};
        sb_status s = host->state_set(ctx, key, eq + 1, rest.len - key.len - 1);
        if (s != SB_OK) return s;
        return host->reply(call, SB_STR("ok"));
    }
    if (starts(m->text, "get:", &rest)) {
        size_t len = 0;
        sb_status s = host->state_get(ctx, rest, buf, sizeof buf, &len);
        if (s == SB_ERR_NOT_FOUND) return host->reply(call, SB_STR("none"));
        if (s != SB_OK) return s;
        return host->reply(call, (sb_str){buf, len});
    }
    if (sb_str_eq_cstr(m->text, "whoami")) {
        int len = snprintf(buf, sizeof buf, "%.*s|%.*s|%.*s",
                           (int)m->workspace_id.len, m->workspace_id.ptr,
                           (int)info->workspace_timezone.len, info->workspace_timezone.ptr,
                           (int)host->config(ctx).len, host->config(ctx).ptr);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    if (sb_str_eq_cstr(m->text, "history")) {
        hist h = {0};
        sb_status s = host->history(call, 10, visit, &h);
        if (s != SB_OK) return s;
        int len = snprintf(buf, sizeof buf, "%d %.*s", h.n, (int)h.first_len, h.first);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    if (sb_str_eq_cstr(m->text, "log")) {
        sb_field f[] = {{SB_STR("workspace"), SB_STR("someone-else")}, {SB_STR("detail"), SB_STR("x1")}};
        host->log(ctx, SB_LOG_WARN, SB_STR("test plugin line"), f, 2);
        return SB_OK;
    }
    if (sb_str_eq_cstr(m->text, "media")) {
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 1
        if (host->abi_minor < 1 || host->media == NULL) return host->reply(call, SB_STR("host has no media"));
        got_media g = {0};
        sb_status s = host->media(call, on_media, &g);
        if (s == SB_ERR_NOT_FOUND) return host->reply(call, SB_STR("no media"));
        if (s != SB_OK) return s;
        int len = snprintf(buf, sizeof buf, "got %zu bytes of %s (sum %u)", g.len, g.mime, g.sum);
        if (g.visits != 1) len = snprintf(buf, sizeof buf, "visited %d times", g.visits);
        return host->reply(call, (sb_str){buf, (size_t)len});
#else
        return host->reply(call, SB_STR("built without media"));
#endif
    }
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 1
    if (sb_str_eq_cstr(m->text, "media-twice")) {
        got_media a = {0}, b = {0};
        sb_status s = host->media(call, on_media, &a);
        if (s == SB_OK) s = host->media(call, on_media, &b);
        if (s != SB_OK) return s;
        int len = snprintf(buf, sizeof buf, "%zu+%zu bytes", a.len, b.len);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    if (sb_str_eq_cstr(m->text, "media-null")) {
        int len = snprintf(buf, sizeof buf, "status=%d", host->media(call, NULL, NULL));
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
#endif
    if (sb_str_eq_cstr(m->text, "thread") || starts(m->text, "thread-sleep:", &rest)) {
        if (m->text.len > 6) usleep((useconds_t)atoi(rest.ptr) * 1000);
        char name[64] = {0};
        if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return SB_ERR_RETRYABLE;
        return host->reply(call, (sb_str){name, strlen(name)});
    }
    if (sb_str_eq_cstr(m->text, "stash-call")) {
        stashed_call = call;
        return host->reply(call, SB_STR("stashed"));
    }
    if (sb_str_eq_cstr(m->text, "late-from-thread")) {
        late_use u = {.host = host, .call = stashed_call};
        pthread_t t;
        if (pthread_create(&t, NULL, late_thread, &u) != 0) return SB_ERR_RETRYABLE;
        pthread_join(t, NULL);
        int len = snprintf(buf, sizeof buf, "reply=%d button=%d handoff=%d history=%d media=%d",
                           u.reply, u.button, u.handoff, u.history, u.media);
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 3
        len += snprintf(buf + len, sizeof buf - (size_t)len, " journal=%d", u.journal);
#endif
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    if (sb_str_eq_cstr(m->text, "bogus-call")) {
        int len = snprintf(buf, sizeof buf, "status=%d", host->reply((sb_call *)(uintptr_t)0xdeadbeef, SB_STR("x")));
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    if (sb_str_eq_cstr(m->text, "err-redirect")) {
        static char plugin_text[] = "read through the plugin's pointer";
        err->message = plugin_text;
        err->capacity = (size_t)-1;
        err->length = (size_t)1 << 30;
        return SB_ERR_PERMANENT;
    }
    if (sb_str_eq_cstr(m->text, "err-overlong")) {
        sb_error_set(err, "abc", 3);
        err->length = err->capacity + 100000;
        return SB_ERR_PERMANENT;
    }
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 3
    if (sb_str_eq_cstr(m->text, "journal")) {
        if (host->abi_minor < 3 || host->journal == NULL) return host->reply(call, SB_STR("host has no journal"));
        sb_field f[] = {{SB_STR("tier"), SB_STR("faq")}, {SB_STR("plugin"), SB_STR("mine")}};
        sb_status s = host->journal(call, SB_STR("decision"), f, 2);
        if (s == SB_OK) s = host->journal(call, SB_STR("second"), NULL, 0);
        if (s == SB_OK) s = host->count(ctx, SB_STR("answers"), 2);
        if (s == SB_OK) s = host->count(ctx, SB_STR("answers"), 0.5);
        return s;
    }
    if (sb_str_eq_cstr(m->text, "journal-fail")) {
        sb_field f[] = {{SB_STR("n"), SB_STR("1")}};
        host->journal(call, SB_STR("before.failure"), f, 1);
        sb_error_set(err, "failed after journalling", 24);
        return SB_ERR_PERMANENT;
    }
    if (sb_str_eq_cstr(m->text, "journal-bad")) {
        sb_field many[17];
        char keys[17][8];
        for (int i = 0; i < 17; i++) {
            int n = snprintf(keys[i], sizeof keys[i], "k%d", i);
            many[i] = (sb_field){{keys[i], (size_t)n}, SB_STR("v")};
        }
        static char big[1025];
        memset(big, 'x', sizeof big);
        sb_field longvalue[] = {{SB_STR("k"), {big, sizeof big}}};
        sb_field emptykey[] = {{{"", 0}, SB_STR("v")}};
        sb_status event = host->journal(call, SB_STR("Bad-Name"), NULL, 0);
        sb_status empty = host->journal(call, (sb_str){NULL, 0}, NULL, 0);
        sb_status fields = host->journal(call, SB_STR("ok"), many, 17);
        sb_status value = host->journal(call, SB_STR("ok"), longvalue, 1);
        sb_status key = host->journal(call, SB_STR("ok"), emptykey, 1);
        sb_status manyev = SB_OK;
        for (int i = 0; i < 16 && manyev == SB_OK; i++) manyev = host->journal(call, SB_STR("fill"), many, 16);
        if (manyev == SB_OK) manyev = host->journal(call, SB_STR("fill"), NULL, 0);
        sb_status name = host->count(ctx, SB_STR("a.b"), 1);
        sb_status neg = host->count(ctx, SB_STR("neg"), -1);
        sb_status nan = host->count(ctx, SB_STR("nan"), 0.0 / 0.0);
        sb_status names = SB_OK;
        for (int i = 0; i < 65 && names == SB_OK; i++) {
            char n[16];
            int l = snprintf(n, sizeof n, "name_%d", i);
            names = host->count(ctx, (sb_str){n, (size_t)l}, 1);
        }
        int len = snprintf(buf, sizeof buf, "event=%d empty=%d fields=%d value=%d key=%d many=%d name=%d neg=%d nan=%d names=%d",
                           event, empty, fields, value, key, manyev, name, neg, nan, names);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
#endif
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 4
    if (sb_str_eq_cstr(m->text, "template")) {
        if (host->abi_minor < 4 || host->send_template == NULL) return host->reply(call, SB_STR("host has no templates"));
        host->reply(call, SB_STR("text first"));
        sb_str params[] = {SB_STR("Ana"), SB_STR("#12")};
        return host->send_template(call, SB_STR("order_ready"), SB_STR("en_US"), params, 2);
    }
    if (sb_str_eq_cstr(m->text, "template-bad")) {
        sb_str ok[] = {SB_STR("x")};
        sb_str empty[] = {{"", 0}};
        sb_str newline[] = {SB_STR("two\nlines")};
        sb_status name = host->send_template(call, (sb_str){NULL, 0}, SB_STR("en_US"), ok, 1);
        sb_status lang = host->send_template(call, SB_STR("order_ready"), (sb_str){NULL, 0}, ok, 1);
        sb_status count = host->send_template(call, SB_STR("order_ready"), SB_STR("en_US"), ok, 17);
        sb_status emptyp = host->send_template(call, SB_STR("order_ready"), SB_STR("en_US"), empty, 1);
        sb_status nl = host->send_template(call, SB_STR("order_ready"), SB_STR("en_US"), newline, 1);
        int len = snprintf(buf, sizeof buf, "name=%d lang=%d count=%d empty=%d newline=%d", name, lang, count, emptyp, nl);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
#endif
    if (sb_str_eq_cstr(m->text, "turns")) {
        int len = snprintf(buf, sizeof buf, "turns=%u", m->unanswered_turns);
        return host->reply(call, (sb_str){buf, (size_t)len});
    }
    return SB_OK;
}

static sb_plugin_descriptor descriptor = SWITCHBOARD_PLUGIN_DESCRIPTOR_INIT(
    .id = SB_STR_INIT(TEST_ID), .name = SB_STR_INIT("Test"), .version = SB_STR_INIT("0.1.0"),
    .description = SB_STR_INIT("Test plugin."),
    .create = t_create, .handle = t_handle);

#ifndef TEST_NO_ENTRY
SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(uint32_t host_abi) {
    (void)host_abi;
#ifdef TEST_NULL_DESCRIPTOR
    return NULL;
#endif
    descriptor.abi_major = TEST_ABI_MAJOR;
    descriptor.abi_minor = TEST_ABI_MINOR;
#if defined(TEST_INLINE) && SWITCHBOARD_PLUGIN_ABI_MINOR >= 2
    descriptor.flags |= SB_PLUGIN_FLAG_INLINE;
#endif
#if defined(TEST_DROP_CONFIG) && SWITCHBOARD_PLUGIN_ABI_MINOR >= 4
    descriptor.flags |= SB_PLUGIN_FLAG_DROP_CONFIG;
#endif
#ifdef TEST_SHORT_DESCRIPTOR
    /* The layout before ABI 1.2 without its reserved slots: no `flags` either. */
#if SWITCHBOARD_PLUGIN_ABI_MINOR >= 2
    descriptor.struct_size = (uint32_t)offsetof(sb_plugin_descriptor, flags);
#else
    descriptor.struct_size = (uint32_t)offsetof(sb_plugin_descriptor, reserved);
#endif
#endif
    return &descriptor;
}
#else
SB_EXPORT int some_other_function(void) { return 42; }
#endif
