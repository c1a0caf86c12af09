#!/usr/bin/env python3
"""Linear time and bounded memory of the `kusto-frames` tool on hostile shapes.

For each shape, generates bodies of 1, 4 and 16 MB (and 64 MB for peak
memory), runs `kusto-frames <command>` on each with /usr/bin/time, and prints
a Markdown table: seconds, the 16 MB / 4 MB time ratio (linear time: about
4), exit status and peak RSS.

    cargo build --release --bin kusto-frames
    python3 benches/scripts/hostile_shapes.py [--bin target/release/kusto-frames]
        [--commands stats,json,csv] [--sizes 1,4,16,64] [--shapes a,b]

Bodies are written to a temporary directory and removed afterwards.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

MB = 1 << 20
HEADER = '[{"FrameType":"DataSetHeader","IsProgressive":true,"Version":"v2.0"}'
END = ',{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}]'
COLS = '[{"ColumnName":"n","ColumnType":"long"},{"ColumnName":"s","ColumnType":"string"}]'


def frames(size, make):
    """A V2 body of about `size` bytes: HEADER, make(i) for i = 0.., END."""
    parts = [HEADER]
    n = len(HEADER) + len(END)
    i = 0
    while n < size:
        f = "," + make(i)
        parts.append(f)
        n += len(f)
        i += 1
    parts.append(END)
    return "".join(parts).encode()


def rows(k, width=40):
    return ",".join('[%d,"%s"]' % (j, "x" * width) for j in range(k))


SHAPES = {
    # TableProgress frames for tables nothing declared (ids cycle below the
    # decoder's 4096-table limit).
    "progress-undeclared": lambda size: frames(
        size, lambda i: '{"FrameType":"TableProgress","TableId":%d,"TableProgress":50}' % (i % 4000 + 1)
    ),
    # The same with every id new: rejected at the 4097th table (exit 2).
    "progress-distinct-ids": lambda size: frames(
        size, lambda i: '{"FrameType":"TableProgress","TableId":%d,"TableProgress":50}' % (i + 1)
    ),
    # DataTables that send Rows before Columns (held by the decoder per frame).
    "rows-before-columns": lambda size: frames(
        size,
        lambda i: '{"FrameType":"DataTable","TableId":%d,"Rows":[%s],"TableKind":"PrimaryResult","TableName":"T","Columns":%s}'
        % (i % 4000, rows(500), COLS),
    ),
    # Many small DataTables.
    "small-datatables": lambda size: frames(
        size,
        lambda i: '{"FrameType":"DataTable","TableId":%d,"TableKind":"PrimaryResult","TableName":"T%d","Columns":%s,"Rows":[[1,"a"]]}'
        % (i % 4000, i, COLS),
    ),
    # TableHeader / TableCompletion pairs.
    "header-completion-pairs": lambda size: frames(
        size,
        lambda i: '{"FrameType":"TableHeader","TableId":%d,"TableKind":"PrimaryResult","TableName":"H","Columns":%s},{"FrameType":"TableCompletion","TableId":%d,"RowCount":0}'
        % (i % 4000, COLS, i % 4000),
    ),
    # A V1 table with the TableOfContents' columns, many rows.
    "v1-toc-shaped": lambda size: v1_toc(size),
    # One-cell rows: what `json` used to hold at 17-25x the body.
    "one-cell-rows": lambda size: one_cell(size),
    # Not JSON: plain text.
    "text-body": lambda size: (b"The request failed. " * (size // 20 + 1))[:size],
}


def v1_toc(size):
    head = '{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"Ordinal","DataType":"Int64"},{"ColumnName":"Kind","DataType":"String"},{"ColumnName":"Name","DataType":"String"},{"ColumnName":"Id","DataType":"String"},{"ColumnName":"PrettyName","DataType":"String"}],"Rows":['
    row = '[0,"QueryResult","PrimaryResult","4b2a1d6e-0d3c-4e5f-9a8b-7c6d5e4f3a2b",""]'
    n = max(1, (size - len(head)) // (len(row) + 1))
    return (head + ",".join([row] * n) + "]}]}").encode()


def one_cell(size):
    head = HEADER + ',{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"T","Columns":[{"ColumnName":"n","ColumnType":"long"}],"Rows":['
    n = max(1, (size - len(head) - len(END)) // 4)
    return (head + ",".join(["[1]"] * n) + "]}" + END).encode()


def run(binary, command, path):
    """(seconds, exit status, peak RSS in KiB) of one run."""
    args = ["/usr/bin/time", "-f", "%M", binary, command]
    args.append(path)
    t = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.perf_counter() - t
    rss = int(re.findall(rb"(\d+)\s*$", p.stderr.strip())[-1])
    return secs, p.returncode, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/kusto-frames")
    ap.add_argument("--commands", default="stats,json,csv")
    ap.add_argument("--sizes", default="1,4,16,64")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--repeat", type=int, default=3, help="runs per case (best time kept)")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs /usr/bin/time (apt-get install time)")
    sizes = [int(s) for s in a.sizes.split(",")]
    print("| shape | command | " + " | ".join("%d MB s" % s for s in sizes) + " | 16/4 MB | exit | peak RSS (MiB) at " + ", ".join("%d" % s for s in sizes) + " MB |")
    print("|---|---|" + "---|" * len(sizes) + "---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for shape in a.shapes.split(","):
            paths = {}
            for s in sizes:
                paths[s] = os.path.join(d, "%s-%d.json" % (shape, s))
                with open(paths[s], "wb") as f:
                    f.write(SHAPES[shape](s * MB))
            for cmd in a.commands.split(","):
                secs, rss, codes = {}, {}, set()
                for s in sizes:
                    best = None
                    for _ in range(a.repeat):
                        t, code, m = run(a.bin, cmd, paths[s])
                        codes.add(code)
                        best = t if best is None else min(best, t)
                        rss[s] = max(rss.get(s, 0), m)
                    secs[s] = best
                ratio = secs[16] / secs[4] if 16 in secs and 4 in secs and secs[4] > 0 else float("nan")
                print("| %s | %s | %s | %.1f | %s | %s |" % (
                    shape, cmd,
                    " | ".join("%.3f" % secs[s] for s in sizes),
                    ratio,
                    ",".join(str(c) for c in sorted(codes)),
                    ", ".join("%.1f" % (rss[s] / 1024) for s in sizes),
                ))
                sys.stdout.flush()
            for p in paths.values():
                os.remove(p)


if __name__ == "__main__":
    main()
