#!/usr/bin/env python3
"""Regenerates functions.json from cases.txt with the `terraform` binary (v1.11).

Each line of cases.txt is an expression (blank lines and lines starting with # are
skipped). Terraform evaluates every expression as a root output in a scratch folder
holding a copy of files/; the result is recorded as JSON, or the error's summary and
detail. The Rust test (tests/golden.rs) checks iac against this file without Terraform.
"""
import json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1")


def run(args, cwd):
    return subprocess.run(["terraform", *args, "-no-color"], cwd=cwd, env=ENV,
                          capture_output=True, text=True)


def write_config(dir, exprs, sensitive=()):
    with open(os.path.join(dir, "main.tf"), "w") as f:
        for i, e in enumerate(exprs):
            s = "\n  sensitive = true" if i in sensitive else ""
            f.write(f'output "o{i}" {{\n  value = {e}{s}\n}}\n')


def main():
    with open(os.path.join(HERE, "cases.txt")) as f:
        exprs = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    work = tempfile.mkdtemp()
    shutil.copytree(os.path.join(HERE, "files"), os.path.join(work, "files"))
    write_config(work, exprs)
    plan = run(["plan", "-json"], work)
    errors, sensitive = {}, set()
    for line in plan.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("type") != "diagnostic" or msg["diagnostic"]["severity"] != "error":
            continue
        d = msg["diagnostic"]
        i = (d["range"]["start"]["line"] - 1) // 3
        if d["summary"] == "Output refers to sensitive values":
            sensitive.add(i)
        else:
            errors[i] = {"summary": d["summary"], "detail": d["detail"]}
    ok = [i for i in range(len(exprs)) if i not in errors]
    write_config(work, [exprs[i] for i in ok], {n for n, i in enumerate(ok) if i in sensitive})
    applied = run(["apply", "-auto-approve"], work)
    if applied.returncode != 0:
        sys.exit(applied.stdout + applied.stderr)
    outputs = json.loads(run(["output", "-json"], work).stdout)
    cases = []
    for i, e in enumerate(exprs):
        if i in errors:
            cases.append({"expr": e, "error": errors[i]})
        else:
            # Terraform keeps no null outputs.
            out = outputs.get(f"o{ok.index(i)}", {"value": None, "sensitive": i in sensitive})
            case = {"expr": e, "value": out["value"]}
            if out["sensitive"]:
                case["sensitive"] = True
            cases.append(case)
    shutil.rmtree(work)
    with open(os.path.join(HERE, "functions.json"), "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
