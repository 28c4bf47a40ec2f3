// The C API of cphonenumber.h over libphonenumber's PhoneNumberUtil. Every entry point
// catches all exceptions: nothing thrown here may unwind into C or Swift.
#include "cphonenumber.h"

#include <cstring>
#include <set>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

const PhoneNumberUtil &util() { return *PhoneNumberUtil::GetInstance(); }

// Copies `s` into `dst` with its NUL, or returns false when it does not fit.
template <size_t N> bool copy_out(char (&dst)[N], const std::string &s) {
    if (s.size() + 1 > N) return false;
    std::memcpy(dst, s.data(), s.size());
    dst[s.size()] = '\0';
    return true;
}

// The supported regions, read once (C++11 makes the initialisation of a function-local
// static thread-safe; if it throws, the next call tries again).
const std::set<std::string> &supported_regions() {
    static const std::set<std::string> regions = [] {
        std::set<std::string> r;
        util().GetSupportedRegions(&r);
        return r;
    }();
    return regions;
}

bool supported(const char *region) {
    if (region == nullptr) return false;
    return supported_regions().count(region) != 0;
}

cphonenumber_status map_error(PhoneNumberUtil::ErrorType e) {
    switch (e) {
    case PhoneNumberUtil::NO_PARSING_ERROR: return CPHONENUMBER_OK;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return CPHONENUMBER_INVALID_COUNTRY_CODE;
    case PhoneNumberUtil::NOT_A_NUMBER: return CPHONENUMBER_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return CPHONENUMBER_TOO_SHORT_AFTER_IDD;
    case PhoneNumberUtil::TOO_SHORT_NSN: return CPHONENUMBER_TOO_SHORT_NSN;
    case PhoneNumberUtil::TOO_LONG_NSN: return CPHONENUMBER_TOO_LONG;
    }
    return CPHONENUMBER_INTERNAL_ERROR;
}

cphonenumber_status parse(const char *raw, const char *default_region, cphonenumber_result *out) {
    if (std::strlen(raw) > CPHONENUMBER_MAX_INPUT) return CPHONENUMBER_INVALID_ARGUMENT;
    // "ZZ" is libphonenumber's "unknown region": only "+..." input parses.
    std::string region = "ZZ";
    if (default_region != nullptr) {
        if (!supported(default_region)) return CPHONENUMBER_UNKNOWN_REGION;
        region = default_region;
    }
    const PhoneNumberUtil &u = util();
    PhoneNumber number;
    cphonenumber_status status = map_error(u.Parse(raw, region, &number));
    if (status != CPHONENUMBER_OK) return status;

    std::string e164, national, international, number_region;
    u.Format(number, PhoneNumberUtil::E164, &e164);
    u.Format(number, PhoneNumberUtil::NATIONAL, &national);
    u.Format(number, PhoneNumberUtil::INTERNATIONAL, &international);
    u.GetRegionCodeForNumber(number, &number_region);
    if (!copy_out(out->e164, e164) || !copy_out(out->national, national) ||
        !copy_out(out->international, international) || !copy_out(out->region, number_region)) {
        return CPHONENUMBER_BUFFER_TOO_SMALL;
    }
    out->country_code = number.country_code();
    out->is_valid = u.IsValidNumber(number) ? 1 : 0;
    PhoneNumberUtil::ValidationResult possibility = u.IsPossibleNumberWithReason(number);
    out->possibility = static_cast<int32_t>(possibility);
    out->is_possible = (possibility == PhoneNumberUtil::IS_POSSIBLE) ? 1 : 0;
    out->type = static_cast<int32_t>(u.GetNumberType(number));
    out->has_extension = number.has_extension() && !number.extension().empty() ? 1 : 0;
    return CPHONENUMBER_OK;
}

}  // namespace

// The enums of cphonenumber.h promise libphonenumber's own values.
static_assert(CPHONENUMBER_TYPE_MOBILE == static_cast<int>(PhoneNumberUtil::MOBILE), "type values");
static_assert(CPHONENUMBER_TYPE_VOICEMAIL == static_cast<int>(PhoneNumberUtil::VOICEMAIL), "type values");
static_assert(CPHONENUMBER_TYPE_UNKNOWN == static_cast<int>(PhoneNumberUtil::UNKNOWN), "type values");
static_assert(CPHONENUMBER_POSSIBLE_TOO_LONG == static_cast<int>(PhoneNumberUtil::TOO_LONG), "validation values");
static_assert(CPHONENUMBER_IS_POSSIBLE_LOCAL_ONLY == static_cast<int>(PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY),
              "validation values");

extern "C" cphonenumber_status cphonenumber_parse(const char *raw, const char *default_region,
                                                  cphonenumber_result *out) {
    if (out == nullptr) return CPHONENUMBER_INVALID_ARGUMENT;
    std::memset(out, 0, sizeof *out);
    if (raw == nullptr) return CPHONENUMBER_INVALID_ARGUMENT;
    cphonenumber_status status;
    try {
        status = parse(raw, default_region, out);
    } catch (...) {
        status = CPHONENUMBER_INTERNAL_ERROR;
    }
    if (status != CPHONENUMBER_OK) std::memset(out, 0, sizeof *out);
    return status;
}

extern "C" int cphonenumber_is_supported_region(const char *region) {
    try {
        return supported(region) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

extern "C" int cphonenumber_country_code_for_region(const char *region) {
    try {
        if (!supported(region)) return 0;
        return util().GetCountryCodeForRegion(region);
    } catch (...) {
        return 0;
    }
}
