// CSQLiteWAL: a SQLite VFS that writes a transaction's WAL frames with one pwrite.
//
// SQLite appends each WAL frame with two writes (its 24-byte header, then the page), so a
// commit of N pages costs 2N system calls. This VFS wraps the default one and, for WAL
// files only, gathers consecutive appends in a buffer that it writes out in one call
// before anything that must see them: a sync, a read or write elsewhere in the file, a
// truncate, a size query, a file-control, close. Other files pass straight through.
//
// Safe only with `PRAGMA synchronous=FULL`: there SQLite syncs the WAL at every commit
// before it publishes the new frames in the wal-index, so other connections never look
// for frames that are still in the buffer. With NORMAL it publishes without a sync; the
// store therefore opens with this VFS only at full durability.
#ifndef CSQLITEWAL_H
#define CSQLITEWAL_H

/// The VFS's name, for sqlite3_open_v2.
#define CSQLITEWAL_VFS_NAME "switchboard-wal"

/// Registers the VFS (not as the default) once per process; later calls return the first
/// result. SQLITE_OK, or SQLite's error code.
int CSQLiteWAL_register(void);

#endif
