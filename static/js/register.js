// Registration: show only the part of the form that fits the chosen mode.
// Without JavaScript both parts stay visible and the server ignores the other one.
(function () {
  "use strict";
  const radios = document.querySelectorAll('input[name="mode"]');
  const blocks = document.querySelectorAll("[data-mode]");
  function update() {
    const chosen = document.querySelector('input[name="mode"]:checked');
    blocks.forEach(function (block) {
      block.hidden = chosen !== null && block.dataset.mode !== chosen.value;
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
