#!/usr/bin/env python3
"""Generate capsim's EC2 catalog (instance-catalog/) from the shared data files.

Inputs (all in --data DIR, default ../shared/data relative to the repository root):
  ec2-instance-types.csv   one row per instance type (specs, ENIs, Karpenter's own figures)
  ec2-ondemand-prices.csv  on-demand USD/h per (region, instance type)
  ec2-spot-advisor.csv     AWS Spot Advisor: savings vs on-demand and interruption band per
                           (region, instance type)
  SOURCES.md               read only to check that the inputs are the documented ones

Outputs (in --out DIR, default instance-catalog/ in the repository root):
  instance-types.csv  the columns capsim::catalog::InstanceTypeInfo needs
  prices.csv          region, type, on-demand USD/h, spot savings %, interruption band (+ index)
  regions.csv         region, its availability-zone names, price date and source
  PROVENANCE.md       sources, generation command, row counts, the spot price model

The outputs depend only on the inputs: rows are sorted, line endings are "\n", nothing records
the time of generation, so a rerun is byte-identical. Python 3 standard library only.

Spot price model (implemented in C++ in src/catalog/catalog.cpp, mirrored by spot_zone_nano()
below so that PROVENANCE.md can show worked examples computed independently):
  regional spot price = on-demand x (1 - savings_pct / 100), rounded half up to a nano-USD;
  zone spot price     = regional x (1 + spread), spread = (FNV-1a-64(zone + "|" + type) mod 100001
                        - 50000) / 1e6, i.e. a fixed value in [-0.05, +0.05]; the product is
                        rounded half away from zero to a nano-USD.
  A type without a Spot Advisor row in a region has no spot offering there.
"""

import argparse
import csv
import hashlib
import io
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Availability-zone letters per region (zone name = region + letter). The data files carry no
# zone names (zone names are mapped per AWS account; only zone IDs are global), so this table is
# general knowledge of the zones AWS offers to new accounts, as of 2025. Regions not listed get
# a, b, c. Notes: ap-northeast-1b and ca-central-1c are not offered to new accounts; us-west-1 has
# two zones (a, c for most accounts; a, b here: the letters are account-specific anyway).
ZONE_LETTERS = {
    "af-south-1": "abc",
    "ap-east-1": "abc",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ap-northeast-3": "abc",
    "ap-south-1": "abc",
    "ap-south-2": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "abc",
    "ap-southeast-3": "abc",
    "ap-southeast-4": "abc",
    "ap-southeast-5": "abc",
    "ap-southeast-7": "abc",
    "ca-central-1": "abd",
    "ca-west-1": "abc",
    "eu-central-1": "abc",
    "eu-central-2": "abc",
    "eu-north-1": "abc",
    "eu-south-1": "abc",
    "eu-south-2": "abc",
    "eu-west-1": "abc",
    "eu-west-2": "abc",
    "eu-west-3": "abc",
    "il-central-1": "abc",
    "me-central-1": "abc",
    "me-south-1": "abc",
    "mx-central-1": "abc",
    "sa-east-1": "abc",
    "us-east-1": "abcdef",
    "us-east-2": "abc",
    "us-gov-east-1": "abc",
    "us-gov-west-1": "abc",
    "us-west-1": "ab",
    "us-west-2": "abcd",
}

BANDS = ["<5%", "5-10%", "10-15%", "15-20%", ">20%"]

# Karpenter's category/generation labels come from this pattern on the type name
# (aws:pkg/providers/instancetype/types.go, instanceTypeScheme); family and size from the
# split at the single '.'.
INSTANCE_TYPE_SCHEME = re.compile(r"(^[a-z]+)(-[0-9]+tb)?([0-9]+).*\.")

