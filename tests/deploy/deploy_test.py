#!/usr/bin/env python3
"""Checks the production files in deploy/ against the real things they describe.

  systemd   deploy/systemd/a4pd.service passes `systemd-analyze verify` with no warning.
  nginx     deploy/nginx/a4pd.conf, run by a real nginx (Debian's) on loopback ports with a
            certificate made here, in front of a real a4pd: plain HTTP is redirected to https,
            /readyz and the sign-in answer through TLS, /metrics is hidden, and /ws upgrades
            to a WebSocket (101, subprotocol a4p.v1) through the proxy. Then Debian's Chromium
            (web-client/e2e/through_proxy.mjs) signs two users in through the proxy, sees a
            comment arrive live over the proxied WebSocket, and finds the cookie Secure; a4pd's
            log shows the browser's address, not the proxy's (nginx connects from 127.0.0.2).
  metrics   every metric that deploy/grafana and deploy/prometheus name is one a real a4pd
            exports on /metrics.
  package   the Debian package (CPack) installs with apt on a clean Debian 12 made by
            debootstrap, creates the a4pd user, and the installed unit's own ExecStart, run as
            that user with its StateDirectory (systemd is not PID 1 here), serves /readyz.

Usage: deploy_test.py {systemd|nginx|metrics|package}
  A4PD_BIN names the a4pd binary; A4P_BUILD_DIR the build directory to run cpack in.
"""
import base64
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")
PASSWORD = "deploy-test-password"
PROXY_ADDRESS = "127.0.0.2"
WEB_ROOT = os.path.join(ROOT, "web-client/dist")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class A4pd:
    """A real a4pd with demo data on a fresh data directory."""

    def __init__(self, tmp, extra=(), log_level="warn"):
        binary = os.environ.get("A4PD_BIN") or os.path.join(ROOT, "build/release/server/a4pd")
        self.proc = subprocess.Popen(
            [binary, "--data", os.path.join(tmp, "data"), "--listen", "127.0.0.1:0",
             "--demo", "--demo-password", PASSWORD, "--log-level", log_level, *extra],
            stdout=subprocess.PIPE, text=True)
        deadline = time.time() + 90
        self.port = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"listening on https?://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if not self.port:
            self.stop()
            fail("a4pd did not report its port")
        self.log = []
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def check_systemd():
    """systemd-analyze verify, with the binary path pointed at one that exists here."""
    with tempfile.TemporaryDirectory() as tmp:
        unit = open(os.path.join(DEPLOY, "systemd/a4pd.service")).read()
        if "/usr/bin/a4pd " not in unit:
            fail("the unit no longer starts /usr/bin/a4pd; update this test")
        for key in ["User=a4pd", "StateDirectory=a4pd", "ProtectSystem=strict",
                    "NoNewPrivileges=yes", "Restart=on-failure", "KillSignal=SIGTERM"]:
            if key not in unit.splitlines():
                fail(f"the unit lacks {key}")
        binary = os.environ.get("A4PD_BIN") or shutil.which("true")
        path = os.path.join(tmp, "a4pd.service")
        open(path, "w").write(unit.replace("/usr/bin/a4pd ", binary + " "))
        r = subprocess.run(["systemd-analyze", "verify", path], capture_output=True, text=True)
        out = (r.stdout + r.stderr).strip()
        # verify warns about unknown keys and bad values on stderr but still exits 0.
        lines = [l for l in out.splitlines() if "a4pd.service" in l]
        if r.returncode != 0 or lines:
            fail(f"systemd-analyze verify (exit {r.returncode}):\n{out}")
    print("systemd: the unit verifies")


def metric_names_in(text):
    return set(re.findall(r"\b(a4p_[a-z_]+)", text))


