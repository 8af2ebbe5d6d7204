// Language filter of consolidated pages: show the contributions written in one
// language only. The control is hidden in the HTML and shown here, so that
// without JavaScript there is no dead control and every contribution shows.
(function () {
  "use strict";
  var box = document.querySelector(".lang-filter");
  if (!box) {
    return;
  }
  var replies = document.querySelectorAll("main article.reply[lang]");
  var status = box.querySelector(".lang-filter-status");
  var template = box.getAttribute("data-status") || "{shown} / {total}";

  function apply(lang) {
    var shown = 0;
    for (var i = 0; i < replies.length; i++) {
      var keep = lang === "all" || replies[i].getAttribute("lang") === lang;
      replies[i].hidden = !keep;
      if (keep) {
        shown += 1;
      }
    }
    if (status) {
      status.textContent = template
        .replace("{shown}", String(shown))
        .replace("{total}", String(replies.length));
    }
  }

  box.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.name === "lang-filter") {
      apply(input.value);
    }
  });
  box.hidden = false;
})();