TYPE_COLUMNS = [
    ("instance_type", "instance_type"),
    ("family", None),
    ("category", None),
    ("generation", None),
    ("size", None),
    ("vcpu", "vcpu"),
    ("memory_mib", "memory_mib"),
    ("gpu_count", "gpu_count"),
    ("gpu_name", "gpu_name"),
    ("gpu_manufacturer", "gpu_manufacturer"),
    ("gpu_memory_mib", "gpu_memory_mib"),
    ("accelerator_count", "accelerator_count"),
    ("accelerator_name", "accelerator_name"),
    ("accelerator_manufacturer", "accelerator_manufacturer"),
    ("arch", "arch"),
    ("cpu_manufacturer", "cpu_manufacturer"),
    ("cpu_sustained_clock_mhz", "cpu_sustained_clock_mhz"),
    ("hypervisor", "hypervisor"),
    ("max_enis", "max_enis"),
    ("max_enis_default_card", "max_enis_default_card"),
    ("network_cards", "network_cards"),
    ("ipv4_per_eni", "ipv4_per_eni"),
    ("branch_enis", "branch_enis_pod_eni"),
    ("trunking_compatible", "trunking_compatible"),
    ("network_bandwidth_mbps", "network_bandwidth_mbps"),
    ("ebs_bandwidth_mbps", "ebs_bandwidth_mbps"),
    ("local_nvme_gb", "local_nvme_gb"),
    ("bare_metal", "bare_metal"),
    ("burstable", "burstable"),
    ("current_generation", "current_generation"),
    ("karpenter_pods", "karpenter_pods"),
    ("karpenter_allocatable_cpu_millis", "karpenter_allocatable_cpu_millis"),
    ("karpenter_allocatable_memory_mib", "karpenter_allocatable_memory_mib"),
]

PRICE_COLUMNS = ["region", "instance_type", "on_demand_usd_per_hour", "spot_savings_pct",
                 "interruption_band", "interruption_band_index"]
REGION_COLUMNS = ["region", "zones", "on_demand_as_of", "on_demand_source"]


def fnv1a64(text):
    h = 14695981039346656037
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def usd_to_nano(text):
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 9:
        raise ValueError("bad price %r" % text)
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


