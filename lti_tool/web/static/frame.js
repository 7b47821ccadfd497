// Life inside the LMS frame.
// 1. Ask the LMS to fit the frame to the page (1EdTech `lti.frameResize`, which Moodle and
//    Canvas listen for): on load and whenever the page's height changes.
// 2. Drop the carried flash messages (?fl=) from the address once shown, so a reload does
//    not show them again.
(function () {
  "use strict";
  var url = new URL(window.location.href);
  if (url.searchParams.has("fl")) {
    url.searchParams.delete("fl");
    window.history.replaceState(window.history.state, "", url.toString());
  }
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // Only a height goes out: nothing secret, and the LMS's origin is not known here.
    window.parent.postMessage({subject: "lti.frameResize", height: height}, "*");
  }
  window.addEventListener("load", send);
  if (window.ResizeObserver) new window.ResizeObserver(send).observe(document.documentElement);
  else window.addEventListener("resize", send);
})();
