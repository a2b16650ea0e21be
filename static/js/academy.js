/* Service Academy: small progressive enhancements. Pages work without this file. */
(function () {
  "use strict";

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }
  window.academyClientId = newClientId;

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  /* --- team announcements, live -------------------------------------------------------- */
  var teamSockets = {};

  function renderAnnouncement(event) {
    document.querySelectorAll("[data-announcements]").forEach(function (list) {
      if (list.querySelector('[data-id="' + event.id + '"]')) return;
      var empty = list.querySelector("[data-empty]");
      if (empty) empty.remove();
      var li = document.createElement("li");
      li.dataset.id = event.id;
      var who = document.createElement("strong");
      who.textContent = event.author;
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = " · " + new Date(event.created_at).toLocaleString(document.documentElement.lang);
      li.appendChild(who);
      li.appendChild(when);
      li.appendChild(document.createElement("br"));
      li.appendChild(document.createTextNode(event.text));
      list.insertBefore(li, list.firstChild);
    });
  }

  // The newest announcement the page shows: ids only grow, and the page lists the most recent,
  // so whatever a socket missed while it was down comes after it.
  function lastAnnouncementId() {
    var last = 0;
    document.querySelectorAll("[data-announcements] [data-id]").forEach(function (li) {
      last = Math.max(last, Number(li.dataset.id) || 0);
    });
    return last;
  }

  function connectTeam(teamId, attempt) {
    var socket = new WebSocket(wsUrl("/ws/teams/" + teamId + "/"));
    teamSockets[teamId] = socket;
    socket.addEventListener("open", function () {
      attempt = 0;
      socket.send(JSON.stringify({ type: "catch_up", after: lastAnnouncementId() }));
      // A post sent before the connection dropped goes again: the server keeps it once.
      document.querySelectorAll('[data-team-ws="' + teamId + '"] [data-announce-form][data-pending]').forEach(function (form) {
        socket.send(JSON.stringify({ type: "announce", text: form.dataset.pendingText || "", client_id: form.dataset.pending }));
      });
      document.body.dataset.teamSocket = "open";
    });
    socket.addEventListener("message", function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "announcement") {
        renderAnnouncement(event);
        document.querySelectorAll("[data-announce-form]").forEach(function (form) {
          if (form.dataset.pending && form.dataset.pending === event.client_id) {
            form.querySelector("textarea").value = "";
            delete form.dataset.pending;
            form.querySelector("[data-announce-status]").textContent = form.dataset.postedText || "";
          }
        });
      } else if (event.type === "error") {
        document.querySelectorAll("[data-announce-form]").forEach(function (form) {
          if (form.dataset.pending && form.dataset.pending === event.client_id) {
            delete form.dataset.pending;
            form.querySelector("[data-announce-status]").textContent = event.message;
          }
        });
      }
    });
    socket.addEventListener("close", function (closing) {
      delete teamSockets[teamId];
      if (closing.code >= 4400 && closing.code < 4500) return; // refused: do not hammer
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt || 0));
      setTimeout(function () { connectTeam(teamId, (attempt || 0) + 1); }, delay);
    });
  }

  function setupTeams() {
    var ids = {};
    document.querySelectorAll("[data-team-ws]").forEach(function (el) { ids[el.dataset.teamWs] = true; });
    Object.keys(ids).forEach(function (id) { connectTeam(id, 0); });

    document.querySelectorAll("[data-announce-form]").forEach(function (form) {
      form.dataset.postedText = form.dataset.postedText || "";
      form.addEventListener("submit", function (submit) {
        var container = form.closest("[data-team-ws]");
        var socket = container && teamSockets[container.dataset.teamWs];
        if (!socket || socket.readyState !== WebSocket.OPEN) return; // plain POST instead
        submit.preventDefault();
        var text = form.querySelector("textarea").value;
        var clientId = form.dataset.pending || newClientId();
        form.dataset.pending = clientId;
        form.dataset.pendingText = text;
        socket.send(JSON.stringify({ type: "announce", text: text, client_id: clientId }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", setupTeams);
})();
