// CPostgres: libpq, PostgreSQL's C client library (storage.postgres). Debian: libpq-dev
// (headers), libpq5 at run time. Included by path so that no -I flag is needed.
#include <postgresql/libpq-fe.h>
