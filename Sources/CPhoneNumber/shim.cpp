#include "cphonenumber.h"
#include <phonenumbers/phonenumberutil.h>
using i18n::phonenumbers::PhoneNumberUtil;
extern "C" int cphonenumber_is_supported_region(const char *region) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(region) ? 1 : 0;
}
