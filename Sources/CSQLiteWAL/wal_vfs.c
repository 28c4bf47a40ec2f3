// See include/CSQLiteWAL.h. The buffered file object and its methods; every method not
// about writing forwards to the wrapped file after writing out what is buffered.
#include "CSQLiteWAL.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// The unix VFS writes at most 128 KiB - 1 bytes a call (seekAndWriteFd masks the length
// with 0x1ffff: a 128 KiB write writes nothing and reports SQLITE_FULL), so the buffer
// stays below that: about 117 frames of 1 KiB pages; a larger commit (about 140 frames
// were measured in a busy group) is written in pieces of at most this size.
#define WAL_BUFFER_BYTES (120 * 1024)

typedef struct WalFile {
    sqlite3_file base;      // pMethods: walMethods
    sqlite3_file *real;     // the wrapped VFS's file, allocated right after this struct
    unsigned char *buffer;  // WAL_BUFFER_BYTES, allocated on the first buffered write
    sqlite3_int64 start;    // file offset of buffer[0]
    int length;             // bytes buffered
} WalFile;

static sqlite3_vfs walVFS;
static sqlite3_vfs *realVFS;

// Writes out the buffer. On failure the bytes stay buffered and the error goes to the
// caller (the sync, read or write that needed them), so SQLite sees the commit fail.
static int walFlush(WalFile *f) {
    if (f->length == 0) return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buffer, f->length, f->start);
    if (rc == SQLITE_OK) f->length = 0;
    return rc;
}

static int walClose(sqlite3_file *file) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    int closed = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    free(f->buffer);
    f->buffer = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int walRead(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    WalFile *f = (WalFile *)file;
    if (f->length > 0 && offset < f->start + f->length && offset + amount > f->start) {
        int rc = walFlush(f);
        if (rc != SQLITE_OK) return rc;
    }
    return f->real->pMethods->xRead(f->real, out, amount, offset);
}

static int walWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    WalFile *f = (WalFile *)file;
    int appends = f->length > 0 && offset == f->start + f->length;
    if (!appends || f->length + amount > WAL_BUFFER_BYTES) {
        int rc = walFlush(f);
        if (rc != SQLITE_OK) return rc;
    }
    if (amount > WAL_BUFFER_BYTES) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    if (f->buffer == NULL) {
        f->buffer = malloc(WAL_BUFFER_BYTES);
        if (f->buffer == NULL) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    }
    if (f->length == 0) f->start = offset;
    memcpy(f->buffer + f->length, data, (size_t)amount);
    f->length += amount;
    return SQLITE_OK;
}

static int walTruncate(sqlite3_file *file, sqlite3_int64 size) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int walSync(sqlite3_file *file, int flags) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int walFileSize(sqlite3_file *file, sqlite3_int64 *size) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int walLock(sqlite3_file *file, int level) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xLock(f->real, level);
}

static int walUnlock(sqlite3_file *file, int level) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xUnlock(f->real, level);
}

static int walCheckReservedLock(sqlite3_file *file, int *out) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int walFileControl(sqlite3_file *file, int op, void *arg) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int walSectorSize(sqlite3_file *file) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xSectorSize(f->real);
}

static int walDeviceCharacteristics(sqlite3_file *file) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int walShmMap(sqlite3_file *file, int region, int size, int extend, void volatile **out) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xShmMap(f->real, region, size, extend, out);
}

static int walShmLock(sqlite3_file *file, int offset, int n, int flags) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void walShmBarrier(sqlite3_file *file) {
    WalFile *f = (WalFile *)file;
    f->real->pMethods->xShmBarrier(f->real);
}

static int walShmUnmap(sqlite3_file *file, int deleteFlag) {
    WalFile *f = (WalFile *)file;
    return f->real->pMethods->xShmUnmap(f->real, deleteFlag);
}

static int walFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    WalFile *f = (WalFile *)file;
    int rc = walFlush(f);
    if (rc != SQLITE_OK) return rc;
    if (f->real->pMethods->iVersion < 3 || f->real->pMethods->xFetch == NULL) {
        *out = NULL;
        return SQLITE_OK;
    }
    return f->real->pMethods->xFetch(f->real, offset, amount, out);
}

static int walUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) {
    WalFile *f = (WalFile *)file;
    if (f->real->pMethods->iVersion < 3 || f->real->pMethods->xUnfetch == NULL) return SQLITE_OK;
    return f->real->pMethods->xUnfetch(f->real, offset, page);
}

