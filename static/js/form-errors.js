// A form sent back with mistakes: the keyboard focus goes to the first field
// in error, which reads out its label and its message (aria-describedby), so a
// keyboard or screen-reader user need not tab through the menu to find it.
// Only a refused form marks fields aria-invalid, so other pages are untouched.
// It waits for the page's load: a browser that then scrolls to the address's
// #section (the form's own) would otherwise take the focus back.
(function () {
  "use strict";
  const first = document.querySelector('main [aria-invalid="true"]');
  if (!first || typeof first.focus !== "function") {
    return;
  }
  function focusFirst() {
    window.setTimeout(function () { first.focus(); }, 0);
  }
  if (document.readyState === "complete") {
    focusFirst();
  } else {
    window.addEventListener("load", focusFirst);
  }
})();
