// LTI client-side postMessage storage (1EdTech "OIDC Login with LTI Client Side
// postMessages"): keep the login's binding secret in the platform's storage frame and read
// it back at launch, for frames where third-party cookies are blocked.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("lti-storage").textContent);

  function frame() {
    if (cfg.target === "_parent") return window.parent;
    try { return window.parent.frames[cfg.target] || window.parent; } catch (e) { return window.parent; }
  }

  // Asked again every 250 ms until answered: a message sent before the platform's storage
  // frame has its listener (a page still loading, a busy machine) is simply lost, and one
  // lost "put" made the launch that followed fail as if the browser were not bound.
  function ask(subject, extra, timeoutMs) {
    return new Promise(function (resolve) {
      var id = "m" + Math.random().toString(36).slice(2), done = false, resend = null;
      var msg = Object.assign({subject: subject, message_id: id}, extra);
      function finish(value) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(resend);
        window.removeEventListener("message", on);
        resolve(value);
      }
      function on(event) {
        // Only the platform's own origin may answer (an attacker's page could frame us).
        if (event.origin !== cfg.origin || !event.data || event.data.message_id !== id) return;
        if (event.data.subject !== subject + ".response") return;
        finish(event.data);
      }
      function send() { try { frame().postMessage(msg, cfg.origin); } catch (e) { /* retried */ } }
      var timer = setTimeout(function () { finish(null); }, timeoutMs);
      window.addEventListener("message", on);
      send();
      resend = setInterval(send, 250);
    });
  }

  function b64(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function refuse() {
    document.getElementById("lti-wait").hidden = true;
    document.getElementById("lti-refused").hidden = false;
  }

  if (cfg.mode === "put") {
    ask("lti.put_data", {key: cfg.key, value: cfg.value}, 6000).then(function () {
      window.location.replace(cfg.next);
    });
  } else {
    ask("lti.get_data", {key: cfg.key}, 6000).then(function (answer) {
      if (!answer || !answer.value || !window.crypto || !crypto.subtle) return refuse();
      var enc = new TextEncoder();
      crypto.subtle.digest("SHA-256", enc.encode(answer.value)).then(function (hash) {
        return crypto.subtle.importKey("raw", hash, "AES-GCM", false, ["decrypt"]);
      }).then(function (key) {
        return crypto.subtle.decrypt({name: "AES-GCM", iv: b64(cfg.nonce)}, key, b64(cfg.sealed));
      }).then(function (plain) {
        var token = new TextDecoder().decode(plain);
        var sep = cfg.next.indexOf("?") >= 0 ? "&" : "?";
        window.location.replace(cfg.next + sep + "lt=" + encodeURIComponent(token));
      }).catch(refuse);
    });
  }
})();
