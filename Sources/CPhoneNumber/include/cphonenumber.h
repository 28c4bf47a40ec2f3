// CPhoneNumber: a C API over libphonenumber (C++), so that Swift can call it.
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
/// 1 when `region` (two letters, e.g. "NG") is a region libphonenumber knows.
int cphonenumber_is_supported_region(const char *region);
#ifdef __cplusplus
}
#endif
