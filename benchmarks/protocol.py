"""A visitor without a browser: speaks Streamlit's websocket protocol to a running server.

Each ``Visitor`` is one browser tab as the server sees it: it loads the page over HTTP (keeping
the cookies a load balancer sets, like a browser), opens ``/_stcore/stream``, and sends
``BackMsg.rerun_script`` with the query string, page and widget states a browser would send;
it reads ``ForwardMsg``s until ``script_finished``. The messages of a run become an AppTest
element tree (``streamlit.testing.v1``), so a visitor finds widgets by label and sets them
exactly as a page test does, and a run's texts show what the page said.

No browser means the server has the machine: the capacity benchmark measures the server, not
Chromium. What the browser adds (drawing the charts) is measured by ``bench_live_moves``.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1.element_tree import Widget, get_widget_state, parse_tree_from_messages
from websockets.asyncio.client import connect

REPLICA_HEADER = "X-Replica"
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class Run:
    """One script run as a visitor saw it: from sending the rerun to ``script_finished``."""

    seconds: float
    status: str  # "finished", "exception" (an exception box on the page) or "timeout"
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # headings, markdown, captions, alerts, in order
    query_string: str = ""
    messages: list[ForwardMsg] = field(default_factory=list, repr=False)
    # Each message's arrival, in seconds after the rerun's request.
    arrivals: list[float] = field(default_factory=list, repr=False)

    def first_chart_seconds(self) -> float | None:
        """Seconds from the rerun's request to the first chart it drew (on the MLP page, the first
        frame of a training), or None when it drew none."""
        for message, arrived in zip(self.messages, self.arrivals, strict=True):
            if _element(message)[0] in CHART_ELEMENTS:
                return arrived
        return None


# The element kinds that draw a chart.
CHART_ELEMENTS = frozenset({"vega_lite_chart"})


@dataclass
class WidgetMessage:
    """A widget as the last run sent it: its id, user key, label and the delta that drew it."""

    id: str
    key: str | None
    label: str
    message: ForwardMsg

    def node(self) -> Widget:
        """The AppTest node for this widget alone (so ``set_value`` and its proto state work)."""
        nodes = [n for n in parse_tree_from_messages([self.message]) if isinstance(n, Widget)]
        return nodes[0]


# Widgets whose state the browser sends as the option labels it shows. AppTest serializes them
# through the server's session state, which a client does not have: so they are built here.
OPTION_WIDGETS = {"Selectbox": "string_value", "Radio": "string_value", "Multiselect": "string_array_value",
                  "SelectSlider": "string_array_value", "ButtonGroup": "string_array_value"}  # fmt: skip


def option_state(node: Widget, labels: str | list[str] | tuple[str, ...]) -> WidgetState:
    """The widget state a browser sends when the option(s) labelled ``labels`` are chosen."""
    chosen = [labels] if isinstance(labels, str) else list(labels)
    unknown = [label for label in chosen if label not in node.options]
    if unknown:
        raise ValueError(f"{node.id}: no option {unknown} among {list(node.options)}")
    state = WidgetState(id=node.id)
    if OPTION_WIDGETS[type(node).__name__] == "string_value":
        state.string_value = chosen[0]
    else:
        state.string_array_value.data[:] = chosen
    return state


def _element(message: ForwardMsg):
    """(element type, element proto) of a ``new_element`` delta, else (None, None)."""
    if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
        return None, None
    kind = message.delta.new_element.WhichOneof("type")
    return kind, getattr(message.delta.new_element, kind) if kind else None


TEXT_FIELDS = {"markdown": "body", "heading": "body", "alert": "body", "text": "body"}


class Visitor:
    """One tab: ``async with Visitor(url) as visitor``, then ``open``, ``move``, ``switch_page``;
    the tab closes when the block ends (or ``await connect()`` ... ``await close()`` by hand)."""

    def __init__(self, base_url: str, *, timeout: float = 120.0, frontend: tuple[str, ...] = ()):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # Frontend files (``assets.frontend_files``) to download as a new browser does between
        # the page and the websocket; none by default (a browser with Streamlit's code cached).
        self.frontend = frontend
        self.frontend_answers: list[tuple[str, int, dict]] = []  # (path, status, headers) of each
        self.replicas: list[str] = []  # every X-Replica header a balancer put on our responses
        self.runs: list[Run] = []
        self.query_string = ""
        self.url_path = ""
        self.widgets: list[WidgetMessage] = []  # the current page's widgets, in order
        self.tabs: list[str] = []  # the labels of the current page's stateful tabs, if it has them
        self.open_tab_label: str | None = None  # the tab the last run drew open
        self._tabs_id = ""  # the stateful tabs' widget id
        self._cookies = http.cookiejar.CookieJar()
        self._pages: dict[str, str] = {}  # url path -> page script hash, from the navigation message
        self._page_hash = ""
        self._set: dict[str, Any] = {}  # widget id -> WidgetState proto this visitor has set
        self._ws = None

    async def connect(self) -> None:
        """Load the page like a browser (cookies kept), its frontend files if ``frontend`` names
        them, then open the websocket with the cookies."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))

        def load() -> None:
            with opener.open(f"{self.base_url}/", timeout=self.timeout) as response:
                response.read()
                self._note_replica(response.headers)

        await asyncio.to_thread(load)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self._cookies)
        if self.frontend:
            from .assets import download

            self.frontend_answers = await download(self.base_url, self.frontend, cookie)
            for _, _, headers in self.frontend_answers:  # a balancer's cached copy names none
                self._note_replica({REPLICA_HEADER: headers.get(REPLICA_HEADER.lower())})
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie} if cookie else {},
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        self._note_replica(self._ws.response.headers)

    def _note_replica(self, headers) -> None:
        replica = headers.get(REPLICA_HEADER)
        if replica:
            self.replicas.append(replica)

    async def open(self, url_path: str = "", query: str = "") -> Run:
        """The first run of a page, as when a link is opened: ``open("depth", "preset=cs231n_tanh")``."""
        self.url_path, self.query_string, self._page_hash = url_path, query, self._pages.get(url_path, "")
        self._set.clear()
        return await self._rerun()

    async def switch_page(self, url_path: str) -> Run:
        """A click on a page in the sidebar: the new page's path, no query string; widgets set before are
        still sent (the shared sidebar keeps them)."""
        self.url_path, self.query_string = url_path, ""
        self._page_hash = self._pages.get(url_path, "")
        return await self._rerun()

    def widget(self, key: str | None = None, *, label: str | None = None) -> Widget:
        """The current page's widget with this user key (or whose label starts with ``label``),
        as an AppTest node."""
        for widget in self.widgets:
            if (key is not None and widget.key == key) or (
                label is not None and widget.label.startswith(label)
            ):
                return widget.node()
        raise LookupError(f"no widget {key or label!r} on /{self.url_path}")

    async def move(self, key: str | None, value: Any, *, label: str | None = None) -> Run:
        """Set the widget with user key ``key`` (or this label) to ``value`` and rerun with it: a
        value as AppTest's ``set_value`` takes it, or for option widgets (select box, multiselect,
        select slider, radio, pills) the label(s) shown, as the browser sends them."""
        node = self.widget(key, label=label)
        if type(node).__name__ in OPTION_WIDGETS:
            self._set[node.id] = option_state(node, value)
            return await self._rerun()
        node.set_value(value)
        self._set[node.id] = get_widget_state(node)
        bound = getattr(node.proto, "query_param_key", "")
        if bound:  # the browser writes a bound number's or text's new value into the address bar
            params = urllib.parse.parse_qs(self.query_string, keep_blank_values=True)
            values = value if isinstance(value, (list, tuple)) else [value]
            params[bound] = [format(v, "g") if isinstance(v, float) else str(v) for v in values]
            self.query_string = urllib.parse.urlencode(params, doseq=True)
        return await self._rerun()

    async def open_tab(self, label: str) -> Run:
        """A click on the page's tab ``label`` (stateful tabs, ``st.tabs(on_change="rerun")``):
        the browser sends the label as the tabs' widget value and the script reruns."""
        if label not in self.tabs:
            raise LookupError(f"no tab {label!r} on /{self.url_path} (tabs: {self.tabs})")
        self._set[self._tabs_id] = WidgetState(id=self._tabs_id, string_value=label)
        return await self._rerun()

    def _read_tabs(self, messages: list[ForwardMsg]) -> None:
        """The stateful tabs the run drew: their id, labels and the open one."""
        self.tabs, self.open_tab_label, self._tabs_id, index = [], None, "", 0
        for message in messages:
            if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "add_block":
                continue
            block = message.delta.add_block
            kind = block.WhichOneof("type")
            if kind == "tab_container" and block.tab_container.id:
                self.tabs, self._tabs_id = [], block.tab_container.id
                index = block.tab_container.default_tab_index
            elif kind == "tab" and self._tabs_id:
                self.tabs.append(block.tab.label)
        if self.tabs:
            self.open_tab_label = self.tabs[min(index, len(self.tabs) - 1)]

    async def _rerun(self) -> Run:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self._page_hash
        state.page_name = self.url_path
        state.context_info.url = f"{self.base_url}/{self.url_path}" + (
            f"?{self.query_string}" if self.query_string else ""
        )
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        for widget_state in self._set.values():
            state.widget_states.widgets.append(widget_state)
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        messages: list[ForwardMsg] = []
        arrivals: list[float] = []
        try:
            await asyncio.wait_for(self._read_until_finished(messages, arrivals, started), self.timeout)
        except TimeoutError:
            run = Run(time.perf_counter() - started, "timeout", messages=messages, arrivals=arrivals)
            self.runs.append(run)
            return run
        seconds = time.perf_counter() - started
        exceptions, texts, widgets = [], [], {}
        for message in messages:  # later deltas at the same place replace earlier ones
            kind, proto = _element(message)
            if kind == "exception":
                exceptions.append(f"{proto.type}: {proto.message}")
            elif kind in TEXT_FIELDS:
                texts.append(getattr(proto, TEXT_FIELDS[kind]))
            elif proto is not None and getattr(proto, "id", "").startswith("$$ID"):
                path = tuple(message.metadata.delta_path)
                widgets[path] = WidgetMessage(proto.id, user_key_from_element_id(proto.id),
                                              getattr(proto, "label", ""), message)  # fmt: skip
        self.widgets = list(widgets.values())
        self._read_tabs(messages)
        live = {w.id for w in self.widgets} | {self._tabs_id}
        self._set = {key: value for key, value in self._set.items() if key in live}
        run = Run(
            seconds,
            "exception" if exceptions else "finished",
            exceptions=exceptions,
            texts=texts,
            query_string=self.query_string,
            messages=messages,
            arrivals=arrivals,
        )
        self.runs.append(run)
        return run

    async def _read_until_finished(
        self, messages: list[ForwardMsg], arrivals: list[float], started: float
    ) -> None:
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._ws.recv())
            kind = message.WhichOneof("type")
            if kind == "new_session":
                messages.clear()  # a rerun started again (a widget moved mid-run, or st.rerun)
                arrivals.clear()
            elif kind == "navigation":
                for page in message.navigation.app_pages:
                    self._pages[page.url_pathname] = page.page_script_hash
                if message.navigation.page_script_hash:
                    self._page_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "script_finished" and message.script_finished in FINISHED:
                return
            messages.append(message)
            arrivals.append(time.perf_counter() - started)

    async def __aenter__(self) -> Visitor:
        """Connected on entry; a connection that fails halfway is closed before the error rises."""
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
