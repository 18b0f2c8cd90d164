// Date picker for the dd/mm/yyyy text boxes (core.forms.DayField and the date filters marked
// data-datepicker). The box stays a text box that takes typed text and is read by the server;
// this only adds a "choose a date" button that opens a small calendar dialog.
// Keyboard (WAI-ARIA date picker dialog pattern): arrows move by a day or a week, Page Up/Down
// by a month (with Shift by a year), Home/End to the start/end of the week, Enter or Space
// chooses, Escape closes; focus comes back to the button. Month and weekday names come from
// the page's language (Intl); the text written into the box is dd/mm/yyyy, as every page
// shows dates in both languages and as the server reads them (core.params.parse_date).
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-datepicker]");
  if (!inputs.length || !window.Intl) { return; }
  var script = document.currentScript || document.querySelector("script[data-datepicker-texts]");
  var texts = script ? script.dataset : {};
  // English pages write dates day first like the Vietnamese ones (26/03/2026), so the
  // calendar speaks British English: "Thursday 26 March 2026", weeks from Monday.
  var lang = document.documentElement.lang === "en" ? "en-GB" : "vi";
  var firstDay = 1;
  var monthYear = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric" });
  var fullDay = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  var longWeekday = new Intl.DateTimeFormat(lang, { weekday: "long" });
  var shortWeekday = new Intl.DateTimeFormat(lang, { weekday: lang === "vi" ? "narrow" : "short" });
  var counter = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function format(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }
  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  function addMonths(d, n) {
    var last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  }
  // Read what the box holds: dd/mm/yyyy or yyyy-mm-dd; null when it is not a real day.
  function parse(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
    var y, mo, d;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3]; } else {
      m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
      if (!m) { return null; }
      y = +m[1]; mo = +m[2]; d = +m[3];
    }
    var date = new Date(y, mo - 1, d);
    return date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
  }

  function Picker(input) {
    var self = this;
    counter += 1;
    this.input = input;
    this.id = "datepicker-" + counter;
    var group = document.createElement("div");
    group.className = "input-group datepicker-group" + (input.classList.contains("form-control-sm") ? " input-group-sm" : "");
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "btn btn-outline-secondary datepicker-toggle";
    this.button.setAttribute("aria-haspopup", "dialog");
    this.button.setAttribute("aria-expanded", "false");
    this.button.setAttribute("aria-controls", this.id);
    this.button.innerHTML =
      '<svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 16 16" fill="currentColor">' +
      '<path d="M4 0h1v2h6V0h1v2h2.5A1.5 1.5 0 0 1 16 3.5v11a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 0 14.5v-11A1.5 1.5 0 0 1 1.5 2H4zM1 6v8.5a.5.5 0 0 0 .5.5h13a.5.5 0 0 0 .5-.5V6zm2 2h2v2H3zm4 0h2v2H7zm4 0h2v2h-2zm-8 3h2v2H3zm4 0h2v2H7z"/></svg>';
    var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "";
    this.button.setAttribute("aria-label", (texts.choose || "Chọn ngày") + (label ? ": " + label : ""));
    group.appendChild(this.button);

    this.dialog = document.createElement("div");
    this.dialog.id = this.id;
    this.dialog.className = "datepicker-dialog";
    this.dialog.hidden = true;
    this.dialog.setAttribute("role", "dialog");
    this.dialog.setAttribute("aria-modal", "true");
    this.dialog.setAttribute("aria-labelledby", this.id + "-title");
    this.dialog.innerHTML =
      '<div class="datepicker-head">' +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-move="-1"><span aria-hidden="true">‹</span></button>' +
      '<h2 class="datepicker-title" id="' + this.id + '-title" aria-live="polite"></h2>' +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-move="1"><span aria-hidden="true">›</span></button>' +
      "</div>" +
      '<table class="datepicker-grid"><thead><tr></tr></thead><tbody></tbody></table>' +
      '<div class="datepicker-foot"><span class="small text-body-secondary">' + (texts.hint || "") + "</span>" +
      '<button type="button" class="btn btn-sm btn-outline-secondary" data-close>' + (texts.close || "Đóng") + "</button></div>";
    this.dialog.querySelector("[data-move='-1']").setAttribute("aria-label", texts.prev || "Tháng trước");
    this.dialog.querySelector("[data-move='1']").setAttribute("aria-label", texts.next || "Tháng sau");
    group.appendChild(this.dialog);
    var head = this.dialog.querySelector("thead tr");
    var sunday = new Date(2024, 0, 7); // a Sunday
    for (var i = 0; i < 7; i += 1) {
      var day = addDays(sunday, (firstDay + i) % 7);
      var th = document.createElement("th");
      th.scope = "col";
      th.abbr = longWeekday.format(day);
      th.textContent = shortWeekday.format(day);
      head.appendChild(th);
    }
    this.body = this.dialog.querySelector("tbody");
    this.title = this.dialog.querySelector(".datepicker-title");

    this.button.addEventListener("click", function () {
      if (self.dialog.hidden) { self.open(); } else { self.close(true); }
    });
    this.dialog.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target) { return; }
      if (target.hasAttribute("data-move")) {
        self.show(addMonths(self.focused, +target.getAttribute("data-move")), false);
      } else if (target.hasAttribute("data-close")) {
        self.close(true);
      } else if (target.hasAttribute("data-day")) {
        self.choose(parse(target.getAttribute("data-day")));
      }
    });
    this.dialog.addEventListener("keydown", function (event) { self.key(event); });
    document.addEventListener("mousedown", function (event) {
      if (!self.dialog.hidden && !group.contains(event.target)) { self.close(false); }
    });
  }

  Picker.prototype.open = function () {
    this.chosen = parse(this.input.value);
    this.dialog.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    // Open towards the side with room (a box in the right-hand column of a phone).
    this.dialog.classList.remove("datepicker-end");
    if (this.dialog.getBoundingClientRect().right > document.documentElement.clientWidth) {
      this.dialog.classList.add("datepicker-end");
    }
    this.show(this.chosen || new Date(), true);
  };

  Picker.prototype.close = function (refocus) {
    this.dialog.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (refocus) { this.button.focus(); }
  };

  Picker.prototype.choose = function (date) {
    this.input.value = format(date);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.close(true);
  };

  // Draw the month of `date` with `date` as the one focusable day; focus it if asked.
  Picker.prototype.show = function (date, focus) {
    this.focused = date;
    var title = monthYear.format(date);
    this.title.textContent = title.charAt(0).toUpperCase() + title.slice(1);
    var today = new Date();
    var start = new Date(date.getFullYear(), date.getMonth(), 1);
    start = addDays(start, -((start.getDay() - firstDay + 7) % 7));
    var html = "";
    for (var week = 0; week < 6; week += 1) {
      html += "<tr>";
      for (var d = 0; d < 7; d += 1) {
        var day = addDays(start, week * 7 + d);
        if (day.getMonth() !== date.getMonth()) { html += "<td></td>"; continue; }
        var attrs = ' type="button" data-day="' + format(day) + '" aria-label="' + fullDay.format(day) + '"';
        attrs += sameDay(day, date) ? ' tabindex="0"' : ' tabindex="-1"';
        if (sameDay(day, this.chosen)) { attrs += ' aria-pressed="true" class="chosen"'; }
        if (sameDay(day, today)) { attrs += ' aria-current="date"'; }
        html += "<td><button" + attrs + ">" + day.getDate() + "</button></td>";
      }
      html += "</tr>";
      if (addDays(start, (week + 1) * 7).getMonth() !== date.getMonth()) { break; }
    }
    this.body.innerHTML = html;
    if (focus) { this.body.querySelector("[tabindex='0']").focus(); }
  };

  Picker.prototype.key = function (event) {
    var inGrid = event.target.hasAttribute("data-day");
    var date = this.focused;
    var next = null;
    switch (event.key) {
      case "Escape": event.preventDefault(); this.close(true); return;
      case "Tab": this.trap(event); return;
    }
    if (!inGrid) { return; }
    switch (event.key) {
      case "ArrowLeft": next = addDays(date, -1); break;
      case "ArrowRight": next = addDays(date, 1); break;
      case "ArrowUp": next = addDays(date, -7); break;
      case "ArrowDown": next = addDays(date, 7); break;
      case "Home": next = addDays(date, -((date.getDay() - firstDay + 7) % 7)); break;
      case "End": next = addDays(date, 6 - ((date.getDay() - firstDay + 7) % 7)); break;
      case "PageUp": next = addMonths(date, event.shiftKey ? -12 : -1); break;
      case "PageDown": next = addMonths(date, event.shiftKey ? 12 : 1); break;
      case "Enter": case " ": event.preventDefault(); this.choose(date); return;
      default: return;
    }
    event.preventDefault();
    this.show(next, true);
  };

  // Keep Tab inside the dialog (it is modal): previous, next, the day, close.
  Picker.prototype.trap = function (event) {
    var stops = Array.prototype.filter.call(
      this.dialog.querySelectorAll("button"),
      function (b) { return b.tabIndex >= 0; }
    );
    var index = stops.indexOf(document.activeElement);
    var to = (index + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
    event.preventDefault();
    stops[to].focus();
  };

  inputs.forEach(function (input) { new Picker(input); });
})();
