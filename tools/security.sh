#!/usr/bin/env bash
# Security checks of `make security` (and so of `make lint` and CI).
#
# bandit   scans the code; any finding fails. A finding judged harmless carries
#          `# <why>  # nosec <test id>` on its line, so the reason is reviewed.
# pip-audit checks every pin of constraints.txt against the advisory database
#          (PyPI's per-release JSON API, else OSV), with --strict: a known
#          vulnerability, or a pin it cannot audit, fails. Its HTTP cache lives
#          in $PIP_AUDIT_CACHE_DIR (default ~/.cache/pip-audit) for CI to keep.
#          That database is on the network: where neither service answers (no
#          network, or a registry mirror without the per-release API), nothing
#          is audited. The script then says so plainly and passes, unless
#          SECURITY_REQUIRE_AUDIT=1, which makes that a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
CONSTRAINTS="${CONSTRAINTS:-constraints.txt}"
CACHE="${PIP_AUDIT_CACHE_DIR:-$HOME/.cache/pip-audit}"

echo "== bandit (code)"
# bandit warns about every line of a multi-line literal that holds a `# nosec`;
# only that warning is dropped, findings and other messages are shown.
"$BIN/bandit" -q -r symbiosis tools seeds migrations wsgi.py \
  2> >(grep -v "nosec encountered" >&2)

echo "== pip-audit (pinned dependencies in $CONSTRAINTS)"
service="$("$BIN/python" - "$CONSTRAINTS" <<'PY'
"""Print the advisory service that answers from here: pypi, osv, or none."""
import json
import sys
import urllib.error
import urllib.request

name, version = next(
    line.split("#")[0].strip().split("==")
    for line in open(sys.argv[1], encoding="utf-8")
    if "==" in line.split("#")[0]
)
probes = {
    "pypi": urllib.request.Request(f"https://pypi.org/pypi/{name}/{version}/json"),
    "osv": urllib.request.Request(
        "https://api.osv.dev/v1/query",
        data=json.dumps(
            {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
        ).encode(),
        headers={"Content-Type": "application/json"},
    ),
}
for service, probe in probes.items():
    try:
        with urllib.request.urlopen(probe, timeout=15) as reply:  # fixed https URLs only
            body = json.load(reply)
            # PyPI lists "vulnerabilities" per release; OSV answers {} when none.
            if isinstance(body, dict) and (service == "osv" or "vulnerabilities" in body):
                print(service)
                sys.exit()
    except (OSError, ValueError) as error:
        print(f"  {service}: {error}", file=sys.stderr)
print("none")
PY
)"

if [ "$service" = none ]; then
  count="$(grep -c '==' "$CONSTRAINTS")"
  echo "pip-audit: NOT RUN. Neither advisory service (PyPI's per-release JSON API," >&2
  echo "  OSV) answers from this machine, so the $count pins of $CONSTRAINTS were not" >&2
  echo "  checked for known vulnerabilities. Run \`make security\` where the network" >&2
  echo "  reaches pypi.org or api.osv.dev (see README, Security checks)." >&2
  if [ "${SECURITY_REQUIRE_AUDIT:-0}" = 1 ]; then
    exit 1
  fi
  exit 0
fi

"$BIN/pip-audit" --strict --progress-spinner off --vulnerability-service "$service" \
  --cache-dir "$CACHE" --requirement "$CONSTRAINTS" --no-deps --disable-pip
