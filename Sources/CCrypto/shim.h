// CCrypto: OpenSSL's libcrypto, for HMAC-SHA256 webhook signatures, constant-time
// comparison, scrypt password hashing and random ids. Debian: libssl-dev.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
