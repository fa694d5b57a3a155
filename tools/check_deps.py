#!/usr/bin/env python3
"""Rejects any #include "<module>/..." that points up or sideways in the module table.

The allowed dependencies are STYLE.md section 1: dependencies point down only, no cycles.
Exit status 0 when every include is allowed; otherwise one line per violation and exit 1.
"""
import pathlib
import re
import sys

ALLOWED = {
    "core": set(),
    "model": {"core"},
    "http": {"core"},
    "store": {"core", "model"},
    "s3": {"core", "http"},
    "artifacts": {"core", "s3"},
    "onboarding": {"core", "http", "s3"},
    "auth": {"core", "store", "model"},
    "api": {"core", "model", "http", "store", "s3", "artifacts", "auth"},
    "app": {"core", "model", "http", "store", "s3", "artifacts", "auth", "api", "onboarding"},
    "cli": {"core", "model", "http", "store", "s3", "artifacts", "auth", "api", "app",
            "onboarding"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)/')


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    violations = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".h", ".cc"}:
            continue
        module = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(module)
        if allowed is None:
            violations.append(f"{path}: module '{module}' is not in the dependency table")
            continue
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if match and match.group(1) != module and match.group(1) not in allowed:
                violations.append(f"{path}:{lineno}: {module} may not include {match.group(1)}/")
    for v in violations:
        print(v)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
