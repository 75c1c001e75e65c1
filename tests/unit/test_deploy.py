"""deploy/haproxy.cfg and compose.yaml: HAProxy accepts the deployed config and its loopback render,
the render differs only in addresses (so the replica test checks the deployed settings), and
compose.yaml wires the balancer to the app's service and port."""

import importlib
import subprocess

import pytest
import yaml

from benchmarks.replicas import HAPROXY_CFG, ROOT, haproxy_binary, loopback_config

PORTS = {"r1": 20001, "r2": 20002}
SETTINGS = (
    "cookie VP_REPLICA insert indirect nocache httponly",
    "timeout tunnel 1h",
    "option httpchk GET /_stcore/health",
    "http-check expect status 200",
    "default-server check inter 1s fall 2 rise 2",
    "http-response set-header X-Replica %[srv_name]",
    "balance leastconn",
)


def settings(text: str) -> list[str]:
    """The config's lines without comments, blanks and the lines the loopback render replaces."""
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "bind ", "server", "resolvers"))]


def test_the_loopback_config_differs_from_the_deployed_one_only_in_addresses():
    deployed = HAPROXY_CFG.read_text()
    loopback = loopback_config(PORTS, 20000, 20003)
    resolvers = deployed[deployed.index("\nresolvers ") :]
    assert settings(loopback) == settings(deployed.replace(resolvers, "\n"))
    for line in SETTINGS:
        assert any(s.startswith(line) for s in settings(loopback)), line
    assert "bind 127.0.0.1:20000" in loopback and "bind 127.0.0.1:20003" in loopback
    for name, port in PORTS.items():
        assert f"server {name} 127.0.0.1:{port} cookie {name}" in loopback
    live = [line.strip() for line in loopback.splitlines() if not line.strip().startswith("#")]
    assert not any(line.startswith(("resolvers", "server-template", "nameserver")) for line in live)


def test_a_template_without_the_lines_the_render_replaces_is_refused():
    with pytest.raises(ValueError, match="server-template"):
        loopback_config(PORTS, 20000, 20003, HAPROXY_CFG.read_text().replace("server-template", "server"))


@pytest.mark.parametrize("which", ["deployed", "loopback"])
def test_haproxy_accepts_the_config(which, tmp_path):
    path = HAPROXY_CFG
    if which == "loopback":
        path = tmp_path / "haproxy.cfg"
        path.write_text(loopback_config(PORTS, 20000, 20003))
    checked = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_compose_runs_the_app_behind_the_balancer_on_the_configured_port():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    app, lb = services["app"], services["lb"]
    config = HAPROXY_CFG.read_text()
    # server-template finds the replicas by the service's name on the port the app listens on.
    assert f"app:{app['environment']['PORT']}" in config
    assert app["deploy"]["replicas"] >= 2 and "ports" not in app
    assert "./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in lb["volumes"]
    assert lb["ports"] == ["8501:8501"] and "bind :8501" in config
    # The container's check runs the app's script (and so starts its warm-up); HAProxy polls the
    # cheap endpoint, so a loaded replica is not taken out for being slow.
    assert "/_stcore/script-health-check" in " ".join(app["healthcheck"]["test"])


def test_compose_fills_the_balancers_copy_with_the_app_image_once_the_balancer_is_up():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    app, lb, filler = services["app"], services["lb"], services["frontend-cache"]
    module, url = filler["command"][-2:]
    assert filler["command"][:2] == ["python", "-m"] and importlib.import_module(module).main
    # The balancer's own address inside compose's network, on the port it binds.
    assert url == f"http://lb:{lb['ports'][0].split(':')[1]}"
    # The replicas' image (the same Streamlit, so the same file names), built by `app`, not pulled.
    assert filler["image"] == app["image"] and filler["pull_policy"] == "never" and "build" not in filler
    assert filler["depends_on"]["lb"] == {"condition": "service_started", "restart": True}
    assert "ports" not in filler and filler["restart"] == "on-failure"
