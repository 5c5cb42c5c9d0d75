// The print button of the agreement summary (no inline script: the CSP forbids it).
document.getElementById("print-button")?.addEventListener("click", () => window.print());
