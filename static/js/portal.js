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

  // --- Wide tables ----------------------------------------------------------------------
  // A table wider than its .table-wrap scrolls sideways inside it (portal.css). Say so: a hint
  // above it (its text in the page's language, body[data-scroll-hint]) and classes for the
  // edges that still hide columns, which the stylesheet fades or shades. Checked again when
  // the window or the table changes size, and for tables htmx brings in.
  var scrollHint = document.body ? document.body.getAttribute("data-scroll-hint") : null;
  function markScroll(wrap) {
    var room = wrap.scrollWidth - wrap.clientWidth;
    var scrollable = room > 1;
    wrap.classList.toggle("is-scrollable", scrollable);
    wrap.classList.toggle("can-scroll-left", scrollable && wrap.scrollLeft > 1);
    wrap.classList.toggle("can-scroll-right", scrollable && wrap.scrollLeft < room - 1);
    var hint = wrap.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      if (!scrollable || !scrollHint) return;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");  // a screen reader reads every column anyway
      hint.textContent = scrollHint;
      wrap.parentNode.insertBefore(hint, wrap);
    }
    hint.hidden = !scrollable;
  }
  var resized = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".table-wrap");
      if (wrap) markScroll(wrap);
    });
  }) : null;
  function watchTables(root) {
    var wraps = root.querySelectorAll ? root.querySelectorAll(".table-wrap") : [];
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.hasAttribute("data-scroll-watched")) return;
      wrap.setAttribute("data-scroll-watched", "");
      wrap.addEventListener("scroll", function () { markScroll(wrap); }, { passive: true });
      if (resized) {
        resized.observe(wrap);
        var table = wrap.querySelector("table");
        if (table) resized.observe(table);
      }
      markScroll(wrap);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { watchTables(document); });
  } else {
    watchTables(document);
  }
  document.addEventListener("htmx:load", function (event) { watchTables(event.detail.elt); });

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
  // Kept too for an answer that is the sign-in page or "this page has expired" (see "A save
  // that fails says so" below): the value is sent again once the officer is back.
  var keepForResend = {};
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = keptForm(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!form || !xhr || xhr.status === 0 || xhr.getResponseHeader("HX-Redirect")) return;
    var action = form.getAttribute("action");
    if (keepForResend[action]) { delete keepForResend[action]; return; }
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
      // …unless its save failed on this page for a reason that sending it later will not cure.
      var failure = form.querySelector(".save-failure");
      if (kept && kept.page === window.location.pathname && (!failure || failure.hasAttribute("data-resend"))) return;
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
  // The same for a save answered while the officer went on typing in its row (a slow line):
  // what was typed since is put back over the saved row. Save pressed again meanwhile is not
  // sent at once (hx-sync drop: it would carry the version the first save replaced, and the
  // row swapped in would then drop the newer value): it is sent from the new row, once there.
  var carried = null;
  var sent = {};  // form action → its fields as sent
  var saveAgain = {};  // row id → Save pressed while its save was on the way
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = keptForm(event.detail.elt);
    if (!form) return;
    var fields = {};
    savedFields(form).forEach(function (el) { fields[el.name] = el.value; });
    sent[form.getAttribute("action")] = fields;
  });
  document.addEventListener("submit", function (event) {
    var form = keptForm(event.target);
    if (form && form.classList.contains("htmx-request")) saveAgain[form.closest("article").id] = true;
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    carried = null;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var row = event.detail.target;
    if (!row || !row.matches || !row.matches("article")) return;
    var form = row.querySelector("form[data-keep-unsaved]");
    if (!form) return;
    var again = false;
    if (keptForm(source)) {
      var was = sent[source.getAttribute("action")] || {};
      again = Boolean(saveAgain[row.id]);
      delete saveAgain[row.id];
      if (!savedFields(form).some(function (el) { return !sameText(el.value, was[el.name]); })) return;
    } else if (!isUnsaved(form)) {
      return;
    }
    carried = { id: row.id, fields: {}, again: again };
    savedFields(form).forEach(function (el) { carried.fields[el.name] = el.value; });
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!carried) return;
    var row = document.getElementById(carried.id);
    var form = row && row.querySelector("form[data-keep-unsaved]");
    var fields = carried.fields;
    var again = carried.again;
    carried = null;
    if (!form) return;
    Object.keys(fields).forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = fields[name];
    });
    markRow(form);
    if (again && isUnsaved(form)) form.requestSubmit(form.querySelector("button[type=submit]"));
  });
  // --- A save that fails says so ----------------------------------------------------------
  // htmx swaps a 2xx answer into the row and drops any other without a word; a network failure
  // or a server that never answers left "Saving…" and then nothing. Every way a save can fail
  // gets a sentence at the field (texts in #save-failures, in the page's language), the typed
  // value stays in the field and the row stays marked unsaved, so leaving asks first and the
  // workflow buttons name it. A refusal written as a row (a field error, a stale version) is
  // swapped in whatever its status; a whole page (the sign-in page after a redirect htmx
  // followed, an error page) never is.
  var failureTexts = document.getElementById("save-failures");
  function failureText(kind, detail) {
    var text = failureTexts ? failureTexts.getAttribute("data-" + kind) : null;
    return (text || "%(detail)s").replace("%(detail)s", detail || "");
  }
  function valueField(form) { return form.querySelector("[name=value]"); }
  function clearSaveFailure(form) {
    var old = form.querySelector(".save-failure");
    if (!old) return;
    var field = valueField(form);
    if (field) {
      var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== old.id; });
      field.setAttribute("aria-describedby", ids.join(" "));
    }
    old.remove();
  }
  function showSaveFailure(form, kind, detail) {
    clearSaveFailure(form);
    delete saveAgain[form.closest("article").id];  // the officer presses Save again, knowing why
    var field = valueField(form);
    var box = document.createElement("div");
    box.className = "save-failure";
    box.id = "save-failure-" + (field ? field.id : form.closest("article").id);
    var line = document.createElement("p");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.textContent = failureText(kind, detail);
    box.appendChild(line);
    if (kind === "session" || kind === "expired") {
      box.setAttribute("data-resend", "");
      // Back to this row of this page: the value kept for resending goes out from there.
      var rowId = form.closest("article").id;
      var action;
      if (kind === "session") {
        var login = failureTexts ? failureTexts.getAttribute("data-login-url") : "/accounts/login/";
        action = document.createElement("a");
        action.href = login + "?next=" + encodeURIComponent(window.location.pathname + window.location.search + "#" + rowId);
        action.textContent = failureText("sign_in");
      } else {
        action = document.createElement("button");
        action.type = "button";
        action.textContent = failureText("reload");
        action.addEventListener("click", function () {
          window.location.hash = rowId;
          window.location.reload();
        });
      }
      action.className = "button";
      line.appendChild(document.createTextNode(" "));
      line.appendChild(action);
    }
    (field ? field.parentNode : form).appendChild(box);
    if (field) field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + box.id).trim());
    markRow(form);
  }
  function keepValueForResend(form) {
    keepForResend[form.getAttribute("action")] = true;
  }
  function parseAnswer(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("json") !== -1) {
      try { return { json: JSON.parse(xhr.responseText) }; } catch (e) { return {}; }
    }
    if (type.indexOf("html") === -1) return {};
    return { doc: new DOMParser().parseFromString(xhr.responseText, "text/html") };
  }
  function jsonReason(body) {
    // The API's shape (ntm_portal/api_errors.py): {"detail": "…", "errors": {"field": ["…"]}}.
    if (!body || typeof body !== "object") return "";
    var reasons = [];
    if (body.errors && typeof body.errors === "object") {
      Object.keys(body.errors).forEach(function (key) { reasons = reasons.concat(body.errors[key]); });
    }
    if (!reasons.length && body.detail) reasons.push(body.detail);
    return reasons.join(" ");
  }
  function failureKind(xhr, answer) {
    var loginUrl = failureTexts ? failureTexts.getAttribute("data-login-url") : null;
    var landed = "";
    try { landed = new URL(xhr.responseURL || "", window.location.href).pathname; } catch (e) { /* keep "" */ }
    var doc = answer.doc;
    if ((loginUrl && landed === loginUrl) || (doc && doc.querySelector("[data-page=sign-in]")) || xhr.status === 401) {
      return "session";
    }
    if (doc && doc.querySelector("[data-page=csrf-failure]")) return "expired";
    if (xhr.status >= 500) return "server";
    if (xhr.status === 403 || xhr.status === 404) return "forbidden";
    if (xhr.status === 409) return "conflict";
    return "unreadable";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = keptForm(event.detail.elt);
    if (form) clearSaveFailure(form);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = keptForm(event.detail.requestConfig && event.detail.requestConfig.elt);
    var xhr = event.detail.xhr;
    if (!form || !xhr || xhr.getResponseHeader("HX-Redirect")) return;
    var row = form.closest("article");
    var answer = parseAnswer(xhr);
    var isRow = answer.doc && !answer.doc.querySelector("main") && answer.doc.getElementById(row.id);
    if (isRow && (xhr.status < 300 || xhr.status === 400 || xhr.status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    event.detail.isError = false;  // said at the field, below
    var kind = failureKind(xhr, answer);
    var reason = jsonReason(answer.json);
    if (kind === "session" || kind === "expired") keepValueForResend(form);
    else if (reason && kind === "unreadable" && xhr.status >= 400) kind = "refused";
    showSaveFailure(form, kind, reason);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = keptForm(event.detail.elt);
    if (form) showSaveFailure(form, "network");
  });
  document.addEventListener("htmx:timeout", function (event) {
    var form = keptForm(event.detail.elt);
    if (form) showSaveFailure(form, "timeout");
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

  // --- A form is sent once ---------------------------------------------------------------
  // A double click on Save (or Enter pressed twice) sent a page's form twice: two products, two
  // periods. Once a POST form is on its way, a second submit of it is dropped and its submit
  // buttons are disabled — after this event, so that the button pressed still sends its own
  // name and value. Rows saved through htmx (hx-post, data-keep-unsaved) have their own rule
  // (hx-sync, "Save pressed again" above); a submit another handler stopped (the unsaved-rows
  // check) is no submit. The server refuses a product entered twice anyway (a page sent again
  // after Back); this only spares the second request. Back to the page from the browser's
  // history, or still here after a while (an answer that was a download), the form works again.
  function isSentOnce(form) {
    return form.matches && form.matches("form") && (form.getAttribute("method") || "").toLowerCase() === "post" &&
      !form.hasAttribute("hx-post") && !form.hasAttribute("data-keep-unsaved") && !form.getAttribute("target");
  }
  function releaseForm(form) {
    form.removeAttribute("data-sending");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-sending-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-sending-disabled");
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isSentOnce(form)) return;
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return;
    form.setAttribute("data-sending", "");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (button.disabled) return;
        button.disabled = true;
        button.setAttribute("data-sending-disabled", "");
      });
    }, 0);
    window.setTimeout(function () { releaseForm(form); }, 15000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-sending]").forEach(releaseForm);
  });

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
