// CPhoneNumber: a C API over libphonenumber, so that Swift can call it.
//
// Why this exists: libphonenumber (Debian's libphonenumber 8.12) is a C++ library. Its API
// takes std::string and protobuf messages and may throw (std::bad_alloc, protobuf), and
// Swift cannot call it directly. This shim is the only C++ in Switchboard. It exposes plain C
// functions that take NUL-terminated UTF-8 strings, write into buffers the caller owns (the
// fixed arrays of `cphonenumber_result`), and report outcomes as status codes. No C++
// exception ever crosses into C or Swift: every entry point catches everything and returns
// CPHONENUMBER_INTERNAL_ERROR. Nothing is allocated for the caller; nothing needs freeing.
//
// Threading: every function here may be called from any thread at the same time.
// The shim keeps no state of its own. It uses the process-wide PhoneNumberUtil singleton:
// GetInstance() is created once under pthread_once (Debian's build uses the POSIX singleton
// and locks: libphonenumber.so imports pthread_once and pthread_mutex_*, not Boost), and
// every method the shim calls (Parse, Format, IsValidNumber, IsPossibleNumberWithReason,
// GetNumberType, GetRegionCodeForNumber, GetCountryCodeForRegion, GetSupportedRegions) is a
// const method whose only shared mutable state is the regular-expression cache, which
// libphonenumber guards with its own mutex. Its ICU regular-expression adapter compiles
// each pattern once (an immutable icu::RegexPattern, safe to share) and makes a new
// RegexMatcher for every match. Each call works on its own local PhoneNumber. The set of
// supported regions is read once into a function-local static (thread-safe since C++11).
// SwitchboardPhoneTests parses its whole table from 8 tasks at once to check this.
//
// Cost: about 20 µs per parse and 40 µs with formats and validity (measured on this
// machine), so callers on hot paths cache results (see SwitchboardPhone's
// CachedPhoneNormalizer).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of `cphonenumber_parse`. The parse errors mirror libphonenumber's ErrorType.
typedef enum cphonenumber_status {
    CPHONENUMBER_OK = 0,
    /// The number has no country calling code libphonenumber knows (or none at all, and no
    /// default region was given).
    CPHONENUMBER_INVALID_COUNTRY_CODE = 1,
    /// The text does not look like a phone number.
    CPHONENUMBER_NOT_A_NUMBER = 2,
    /// After stripping an international dialling prefix (00, 011, ...) too few digits remain.
    CPHONENUMBER_TOO_SHORT_AFTER_IDD = 3,
    /// The national significant number has fewer than 2 digits.
    CPHONENUMBER_TOO_SHORT_NSN = 4,
    /// The national significant number has more than 17 digits.
    CPHONENUMBER_TOO_LONG = 5,
    /// `default_region` is not NULL and not a region libphonenumber supports.
    CPHONENUMBER_UNKNOWN_REGION = 6,
    /// A NULL pointer, or input longer than CPHONENUMBER_MAX_INPUT bytes.
    CPHONENUMBER_INVALID_ARGUMENT = 7,
    /// A formatted form did not fit its buffer (never truncated silently).
    CPHONENUMBER_BUFFER_TOO_SMALL = 8,
    /// libphonenumber threw (out of memory, ...). The result is empty.
    CPHONENUMBER_INTERNAL_ERROR = 9,
} cphonenumber_status;

/// What libphonenumber says about the length of a parsed number (its ValidationResult).
typedef enum cphonenumber_possibility {
    CPHONENUMBER_IS_POSSIBLE = 0,
    CPHONENUMBER_IS_POSSIBLE_LOCAL_ONLY = 1,
    CPHONENUMBER_POSSIBLE_INVALID_COUNTRY_CODE = 2,
    CPHONENUMBER_POSSIBLE_TOO_SHORT = 3,
    CPHONENUMBER_POSSIBLE_INVALID_LENGTH = 4,
    CPHONENUMBER_POSSIBLE_TOO_LONG = 5,
} cphonenumber_possibility;

/// libphonenumber's PhoneNumberType, same order and values.
typedef enum cphonenumber_type {
    CPHONENUMBER_TYPE_FIXED_LINE = 0,
    CPHONENUMBER_TYPE_MOBILE = 1,
    CPHONENUMBER_TYPE_FIXED_LINE_OR_MOBILE = 2,
    CPHONENUMBER_TYPE_TOLL_FREE = 3,
    CPHONENUMBER_TYPE_PREMIUM_RATE = 4,
    CPHONENUMBER_TYPE_SHARED_COST = 5,
    CPHONENUMBER_TYPE_VOIP = 6,
    CPHONENUMBER_TYPE_PERSONAL_NUMBER = 7,
    CPHONENUMBER_TYPE_PAGER = 8,
    CPHONENUMBER_TYPE_UAN = 9,
    CPHONENUMBER_TYPE_VOICEMAIL = 10,
    CPHONENUMBER_TYPE_UNKNOWN = 11,
} cphonenumber_type;

/// Inputs longer than this (bytes) are refused with CPHONENUMBER_INVALID_ARGUMENT.
/// libphonenumber itself refuses anything over 250 characters as NOT_A_NUMBER.
#define CPHONENUMBER_MAX_INPUT 1024

/// The parsed number. The caller owns it (a stack variable is fine); the shim zeroes it
/// first and then fills it. Every string is NUL-terminated UTF-8.
typedef struct cphonenumber_result {
    /// "+2348031234567". Any extension is not part of it (see has_extension).
    char e164[32];
    /// The region the number belongs to: "NG", "001" for non-geographic numbers (+800 ...),
    /// "ZZ" when libphonenumber cannot tell (typically an invalid number).
    char region[8];
    /// "0803 123 4567": how it is dialled inside its own country.
    char national[96];
    /// "+234 803 123 4567".
    char international[96];
    /// 234.
    int32_t country_code;
    /// 1 when IsValidNumber: the number matches a known pattern of its region.
    int32_t is_valid;
    /// 1 when IsPossibleNumber: its length is plausible for its region. Weaker than is_valid.
    int32_t is_possible;
    /// A cphonenumber_possibility: why a number is or is not possible.
    int32_t possibility;
    /// A cphonenumber_type.
    int32_t type;
    /// 1 when the input carried an extension ("ext. 12"), which E.164 cannot hold.
    int32_t has_extension;
} cphonenumber_result;

/// Parses `raw` (UTF-8, NUL-terminated). `default_region` is a region code such as "NG",
/// used to read national forms ("0803 123 4567") and the region's international dialling
/// prefixes ("00", "011"); with NULL, only numbers that start with "+" parse.
/// On CPHONENUMBER_OK, `out` is filled; on any other status `out` is all zeroes.
/// A number that parses is not necessarily valid: look at `out->is_valid`.
cphonenumber_status cphonenumber_parse(const char *raw, const char *default_region,
                                       cphonenumber_result *out);

/// 1 when `region` (two upper-case letters, e.g. "NG") is a region libphonenumber has
/// metadata for; 0 otherwise, including for NULL, "ZZ" and "001".
int cphonenumber_is_supported_region(const char *region);

/// The country calling code of a supported region (234 for "NG", 1 for "US"), or 0 when
/// `region` is not supported.
int cphonenumber_country_code_for_region(const char *region);

#ifdef __cplusplus
}
#endif
