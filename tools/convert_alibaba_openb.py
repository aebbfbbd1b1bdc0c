#!/usr/bin/env python3
"""Convert an Alibaba GPU 2023 "openb" pod list into capsim's generic trace CSV.

Input: a cluster-trace-gpu-v2023 openb_pod_list_*.csv (alibaba/clusterdata), by default the copy in
../shared/data/traces/ next to this repository. Columns used: name, cpu_milli, memory_mib, num_gpu,
qos, gpu_spec, creation_time, deletion_time (seconds from the trace start).

Output (docs/trace-format.md): one `create` row at creation_time with the requests
(cpu_milli -> cpu "<n>m", memory_mib -> memory "<n>Mi", num_gpu -> gpu, blank when 0) and a label
alibaba.com/qos=<qos>; one `delete` row at deletion_time. Rows are sorted by (time, event, pod), so
at one instant creations come before deletions. A few comment lines before the header keep the
attribution the source asks for.

Simplifications, reported on stderr:
- gpu_milli (a fraction of a shared GPU) is dropped: a pod with num_gpu = 1 asks for a whole GPU,
  as AWS GPU instances expose whole devices.
- gpu_spec (a GPU-model constraint of the source cluster) has no EC2 equivalent and is dropped.
- a pod without creation_time is skipped; one without deletion_time gets no delete row; a
  deletion_time before creation_time is raised to creation_time.

Never commit the converted trace; write it under out/ or a temporary directory.

Usage: tools/convert_alibaba_openb.py [--input PATH] OUTPUT.csv
"""

import argparse
import csv
import os
import sys

DEFAULT_INPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "traces",
    "alibaba-gpu-v2023-openb_pod_list_default.csv")

REQUIRED = ("name", "cpu_milli", "memory_mib", "num_gpu", "creation_time", "deletion_time")

ATTRIBUTION = (
    "# capsim generic trace converted by tools/convert_alibaba_openb.py",
    "# source: alibaba/clusterdata cluster-trace-gpu-v2023 (openb pod list), research or study use;",
    "# please cite Weng et al., \"Beware of Fragmentation\", USENIX ATC '23",
)


def fail(path, line, message):
    sys.stderr.write(f"{path}:{line}: error: {message}\n")
    sys.exit(2)


def parse_int(path, line, column, text):
    try:
        value = int(text)
    except ValueError:
        fail(path, line, f"{column}: expected an integer, got \"{text}\"")
    if value < 0:
        fail(path, line, f"{column}: expected a non-negative integer, got \"{text}\"")
    return value


def convert(input_path, output_path):
    rows = []
    notes = {"gpu_milli": 0, "gpu_spec": 0, "no_creation": 0, "no_deletion": 0, "clamped": 0}
    seen = set()
    with open(input_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            fail(input_path, 1, "missing required column " + ", ".join(f"\"{c}\"" for c in missing))
        for rec in reader:
            line = reader.line_num
            pod = rec["name"].strip()
            if not pod:
                fail(input_path, line, "name: expected a pod name, got \"\"")
            if pod in seen:
                fail(input_path, line, f"name: duplicate pod \"{pod}\"")
            seen.add(pod)
            created = rec["creation_time"].strip()
            if not created:
                notes["no_creation"] += 1
                continue
            t_create = parse_int(input_path, line, "creation_time", created)
            cpu = parse_int(input_path, line, "cpu_milli", rec["cpu_milli"].strip() or "0")
            mem = parse_int(input_path, line, "memory_mib", rec["memory_mib"].strip() or "0")
            gpu = parse_int(input_path, line, "num_gpu", rec["num_gpu"].strip() or "0")
            gpu_milli = (rec.get("gpu_milli") or "").strip()
            if gpu_milli and gpu_milli not in ("0", "1000") and gpu <= 1:
                notes["gpu_milli"] += 1
            if (rec.get("gpu_spec") or "").strip():
                notes["gpu_spec"] += 1
            qos = (rec.get("qos") or "").strip()
            labels = f"alibaba.com/qos={qos}" if qos else ""
            rows.append((t_create, "create", pod, f"{cpu}m", f"{mem}Mi", str(gpu) if gpu else "", labels))
            deleted = rec["deletion_time"].strip()
            if not deleted:
                notes["no_deletion"] += 1
                continue
            t_delete = parse_int(input_path, line, "deletion_time", deleted)
            if t_delete < t_create:
                notes["clamped"] += 1
                t_delete = t_create
            rows.append((t_delete, "delete", pod, "", "", "", ""))

    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out_dir = os.path.dirname(os.path.abspath(output_path))
    os.makedirs(out_dir, exist_ok=True)
    with open(output_path, "w", newline="", encoding="utf-8") as out:
        for comment in ATTRIBUTION:
            out.write(comment + "\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["time", "pod", "event", "cpu", "memory", "gpu", "labels"])
        writer.writerows((t, pod, event, cpu, mem, gpu, labels) for t, event, pod, cpu, mem, gpu, labels in rows)

    creates = sum(1 for r in rows if r[1] == "create")
    sys.stderr.write(f"wrote {output_path}: {creates} pods, {len(rows)} events\n")
    messages = {
        "gpu_milli": "pods share a GPU (gpu_milli < 1000): each asks for one whole GPU",
        "gpu_spec": "pods carry a gpu_spec constraint, dropped",
        "no_creation": "pods have no creation_time, skipped",
        "no_deletion": "pods have no deletion_time, no delete row",
        "clamped": "pods have deletion_time < creation_time, deleted at creation",
    }
    for key, count in notes.items():
        if count:
            sys.stderr.write(f"note: {count} {messages[key]}\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default=DEFAULT_INPUT, help="openb pod list CSV (default: %(default)s)")
    parser.add_argument("output", help="where to write the generic trace CSV")
    args = parser.parse_args(argv)
    if not os.path.exists(args.input):
        fail(args.input, 0, "no such input file")
    convert(args.input, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