static const sqlite3_io_methods walMethods = {
    3,
    walClose, walRead, walWrite, walTruncate, walSync, walFileSize,
    walLock, walUnlock, walCheckReservedLock, walFileControl, walSectorSize,
    walDeviceCharacteristics, walShmMap, walShmLock, walShmBarrier, walShmUnmap,
    walFetch, walUnfetch,
};

// A WAL file gets a WalFile with the wrapped file behind it; any other file is opened by
// the wrapped VFS directly in the space SQLite allocated (szOsFile covers both).
static int walOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) return realVFS->xOpen(realVFS, name, file, flags, outFlags);
    WalFile *f = (WalFile *)file;
    memset(f, 0, sizeof(WalFile));
    f->real = (sqlite3_file *)((char *)file + ((sizeof(WalFile) + 7) & ~(size_t)7));
    int rc = realVFS->xOpen(realVFS, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        // SQLite calls xClose only if pMethods is set; the wrapped file is closed here.
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        f->base.pMethods = NULL;
        return rc;
    }
    f->base.pMethods = &walMethods;
    return SQLITE_OK;
}

static int walDelete(sqlite3_vfs *v, const char *n, int s) { (void)v; return realVFS->xDelete(realVFS, n, s); }
static int walAccess(sqlite3_vfs *v, const char *n, int fl, int *o) { (void)v; return realVFS->xAccess(realVFS, n, fl, o); }
static int walFullPathname(sqlite3_vfs *v, const char *n, int sz, char *o) { (void)v; return realVFS->xFullPathname(realVFS, n, sz, o); }
static void *walDlOpen(sqlite3_vfs *v, const char *n) { (void)v; return realVFS->xDlOpen(realVFS, n); }
static void walDlError(sqlite3_vfs *v, int n, char *o) { (void)v; realVFS->xDlError(realVFS, n, o); }
static void (*walDlSym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return realVFS->xDlSym(realVFS, h, s); }
static void walDlClose(sqlite3_vfs *v, void *h) { (void)v; realVFS->xDlClose(realVFS, h); }
static int walRandomness(sqlite3_vfs *v, int n, char *o) { (void)v; return realVFS->xRandomness(realVFS, n, o); }
static int walSleep(sqlite3_vfs *v, int us) { (void)v; return realVFS->xSleep(realVFS, us); }
static int walCurrentTime(sqlite3_vfs *v, double *o) { (void)v; return realVFS->xCurrentTime(realVFS, o); }
static int walGetLastError(sqlite3_vfs *v, int n, char *o) { (void)v; return realVFS->xGetLastError ? realVFS->xGetLastError(realVFS, n, o) : 0; }
static int walCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *o) { (void)v; return realVFS->xCurrentTimeInt64(realVFS, o); }
static int walSetSystemCall(sqlite3_vfs *v, const char *n, sqlite3_syscall_ptr p) { (void)v; return realVFS->xSetSystemCall(realVFS, n, p); }
static sqlite3_syscall_ptr walGetSystemCall(sqlite3_vfs *v, const char *n) { (void)v; return realVFS->xGetSystemCall(realVFS, n); }
static const char *walNextSystemCall(sqlite3_vfs *v, const char *n) { (void)v; return realVFS->xNextSystemCall(realVFS, n); }

static int registerResult = SQLITE_ERROR;
static pthread_once_t registerOnce = PTHREAD_ONCE_INIT;

static void registerVFS(void) {
    realVFS = sqlite3_vfs_find(NULL);
    // The unix VFS is version 3; anything older lacks what is forwarded below.
    if (realVFS == NULL || realVFS->iVersion < 3) { registerResult = SQLITE_ERROR; return; }
    walVFS = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)((sizeof(WalFile) + 7) & ~(size_t)7) + realVFS->szOsFile,
        .mxPathname = realVFS->mxPathname,
        .zName = CSQLITEWAL_VFS_NAME,
        .xOpen = walOpen, .xDelete = walDelete, .xAccess = walAccess,
        .xFullPathname = walFullPathname, .xDlOpen = walDlOpen, .xDlError = walDlError,
        .xDlSym = walDlSym, .xDlClose = walDlClose, .xRandomness = walRandomness,
        .xSleep = walSleep, .xCurrentTime = walCurrentTime, .xGetLastError = walGetLastError,
        .xCurrentTimeInt64 = walCurrentTimeInt64, .xSetSystemCall = walSetSystemCall,
        .xGetSystemCall = walGetSystemCall, .xNextSystemCall = walNextSystemCall,
    };
    registerResult = sqlite3_vfs_register(&walVFS, 0);
}

int CSQLiteWAL_register(void) {
    pthread_once(&registerOnce, registerVFS);
    return registerResult;
}
