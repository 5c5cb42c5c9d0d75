// Waste-code picker: as the user types words, ask the server for codes whose
// label matches in French, English or German (accents ignored) and offer them
// in the field's datalist. Without JavaScript the full list in the page works.
(function () {
  "use strict";
  const input = document.getElementById("ewc_code");
  const list = document.getElementById("ewc-options");
  if (!input || !list || !list.dataset.source || !window.fetch) { return; }
  let timer = null;
  let last = "";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function refresh() {
    const q = input.value.trim();
    if (q.length < 2 || q === last || /^\d[\d\s*]*$/.test(q)) { return; }
    last = q;
    const url = list.dataset.source + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !Array.isArray(data.codes) || input.value.trim() !== q) { return; }
        while (list.firstChild) { list.removeChild(list.firstChild); }
        const typed = fold(q);
        data.codes.forEach(function (code) {
          const option = document.createElement("option");
          option.value = code.display;
          let label = code.label + (code.hazardous ? " ⚠" : "");
          // A browser shows only the options whose text holds what was typed:
          // a code found by another name ("Karton" for "papier/carton") or
          // without accents says the words it was found by.
          if (fold(label).indexOf(typed) < 0) { label += " (" + q + ")"; }
          option.textContent = label;
          list.appendChild(option);
        });
      })
      .catch(function () { /* keep the list the page came with */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  });
})();
