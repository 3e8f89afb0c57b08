"""The ``presidio-x402`` command (also ``python -m presidio_x402``), the same as the npm package's:

    presidio-x402 verify FILE|DIR [options]          # python -m presidio_x402.audit_log verify
    presidio-x402 report LOGDIR|FILE [options]       # python -m presidio_x402.compliance_report
    presidio-x402 validate-policy FILE.toml|FILE.json

The chain key is read from ``$PRESIDIO_X402_CHAIN_KEY`` (hex). Exit status: 0
when every chain verifies (the policy is valid), 1 when one does not (it is
not: each problem is printed as ``path: code: description``), 2 on usage errors.
"""

from __future__ import annotations

import sys

USAGE = """usage: presidio-x402 verify FILE|DIR [--expected-seq N --expected-mac MAC | --store-dir DIR | --heads FILE]
       presidio-x402 report LOGDIR|FILE [--format markdown|json] [--out FILE] [--store-dir DIR | --heads HEADS.json]
       presidio-x402 validate-policy FILE.toml|FILE.json
The chain key is read from $PRESIDIO_X402_CHAIN_KEY (hex)."""


def _validate_policy(args: list[str]) -> int:
    from .x402_policy_schema import PolicyValidationError, load_policy_file

    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        load_policy_file(args[0])
    except PolicyValidationError as e:
        for line in e.errors:
            print(f"FAILED: {line}")
        return 1
    except (OSError, ValueError) as e:
        print(f"presidio-x402: {e}", file=sys.stderr)
        return 2
    print(f"OK: {args[0]} is a valid policy")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not args else sys.stdout)
        return 2 if not args else 0
    cmd, rest = args[0], args[1:]
    if cmd == "verify":
        from .audit_log import _main as verify

        return verify(["verify", *rest])
    if cmd == "report":
        from .compliance_report import _main as report

        return report(rest)
    if cmd == "validate-policy":
        return _validate_policy(rest)
    print(f"unknown command: {cmd}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