def check_metrics():
    with tempfile.TemporaryDirectory() as tmp:
        srv = A4pd(tmp)
        try:
            body = urllib.request.urlopen(f"http://127.0.0.1:{srv.port}/metrics", timeout=10).read().decode()
        finally:
            srv.stop()
    exported = set(re.findall(r"^# TYPE (a4p_[a-z_]+) ", body, re.M))
    # A histogram exports its _bucket, _sum and _count series.
    for name in list(exported):
        if re.search(rf"^# TYPE {name} histogram", body, re.M):
            exported |= {name + "_bucket", name + "_sum", name + "_count"}
    named = set()
    for rel in ["grafana/a4pd-dashboard.json", "prometheus/a4pd-alerts.yml"]:
        named |= metric_names_in(open(os.path.join(DEPLOY, rel)).read())
    json.load(open(os.path.join(DEPLOY, "grafana/a4pd-dashboard.json")))  # valid JSON
    missing = sorted(named - exported)
    if missing:
        fail(f"named in deploy/ but not exported by a4pd: {missing}")
    if len(named) < 8:
        fail(f"the dashboard and alerts name only {sorted(named)}")
    print(f"metrics: all {len(named)} metrics named in deploy/ are exported")


def nginx_site(site, http_port, https_port, a4pd_port, cert, key):
    """The shipped site with only its addresses, name and certificate made local."""
    out = site
    out = out.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{a4pd_port};")
    out = re.sub(r"listen \[::\]:\d+[^;]*;\n", "", out)
    out = out.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    out = out.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    out = out.replace("/etc/ssl/a4p/fullchain.pem", cert).replace("/etc/ssl/a4p/privkey.pem", key)
    out = out.replace("a4p.example.org", "localhost")
    for must in [str(http_port), str(https_port), str(a4pd_port), cert, key]:
        if must not in out:
            fail(f"could not adapt the site (no {must}); update this test")
    return out


