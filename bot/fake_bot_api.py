"""An in-process stand-in for Telegram's Bot API, behind PTB's `BaseRequest` seam.

The playground and the end-to-end tests run the real `Application` through it:
only Telegram's network is replaced. Every call is recorded (method and
parameters as Python values) and answered the way Telegram would.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 1_000_001,
    "is_bot": True,
    "first_name": "RunBack",
    "username": "RunBackBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    ok: bool = True  # False: this call was made to fail


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None
    error: Exception | None = None  # raised by the transport instead (TimedOut, NetworkError)


class InProcessRequest(BaseRequest):
    """What every in-process stand-in for Telegram shares: no connection to open or close.

    Subclasses answer `do_request`; `api_method` and `ok` build the usual pieces.
    """

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    @staticmethod
    def api_method(url: str) -> str:
        return url.rsplit("/", 1)[-1]

    @staticmethod
    def ok(result: Any) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "result": result}).encode()


@dataclass
class FakeBotApi(InProcessRequest):
    """Records calls; answers like Telegram; can be told to fail the next call of a method."""

    calls: list[ApiCall] = field(default_factory=list)
    # getChatMember answers: (chat id, user id) -> status; anyone else is a "member".
    member_status: dict[tuple[int, int], str] = field(default_factory=dict)
    _failures: dict[str, deque[_Failure]] = field(default_factory=dict)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> None:
        self._failures.setdefault(method, deque()).append(
            _Failure(status, description, retry_after)
        )

    def fail_next_with(self, method: str, error: Exception) -> None:
        """Make the transport itself fail the next call of `method` (a timeout, a reset)."""
        self._failures.setdefault(method, deque()).append(_Failure(0, "", error=error))

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of every recorded call of `method`, oldest first."""
        return [call.params for call in self.calls if call.method == method]

    def delivered(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Like `sent`, without the calls that were made to fail."""
        return [call.params for call in self.calls if call.method == method and call.ok]

    def clear(self) -> None:
        self.calls.clear()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = self.api_method(url)
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params["_files"] = {
                name: content[1] if isinstance(content, tuple) else content
                for name, content in request_data.multipart_data.items()
            }
        self.calls.append(ApiCall(api_method, params))
        queued = self._failures.get(api_method)
        if queued:
            failure = queued.popleft()
            self.calls[-1] = ApiCall(api_method, params, ok=False)
            if failure.error is not None:
                raise failure.error
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, json.dumps(body).encode()
        return self.ok(self._result(api_method, params))

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            status = self.member_status.get((chat_id, user_id), "member")
            member: dict[str, Any] = {
                "status": status,
                "user": {"id": user_id, "is_bot": False, "first_name": "Member"},
            }
            if status == "administrator":
                member.update(_ADMIN_RIGHTS)
            return member
        if method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}:
            chat_id = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if "caption" in params:
                message["caption"] = params["caption"]
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True
