/* Roleplay room client. The server numbers every event; this keeps the highest number seen,
   reconnects with ?after=<it>, and resends unacknowledged frames with their original
   client_id, which the server applies once. Nothing typed is cleared before the server has
   acknowledged it. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root) return;
  var config = JSON.parse(root.dataset.room);
  var text = root.dataset;
  var traitNames = JSON.parse(document.getElementById("trait-names").textContent);
  var transcript = root.querySelector("[data-transcript]");
  var connection = root.querySelector("[data-connection]");
  var seen = {};
  var lastSeq = config.lastSeq;
  var pending = {};  // client_id -> {frame, form}
  var socket = null;
  var attempt = 0;
  var staff = config.role === "trainer" || config.role === "viewer";

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function setConnection(state) {
    root.dataset.connection = state;
    connection.textContent = state === "open" ? text.textConnected : text.textReconnecting;
    connection.className = "badge " + (state === "open" ? "ok" : "warn");
  }

  function messageItem(seq) { return transcript.querySelector('[data-seq="' + seq + '"] [data-annotations]'); }

  function addMessage(event) {
    var customer = event.type === "customer_message";
    var li = el("li", "msg " + (customer ? "msg-customer" : "msg-trainee"));
    li.dataset.seq = event.seq;
    li.id = "msg-" + event.seq;
    var who = el("span", "msg-who", customer ? text.textCustomer : text.textTrainee);
    if (customer && event.source === "trainer") who.appendChild(el("span", "muted", " (" + text.textTyped + ")"));
    li.appendChild(who);
    li.appendChild(el("p", "msg-text", event.text));
    li.appendChild(el("ul", "msg-annotations")).setAttribute("data-annotations", "");
    if (config.role === "trainer") {
      var tools = document.getElementById("tag-tools").content.cloneNode(true);
      tools.querySelectorAll("[data-tag]").forEach(function (button) {
        button.addEventListener("click", function () {
          var trait = li.querySelector("[data-tag-trait]").value;
          send({ type: "tag", message_seq: event.seq, trait: trait, polarity: button.dataset.tag });
        });
      });
      li.appendChild(tools);
    }
    transcript.appendChild(li);
  }

  function addLine(className, who, body, seq) {
    var li = el("li", "msg " + className);
    li.dataset.seq = seq;
    if (who) li.appendChild(el("span", "msg-who", who));
    li.appendChild(el("p", "msg-text", body));
    transcript.appendChild(li);
  }

  function annotate(seq, label, className) {
    var list = messageItem(seq);
    if (list) list.appendChild(el("li", className || "", label));
  }

  function setScore(trait, score, peer) {
    if (peer) {
      var row = root.querySelector('[data-trait="' + trait + '"] legend');
      if (row) {
        var badge = row.querySelector("[data-peer]") || row.appendChild(el("span", "badge peer"));
        badge.setAttribute("data-peer", "");
        badge.textContent = badge.textContent ? badge.textContent + " " + score : "👥 " + score;
      }
      return;
    }
    var input = root.querySelector('[data-score-input="' + trait + '"][value="' + score + '"]');
    if (input) input.checked = true;
    var output = root.querySelector('[data-score-output="' + trait + '"]');
    if (output) output.textContent = score;
  }

  function apply(event) {
    if (event.seq !== undefined) {
      if (seen[event.seq]) return;
      seen[event.seq] = true;
      if (event.seq > lastSeq) lastSeq = event.seq;
    }
    switch (event.type) {
      case "trainee_message":
      case "customer_message":
        addMessage(event);
        if (event.type === "customer_message" && config.role === "trainer") clearSuggestion();
        break;
      case "hint": addLine("msg-hint", text.textHint, event.text, event.seq); break;
      case "status":
        config.status = event.status;
        root.querySelector("[data-status]").textContent = event.status;
        addLine("msg-status", null, text.textSession + ": " + event.status, event.seq);
        if (event.status === "ended") showDebriefLink();
        break;
      case "outcome": addLine("msg-status", null, text.textEnded + ": " + event.outcome, event.seq); break;
      case "mood":
        var meter = root.querySelector("[data-mood-meter]");
        if (meter) {
          meter.value = event.mood;
          root.querySelector("[data-mood-value]").textContent = event.mood;
          root.querySelector("[data-stage]").textContent = event.stage ? "· " + event.stage : "";
        }
        break;
      case "analysis":
        event.behaviours.forEach(function (b) { annotate(event.message_seq, b.code + ": “" + b.text + "”", "code code-" + b.code); });
        break;
      case "suggestion":
        var area = root.querySelector("[data-customer-text]");
        if (area) {
          area.value = event.text;
          root.querySelector("[data-suggestion-seq]").value = event.seq;
          root.querySelector("[data-suggestion-label]").hidden = false;
        }
        break;
      case "score": setScore(event.trait, event.score, false); break;
      case "peer_score": setScore(event.trait, event.score, staff); break;
      case "tag": annotate(event.message_seq, event.polarity + " " + (traitNames[event.trait] || event.trait), "tag tag-" + (event.polarity === "+" ? "plus" : "minus")); break;
      case "note":
        var notes = root.querySelector("[data-notes]");
        if (notes) notes.appendChild(el("li", "", event.text));
        break;
      case "ack": acknowledge(event.client_id, null); break;
      case "error": acknowledge(event.client_id, event.message); if (!event.client_id) flash(event.message); break;
      case "debrief_ready": showDebriefLink(); break;
    }
  }

  function clearSuggestion() {
    var label = root.querySelector("[data-suggestion-label]");
    if (label) label.hidden = true;
    var seq = root.querySelector("[data-suggestion-seq]");
    if (seq) seq.value = "";
  }

  function showDebriefLink() {
    if (root.querySelector("[data-debrief-link]")) return;
    var p = el("p", "card debrief-link");
    p.setAttribute("data-debrief-link", "");
    var a = el("a", "button primary", text.textDebrief);
    a.href = text.debriefUrl;
    p.appendChild(a);
    root.insertBefore(p, root.querySelector(".room-grid"));
  }

  function flash(message) {
    var status = root.querySelector("[data-frame-status]");
    if (status) status.textContent = message;
  }

  function acknowledge(clientId, errorMessage) {
    var item = clientId && pending[clientId];
    if (!item) return;
    delete pending[clientId];
    var status = item.form && item.form.querySelector("[data-frame-status]");
    if (errorMessage) {
      if (status) status.textContent = errorMessage;
      else flash(errorMessage);
      return;  // keep what was typed
    }
    if (status) status.textContent = "";
    if (item.form && item.frame.text !== undefined) {
      var field = item.form.querySelector("textarea, input[name=text]");
      if (field && field.value.trim() === item.frame.text) field.value = "";
    }
  }

  function send(frame, form) {
    frame.client_id = frame.client_id || window.academyClientId();
    pending[frame.client_id] = { frame: frame, form: form };
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function frameFromForm(form) {
    var frame = {};
    new FormData(form).forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken") return;
      if (key === "score" || key === "message_seq" || key === "suggestion_seq") {
        if (value !== "") frame[key] = parseInt(value, 10);
      } else if (key === "text") {
        frame.text = String(value).trim();
      } else {
        frame[key] = value;
      }
    });
    return frame;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/roleplay/" + config.session + "/?after=" + lastSeq);
    socket.addEventListener("open", function () {
      attempt = 0;
      setConnection("open");
      Object.keys(pending).forEach(function (id) { socket.send(JSON.stringify(pending[id].frame)); });
    });
    socket.addEventListener("message", function (message) { apply(JSON.parse(message.data)); });
    socket.addEventListener("close", function (closing) {
      setConnection("closed");
      if (closing.code >= 4400 && closing.code < 4500) return;
      attempt += 1;
      setTimeout(connect, Math.min(5000, 250 * Math.pow(2, attempt)));
    });
  }

  // Rebuild the server-rendered transcript from the same events, through the same code path.
  transcript.innerHTML = "";
  JSON.parse(document.getElementById("initial-events").textContent).forEach(apply);
  if (config.status === "ended" && config.role === "trainee") showDebriefLink();

  root.querySelectorAll("form[data-frame]").forEach(function (form) {
    form.addEventListener("submit", function (submit) {
      submit.preventDefault();
      var frame = frameFromForm(form);
      if (frame.text === "") return;
      send(frame, form);
    });
  });
  root.querySelectorAll("[data-score-input]").forEach(function (input) {
    input.addEventListener("change", function () {
      send({ type: "score", trait: input.dataset.scoreInput, score: parseInt(input.value, 10) });
    });
  });
  var composer = root.querySelector("#composer-text");
  if (composer) composer.addEventListener("keydown", function (key) {
    if (key.key === "Enter" && !key.shiftKey) { key.preventDefault(); composer.form.requestSubmit(); }
  });

  setConnection("closed");
  connect();
  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
  }, 15000);
  window.roleplayRoom = { lastSeq: function () { return lastSeq; }, socket: function () { return socket; } };
})();
