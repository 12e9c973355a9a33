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

  // After htmx swaps a row with an error, put the cursor back in the field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.detail.target.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
