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

// Listing editor: show only the selected category's features.
(function () {
  "use strict";
  var select = document.getElementById("category_id");
  var groups = document.querySelectorAll(".feature-group");
  if (!select || !groups.length) { return; }
  function sync() {
    groups.forEach(function (g) { g.hidden = g.getAttribute("data-category") !== select.value; });
    document.querySelectorAll(".no-js-hint").forEach(function (h) { h.hidden = true; });
    document.querySelectorAll(".feature-empty-hint").forEach(function (h) { h.hidden = !!select.value; });
  }
  select.addEventListener("change", sync);
  sync();
})();

// Ask before destructive actions.
document.querySelectorAll("form.confirm-form").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});

// Selects marked auto-submit send their form on change (a button stays for no-JS).
document.querySelectorAll("select.auto-submit").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// Comparison: toggle identical rows without a reload; print button.
(function () {
  "use strict";
  var box = document.getElementById("only-diff");
  var table = document.getElementById("compare-table");
  if (box && table) {
    box.addEventListener("change", function () {
      table.querySelectorAll("tr.same").forEach(function (tr) { tr.classList.toggle("hide-same", box.checked); });
      var url = new URL(window.location.href);
      if (box.checked) { url.searchParams.set("diff", "1"); } else { url.searchParams.delete("diff"); }
      window.history.replaceState(null, "", url.toString());
    });
  }
  document.querySelectorAll(".js-print").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();

// Review form: say the chosen stars in words next to each star input.
(function () {
  "use strict";
  document.querySelectorAll(".star-input").forEach(function (box) {
    var caption = box.querySelector(".star-caption");
    if (!caption) { return; }
    function sync() {
      var checked = box.querySelector(".star-radio:checked");
      var label = checked && box.querySelector("label[for='" + checked.id + "']");
      caption.textContent = label ? (label.getAttribute("data-word") || "") + " (" + checked.value + "/5)" : "";
    }
    box.addEventListener("change", sync);
    sync();
  });
})();
