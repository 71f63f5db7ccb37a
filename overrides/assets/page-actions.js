/* "Copy page" (overrides/partials/page-actions.html): copies the page's Markdown copy to the clipboard. One click
   listener on the document serves every page, instant navigation included; Material's document$ (which emits
   on the first load and after each instant navigation) shows the new page's button. */
(function () {
  "use strict";
  var clipboard = navigator.clipboard;
  if (!clipboard) { return; }

  function markdown(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + url); }
      return response.text();
    });
  }

  function copy(url) {
    var text = markdown(url);
    var write = function () { return text.then(function (t) { return clipboard.writeText(t); }); };
    if (!window.ClipboardItem || !clipboard.write) { return write(); }
    // An item whose data is a promise keeps the click's permission in Safari while the file loads.
    var item = new ClipboardItem({
      "text/plain": text.then(function (t) { return new Blob([t], { type: "text/plain" }); })
    });
    return clipboard.write([item]).catch(write);
  }

  function say(button, message) {
    var label = button.querySelector("span");
    label.textContent = message;
    clearTimeout(button.c7Timer);
    button.c7Timer = setTimeout(function () { label.textContent = "Copy page"; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-c7-copy]");
    if (!button) { return; }
    copy(button.getAttribute("data-c7-copy")).then(
      function () { say(button, "Copied"); },
      function () { say(button, "Copy failed"); }
    );
  });

  function show() {
    document.querySelectorAll("[data-c7-copy]").forEach(function (button) { button.hidden = false; });
  }
  if (window.document$) { window.document$.subscribe(show); } else { show(); }
})();
