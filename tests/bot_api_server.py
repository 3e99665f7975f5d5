"""A small Bot API-compatible HTTP server on 127.0.0.1, for tests over real HTTP.

It speaks the same wire format as api.telegram.org (POST /bot<token>/<method>,
form-encoded or JSON parameters, {"ok": ..., "result": ...} answers), so the
bot runs with PTB's real httpx transport and only the far end is ours.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.fake_bot_api import BOT_USER


class BotApiServer:
    def __init__(self, token: str, *, reject_token: bool = False) -> None:
        self.token = token
        self.reject_token = reject_token  # answer 401 Unauthorized, like Telegram for a bad token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # Messages in the order Telegram would show them: when their sendMessage is answered.
        self.delivered: list[dict[str, Any]] = []
        # Seconds to hold a sendMessage whose text contains the key: a slow send.
        self.slow_texts: dict[str, float] = {}
        self._updates: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._message_id = 1000
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output quiet

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/bot"

    def __enter__(self) -> BotApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def sent(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [name for name, _ in self.calls]

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        prefix = f"/bot{self.token}/"
        if self.reject_token:
            self._answer(
                request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        if not request.path.startswith(prefix):
            self._answer(
                request, 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            )
            return
        method = request.path[len(prefix) :]
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode() if length else ""
        if "json" in (request.headers.get("Content-Type") or ""):
            params = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
        with self._lock:
            self.calls.append((method, params))
        self._answer(request, 200, {"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + 0.2
            while time.monotonic() < deadline:
                with self._lock:
                    ready = [u for u in self._updates if u["update_id"] >= offset]
                if ready:
                    return ready
                time.sleep(0.01)
            return []
        if method == "sendMessage":
            text = str(params.get("text", ""))
            time.sleep(max((s for key, s in self.slow_texts.items() if key in text), default=0))
            with self._lock:
                self._message_id += 1
                message_id = self._message_id
                self.delivered.append(params)
            chat_id = int(params["chat_id"])
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
