// Check-in by code: with a camera and the browser's BarcodeDetector, scan the confirmation
// QR code into the code field and submit. Without either, the plain form is the page.
(function () {
  "use strict";

  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  var CODE_AT_END = new RegExp("([" + ALPHABET + "]{6})[^0-9A-Z]*$");

  // The QR holds a URL or a line of text ending with the six-character code.
  function codeFrom(text) {
    var found = CODE_AT_END.exec(String(text || "").trim().toUpperCase());
    return found ? found[1] : null;
  }

  function start() {
    var box = document.querySelector("[data-scanner]");
    var form = document.querySelector("[data-code-form]");
    if (!box || !form) {
      return;
    }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) {
      return; // the typed code is the way in; the scan button stays hidden
    }
    var input = form.querySelector("input[name=code]");
    var view = box.querySelector("[data-scan-view]");
    var video = box.querySelector("[data-scan-video]");
    var startButton = box.querySelector("[data-scan-start]");
    var stopButton = box.querySelector("[data-scan-stop]");
    var status = box.querySelector("[data-scan-status]");
    var stream = null;
    var timer = null;
    var detector = null;
    var failures = 0;
    // A detector that fails this many times in a row cannot read codes here: say so and
    // leave the typed code as the way in, rather than asking to aim for ever.
    var MAX_FAILURES = 6;

    function say(text) {
      status.textContent = text;
    }

    function stop() {
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (stream) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        stream = null;
      }
      video.srcObject = null;
      view.hidden = true;
      startButton.hidden = false;
    }

    function scan() {
      if (!stream) {
        return;
      }
      detector.detect(video).then(function (codes) {
        failures = 0;
        for (var i = 0; i < codes.length; i++) {
          var code = codeFrom(codes[i].rawValue);
          if (code) {
            stop();
            input.value = code;
            say(box.getAttribute("data-found") || code);
            if (form.requestSubmit) {
              form.requestSubmit();
            } else {
              form.submit();
            }
            return;
          }
        }
        timer = window.setTimeout(scan, 250);
      }, function () {
        failures += 1;
        if (failures >= MAX_FAILURES) {
          stop();
          say(box.getAttribute("data-unsupported"));
          return;
        }
        timer = window.setTimeout(scan, 500);
      });
    }

    startButton.addEventListener("click", function () {
      try {
        detector = new window.BarcodeDetector({formats: ["qr_code"]});
      } catch (e) {
        say(box.getAttribute("data-unsupported"));
        return;
      }
      failures = 0;
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          view.hidden = false;
          startButton.hidden = true;
          say(box.getAttribute("data-aim"));
          // Scan from the start: play() may wait for the first frame, and detect() on a
          // video that has none yet finds nothing and is simply tried again.
          var playing = video.play();
          if (playing && playing.catch) {
            playing.catch(function () {});
          }
          scan();
        })
        .catch(function () {
          stop();
          say(box.getAttribute("data-denied"));
        });
    });
    stopButton.addEventListener("click", function () {
      stop();
      say("");
    });
    window.addEventListener("pagehide", stop);
    // Show the scan button only where the detector reads QR codes (some read other kinds).
    var formats = window.BarcodeDetector.getSupportedFormats;
    if (typeof formats !== "function") {
      box.hidden = false;
      return;
    }
    formats.call(window.BarcodeDetector).then(function (list) {
      box.hidden = (list || []).indexOf("qr_code") === -1;
    }, function () {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
