// The browser's time zone (an IANA name such as "Europe/Berlin") in a cookie, so Skylocker shows
// times in it; a signed-in person's first request with it stores it (preferences/middleware.py),
// and the Account page can change it.
"use strict";

(function () {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (unsupported) {
    return;
  }
  if (!zone) return;
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie =
    "skylocker_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax" + secure;
})();
