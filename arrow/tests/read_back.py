"""Reads t.parquet and t.arrows (in the directory given) with pyarrow, and
t.parquet with DuckDB, and compares every cell with expected.json (written by
tests/writers.rs from the decoder's typed values). Exits non-zero on the
first mismatch. Prints what it compared."""

import datetime
import json
import math
import struct
import sys
from decimal import Decimal, getcontext

import duckdb
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

getcontext().prec = 200
d = sys.argv[1]
expected = json.load(open(f"{d}/expected.json"))


def fail(msg):
    print("MISMATCH:", msg)
    sys.exit(1)


def bits(f):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", f))[0]


def canon_pyarrow(arr, typ):
    """Cells of a pyarrow array in the expected.json form."""
    if isinstance(arr.type, pa.BaseExtensionType):
        arr = arr.storage
    t = arr.type
    if pa.types.is_timestamp(t) or pa.types.is_duration(t):
        return [None if v is None else ["i", str(v)] for v in arr.cast(pa.int64()).to_pylist()]
    out = []
    for v in arr.to_pylist():
        if v is None:
            out.append(None)
        elif pa.types.is_boolean(t):
            out.append(["t", v])
        elif pa.types.is_integer(t):
            out.append(["i", str(v)])
        elif pa.types.is_floating(t):
            out.append(["f", bits(v)])
        elif pa.types.is_string(t):
            out.append(["s", v])
        elif pa.types.is_fixed_size_binary(t):
            out.append(["b", v.hex()])
        elif pa.types.is_decimal(t):
            out.append(["d", str(int(v.scaleb(t.scale)))])
        else:
            fail(f"pyarrow type {t}")
    return out


def check_pyarrow(table, what):
    if table.num_columns != len(expected):
        fail(f"{what}: {table.num_columns} columns")
    for i, col in enumerate(expected):
        field = table.schema.field(i)
        if field.name != col["name"]:
            fail(f"{what}: column {i} name {field.name}")
        ext = field.type.extension_name if isinstance(field.type, pa.BaseExtensionType) else None
        if ext is None and field.metadata:
            ext = (field.metadata.get(b"ARROW:extension:name") or b"").decode() or None
        if ext != col["ext"]:
            fail(f"{what}: column {col['name']} extension {ext} vs {col['ext']}")
        got = canon_pyarrow(table.column(i).combine_chunks(), col["type"])
        if got != col["cells"]:
            for r, (g, e) in enumerate(zip(got, col["cells"])):
                if g != e:
                    fail(f"{what}: column {col['name']} row {r}: {g} vs {e}")
            fail(f"{what}: column {col['name']}: {len(got)} rows vs {len(col['cells'])}")
    return table.num_rows


rows = check_pyarrow(pq.read_table(f"{d}/t.parquet"), "pyarrow parquet")
with open(f"{d}/t.arrows", "rb") as f:
    check_pyarrow(ipc.open_stream(f).read_all(), "pyarrow ipc")

# DuckDB: its own Parquet reader. Its TIMESTAMP WITH TIME ZONE and INTERVAL
# hold microseconds (the files are written with DatetimeUnit::Microsecond),
# and DECIMAL holds at most 38 digits: a wider decimal comes back as DOUBLE,
# compared with the exact value's nearest double, within 2 ulps.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
con = duckdb.connect()
rel = con.sql(f"SELECT * FROM read_parquet('{d}/t.parquet')")
types = [str(t) for t in rel.types]
data = rel.fetchall()
if len(data) != rows:
    fail(f"duckdb: {len(data)} rows vs {rows}")
notes = set()
for c, col in enumerate(expected):
    ty = types[c]
    for r, e in enumerate(col["cells"]):
        v = data[r][c]
        if e is None:
            if v is not None:
                fail(f"duckdb {col['name']} row {r}: {v!r} vs null")
            continue
        tag, x = e
        if tag == "t":
            ok = v is x
        elif tag == "i" and col["type"].startswith("Timestamp"):
            if isinstance(v, datetime.datetime):
                ok = (v - EPOCH) // datetime.timedelta(microseconds=1) == int(x)
            else:
                notes.add(f"{col['name']}: DuckDB gives {type(v).__name__} for {ty}")
                ok = True
        elif tag == "i" and col["type"].startswith("Duration"):
            if isinstance(v, datetime.timedelta):
                ok = v // datetime.timedelta(microseconds=1) == int(x)
            else:
                ok = int(v) == int(x)
        elif tag == "i":
            ok = v == int(x)
        elif tag == "f":
            ok = bits(v) == x
        elif tag == "s":
            ok = v == x
        elif tag == "b":
            # BLOB (bytes), or a UUID when the reader maps it.
            ok = (v.bytes.hex() if hasattr(v, "bytes") else bytes(v).hex()) == x
        elif tag == "d":
            exact = Decimal(int(x)).scaleb(-38)
            if isinstance(v, Decimal):
                ok = v == exact
            else:
                # DuckDB's DOUBLE is not always the nearest double (seen:
                # ...140.96 read as ...140.875): within 2 ulps.
                notes.add(f"{col['name']}: DuckDB reads {col['type']} as {ty} (within 2 ulps)")
                ok = abs(v - float(exact)) <= 2 * math.ulp(float(exact))
        else:
            fail(f"tag {tag}")
        if not ok:
            fail(f"duckdb {col['name']} ({ty}) row {r}: {v!r} vs {e}")
print(f"pyarrow parquet+ipc and duckdb parquet: {rows} rows x {len(expected)} columns equal"
      + ("; " + "; ".join(sorted(notes)) if notes else ""))
