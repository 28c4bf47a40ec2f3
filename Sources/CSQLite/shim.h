// CSQLite: SQLite 3, the embedded store (WAL, migrations, FTS5). Debian: libsqlite3-dev.
//
// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer; Swift does not
// import cast macros, so it is provided here as a function returning the same value.
#include <sqlite3.h>

static inline sqlite3_destructor_type CSQLite_TRANSIENT(void) {
    return (sqlite3_destructor_type)-1;
}
