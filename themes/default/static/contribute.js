// The offer to contribute by e-mail, once the discussion has closed: the link
// goes and the notice that it has closed shows. This is decided here, with the
// reader's today, so that a page is the same whatever day it was built; without
// JavaScript the link stays, with the closing day beside it.
(function () {
  "use strict";
  var now = new Date();
  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }
  // YYYY-MM-DD in the reader's time zone: compared as text with `closes`.
  var today =
    String(now.getFullYear()).padStart(4, "0") + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
  var boxes = document.querySelectorAll(".contribute[data-closes]");
  for (var i = 0; i < boxes.length; i++) {
    if (today <= boxes[i].getAttribute("data-closes")) {
      continue;
    }
    var open = boxes[i].querySelectorAll(".contribute-open");
    for (var j = 0; j < open.length; j++) {
      open[j].remove();
    }
    var closed = boxes[i].querySelectorAll(".contribute-closed");
    for (var k = 0; k < closed.length; k++) {
      closed[k].hidden = false;
    }
  }
})();
