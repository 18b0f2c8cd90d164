// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Show the fields that matter for the chosen account kind on the sign-up form.
  var kindInputs = document.querySelectorAll("input[name='kind']");
  function syncKind() {
    var checked = document.querySelector("input[name='kind']:checked");
    var vendor = checked && checked.value === "vendor";
    document.querySelectorAll("[data-enterprise-only]").forEach(function (el) {
      el.querySelectorAll(".text-danger[aria-hidden]").forEach(function (star) {
        star.hidden = vendor;
      });
    });
  }
  kindInputs.forEach(function (input) { input.addEventListener("change", syncKind); });
  if (kindInputs.length) { syncKind(); }
})();
