"""Guard: /ask requests whose fields have the wrong type are answered 422 with one Chinese sentence.

Gradio queues every call and reports a failure inside the event stream with status 200, after a
traceback in the log; a script that sends a dict as the question should instead hear at once, in
the HTTP status, what is wrong. This ASGI middleware reads the JSON body of the three routes that
reach the /ask function (call/ask, run/ask and queue/join with its fn_index) and checks it with
`handlers.request_problem` before Gradio sees it.
"""

from __future__ import annotations

import json

from .handlers import request_problem

PREFIX = "/gradio_api"
ASK_ROUTES = (f"{PREFIX}/call/ask", f"{PREFIX}/run/ask", "/call/ask", "/run/ask")
JOIN_ROUTES = (f"{PREFIX}/queue/join", "/queue/join")
MAX_BODY = 1_000_000  # bytes of a request body this guard reads; Gradio refuses what it cannot parse


def ask_problem(payload: object, ask_fn: int | None, joined: bool) -> str:
    """The sentence for a bad /ask payload ("" when fine or not for /ask)."""
    if not isinstance(payload, dict):
        return ""
    if joined and (ask_fn is None or payload.get("fn_index") != ask_fn):
        return ""
    data = payload.get("data")
    if not isinstance(data, list) or not data:
        return "请求里缺少问题，请按 [问题, 之前的问题列表, 文件编号] 的顺序发送 data。"
    return request_problem(data[0], data[1] if len(data) > 1 else None, data[2] if len(data) > 2 else None)


class AskGuard:
    """ASGI middleware: 422 {"error": sentence} for an /ask request with a non-string question, bad history or doc."""

    def __init__(self, app, blocks=None) -> None:
        self.app = app
        self.blocks = blocks

    def _ask_fn(self) -> int | None:
        fns = getattr(self.blocks, "fns", {}) or {}
        return next((fn_id for fn_id, fn in fns.items() if getattr(fn, "api_name", None) == "ask"), None)

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope.get("type") == "http" else ""
        joined = path.endswith(JOIN_ROUTES)
        if scope.get("method") != "POST" or not (joined or path.endswith(ASK_ROUTES)):
            await self.app(scope, receive, send)
            return
        messages, body = [], b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if not message.get("more_body") or len(body) > MAX_BODY:
                break
        try:
            payload = json.loads(body) if len(body) <= MAX_BODY else None
        except ValueError:
            payload = None
        problem = ask_problem(payload, self._ask_fn(), joined)
        if problem:
            content = json.dumps({"error": problem}, ensure_ascii=False).encode()
            headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(content)).encode())]
            await send({"type": "http.response.start", "status": 422, "headers": headers})
            await send({"type": "http.response.body", "body": content})
            return

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
