/* Scanning the QR code with the phone's camera, where the browser can read QR codes
   (BarcodeDetector). What the camera reads is put into the code field and the form is sent,
   exactly as if it had been typed: the page works the same without this script, without a
   camera and in browsers without BarcodeDetector (the button is then never shown). */
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var form = document.getElementById("kode-form");
  var field = document.getElementById("kode");
  var button = document.getElementById("scan");
  var video = document.getElementById("kamera");
  var live = document.getElementById("resultat");
  if (!box || !form || !field || !button || !video) { return; }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) { return; }
  var stream = null;
  var detector = null;
  var done = false;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    button.textContent = box.getAttribute("data-start");
  }

  function failed() {
    stop();
    if (live) { live.textContent = box.getAttribute("data-failed"); }
    field.focus();
  }

  function look() {
    if (!stream || done) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        done = true;
        field.value = codes[0].rawValue;
        stop();
        form.submit();
        return;
      }
      window.setTimeout(look, 250);
    }, function () { window.setTimeout(look, 500); });
  }

  function start() {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) { failed(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (got) {
        stream = got;
        video.srcObject = got;
        video.hidden = false;
        button.textContent = box.getAttribute("data-stop");
        return video.play();
      })
      .then(look, failed);
  }

  box.hidden = false;
  button.addEventListener("click", function () {
    if (stream) { stop(); } else { start(); }
  });
}());
