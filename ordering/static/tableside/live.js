/* A websocket that stays connected: reconnects with backoff, after sleep and
   when the network returns, and pings so a dead link is noticed. Every
   (re)connect starts with a full snapshot from the server, so nothing missed
   while offline stays missed. The server's answer to each ping (onPong)
   says how far things have gone, so a page can tell it missed an update even
   when no later update comes to show the gap. */
"use strict";
window.TablesideLive = function connect(path, { onMessage, onState, onPong, stopCodes = [], pingEvery = 25000 }) {
  let socket = null, retry = 0, timer = null, lastHeard = 0, stopped = false;
  const url = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;

  function open() {
    clearTimeout(timer);
    if (stopped || (socket && socket.readyState <= 1)) return;
    onState("connecting");
    socket = new WebSocket(url());
    socket.onopen = () => { retry = 0; lastHeard = Date.now(); onState("live"); };
    socket.onmessage = (event) => {
      lastHeard = Date.now();
      const message = JSON.parse(event.data);
      if (message.event === "pong") { if (onPong) onPong(message.data); } else onMessage(message);
    };
    socket.onclose = (event) => {
      socket = null;
      if (stopCodes.includes(event.code)) { stopped = true; onState("stopped", event.code); return; }
      onState("lost");
      const delay = Math.min(15000, 500 * 2 ** retry++) + Math.random() * 400;
      timer = setTimeout(open, delay);
    };
  }

  setInterval(() => {
    if (!socket || socket.readyState !== 1) return;
    if (Date.now() - lastHeard > Math.max(60000, 3 * pingEvery)) { socket.close(); return; }
    socket.send(JSON.stringify({ type: "ping" }));
  }, pingEvery);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) { retry = 0; open(); } });
  window.addEventListener("online", () => { retry = 0; open(); });
  open();
  return {
    /* Drop the connection and reconnect at once: the new snapshot resyncs. */
    reconnect() { retry = 0; if (socket) socket.close(); else open(); },
  };
};