def nano_to_usd(nano, decimals=6):
    s = "%d.%09d" % (nano // 10**9, nano % 10**9)
    return s[: len(s) - (9 - decimals)]


def regional_spot_nano(od_nano, savings_pct):
    return (od_nano * (100 - savings_pct) + 50) // 100


def spot_zone_nano(od_nano, savings_pct, zone, instance_type):
    regional = regional_spot_nano(od_nano, savings_pct)
    spread_ppm = fnv1a64(zone + "|" + instance_type) % 100001 - 50000
    num = regional * spread_ppm
    adj = (abs(num) + 500000) // 1000000
    return regional + (adj if num >= 0 else -adj)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_csv(path, header, rows):
    buf = io.StringIO()
    buf.write(",".join(header) + "\n")
    for row in rows:
        for v in row:
            if "," in v or '"' in v or "\n" in v:
                raise SystemExit("gen_catalog: value %r would need CSV quoting" % v)
        buf.write(",".join(row) + "\n")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def type_rows(types):
    out = []
    for r in sorted(types, key=lambda r: r["instance_type"]):
        name = r["instance_type"]
        parts = name.split(".")
        family, size = (parts[0], parts[1]) if len(parts) == 2 else ("", "")
        m = INSTANCE_TYPE_SCHEME.search(name)
        category, generation = (m.group(1), m.group(3)) if m else ("", "")
        derived = {"family": family, "category": category, "generation": generation, "size": size}
        row = []
        for col, src in TYPE_COLUMNS:
            row.append(derived[col] if src is None else r[src])
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO_ROOT, "..", "shared", "data"),
                    help="directory with the shared data files (default: ../shared/data)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "instance-catalog"),
                    help="output directory (default: instance-catalog/)")
    args = ap.parse_args()

    paths = {k: os.path.join(args.data, k) for k in
             ("ec2-instance-types.csv", "ec2-ondemand-prices.csv", "ec2-spot-advisor.csv")}
    types = read_csv(paths["ec2-instance-types.csv"])
    od = read_csv(paths["ec2-ondemand-prices.csv"])
    advisor = read_csv(paths["ec2-spot-advisor.csv"])

    names = {r["instance_type"] for r in types}
    if len(names) != len(types):
        raise SystemExit("gen_catalog: duplicate instance types in ec2-instance-types.csv")

    # On-demand prices: keep (region, type) pairs whose type is in the catalog.
    od_by_key = {}
    dropped_od_types = set()
    region_meta = {}
    for r in od:
        if r["instance_type"] not in names:
            dropped_od_types.add(r["instance_type"])
            continue
        key = (r["region"], r["instance_type"])
        if key in od_by_key:
            raise SystemExit("gen_catalog: duplicate on-demand price for %s %s" % key)
        od_by_key[key] = r["usd_per_hour"]
        region_meta.setdefault(r["region"], set()).add((r["as_of"], r["source"]))

    advice = {}
    for r in advisor:
        key = (r["region"], r["instance_type"])
        band, idx = r["interruption_band"], int(r["interruption_band_index"])
        if band not in BANDS or BANDS.index(band) != idx:
            raise SystemExit("gen_catalog: unexpected interruption band %r/%d" % (band, idx))
        advice[key] = (r["savings_vs_ondemand_pct"], band, str(idx))
    advice_without_od = sorted(k for k in advice if k not in od_by_key)

    price_rows = []
    for key in sorted(od_by_key):
        usd = od_by_key[key]
        usd_to_nano(usd)  # validates
        sav, band, idx = advice.get(key, ("", "", ""))
        price_rows.append([key[0], key[1], usd, sav, band, idx])

    regions = sorted(region_meta)
    region_rows = []
    for region in regions:
        letters = ZONE_LETTERS.get(region, "abc")
        meta = sorted(region_meta[region])
        as_of = "+".join(sorted({m[0] for m in meta}))
        source = "+".join(sorted({m[1] for m in meta}))
        region_rows.append([region, " ".join(region + c for c in letters), as_of, source])

    os.makedirs(args.out, exist_ok=True)
    trows = type_rows(types)
    write_csv(os.path.join(args.out, "instance-types.csv"), [c for c, _ in TYPE_COLUMNS], trows)
    write_csv(os.path.join(args.out, "prices.csv"), PRICE_COLUMNS, price_rows)
    write_csv(os.path.join(args.out, "regions.csv"), REGION_COLUMNS, region_rows)

    with open(os.path.join(args.out, "PROVENANCE.md"), "w", encoding="utf-8", newline="") as f:
        f.write(provenance(args, paths, types, od, advisor, trows, price_rows, region_rows,
                           dropped_od_types, advice_without_od, od_by_key, advice))
    return 0


