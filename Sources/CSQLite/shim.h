// CSQLite: SQLite 3, the embedded store (WAL, migrations, FTS5). Debian: libsqlite3-dev.
//
// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer; Swift does not
// import cast macros, so it is provided here as a function returning the same value.
#include <sqlite3.h>

static inline sqlite3_destructor_type CSQLite_TRANSIENT(void) {
    return (sqlite3_destructor_type)-1;
}

// sqlite3_config is variadic (Swift cannot call it). Turns off SQLite's memory
// statistics: with them on, every allocation takes a process-wide mutex. Must run before
// SQLite is first used; returns SQLITE_MISUSE (harmless) after.
static inline int CSQLite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
