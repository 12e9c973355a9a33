// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Money inputs: group the thousands of a plain run of digits ("31003700000" →
  // "31.003.700.000"), the same number written as it is read. Anything else ("1,5 tỷ",
  // "1.500 triệu đồng", a typo) is left exactly as typed: the server reads it, shows it back
  // formatted, or refuses it with a message at the field.
  function groupThousands(input) {
    var text = input.value.trim();
    if (!/^\d{4,}$/.test(text)) return;
    input.value = text.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  document.addEventListener("blur", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-money]")) groupThousands(target);
  }, true);

  // --- Never lose a value to an ended session -------------------------------------------
  // A save sent from a form marked data-keep-unsaved is kept in sessionStorage (this tab only)
  // until the server answers. If the answer is "sign in first" (HX-Redirect, see
  // ntm_portal/middleware.py), it stays there; once the officer is back on the same page the
  // form is filled in again and sent with the version it was based on, so a change made by
  // someone else meanwhile shows as a conflict instead of being overwritten.
  var PENDING = "ntm-unsaved";
  function readPending() {
    try { return JSON.parse(window.sessionStorage.getItem(PENDING)) || {}; } catch (e) { return {}; }
  }
  function writePending(pending) {
    try {
      if (Object.keys(pending).length) window.sessionStorage.setItem(PENDING, JSON.stringify(pending));
      else window.sessionStorage.removeItem(PENDING);
    } catch (e) { /* storage disabled: nothing to keep */ }
  }
  function keptForm(elt) {
    return elt && elt.matches && elt.matches("form[data-keep-unsaved]") ? elt : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = keptForm(event.detail.elt);
    if (!form) return;
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken") fields[el.name] = el.value;
    });
    var pending = readPending();
    pending[form.getAttribute("action")] = { page: window.location.pathname, fields: fields };
    writePending(pending);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = keptForm(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!form || !xhr || xhr.status === 0 || xhr.getResponseHeader("HX-Redirect")) return;
    var pending = readPending();
    delete pending[form.getAttribute("action")];
    writePending(pending);
  });
  function resendPending() {
    var pending = readPending();
    Object.keys(pending).forEach(function (action) {
      var saved = pending[action];
      if (saved.page !== window.location.pathname) return;
      var form = null;
      document.querySelectorAll("form[data-keep-unsaved]").forEach(function (f) {
        if (f.getAttribute("action") === action) form = f;
      });
      if (!form) { delete pending[action]; return; }  // no longer editable here
      Object.keys(saved.fields).forEach(function (name) {
        var field = form.elements[name];
        if (field) field.value = saved.fields[name];
      });
      var notice = document.getElementById("resent-notice");
      if (notice) notice.hidden = false;
      form.requestSubmit();
    });
    writePending(pending);
  }
  window.addEventListener("load", resendPending);

  // --- Values typed but not saved ------------------------------------------------------
  // Each indicator row saves on its own button. A row whose value or note differs from what
  // was last saved (data-saved, written by the server with the row) is "unsaved": it is
  // marked, offers "Undo", makes leaving the page ask first (the browser's own prompt), and
  // stops a workflow button (data-check-unsaved) with a message naming the rows — a dossier
  // submitted meanwhile would go without them. A row kept for resending after signing in
  // again (above) is not lost, so it does not count.
  function sameText(a, b) {
    return (a || "").replace(/\r\n/g, "\n").trim() === (b || "").replace(/\r\n/g, "\n").trim();
  }
  function savedFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.hasAttribute("data-saved"); });
  }
  function isUnsaved(form) {
    return savedFields(form).some(function (el) { return !sameText(el.value, el.getAttribute("data-saved")); });
  }
  function markRow(form) {
    var unsaved = isUnsaved(form);
    var row = form.closest("article");
    if (row) row.classList.toggle("is-unsaved", unsaved);
    var undo = form.querySelector("[data-undo]");
    if (undo) undo.hidden = !unsaved;
  }
  function rowForms() { return document.querySelectorAll("form[data-keep-unsaved]"); }
  function unsavedCodes() {
    var pending = readPending();
    var codes = [];
    rowForms().forEach(function (form) {
      var kept = pending[form.getAttribute("action")];
      if (kept && kept.page === window.location.pathname) return;
      if (isUnsaved(form)) codes.push(form.closest("article").id.replace(/^ind-/, ""));
    });
    return codes;
  }
  function undoRow(form) {
    savedFields(form).forEach(function (el) { el.value = el.getAttribute("data-saved"); });
    markRow(form);
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = keptForm(event.target.form);
      if (form) markRow(form);
    });
  });
  document.addEventListener("click", function (event) {
    var undo = event.target.closest && event.target.closest("[data-undo], [data-undo-link]");
    var form = undo && keptForm(undo.closest("form"));
    if (!form) return;
    undoRow(form);  // "Keep the saved value" also navigates: the row no longer holds anything
    if (undo.hasAttribute("data-undo-link")) {
      // The conflict is settled: its box and choice go, the button saves as on any row.
      var row = form.closest("article");
      var box = row && row.querySelector(".conflict");
      if (box) box.remove();
      var save = form.querySelector("[data-save-label]");
      if (save) save.textContent = save.getAttribute("data-save-label");
      undo.remove();
    }
    if (undo.hasAttribute("data-undo")) form.querySelector("[name=value]").focus();
  });
  // A row swapped in after a save is clean; one refused keeps what was typed, still unsaved.
  document.addEventListener("htmx:load", function () { rowForms().forEach(markRow); });
  // Attaching or removing evidence swaps its whole row in again: a value or note typed in the
  // row and not saved yet is put back in the new row (it was dropped silently), still marked.
  var carried = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    carried = null;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var row = event.detail.target;
    if (!row || !row.matches || !row.matches("article") || keptForm(source)) return;
    var form = row.querySelector("form[data-keep-unsaved]");
    if (!form || !isUnsaved(form)) return;
    carried = { id: row.id, fields: {} };
    savedFields(form).forEach(function (el) { carried.fields[el.name] = el.value; });
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!carried) return;
    var row = document.getElementById(carried.id);
    var form = row && row.querySelector("form[data-keep-unsaved]");
    if (form) {
      Object.keys(carried.fields).forEach(function (name) {
        if (form.elements[name]) form.elements[name].value = carried.fields[name];
      });
      markRow(form);
    }
    carried = null;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!unsavedCodes().length) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need it set to show their prompt
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-check-unsaved]")) return;
    var codes = unsavedCodes();
    var old = form.querySelector(".unsaved-warning");
    if (old) old.remove();
    if (!codes.length) return;
    event.preventDefault();
    var texts = form.closest("[data-unsaved-one]");
    var template = texts ? texts.getAttribute(codes.length === 1 ? "data-unsaved-one" : "data-unsaved-other") : "%(codes)s";
    var warning = document.createElement("p");
    warning.className = "message message-error unsaved-warning";
    warning.setAttribute("role", "alert");
    var parts = template.replace("%(count)s", String(codes.length)).split("%(codes)s");
    warning.appendChild(document.createTextNode(parts[0]));
    codes.forEach(function (code, i) {
      if (i) warning.appendChild(document.createTextNode(", "));
      var link = document.createElement("a");
      link.href = "#ind-" + code;
      link.textContent = code;
      warning.appendChild(link);
    });
    warning.appendChild(document.createTextNode(parts.slice(1).join("")));
    form.appendChild(warning);
  }, true);

  // --- Warn before the idle timeout -------------------------------------------------------
  var warning = document.getElementById("session-warning");
  if (warning) {
    var idleMs = Number(warning.dataset.idleSeconds) * 1000;
    var warnMs = Number(warning.dataset.warnSeconds) * 1000;
    var timers = [];
    // The end in the portal's time (Vietnam's, as every date on the page), not the browser's:
    // "10:37" on a laptop set to another zone would be off by hours.
    var clock;
    try {
      clock = new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: warning.dataset.timeZone || "Asia/Ho_Chi_Minh"
      });
    } catch (error) {
      clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
    var schedule = function () {
      timers.forEach(window.clearTimeout);
      warning.hidden = true;
      warning.classList.remove("is-ended");
      var end = new Date(Date.now() + idleMs);
      warning.querySelector("[data-session-end]").textContent = clock.format(end);
      timers = [
        window.setTimeout(function () { warning.hidden = false; }, Math.max(0, idleMs - warnMs)),
        window.setTimeout(function () { warning.classList.add("is-ended"); warning.hidden = false; }, idleMs)
      ];
    };
    schedule();
    // Every answer from the server counts as activity (an ended session answers with HX-Redirect).
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (event.detail.successful && !(xhr && xhr.getResponseHeader("HX-Redirect"))) schedule();
    });
  }

  // After htmx swaps a row with an error, put the cursor back in the field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.detail.target.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
