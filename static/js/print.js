// The "Print" buttons stay hidden without JavaScript (the page prints from the browser's
// menu then); with it they open the print dialog. An external file: the CSP forbids inline.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