def provenance(args, paths, types, od, advisor, trows, price_rows, region_rows, dropped_od_types,
               advice_without_od, od_by_key, advice):
    with_spot = sum(1 for r in price_rows if r[3] != "")
    per_region = {}
    for r in price_rows:
        per_region[r[0]] = per_region.get(r[0], 0) + 1
    no_eni = [r[0] for r in trows if r[19] == ""]
    regex_changed = sorted(t["instance_type"] for t, row in zip(sorted(types, key=lambda r: r["instance_type"]), trows)
                           if (t["category"], t["generation"]) != (row[2], row[3]))

    def example(region, zone, typ):
        odn = usd_to_nano(od_by_key[(region, typ)])
        sav = int(advice[(region, typ)][0])
        reg = regional_spot_nano(odn, sav)
        h = fnv1a64(zone + "|" + typ)
        ppm = h % 100001 - 50000
        z = spot_zone_nano(odn, sav, zone, typ)
        return "| %s | %s | %s | %d | %s | %d | %s |" % (
            zone, typ, nano_to_usd(odn), sav, nano_to_usd(reg, 9), ppm, nano_to_usd(z, 9))

    lines = []
    w = lines.append
    w("# instance-catalog: provenance")
    w("")
    w("Generated by `tools/gen_catalog.py` from the shared EC2 data set (`../shared/data`, described")
    w("in its `SOURCES.md`). Facts only (specs, prices); no code was copied. Do not edit by hand:")
    w("regenerate with")
    w("")
    w("```")
    w("python3 tools/gen_catalog.py --data ../shared/data --out instance-catalog")
    w("```")
    w("")
    w("The output is byte-identical on every rerun with the same inputs. capsim embeds these files")
    w("at build time (`cmake/embed.cmake`); `capsim --catalog DIR` loads a directory with the same files.")
    w("")
    w("## Sources")
    w("")
    w("| key | repository | commit (snapshot) | data date | licence |")
    w("|---|---|---|---|---|")
    w("| K | github.com/aws/karpenter-provider-aws | 1d927085dd81a9df9301e613f371dac5b4d16bfe (2026-08-21) | docs 2026-07-11 (v1.14), vpclimits 2026-08-06, us-east-1 and GovCloud prices 2026-07-20 | Apache-2.0 |")
    w("| CA | github.com/kubernetes/autoscaler | 55c37cd5eb550756c5ccc5a89e9068d77797e575 (2026-08-22) | static list 2026-01-22 | Apache-2.0 |")
    w("| DIT | github.com/hoonoh/aws-spot-price (DescribeInstanceTypes test fixture) | b02e9d49242be6a05b6752c4098c1341dbbcfaa2; pages last changed in 0f56b6b73641a820254672da023b5483e9a43d99 | 2025-03-14 | MIT |")
    w("| PP | github.com/yeo/ec2.shop (AWS public price-page JSON) | 74c9fd8ab5acfd9511cd6535f914d47071601ad2; data commit 951cd0d425fd69949e3cec7db7e8238102e2a6f6 | AWS publication 2025-04-04 | repo MIT; prices are AWS's published prices |")
    w("| SA | github.com/alexei-led/spotinfo (AWS Spot Advisor feed) | 05e933139449b888c78795b28af8e9370429a031; data commit 5eedf20a99614443af215f4aaf09bd10805cac72 | 2025-06-28 | Apache-2.0 (feed content is AWS's) |")
    w("")
    w("Instance types: union of K docs, K vpclimits, DIT and CA (precedence K docs > K vpclimits > DIT > CA).")
    w("On-demand prices: us-east-1, us-gov-east-1, us-gov-west-1 from K (2026-07-20); every other region")
    w("from PP (2025-04-04). Spot savings and interruption bands: SA (2025-06-28).")
    w("")
    w("## Inputs")
    w("")
    w("| file | rows | sha256 |")
    w("|---|---|---|")
    for name, rows in (("ec2-instance-types.csv", types), ("ec2-ondemand-prices.csv", od),
                       ("ec2-spot-advisor.csv", advisor)):
        w("| %s | %d | `%s` |" % (name, len(rows), sha256(paths[name])))
    w("")
    w("## Outputs")
    w("")
    w("| file | rows | content |")
    w("|---|---|---|")
    w("| instance-types.csv | %d | one row per instance type; blank = unknown |" % len(trows))
    w("| prices.csv | %d | one row per (region, type) with an on-demand price; %d of them with Spot Advisor data |"
      % (len(price_rows), with_spot))
    w("| regions.csv | %d | region, zone names (space separated), on-demand price date and source |" % len(region_rows))
    w("")
    w("Rows per region in prices.csv: " + ", ".join("%s %d" % (r, per_region[r]) for r in sorted(per_region)) + ".")
    w("")
    w("### instance-types.csv columns")
    w("")
    w("As in `ec2-instance-types.csv` (see SOURCES.md), restricted to what the simulator uses;")
    w("`branch_enis` is the source's `branch_enis_pod_eni`. Derived columns:")
    w("- `family`, `size`: the type name split at its single `.`;")
    w("- `category`, `generation`: Karpenter's pattern `(^[a-z]+)(-[0-9]+tb)?([0-9]+).*\\.` on the type name")
    w("  (`aws:pkg/providers/instancetype/types.go`), so they equal Karpenter's labels; this differs from the")
    w("  source columns for: " + ", ".join(regex_changed) + ".")
    w("- ENI columns are blank for the %d types without ENI data in any source (%s); Karpenter's docs" % (len(no_eni), ", ".join(no_eni)))
    w("  give their pod counts in `karpenter_pods`, which capsim uses as their ENI-limited pod count.")
    w("")
    w("### prices.csv columns")
    w("")
    w("`on_demand_usd_per_hour` as published (Linux, shared tenancy, USD, 6 decimals);")
    w("`spot_savings_pct` (Spot Advisor's 30-day average saving vs on-demand, may be negative),")
    w("`interruption_band` (`<5%`, `5-10%`, `10-15%`, `15-20%`, `>20%`) and its index 0..4; the three are")
    w("blank when the Spot Advisor has no row for the pair (then the type has no spot offering there).")
    w("")
    w("Left out: %d on-demand rows whose type is not in the catalog (%s, no vCPU/memory in any source);" %
      (sum(1 for r in od if r["instance_type"] in dropped_od_types), ", ".join(sorted(dropped_od_types))))
    w("%d Spot Advisor rows without an on-demand price in their region (a spot price cannot be derived" % len(advice_without_od))
    w("without one; this includes all of ap-east-2, which has no on-demand data); the CNY price file")
    w("(cn-north-1) and the 2022 per-AZ spot price history (`ec2-spot-prices.csv`, too old and keyed by")
    w("zone ID, not zone name).")
    w("")
    w("## Zones")
    w("")
    w("The data sets carry no zone names (they are mapped per account; only zone IDs are global). The")
    w("generator assigns each region the zone letters AWS offers to new accounts (general knowledge,")
    w("2025): us-east-1 a-f; us-west-2 and ap-northeast-2 a-d; ap-northeast-1 a, c, d; ca-central-1 a, b, d;")
    w("us-west-1 a, b; every other region a, b, c. `topology.k8s.aws/zone-id` is therefore not modelled.")
    w("")
    w("## Spot price model")
    w("")
    w("AWS publishes no per-zone spot prices in the inputs; capsim models them (an estimate, not a")
    w("published price):")
    w("")
    w("1. on-demand price `od` in nano-USD per hour (exact decimal);")
    w("2. regional spot price `r = round_half_up(od x (100 - savings_pct) / 100)`;")
    w("3. spread in parts per million `s = (FNV-1a-64(zone + \"|\" + instance_type) mod 100001) - 50000`,")
    w("   i.e. a fixed, deterministic value in [-0.05, +0.05] per (zone, type) (FNV-1a 64-bit: offset basis")
    w("   14695981039346656037, prime 1099511628211, over the UTF-8 bytes; `capsim::stable_hash`);")
    w("4. zone spot price `z = r + round_half_away_from_zero(r x s / 1e6)` nano-USD.")
    w("")
    w("A type without Spot Advisor data in a region has no spot offering there. The C++ implementation")
    w("(`Catalog::spot_price`) computes the same integers; worked examples (computed by the generator):")
    w("")
    w("| zone | type | on-demand | savings % | regional spot | spread ppm | zone spot |")
    w("|---|---|---|---|---|---|---|")
    for zone, typ in (("ap-northeast-2a", "c6i.4xlarge"), ("ap-northeast-2b", "c6i.4xlarge"),
                      ("ap-northeast-2c", "c6i.4xlarge"), ("ap-northeast-2d", "c6i.4xlarge"),
                      ("us-east-1a", "m5.large"), ("us-east-1f", "m5.large")):
        region = zone[:-1]
        w(example(region, zone, typ))
    w("")
    w("## Caveats")
    w("")
    w("- Mixed dates: us-east-1 and GovCloud prices are 2026-07, other regions 2025-04 (pre mid-2025 GPU")
    w("  price cuts; families launched after April 2025 are priced only in us-east-1 / GovCloud).")
    w("- Spot Advisor savings are regional 30-day averages; the per-zone spread is synthetic.")
    w("- Not in the inputs, so not modelled: EFA interface counts (`vpc.amazonaws.com/efa` is 0),")
    w("  encryption-in-transit and nitro-enclave labels, zone IDs.")
    w("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
