// A table (or a chart) wider than the screen scrolls inside its
// .table-responsive box. While it does, the box takes the keyboard focus
// (arrow keys scroll it, WCAG 2.1.1) and is announced as a region named by the
// table's caption, or by the element that the box's data-labelledby names; a
// box whose content fits is left out of the tab order.
(function () {
  "use strict";
  let made = 0;

  function nameOf(box) {
    const caption = box.querySelector("caption");
    if (!caption) {
      return box.dataset.labelledby || null;
    }
    if (!caption.id) {
      made += 1;
      caption.id = "scroll-caption-" + made;
    }
    return caption.id;
  }

  function update(box) {
    const scrolls = box.scrollWidth > box.clientWidth;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const caption = nameOf(box);
      if (caption) {
        box.setAttribute("aria-labelledby", caption);
      }
      box.dataset.scrollRegion = "true";
    } else if (!scrolls && box.dataset.scrollRegion === "true") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
      delete box.dataset.scrollRegion;
    }
  }

  const boxes = Array.prototype.slice.call(document.querySelectorAll(".table-responsive"));
  boxes.forEach(update);
  if (typeof window.ResizeObserver === "function") {
    const watch = new window.ResizeObserver(function (entries) {
      entries.forEach(function (entry) { update(entry.target); });
    });
    boxes.forEach(function (box) { watch.observe(box); });
  }
})();
