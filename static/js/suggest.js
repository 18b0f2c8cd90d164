// Suggestions as you type in the search boxes (ARIA 1.2 combobox with a listbox popup).
// Progressive enhancement: without this file the boxes are plain forms that submit a search.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script && script.getAttribute("data-endpoint");
  if (!endpoint || !window.fetch) { return; }
  var kinds = {
    solution: script.getAttribute("data-solution") || "",
    category: script.getAttribute("data-category") || "",
    vendor: script.getAttribute("data-vendor") || ""
  };
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var counter = 0;

  function enhance(input) {
    var form = input.form;
    if (!form) { return; }
    counter += 1;
    var listId = "suggest-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggest list-group shadow-sm";
    list.setAttribute("role", "listbox");
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "";
    if (label) { list.setAttribute("aria-label", label); }
    list.hidden = true;
    var holder = input.parentNode;
    holder.classList.add("position-relative");
    holder.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var last = null;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (el, i) {
        var on = i === index;
        el.setAttribute("aria-selected", on ? "true" : "false");
        el.classList.toggle("active", on);
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(data) {
      items = data.items || [];
      list.textContent = "";
      if (!items.length) { close(); return; }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "list-group-item list-group-item-action d-flex justify-content-between gap-2";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "small text-muted text-nowrap";
        kind.textContent = kinds[item.kind] || "";
        li.appendChild(name);
        li.appendChild(kind);
        // mousedown, not click: the input's blur would close the list first.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          window.location.assign(item.url);
        });
        list.appendChild(li);
      });
      active = -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function load() {
      var q = input.value.trim();
      if (q === last) { return; }
      last = q;
      if (q.length < 2) { show({ items: [] }); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = endpoint + "?q=" + encodeURIComponent(q.slice(0, 200)) + "&lang=" + lang;
      fetch(url, { signal: controller ? controller.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) { if (input.value.trim() === q) { show(data); } })
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 150);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length;
      if (event.key === "ArrowDown") {
        if (!open) { last = null; load(); return; }
        event.preventDefault();
        mark(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        mark(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          window.location.assign(items[active].url);
        }
        // otherwise the form submits the search as typed
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  document.querySelectorAll("form[role=search] input[type=search][name=q]").forEach(enhance);
})();