def nginx_conf(tmp, site):
    """A whole nginx.conf in `tmp` around `site`, for a run as this user; returns its path."""
    conf = os.path.join(tmp, "nginx.conf")
    open(conf, "w").write(
        f"daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        f"events {{ worker_connections 256; }}\nhttp {{\n"
        f"  access_log {tmp}/access.log;\n  client_body_temp_path {tmp}/body;\n"
        f"  proxy_temp_path {tmp}/proxy;\n  fastcgi_temp_path {tmp}/fcgi;\n"
        f"  uwsgi_temp_path {tmp}/uwsgi;\n  scgi_temp_path {tmp}/scgi;\n{site}\n}}\n")
    return conf


def check_cluster():
    """deploy/cluster/: each NATS server's configuration passes nats-server -t, the unit with the
    cluster drop-in verifies, and the nginx site with the three-node upstream passes nginx -t."""
    cluster = os.path.join(DEPLOY, "cluster")
    binary = os.environ.get("A4PD_BIN") or shutil.which("true")
    with tempfile.TemporaryDirectory() as tmp:
        shared = open(os.path.join(cluster, "nats-a4p.conf")).read()
        if "/var/lib/nats/jetstream" not in shared:
            fail("nats-a4p.conf has no JetStream store_dir; update this test")
        open(os.path.join(tmp, "nats-a4p.conf"), "w").write(
            shared.replace("/var/lib/nats/jetstream", os.path.join(tmp, "js")))
        for i in (1, 2, 3):
            node = open(os.path.join(cluster, f"nats-n{i}.conf")).read()
            if f"server_name: n{i}" not in node:
                fail(f"nats-n{i}.conf does not name its server n{i}")
            path = os.path.join(tmp, f"nats-n{i}.conf")
            open(path, "w").write(node)
            r = subprocess.run(["nats-server", "-t", "-c", path], capture_output=True, text=True)
            if r.returncode != 0:
                fail(f"nats-server -t nats-n{i}.conf:\n{r.stdout}{r.stderr}")
        # The unit and its drop-in, where systemd finds them on its unit path.
        unit = open(os.path.join(DEPLOY, "systemd/a4pd.service")).read()
        open(os.path.join(tmp, "a4pd.service"), "w").write(
            unit.replace("/usr/bin/a4pd ", binary + " "))
        drop_in = open(os.path.join(cluster, "a4pd-cluster.conf")).read()
        for key in ["Environment=A4PD_NODE=%H", "After=nats-server.service", "ExecStart="]:
            if key not in drop_in.splitlines():
                fail(f"the drop-in lacks {key}")
        os.makedirs(os.path.join(tmp, "a4pd.service.d"))
        open(os.path.join(tmp, "a4pd.service.d", "cluster.conf"), "w").write(
            drop_in.replace("/usr/bin/a4pd ", binary + " "))
        env = dict(os.environ, SYSTEMD_UNIT_PATH=tmp + ":")
        r = subprocess.run(["systemd-analyze", "verify", "a4pd.service"], capture_output=True,
                           text=True, env=env, cwd=tmp)
        out = (r.stdout + r.stderr).strip()
        lines = [l for l in out.splitlines() if "a4pd.service" in l or "cluster.conf" in l]
        if r.returncode != 0 or lines:
            fail(f"systemd-analyze verify with the drop-in (exit {r.returncode}):\n{out}")
        if "A4PD_CLUSTER=nats://" not in open(os.path.join(cluster, "a4pd.default")).read():
            fail("a4pd.default names no NATS servers (A4PD_CLUSTER)")
        # The site with the three-node upstream; host names made local (nginx -t resolves them).
        upstream = open(os.path.join(cluster, "nginx-upstream.conf")).read()
        upstream = upstream[upstream.index("upstream a4pd {"):]
        upstream = re.sub(r"n(\d)\.a4p\.internal:8080",
                          lambda m: f"127.0.0.{m.group(1)}:{free_port()}", upstream)
        site = open(os.path.join(DEPLOY, "nginx/a4pd.conf")).read()
        three = re.sub(r"upstream a4pd \{[^}]*\}\n", lambda m: upstream, site, count=1)
        if three == site:
            fail("could not put the three-node upstream into the site; update this test")
        key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        three = re.sub(r"listen \[::\]:\d+[^;]*;\n", "", three)
        three = three.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
        three = three.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{free_port()} ssl http2;")
        three = three.replace("/etc/ssl/a4p/fullchain.pem", cert)
        three = three.replace("/etc/ssl/a4p/privkey.pem", key)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        t = subprocess.run([nginx, "-t", "-p", tmp, "-c", nginx_conf(tmp, three)],
                           capture_output=True, text=True)
        if t.returncode != 0:
            fail(f"nginx -t with the three-node upstream:\n{t.stderr}")
    print("cluster: the three NATS configurations, the unit with its drop-in and the site with "
          "three upstreams check")


def raw_request(port, request, use_tls):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if use_tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    sock.sendall(request.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    return data.decode(errors="replace")


def check_nginx():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        fail("nginx is not installed (deploy/install-deps.sh installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        http_port, https_port = free_port(), free_port()
        # nginx reaches a4pd from 127.0.0.2 (proxy_bind), the clients reach nginx from
        # 127.0.0.1: so the address a4pd logs tells the proxy's from the client's.
        srv = A4pd(tmp, ["--allow-origin", f"https://localhost:{https_port}",
                         "--trust-proxy", PROXY_ADDRESS, "--web-root", WEB_ROOT],
                   log_level="info")
        site = nginx_site(open(os.path.join(DEPLOY, "nginx/a4pd.conf")).read(),
                          http_port, https_port, srv.port, cert, key)
        bound = site.replace("    proxy_http_version 1.1;\n",
                             f"    proxy_http_version 1.1;\n    proxy_bind {PROXY_ADDRESS};\n", 1)
        if bound == site:
            fail("could not add proxy_bind to the site; update this test")
        site = bound
        conf = nginx_conf(tmp, site)
        t = subprocess.run([nginx, "-t", "-p", tmp, "-c", conf], capture_output=True, text=True)
        if t.returncode != 0:
            srv.stop()
            fail(f"nginx -t:\n{t.stderr}")
        proxy = subprocess.Popen([nginx, "-p", tmp, "-c", conf], stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 20
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            r = raw_request(http_port, "GET /x?y=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", False)
            if " 308 " not in r.split("\r\n")[0] or "Location: https://localhost/x?y=1" not in r:
                fail(f"plain HTTP was not redirected to https:\n{r}")
            r = raw_request(https_port, "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", True)
            if " 200 " not in r.split("\r\n")[0]:
                fail(f"/readyz through the proxy:\n{r}")
            if "Strict-Transport-Security" not in r:
                fail("no HSTS header on the TLS site")
            r = raw_request(https_port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", True)
            if " 404 " not in r.split("\r\n")[0]:
                fail(f"/metrics is reachable through the public site:\n{r}")
            body = json.dumps({"username": "gbr.delegate", "password": PASSWORD})
            r = raw_request(https_port,
                            "POST /api/session HTTP/1.1\r\nHost: localhost\r\n"
                            f"Origin: https://localhost:{https_port}\r\n"
                            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                            f"Connection: close\r\n\r\n{body}", True)
            if " 200 " not in r.split("\r\n")[0]:
                fail(f"sign-in through the proxy:\n{r}")
            cookie = re.search(r"Set-Cookie: (a4p_session=[^;]+)", r)
            if not cookie:
                fail(f"no session cookie through the proxy:\n{r}")
            # --trust-proxy: nginx's X-Forwarded-Proto https makes the cookie Secure.
            if not re.search(r"Set-Cookie: a4p_session=[^\r\n]*; Secure", r):
                fail(f"the session cookie is not Secure behind the TLS proxy:\n{r}")
            ws_key = base64.b64encode(os.urandom(16)).decode()
            r = raw_request(https_port,
                            "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                            f"Sec-WebSocket-Key: {ws_key}\r\nSec-WebSocket-Protocol: a4p.v1\r\n"
                            f"Origin: https://localhost:{https_port}\r\nCookie: {cookie.group(1)}\r\n\r\n",
                            True)
            status = r.split("\r\n")[0]
            if " 101 " not in status or "a4p.v1" not in r:
                fail(f"the WebSocket did not upgrade through the proxy:\n{r}")
            through_the_browser(https_port, srv)
        finally:
            proxy.terminate()
            proxy.wait(10)
            srv.stop()
    print("nginx: redirect, TLS, hidden /metrics, sign-in and WebSocket upgrade through the proxy;"
          " in Chromium: sign-in, a live comment between two users, a Secure cookie, and the"
          " client's address (not the proxy's) seen by a4pd")


def through_the_browser(https_port, srv):
    """Debian's Chromium through the proxy (web-client/e2e/through_proxy.mjs), then a4pd's log."""
    script = os.path.join(ROOT, "web-client/e2e/through_proxy.mjs")
    if not os.path.exists(os.path.join(WEB_ROOT, "index.html")):
        fail(f"no built web client in {WEB_ROOT} (deploy/build.sh builds it)")
    r = subprocess.run(["node", script, f"https://localhost:{https_port}"],
                       cwd=os.path.join(ROOT, "web-client"), capture_output=True, text=True,
                       timeout=150, env={**os.environ, "A4P_DEMO_PASSWORD": PASSWORD})
    if r.returncode != 0:
        fail(f"the browser through the proxy:\n{r.stdout}\n{r.stderr}")
    print("chromium through nginx:", r.stdout.strip().splitlines()[-1])
    deadline = time.time() + 5
    seen = []
    while time.time() < deadline:
        seen = [line for line in srv.log if "login:" in line and "usa.delegate" in line]
        if seen:
            break
        time.sleep(0.1)
    if not any(" from 127.0.0.1:" in line for line in seen):
        fail(f"a4pd did not log the browser's address 127.0.0.1 for its failed sign-in: {seen}")
    if any(PROXY_ADDRESS in line for line in srv.log):
        fail(f"a4pd logged the proxy's address {PROXY_ADDRESS} as a client's")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} (exit {r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout


def clean_debian_root(cache_dir):
    """A minimal Debian 12 made by debootstrap once, kept as a tarball (idempotent reruns)."""
    tarball = os.path.join(cache_dir, "bookworm-minbase.tar")
    if not os.path.exists(tarball):
        os.makedirs(cache_dir, exist_ok=True)
        work = tempfile.mkdtemp(dir=cache_dir)
        root = os.path.join(work, "root")
        # The mirror is the one this machine's apt already uses.
        mirror = []
        for src in ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]:
            if os.path.exists(src):
                m = re.search(r"^(?:URIs:|deb)[ \t]+(?:\[[^\]]*\][ \t]+)?(\S+)", open(src).read(), re.M)
                if m:
                    mirror = [m.group(1)]
                    break
        run(["debootstrap", "--variant=minbase", "bookworm", root, *mirror])
        run(["tar", "-C", root, "-cf", tarball + ".part", "."])
        os.rename(tarball + ".part", tarball)
        shutil.rmtree(work, ignore_errors=True)
    return tarball


def check_package():
    build = os.environ.get("A4P_BUILD_DIR") or os.path.join(ROOT, "build/release")
    if not os.path.exists(os.path.join(ROOT, "web-client/dist/index.html")):
        fail("web-client/dist is not built (deploy/build.sh builds it)")
    out_dir = os.path.join(build, "package")
    shutil.rmtree(out_dir, ignore_errors=True)
    run(["cpack", "--config", os.path.join(build, "CPackConfig.cmake"), "-B", out_dir])
    debs = [f for f in os.listdir(out_dir) if f.endswith(".deb")]
    if len(debs) != 1:
        fail(f"cpack made {debs}")
    deb = os.path.join(out_dir, debs[0])
    listing = run(["dpkg-deb", "-c", deb])
    for path in ["./usr/bin/a4pd", "./usr/bin/a4pctl", "./usr/share/a4pd/web/index.html",
                 "./usr/lib/systemd/system/a4pd.service", "./etc/default/a4pd",
                 "./usr/share/doc/a4pd/examples/a4pd.conf"]:
        if path not in listing:
            fail(f"the package lacks {path}")
    # Kept per machine (not per build tree), so that a fresh clone's run reuses it.
    cache = os.environ.get("A4P_TEST_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "a4p-tests")
    tarball = clean_debian_root(os.path.join(cache, "debian-root"))
    with tempfile.TemporaryDirectory(dir=build) as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        run(["tar", "-C", root, "-xf", tarball])
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
        shutil.copy(deb, os.path.join(root, "tmp/a4pd.deb"))
        proc = os.path.join(root, "proc")
        run(["mount", "-t", "proc", "proc", proc])
        srv = None
        try:
            env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"}
            run(["chroot", root, "apt-get", "update", "-qq"], env=env)
            run(["chroot", root, "apt-get", "install", "-y", "-qq", "--no-install-recommends",
                 "/tmp/a4pd.deb"], env=env)
            if "a4pd" not in run(["chroot", root, "getent", "passwd", "a4pd"]):
                fail("postinst made no a4pd user")
            unit = open(os.path.join(root, "usr/lib/systemd/system/a4pd.service")).read()
            exec_start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1)
            opts = re.search(r'^A4PD_OPTS="(.*)"$', open(os.path.join(root, "etc/default/a4pd")).read(), re.M)
            port = free_port()
            argv = (exec_start.replace("%S", "/var/lib")
                    .replace("$A4PD_OPTS", opts.group(1) if opts else "")
                    .replace("127.0.0.1:8080", f"127.0.0.1:{port}").split())
            # What systemd does for StateDirectory=a4pd: /var/lib/a4pd owned by the user, 0700.
            state = os.path.join(root, "var/lib/a4pd")
            os.makedirs(state, exist_ok=True)
            run(["chroot", root, "chown", "a4pd:a4pd", "/var/lib/a4pd"])
            os.chmod(state, 0o700)
            srv = subprocess.Popen(["chroot", "--userspec=a4pd:a4pd", root, *argv],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            deadline, ok, last = time.time() + 60, False, ""
            while time.time() < deadline and srv.poll() is None:
                try:
                    r = urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
                    ok = r.status == 200
                    break
                except OSError as e:
                    last = str(e)
                    time.sleep(0.3)
            if not ok:
                out = srv.stdout.read() if srv.poll() is not None else ""
                fail(f"the installed a4pd did not serve /readyz ({last}):\n{out}")
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            if "<html" not in page.lower():
                fail("the installed a4pd does not serve the web client")
        finally:
            if srv and srv.poll() is None:
                srv.terminate()
                srv.wait(20)
            subprocess.run(["umount", proc])
    print(f"package: {debs[0]} installs on a clean Debian 12 and its unit's command serves /readyz")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    {"systemd": check_systemd, "nginx": check_nginx, "metrics": check_metrics,
     "package": check_package, "cluster": check_cluster}.get(
        what, lambda: fail("usage: deploy_test.py {systemd|nginx|metrics|package|cluster}"))()
