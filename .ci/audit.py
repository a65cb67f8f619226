"""Audit the locked dependencies with pip-audit and say plainly what was and was not audited.

pip-audit prints "No known vulnerabilities found" even when it could audit nothing (every package
skipped because the vulnerability service was unreachable), so this reads its JSON instead:
exit 1 if any locked package has a known vulnerability, 0 otherwise, and print how many packages
were actually audited, so "0 audited" is never mistaken for "clean".
Usage: python .ci/audit.py [lock files]   (default: requirements/serve.lock requirements/dev.lock)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _audit(locks: list[str], service: str) -> dict[str, object] | None:
    args = [str(Path(sys.executable).parent / "pip-audit"), "--format", "json", "--progress-spinner", "off"]
    # The locks pin every transitive package, so nothing needs resolving or installing.
    args += ["--no-deps", "--disable-pip", "--vulnerability-service", service]
    for lock in locks:
        args += ["-r", lock]
    run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    try:
        report: dict[str, object] = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"audit ({service}): no report (exit {run.returncode}): {run.stderr.strip()[-300:]}")
        return None
    return report


def main() -> int:
    locks = sys.argv[1:] or ["requirements/serve.lock", "requirements/dev.lock"]
    deps: list[dict[str, object]] = []
    service = "none"
    for candidate in ("pypi", "osv"):  # the second only if the first audited nothing
        report = _audit(locks, candidate)
        found = list(report.get("dependencies", [])) if report else []  # type: ignore[call-overload]
        if found and (not deps or any(not d.get("skip_reason") for d in found)):
            deps, service = found, candidate
        if any(not d.get("skip_reason") for d in deps):
            break
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    for d in vulnerable:
        ids = ", ".join(str(v["id"]) for v in d["vulns"])  # type: ignore[attr-defined]
        print(f"audit: VULNERABLE {d['name']}=={d['version']}: {ids}")
    print(
        f"audit ({service}): {len(deps)} locked packages in {', '.join(locks)}; {len(audited)} audited, "
        f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited"
    )
    if skipped:
        print(f"audit: not audited, e.g. {skipped[0]['name']}: {skipped[0]['skip_reason']}")
        if not audited:
            print(
                "audit: NO PACKAGE WAS AUDITED: no vulnerability service answers from this machine; "
                "this is not a clean result (see README, Security)"
            )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
