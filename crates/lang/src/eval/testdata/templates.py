#!/usr/bin/env python3
"""Regenerates templates.json: each case's expression rendered by the `terraform`
binary (run: python3 templates.py, with terraform on PATH). The tests read only the
JSON."""
import json, os, subprocess, tempfile

CASES = {
    "interp_strip_end": '"a ${"b"~} c"',
    "interp_strip_start": '"a ${~"b"} c"',
    "value_ws_kept": '"${" y "} ${~"z"}"',
    "value_ws_kept_end": '"${"y"~} ${" z "}"',
    "if_strip": '"x %{~ if true ~} yes %{~ else ~} no %{~ endif ~} z"',
    "if_false_strip": '"x %{~ if false ~} yes %{~ else ~} no %{~ endif ~} z"',
    "if_untaken_strip": '"a %{ if false }x%{~ endif } b"',
    "else_strip_untaken": '"a %{ if true }x %{~ else } y %{ endif } b"',
    "newline_escapes_stripped": '"a\\n\\n ${~ "b" ~} \\n c"',
    "for_strip": '"[ %{~ for v in ["a", "b"] ~} ${v} , %{~ endfor ~} ]"',
    "for_nostrip": '"[ %{ for v in ["a", "b"] } ${v} , %{ endfor } ]"',
    "escapes_in_if": '"%{ if true }a\\nb\\"c\\\\d\\u00e9 $${x} %%{y}%{ endif }"',
    "escapes_in_for": '"%{ for v in ["1"] }\\t${v}\\"\\\\\\u0041$${v}%%{v}%{ endfor }"',
    "escapes_in_else": '"%{ if false }x%{ else }q\\"\\\\n\\n%{ endif }"',
    "escape_then_strip": '"%{ if true ~}\\n\\t x%{ endif }"',
    "heredoc_if": '<<EOT\nbefore\n%{~ if true ~}\n  inside\n%{~ endif ~}\nafter\nEOT',
    "heredoc_strip_interp": '<<EOT\na   \n  ${~ "b" ~}   \n  c\nEOT',
    "heredoc_escapes_kept": '<<EOT\n%{ if true }a\\n"b"%{ endif }\nEOT',
    "strip_across_empty": '"a %{~ if false }x%{ endif ~} b"',
    "nested": '"%{ for v in ["a","b"] ~}%{ if v == "a" ~} A %{~ else ~} B %{~ endif ~}%{ endfor ~}."',
}

def main():
    with tempfile.TemporaryDirectory() as d:
        body = "".join(f"  {k} = {v}\n" for k, v in CASES.items())
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write("locals {\n  cases = {\n" + body + "  }\n}\n"
                    'output "cases" { value = local.cases }\n')
        subprocess.run(["terraform", "apply", "-auto-approve", "-no-color"], cwd=d,
                       check=True, capture_output=True)
        out = subprocess.run(["terraform", "output", "-json", "cases"], cwd=d,
                             check=True, capture_output=True, text=True).stdout
    got = json.loads(out)
    golden = {k: {"expr": v, "want": got[k]} for k, v in CASES.items()}
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "templates.json"), "w") as f:
        json.dump(golden, f, indent=2, ensure_ascii=False)
        f.write("\n")

main()
