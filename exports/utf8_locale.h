// libarchive converts entry names between UTF-8 and the current locale's
// character set; under the C locale (cron, CI) a non-ASCII name cannot be
// converted and is lost. A bag's names are UTF-8 by definition (RFC 8493
// §2.1.3), so archive work runs under a UTF-8 locale for this thread only
// (uselocale), leaving the process's locale alone.
#pragma once

#include <clocale>
#include <locale.h>

namespace dpa::exports {

class Utf8Locale {
 public:
  Utf8Locale() {
    loc_ = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (loc_) old_ = ::uselocale(loc_);
  }
  ~Utf8Locale() {
    if (loc_) {
      ::uselocale(old_);
      ::freelocale(loc_);
    }
  }
  Utf8Locale(const Utf8Locale&) = delete;
  Utf8Locale& operator=(const Utf8Locale&) = delete;

 private:
  locale_t loc_{};
  locale_t old_{};
};

}  // namespace dpa::exports
