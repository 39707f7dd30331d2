// Fill a time-zone select with the browser's zone, if the user has not chosen one.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
    if (select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) {
      select.value = zone;
    }
  });
})();
