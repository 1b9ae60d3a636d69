// Read aloud (朗读): speaks the page's main content with the browser's zh-CN voice.
// The button stays hidden where speech synthesis is not available.
(function () {
  "use strict";
  var button = document.getElementById("read-aloud");
  if (!button || !("speechSynthesis" in window)) return;
  var label = button.querySelector("[data-label]");
  button.hidden = false;
  function setPressed(on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (label) label.textContent = on ? button.dataset.stop : button.dataset.start;
  }
  button.addEventListener("click", function () {
    if (button.getAttribute("aria-pressed") === "true") {
      window.speechSynthesis.cancel();
      setPressed(false);
      return;
    }
    var main = document.getElementById("main");
    var text = main ? main.innerText : document.body.innerText;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = function () { setPressed(false); };
    utterance.onerror = function () { setPressed(false); };
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
    setPressed(true);
  });
})();
// Print buttons: shown only where a script can print (without one, the page says to show
// or screenshot it).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
