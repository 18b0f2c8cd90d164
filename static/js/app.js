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

// Search filters: open on wide screens (phones keep them behind "Bộ lọc (n)").
(function () {
  "use strict";
  var panel = document.getElementById("filters");
  if (!panel || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 992px)");
  function sync() { if (wide.matches) { panel.open = true; } }
  sync();
  if (wide.addEventListener) { wide.addEventListener("change", sync); }
})();

// Comparison tray: add and remove without leaving the page (and its scroll position); the
// tray is replaced in place and the change is announced. Without this, the forms post and
// come back to the same card (its anchor).
(function () {
  "use strict";
  var status = document.getElementById("compare-status");
  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }
  function syncCards(slugs) {
    document.querySelectorAll("form.compare-form").forEach(function (form) {
      var input = form.querySelector("input[name='slug']");
      var button = form.querySelector("button");
      if (!input || !button || !button.hasAttribute("data-add-label")) { return; }
      var inTray = slugs.indexOf(input.value) !== -1;
      button.disabled = inTray;
      button.textContent = button.getAttribute(inTray ? "data-added-label" : "data-add-label");
      button.classList.toggle("btn-secondary", inTray);
      button.classList.toggle("btn-outline-secondary", !inTray);
    });
  }
  function send(form, event) {
    if (!window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var wasOpen = !!document.querySelector(".compare-tray-details[open]");
    var x = window.scrollX, y = window.scrollY;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      var slot = document.getElementById("compare-tray-slot");
      if (slot) {
        var holder = document.createElement("div");
        holder.innerHTML = data.tray;
        var fresh = holder.querySelector("#compare-tray-slot");
        if (fresh) { slot.replaceWith(fresh); }
        var details = document.querySelector(".compare-tray-details");
        if (details && wasOpen) { details.open = true; }
      }
      var focused = document.activeElement;
      syncCards(data.slugs || []);
      // A button that just became disabled loses the focus: keep the reader on its card.
      if (focused && focused.disabled) {
        var card = focused.closest("article");
        var link = card && card.querySelector("a[href]");
        if (link) { link.focus({ preventScroll: true }); }
      }
      window.scrollTo(x, y);
      announce(data.message || "");
    }).catch(function () { form.submit(); });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (form.classList.contains("compare-form") || form.classList.contains("compare-remove-form")) {
      send(form, event);
    }
  });
})();

// Comparison on phones: move one solution along; the label says which are in view.
(function () {
  "use strict";
  var pager = document.getElementById("compare-pager");
  var scroller = document.getElementById("compare-scroll");
  var table = document.getElementById("compare-table");
  if (!pager || !scroller || !table) { return; }
  var heads = table.querySelectorAll("thead th:not(.sticky-col)");
  if (heads.length < 3) { return; }
  var label = document.getElementById("compare-pager-status");
  pager.hidden = false;
  function columnWidth() { return heads[0].getBoundingClientRect().width || 1; }
  function first() { return Math.round(scroller.scrollLeft / columnWidth()); }
  function sync() {
    var start = Math.min(first(), heads.length - 2);
    var text = label.getAttribute("data-template") || "";
    label.textContent = text.replace("{from}", start + 1).replace("{to}", start + 2).replace("{total}", heads.length);
    pager.querySelector("[data-step='-1']").disabled = start <= 0;
    pager.querySelector("[data-step='1']").disabled = start >= heads.length - 2;
  }
  pager.addEventListener("click", function (event) {
    var button = event.target.closest("[data-step]");
    if (!button) { return; }
    var target = Math.max(0, Math.min(heads.length - 2, first() + Number(button.getAttribute("data-step"))));
    scroller.scrollTo({ left: target * columnWidth() });
    window.setTimeout(sync, 350);
  });
  scroller.addEventListener("scroll", function () { window.requestAnimationFrame(sync); });
  sync();
})();

// A table or code block that scrolls sideways can be reached and scrolled with the keyboard.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-responsive, pre, .diff-text");
  if (!boxes.length) { return; }
  function sync() {
    boxes.forEach(function (box) {
      var style = window.getComputedStyle(box);
      var scrolls = box.scrollWidth > box.clientWidth || (style.overflowY !== "hidden" && style.overflowY !== "visible" && box.scrollHeight > box.clientHeight);
      if (scrolls) { box.setAttribute("tabindex", "0"); } else if (box.getAttribute("tabindex") === "0") { box.removeAttribute("tabindex"); }
    });
  }
  sync();
  window.addEventListener("resize", sync);
})();

// Tables that scroll sideways (phones): the box takes keyboard focus so arrows scroll it,
// and is named after its table's caption or the heading before it.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-responsive");
  if (!boxes.length) { return; }
  function label(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) { return el.textContent.trim(); }
    }
    var heading = box.closest("section, .card, main");
    heading = heading && heading.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  }
  function sync() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          var name = label(box);
          if (name) { box.setAttribute("role", "region"); box.setAttribute("aria-label", name); }
          box.setAttribute("data-scroll-focus", "");
        }
      } else if (box.hasAttribute("data-scroll-focus")) {
        ["tabindex", "role", "aria-label", "data-scroll-focus"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }
  sync();
  window.addEventListener("resize", sync);
})();
