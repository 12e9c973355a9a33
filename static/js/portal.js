// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Money inputs: show thousands separators as the officer types ("31.003.700.000").
  function groupThousands(input) {
    var digits = input.value.replace(/[^0-9]/g, "");
    if (!digits) return;
    input.value = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
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
