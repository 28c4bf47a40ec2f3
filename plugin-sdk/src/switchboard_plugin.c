/*
 * The C module CSwitchboardPlugin exists so Swift (the host and SwitchboardPluginKit)
 * can import plugin-sdk/include/switchboard_plugin.h. SwiftPM needs a source file for a
 * C target; this one pins the layout of the structs that cross the boundary, so a
 * change that would move a field (instead of appending one) fails the build.
 */
#include "switchboard_plugin.h"

_Static_assert(offsetof(sb_plugin_descriptor, struct_size) == 0, "struct_size first");
_Static_assert(offsetof(sb_plugin_descriptor, abi_major) == 4, "ABI version at a fixed offset");
_Static_assert(offsetof(sb_plugin_descriptor, abi_minor) == 6, "ABI version at a fixed offset");
_Static_assert(sizeof(sb_str) == 2 * sizeof(void *), "sb_str is pointer + length");
_Static_assert(offsetof(sb_message, unanswered_turns) == 4, "ABI 1.0 layout");
_Static_assert(offsetof(sb_host, log) == 8, "ABI 1.0 layout");
/* ABI 1.1 took the first reserved slot of sb_host: same size, same offsets. */
_Static_assert(offsetof(sb_host, media) == offsetof(sb_host, history) + sizeof(void *), "ABI 1.1: media follows history");
/* ABI 1.3 took the next two reserved slots of sb_host: same size, same offsets. */
_Static_assert(offsetof(sb_host, journal) == offsetof(sb_host, media) + sizeof(void *), "ABI 1.3: journal took reserved[0]");
_Static_assert(offsetof(sb_host, count) == offsetof(sb_host, journal) + sizeof(void *), "ABI 1.3: count took reserved[1]");
/* ABI 1.4 took the next reserved slot of sb_host: same size, same offsets. */
_Static_assert(offsetof(sb_host, send_template) == offsetof(sb_host, count) + sizeof(void *), "ABI 1.4: send_template took reserved[2]");
/* ABI 1.5 took the next reserved slot of sb_host: same size, same offsets. */
_Static_assert(offsetof(sb_host, state_add) == offsetof(sb_host, send_template) + sizeof(void *), "ABI 1.5: state_add took reserved[3]");
_Static_assert(offsetof(sb_host, reserved) == offsetof(sb_host, state_add) + sizeof(void *), "ABI 1.5: reserved[3] follows state_add");
_Static_assert(sizeof(sb_host) == 8 + 18 * sizeof(void *), "sb_host keeps its ABI 1.0 size");
/* ABI 1.2 took the first reserved slot of the descriptor for `flags`: same size, same
 * offsets (LP64: a uint64_t where a pointer was). */
_Static_assert(offsetof(sb_plugin_descriptor, flags) == offsetof(sb_plugin_descriptor, destroy) + sizeof(void *), "ABI 1.2: flags follows destroy");
_Static_assert(sizeof(uint64_t) == sizeof(void *), "flags fills one reserved pointer slot (LP64)");
_Static_assert(offsetof(sb_plugin_descriptor, reserved) == offsetof(sb_plugin_descriptor, flags) + sizeof(uint64_t), "ABI 1.2: flags took reserved[0]");
_Static_assert(sizeof(sb_plugin_descriptor) == 8 + 4 * sizeof(sb_str) + 3 * sizeof(void *) + 8 * sizeof(void *), "sb_plugin_descriptor keeps its ABI 1.0 size");

/* The ABI version this copy of the header describes (major << 16 | minor). */
uint32_t switchboard_plugin_header_abi(void) {
    return SWITCHBOARD_PLUGIN_ABI_VERSION;
}
