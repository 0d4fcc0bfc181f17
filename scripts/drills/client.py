"""A signed-in browser for the drills: plain HTTP on loopback, CSRF taken from the page."""

from __future__ import annotations

import html
import re
import time

import requests

TIMEOUT = 30
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
MESSAGE = re.compile(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', re.S)


class Client:
    def __init__(self, base_url: str, username: str | None = None, password: str = "demo1234"):
        self.base = base_url
        self.username = username
        self.session = requests.Session()
        if username:
            self.login(username, password)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", False)
        return self.session.get(self.url(path), **kw)

    def csrf(self) -> str:
        token = self.session.cookies.get("csrftoken")
        if not token:
            self.get("/accounts/login/")
            token = self.session.cookies.get("csrftoken")
        return token

    def post(self, path: str, data=None, files=None, **kw) -> requests.Response:
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", False)
        data = {"csrfmiddlewaretoken": self.csrf(), **(data or {})}
        return self.session.post(self.url(path), data=data, files=files, **kw)

    def try_login(self, username: str, password: str) -> requests.Response:
        self.session.cookies.clear()
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})

    def login(self, username: str, password: str, attempts: int = 5) -> None:
        for i in range(attempts):
            try:
                answer = self.try_login(username, password)
            except requests.ConnectionError:
                time.sleep(0.5 * (i + 1))
                continue
            if answer.status_code == 302:
                return
            time.sleep(0.5 * (i + 1))
        raise RuntimeError(f"{username} could not log in")


def messages_of(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", m))).strip() for m in MESSAGE.findall(page)]


def hidden_fields(page: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in HIDDEN.findall(page)}
